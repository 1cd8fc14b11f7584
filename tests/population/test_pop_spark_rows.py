"""Spark numbers input rows exactly as DuckDB does when a file is read in several
partitions (the numbering is per partition, then offset by the rows before)."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from nowrongdoor.population import connect, score_population

AS_OF = date(2025, 12, 31)


@pytest.fixture
def small_splits(spark: Any) -> Iterator[Any]:
    """The shared session, reading files in 2 KB splits for one test."""
    key = "spark.sql.files.maxPartitionBytes"
    before = spark.conf.get(key)
    spark.conf.set(key, "2048")
    try:
        yield spark
    finally:
        spark.conf.set(key, before)


def _rows(count: int) -> list[tuple[str, ...]]:
    """Wide claim rows; every 23rd has a code that is not ICD-10-CM (a reject
    that names its row), so rejects fall in many partitions."""
    rows = []
    for i in range(1, count + 1):
        dx2 = f"bad{i}" if i % 23 == 0 else "F17.210"
        member = f"M{i:04d}"
        rows.append(
            (member, "1990-01-01", "F", f"c{i}", "2025-01-01", "11", "Z62.21", dx2, "")
        )
    return rows


@pytest.mark.spark
def test_rows_numbered_like_duckdb_across_partitions(
    tmp_path: Path, small_splits: Any
) -> None:
    from _pop_helpers import WIDE_HEADER, write_csv

    src = tmp_path / "in"
    src.mkdir()
    path = write_csv(src / "claims.csv", WIDE_HEADER, _rows(600))
    # the test only means something if the file really is read in many pieces
    parts = small_splits.read.option("header", True).csv(str(path))
    assert parts.rdd.getNumPartitions() >= 8

    outputs = {}
    for name in ("duckdb", "spark"):
        engine = connect(name, spark=small_splits)  # type: ignore[arg-type]
        try:
            score_population([src], tmp_path / name, engine=engine, as_of=AS_OF)
        finally:
            engine.close()
        outputs[name] = (tmp_path / name / "rejects.csv").read_bytes()
    assert outputs["spark"] == outputs["duckdb"]
    with open(tmp_path / "duckdb" / "rejects.csv", newline="") as handle:
        rejects = list(csv.DictReader(handle))
    # data row i (1-based, header not counted) holds code bad{i}
    assert len(rejects) == 600 // 23
    for reject in rejects:
        number = reject["row"]
        assert f"'bad{number}'" in reject["reason"], reject
