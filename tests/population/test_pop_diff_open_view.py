"""`population diff` carries the worklist's open view (``open_tier``,
``open_score``: the tier and score from the reasons that are not 42 CFR Part 2
records), so `care import-worklist` of a diff stores it, and says how the open
tier changed from the non-Part-2 reasons alone; `population explain` prints the
open view when it differs from the whole one."""

from __future__ import annotations

import csv
import json
from datetime import date
from pathlib import Path

from _pop_helpers import WIDE_HEADER, write_csv

from nowrongdoor.cli import app
from nowrongdoor.population import connect, score_population
from nowrongdoor.population._diff import DIFF_COLUMNS, diff_rows

P2 = "42-cfr-part-2"


def _reason(ind: str, points: int, sensitivity: str = "youth") -> dict:
    return {
        "indicator": ind,
        "code": "X",
        "date": "2025-10-01",
        "points": points,
        "sensitivity": sensitivity,
    }


def _row(tier: str, score: int, open_tier: str, open_score: int, *reasons) -> dict:
    return {
        "age": "15",
        "tier": tier,
        "score": str(score),
        "pathway": "prevent",
        "reasons": json.dumps(list(reasons)),
        "open_tier": open_tier,
        "open_score": str(open_score),
    }


def test_diff_rows_carry_the_open_view_and_its_change() -> None:
    sud = _reason("substance_use", 6, P2)
    old = {
        # elevated on a Part 2 reason alone; open none
        "A": _row("elevated", 6, "none", 0, sud),
        # high both months; the open tier rises (runaway added, sti kept)
        "B": _row("high", 12, "elevated", 6, sud, _reason("sti", 6)),
        "C": _row("high", 12, "high", 12, _reason("runaway", 12)),
    }
    new = {
        "A": _row("high", 18, "high", 12, sud, _reason("runaway", 12)),
        "B": _row(
            "high", 24, "high", 18, sud, _reason("sti", 6), _reason("runaway", 12)
        ),
        "D": _row("elevated", 6, "none", 0, sud),
    }
    got = {c.member_id: c for c in diff_rows(old, new, date(2025, 12, 31))}
    a, b, c, d = got["A"], got["B"], got["C"], got["D"]
    assert (a.change, a.open_tier, a.open_score, a.old_open_tier) == (
        "up",
        "high",
        12,
        "none",
    )
    assert (a.open_change, a.open_why) == ("new", "none -> high; gained runaway")
    assert (b.change, b.open_change) == ("same", "up")
    assert b.open_why == "elevated -> high; gained runaway"
    assert (c.change, c.open_change, c.open_tier, c.old_open_score) == (
        "dropped",
        "dropped",
        "none",
        12,
    )
    assert (d.change, d.open_change, d.open_tier) == ("new", "same", "none")
    # the open sentence never names a Part 2 indicator
    assert all("substance_use" not in x.open_why for x in got.values())
    assert "substance_use" in d.why  # the whole sentence, as the worklist names it
    assert DIFF_COLUMNS[-6:] == (
        "open_tier",
        "open_score",
        "old_open_tier",
        "old_open_score",
        "open_change",
        "open_why",
    )


def test_an_older_run_without_open_columns_leaves_the_open_view_empty() -> None:
    old = {"A": _row("high", 12, "high", 12, _reason("runaway", 12))}
    for r in old.values():
        del r["open_tier"], r["open_score"]
    new = {"A": _row("high", 18, "high", 18, _reason("runaway", 18))}
    (a,) = diff_rows(old, new, date(2025, 12, 31))
    assert (a.open_tier, a.open_score, a.old_open_tier, a.old_open_score) == (
        "high",
        18,
        "",
        "",
    )
    assert (a.open_change, a.open_why) == ("", "")
    (back,) = diff_rows(new, old, date(2025, 12, 31))
    assert (back.open_tier, back.open_score, back.open_change) == ("", "", "")


ROWS = [
    # adolescent runaway with alcohol use: 12 + 6 = 18 high; open 12 high
    ("A3", "2010-06-01", "M", "c3", "2025-04-01", "11", "Z62.892", "F10.20", ""),
    # adult with SUD and SMI: 3 + 3 elevated; open 3, none
    ("A4", "1980-01-01", "F", "c4", "2025-05-01", "11", "F14.20", "F31.9", ""),
]


def _runs(tmp_path: Path) -> tuple[Path, Path]:
    src = write_csv(tmp_path / "claims.csv", WIDE_HEADER, ROWS)
    engine = connect("duckdb")
    try:
        score_population(
            [src], tmp_path / "old", engine=engine, as_of=date(2025, 4, 30)
        )
        score_population(
            [src], tmp_path / "new", engine=engine, as_of=date(2025, 12, 31)
        )
    finally:
        engine.close()
    return tmp_path / "old", tmp_path / "new"


def test_diff_file_carries_the_open_columns(tmp_path: Path, runner) -> None:
    old, new = _runs(tmp_path)
    out = tmp_path / "changes.csv"
    result = runner.invoke(
        app, ["population", "diff", str(old), str(new), "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    with open(out, newline="", encoding="utf-8") as handle:
        rows = {r["member_id"]: r for r in csv.DictReader(handle)}
    assert {
        m: (r["change"], r["tier"], r["open_tier"], r["open_score"])
        for m, r in rows.items()
    } == {
        "A3": ("same", "high", "high", "12"),
        "A4": ("new", "elevated", "none", "3"),
    }
    assert (rows["A3"]["old_open_tier"], rows["A3"]["open_change"]) == ("high", "same")
    assert (rows["A4"]["old_open_tier"], rows["A4"]["open_change"]) == ("none", "same")
    assert rows["A4"]["open_why"] == "gained serious_mental_illness"
    # the console table shows the open tier beside the tier when one differs
    plain = result.output.replace("│", " ").replace("┃", " ")
    lines = [" ".join(x.split()) for x in plain.splitlines()]
    assert any(x.startswith("member change tier score open tier") for x in lines)
    assert any(x.startswith("A4 new none -> elevated 0 -> 6 none ") for x in lines)


def test_explain_prints_the_open_view_when_it_differs(tmp_path: Path, runner) -> None:
    _old, new = _runs(tmp_path)
    result = runner.invoke(app, ["population", "explain", "A4", "--out", str(new)])
    assert result.exit_code == 0, result.output
    text = " ".join(result.output.split())
    assert "open view (without the 42 CFR Part 2 reasons): tier none, score 3" in text
    result = runner.invoke(app, ["population", "explain", "A3", "--out", str(new)])
    assert "open view (without the 42 CFR Part 2 reasons): tier high, score 12" in (
        " ".join(result.output.split())
    )
    # no Part 2 reason: the open view is the whole one, nothing more to say
    src = write_csv(
        tmp_path / "plain.csv",
        WIDE_HEADER,
        [("B1", "1985-01-01", "F", "c5", "2025-05-01", "11", "T76.51XA", "", "")],
    )
    engine = connect("duckdb")
    try:
        score_population([src], tmp_path / "plain", engine=engine)
    finally:
        engine.close()
    result = runner.invoke(
        app, ["population", "explain", "B1", "--out", str(tmp_path / "plain")]
    )
    assert result.exit_code == 0, result.output
    assert "open view" not in result.output
