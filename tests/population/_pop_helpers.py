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

#: Birth dates day first, service dates month first. Each value read the other
#: way round would change the result: 05/07/2007 day first is 2007-07-05 (17 on
#: the as-of date: pregnancy counts for a minor), month first 2007-05-07 (18);
#: 06/10/2025 month first is 2025-06-10, day first 2025-10-06 (after the as-of
#: date); 21/03/2008 and 03/21/2025 have only one reading.
BOTH_ORDERS = [
    ("M1", "21/03/2008", "F", "c1", "03/21/2025", "11", "Z62.892", "", ""),
    ("M2", "05/07/2007", "F", "c2", "06/10/2025", "11", "Z33.1", "", ""),
    ("M3", "02/01/1990", "M", "c3", "01/02/2025", "11", "T74.51XA", "", ""),
]
#: The same claims written YYYY-MM-DD.
ISO_ORDERS = [
    ("M1", "2008-03-21", "F", "c1", "2025-03-21", "11", "Z62.892", "", ""),
    ("M2", "2007-07-05", "F", "c2", "2025-06-10", "11", "Z33.1", "", ""),
    ("M3", "1990-01-02", "M", "c3", "2025-01-02", "11", "T74.51XA", "", ""),
]


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
