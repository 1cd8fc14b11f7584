"""`population diff`: what changed between two runs, and why."""

from __future__ import annotations

import csv
import json
from datetime import date
from pathlib import Path

from nowrongdoor.cli import app
from nowrongdoor.population import connect, score_population
from nowrongdoor.population._diff import diff_rows
from nowrongdoor.synth.claims import generate_claims


def _row(member: str, tier: str, score: int, *reasons: tuple[str, str]) -> dict:
    return {
        "member_id": member,
        "age": "15",
        "tier": tier,
        "score": str(score),
        "pathway": {"identified": "survive", "high": "prevent"}.get(tier, "monitor"),
        "reasons": json.dumps(
            [{"indicator": i, "code": "X", "date": d, "points": 1} for i, d in reasons]
        ),
    }


def test_new_up_down_dropped_and_same_with_reasons() -> None:
    old = {
        "A": _row("A", "elevated", 6, ("runaway", "2025-10-01")),
        "B": _row("B", "high", 12, ("runaway", "2025-10-01"), ("sti", "2025-10-02")),
        "C": _row("C", "identified", 50, ("trafficking_confirmed", "2025-01-01")),
        "D": _row("D", "elevated", 6, ("runaway", "2023-11-15")),
        "E": _row("E", "high", 12, ("runaway", "2025-11-01")),
    }
    new = {
        "A": _row("A", "high", 18, ("runaway", "2025-10-01"), ("sti", "2025-12-01")),
        "B": _row("B", "elevated", 6, ("runaway", "2025-10-01")),
        "C": _row("C", "identified", 50, ("trafficking_confirmed", "2025-01-01")),
        "F": _row("F", "high", 12, ("homelessness", "2025-12-20")),
    }
    changes = {c.member_id: c for c in diff_rows(old, new, date(2025, 12, 31))}
    assert [c.change for c in diff_rows(old, new, date(2025, 12, 31))] == [
        "new",
        "up",
        "down",
        "dropped",
        "dropped",
        "same",
    ]
    assert changes["F"].why == "on the worklist for the first time: homelessness"
    assert changes["A"].why == "elevated -> high; gained sti"
    assert changes["B"].why == "high -> elevated; lost sti"
    assert changes["C"].why == "same reasons"
    assert changes["D"].why == (
        "every reason aged out of its look-back window by 2025-12-31: runaway "
        "(2023-11-15, 730-day look-back)"
    )
    assert changes["E"].why.startswith(
        "not on the new worklist although its reasons are still inside"
    )
    assert (changes["D"].tier, changes["D"].old_tier) == ("none", "elevated")


def test_two_monthly_runs_of_the_demo(tmp_path: Path, runner) -> None:
    generate_claims(1500, 7, tmp_path / "claims", fmt="csv")
    engine = connect("duckdb")
    try:
        for month, as_of in (("2025-11", date(2025, 11, 30)), ("2025-12", None)):
            score_population(
                [tmp_path / "claims" / "claims.csv"],
                tmp_path / month,
                engine=engine,
                as_of=as_of,
            )
    finally:
        engine.close()
    out = tmp_path / "changes.csv"
    result = runner.invoke(
        app,
        [
            "population",
            "diff",
            str(tmp_path / "2025-11"),
            str(tmp_path / "2025-12"),
            "--out",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    with open(out, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    kinds = {r["change"] for r in rows}
    assert "same" in kinds and kinds & {"new", "up", "down", "dropped"}
    with open(tmp_path / "2025-12" / "worklist.csv", newline="") as handle:
        current = {r["member_id"] for r in csv.DictReader(handle)}
    assert {r["member_id"] for r in rows if r["change"] != "dropped"} == current
    assert all(r["why"] for r in rows)
    first = result.output.splitlines()[0]
    assert first.startswith(f"{sum(r['change'] == 'new' for r in rows)} new, ")


def test_diff_of_something_that_is_not_a_run(tmp_path: Path, runner) -> None:
    (tmp_path / "a").mkdir()
    result = runner.invoke(
        app, ["population", "diff", str(tmp_path / "a"), str(tmp_path / "a")]
    )
    assert result.exit_code == 2
    assert "holds no worklist.csv" in result.output


def test_dropped_because_a_birthday_moved_the_member_to_an_adult_band() -> None:
    old = {"G": _row("G", "elevated", 8, ("sti", "2025-09-01"))}
    old["G"]["age"] = "17"
    (change,) = diff_rows(old, {}, date(2025, 12, 31))
    assert change.change == "dropped"
    assert change.why == (
        "turned 18: in the young_adult band the same reasons (sti) score 5, below "
        "the elevated threshold (6)"
    )


def test_a_broken_summary_is_refused_not_read_as_no_date(
    tmp_path: Path, runner
) -> None:
    """Without the as-of date a dropped member's aged-out reason would silently
    go missing: a summary.json without one is one sentence naming it."""
    run = tmp_path / "run"
    run.mkdir()
    (run / "worklist.csv").write_text("member_id,tier,score,reasons\nM1,high,9,[]\n")
    summary = run / "summary.json"
    for text in ("{broken", '{"as_of": "last week"}', "{}"):
        summary.write_text(text)
        result = runner.invoke(app, ["population", "diff", str(run), str(run)])
        assert result.exit_code == 2, result.output
        assert " ".join(result.output.split()) == (
            f"error: {summary} has no as_of date (YYYY-MM-DD): it is not a summary "
            "written by `population score`"
        )
    summary.write_text('{"as_of": "2025-06-30"}')
    result = runner.invoke(app, ["population", "diff", str(run), str(run)])
    assert result.exit_code == 0, result.output
