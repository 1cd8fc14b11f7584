"""A rejected claim row that carries a code of confirmed or suspected
exploitation (or its history) is never silent: ``summary.json`` counts such rows
by check, ``rejects.csv`` says so on the row, and the CLI says it in one
sentence. The rows stay rejected: the member-record check catches mistyped ids
(docs/population.md, "Row-level rejects")."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from _pop_helpers import read_csv, write_csv

from nowrongdoor.cli import app
from nowrongdoor.population import connect, score_population

LONG = ("member_id", "claim_id", "service_date", "dx_code")


def _extract(tmp: Path) -> list[Path]:
    members = write_csv(
        tmp / "members.csv",
        ("member_id", "birth_date"),
        [("M1", "2009-05-05"), ("M2", "1990-01-01")],
    )
    claims = write_csv(
        tmp / "claims_long.csv",
        LONG,
        [
            ("M1", "c1", "2025-01-01", "Z62.892"),  # fine
            ("M9", "c2", "2025-02-01", "T74.51XA"),  # no member record, confirmed
            ("M9", "c3", "2025-02-02", "Z91.42"),  # no member record, history
            ("M8", "c4", "2025-02-03", "t7652xa"),  # no member record, suspected
            ("M7", "c5", "2025-02-04", "F10.20"),  # no member record, routine
            ("M7", "c6", "2025-02-05", "Z04.81"),  # ruled out: not an alarm
            ("M2", "c7", "2025-13-01", "T74.62XA"),  # bad date, confirmed
            ("M2", "c8", "2025-02-06", "I10"),
        ],
    )
    return [members, claims]


def _score(tmp: Path, name: str, spark=None):
    engine = connect(name, spark=spark)  # type: ignore[arg-type]
    try:
        return score_population(
            _extract(tmp), tmp / name, engine=engine, as_of=date(2025, 6, 30)
        )
    finally:
        engine.close()


def test_rejected_rows_with_trafficking_codes_are_counted_and_marked(
    tmp_path: Path,
) -> None:
    result = _score(tmp_path, "duckdb")
    assert result.summary["rejects_with_trafficking_code"] == {
        "total": 4,
        "by_check": {"member not found": 3, "service_date invalid": 1},
    }
    # the ordinary count is unchanged: every rejected row, alarm or not
    assert result.summary["rejects"]["by_check"] == {
        "member not found": 5,
        "service_date invalid": 1,
    }
    rejects = read_csv(tmp_path / "duckdb" / "rejects.csv")
    rows = {r["row"]: r["reason"] for r in rejects}
    assert rows["2"].startswith("member_id 'M9' has no valid member record")
    assert "trafficking_confirmed" in rows["2"] and "follow it up" in rows["2"]
    assert "trafficking_history" in rows["3"]
    assert "trafficking_suspected" in rows["4"]
    assert rows["5"] == "member_id 'M7' has no valid member record"
    assert rows["6"] == "member_id 'M7' has no valid member record"
    assert "trafficking_confirmed" in rows["7"] and "'2025-13-01'" in rows["7"]


def test_no_alarm_is_an_empty_count(tmp_path: Path) -> None:
    claims = write_csv(
        tmp_path / "c.csv",
        ("member_id", "birth_date", "claim_id", "service_date", "dx1"),
        [("M1", "2009-05-05", "c1", "2025-01-01", "Z62.892")],
    )
    engine = connect("duckdb")
    try:
        result = score_population([claims], tmp_path / "o", engine=engine)
    finally:
        engine.close()
    assert result.summary["rejects_with_trafficking_code"] == {
        "total": 0,
        "by_check": {},
    }


def test_the_cli_says_it_in_one_sentence(tmp_path: Path, runner) -> None:
    inputs = _extract(tmp_path)
    result = runner.invoke(
        app,
        ["population", "score", *map(str, inputs), "--out", str(tmp_path / "o"),
         "--as-of", "2025-06-30"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    text = " ".join(result.output.split())
    assert (
        "4 rejected claim rows carry a trafficking code (member not found 3, "
        "service_date invalid 1); see "
    ) in text
    assert "rejects.csv" in text


@pytest.mark.spark
def test_both_engines_count_the_same(tmp_path: Path, spark) -> None:
    duck = _score(tmp_path, "duckdb")
    sparked = _score(tmp_path, "spark", spark)
    assert sparked.summary["rejects_with_trafficking_code"]["total"] == 4
    assert {**duck.summary, "engine": "spark"} == json.loads(
        (tmp_path / "spark" / "summary.json").read_text()
    )
    assert (tmp_path / "duckdb" / "rejects.csv").read_bytes().replace(
        b"duckdb", b"spark"
    ) == (tmp_path / "spark" / "rejects.csv").read_bytes()
