"""Population fixtures: hand-built claims files and a session-scoped Spark session
that is created only when a test asks for it."""

from __future__ import annotations

import csv
import os
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest

WIDE_HEADER = (
    "member_id",
    "birth_date",
    "sex",
    "claim_id",
    "service_date",
    "place_of_service",
    "dx1",
    "dx2",
    "dx3",
)


def write_csv(path: Path, header: Sequence[str], rows: Sequence[Sequence[Any]]) -> Path:
    """Write a small CSV file for a test."""
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def read_csv(path: Path) -> list[dict[str, str]]:
    """Rows of a CSV file as dicts."""
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="session")
def spark(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """One local Spark session for the whole run, bound to 127.0.0.1."""
    pytest.importorskip("pyspark")
    from nowrongdoor.population import spark_session

    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    session = spark_session(tmp_path_factory.mktemp("spark") / "warehouse")
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()
