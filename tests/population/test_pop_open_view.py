"""The worklist's open view: the tier and score a member gets from the reasons
that are not 42 CFR Part 2 records (substance use), so the care side can show a
flag's other reasons to viewers without a Part 2 consent (42 CFR 2.12, 2.32)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from _pop_helpers import WIDE_HEADER, assert_same_files, read_csv, write_csv

from nowrongdoor.population import WORKLIST_COLUMNS, connect, score_population

AS_OF = date(2025, 12, 31)

ROWS = [
    # identified survivor with an opioid use disorder code: 50 + 3
    ("A1", "1990-01-01", "F", "c1", "2025-03-01", "11", "T74.51XA", "F11.20", ""),
    # adolescent whose only reason is Part 2: 3 x 2.0 = 6, elevated on it alone
    ("A2", "2010-06-01", "F", "c2", "2025-04-01", "11", "F10.20", "", ""),
    # adolescent runaway with alcohol use: 12 + 6 = 18 high; open 12 high
    ("A3", "2010-06-01", "M", "c3", "2025-04-01", "11", "Z62.892", "F10.20", ""),
    # adult with SUD and SMI: 3 + 3 elevated; open 3, none
    ("A4", "1980-01-01", "F", "c4", "2025-05-01", "11", "F14.20", "F31.9", ""),
    # no Part 2 reason: the open view equals the whole one
    ("A5", "1985-01-01", "F", "c5", "2025-05-01", "11", "T76.51XA", "", ""),
]


def _score(src: Path, out: Path, engine_name: str = "duckdb", spark: Any = None):
    engine = connect(engine_name, spark=spark)  # type: ignore[arg-type]
    try:
        return score_population([src], out, engine=engine, as_of=AS_OF)
    finally:
        engine.close()


def _rows(out: Path) -> dict[str, dict[str, str]]:
    return {r["member_id"]: r for r in read_csv(out / "worklist.csv")}


def test_open_tier_and_score_leave_out_the_part2_reasons(tmp_path: Path) -> None:
    src = write_csv(tmp_path / "claims.csv", WIDE_HEADER, ROWS)
    _score(src, tmp_path / "out")
    rows = _rows(tmp_path / "out")
    got = {
        m: (r["tier"], r["score"], r["open_tier"], r["open_score"])
        for m, r in rows.items()
    }
    assert got == {
        "A1": ("identified", "53", "identified", "50"),
        "A2": ("elevated", "6", "none", "0"),
        "A3": ("high", "18", "high", "12"),
        "A4": ("elevated", "6", "none", "3"),
        "A5": ("high", "40", "high", "40"),
    }
    # The open score is the sum of the non-Part-2 reasons' points.
    for r in rows.values():
        reasons = json.loads(r["reasons"])
        open_points = sum(
            x["points"] for x in reasons if x["sensitivity"] != "42-cfr-part-2"
        )
        assert int(r["open_score"]) == open_points
    assert WORKLIST_COLUMNS[-2:] == ("open_tier", "open_score")
    import pyarrow.parquet as pq

    table = pq.read_table(tmp_path / "out" / "worklist.parquet")
    assert tuple(table.column_names) == WORKLIST_COLUMNS
    assert table.column("open_score").type == table.column("score").type


@pytest.mark.spark
def test_duckdb_and_spark_write_the_same_open_view(tmp_path: Path, spark: Any) -> None:
    src = write_csv(tmp_path / "claims.csv", WIDE_HEADER, ROWS)
    _score(src, tmp_path / "duck")
    _score(src, tmp_path / "spark", "spark", spark)
    assert_same_files(tmp_path / "duck", tmp_path / "spark")
    assert _rows(tmp_path / "spark")["A1"]["open_tier"] == "identified"
