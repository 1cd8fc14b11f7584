"""Small shared helpers for the population tests (unique module name)."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path
from typing import Any

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


#: What a scoring run writes that two engines must write alike.
WORKLIST_FILES = ("worklist.csv", "worklist.parquet", "risk_assessments.ndjson")


def assert_same_files(a: Path, b: Path, names: Sequence[str] = WORKLIST_FILES) -> None:
    """The files ``names`` hold the same bytes in folders ``a`` and ``b`` (two
    engines, or two inputs that must give the same output)."""
    for name in names:
        assert (a / name).read_bytes() == (b / name).read_bytes(), name
