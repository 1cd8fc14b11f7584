"""An identified member with no valid birth date stays on the worklist, age
unknown; a member with no valid birth date who is not identified is still
rejected as before."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from _pop_helpers import WIDE_HEADER, read_csv, write_csv

from nowrongdoor.cli import app
from nowrongdoor.population import connect, score_population

AS_OF = date(2025, 6, 30)

#: M1: no valid birth date, confirmed exploitation (T74.51XA, written undotted)
#: and a pregnancy code (minors only). M2: invalid birth date, runaway only.
#: M3: empty birth date, history of exploitation (Z91.42). M4: dated, runaway minor.
ROWS = [
    ("M1", "01/02/2008", "F", "c1", "2025-01-01", "11", "T7451XA", "Z34.90", ""),
    ("M1", "", "F", "c2", "2025-02-01", "11", "F11.20", "", ""),
    ("M2", "1999-02-29", "F", "c3", "2025-01-01", "11", "Z62.892", "", ""),
    ("M3", "", "M", "c4", "2025-03-01", "11", "Z91.42", "", ""),
    ("M4", "2010-01-01", "F", "c5", "2025-01-01", "11", "Z62.892", "", ""),
]


def _score(tmp_path: Path, inputs: list[Path], engine_name: str = "duckdb", spark=None):
    engine = connect(engine_name, spark=spark)  # type: ignore[arg-type]
    try:
        return score_population(
            inputs, tmp_path / "out", engine=engine, as_of=AS_OF, today=date(2026, 1, 1)
        )
    finally:
        engine.close()


def test_identified_member_without_birth_date_stays_on_the_worklist(
    tmp_path: Path,
) -> None:
    src = write_csv(tmp_path / "claims.csv", WIDE_HEADER, ROWS)
    result = _score(tmp_path, [src])
    worklist = read_csv(tmp_path / "out" / "worklist.csv")
    got = [(r["member_id"], r["age"], r["tier"], r["score"]) for r in worklist]
    # M1: T74.51XA 50 + substance use 3 at the adult multiplier; no pregnancy.
    # M3: Z91.42 40. M4: a runaway minor 12. M2 (runaway, age unknown): not listed.
    assert got == [
        ("M1", "", "identified", "53"),
        ("M3", "", "identified", "40"),
        ("M4", "15", "high", "12"),
    ]
    m1 = json.loads(worklist[0]["reasons"])
    assert [r["indicator"] for r in m1] == ["trafficking_confirmed", "substance_use"]
    assert all(r["note"].startswith("age unknown: no valid birth date") for r in m1)
    assert "pregnancy counts for minors only and cannot apply" in m1[0]["note"]
    assert "adult multiplier (x1, the lowest)" in m1[0]["note"]
    # the bad birth dates are still named, row by row: the field is rejected,
    # not the member; M2, not identified, is rejected as before
    rejects = read_csv(tmp_path / "out" / "rejects.csv")
    assert [(r["row"], r["reason"]) for r in rejects] == [
        (
            "1",
            "birth_date '01/02/2008' is not a valid YYYY-MM-DD date: it is "
            "DD/MM/YYYY or MM/DD/YYYY, which the value cannot tell (no part above "
            "12); declare the order the export uses in a column map: [formats] "
            'date = ["DD/MM/YYYY"] or ["MM/DD/YYYY"]',
        ),
        ("2", "birth_date is empty"),
        ("3", "birth_date '1999-02-29' is not a valid YYYY-MM-DD date"),
        ("4", "birth_date is empty"),
    ]
    assert result.summary["members"] == "<11"
    assert result.summary["tiers"]["identified"] == "<11"
    ra = [
        json.loads(line)
        for line in (tmp_path / "out" / "risk_assessments.ndjson")
        .read_text()
        .split("\n")
        if line
    ]
    assert "age unknown" in ra[0]["prediction"][0]["rationale"]


def test_long_claims_member_without_birth_date_identified_not_a_stranger(
    tmp_path: Path,
) -> None:
    members = write_csv(
        tmp_path / "members.csv",
        ("member_id", "birth_date"),
        [("M1", "1990-01-02"), ("M2", ""), ("M3", "")],
    )
    claims = write_csv(
        tmp_path / "claims.csv",
        ("member_id", "claim_id", "service_date", "dx_code"),
        [
            ("M1", "C1", "2025-02-01", "I10"),
            ("M2", "C2", "2025-02-01", "T74.51XA"),
            ("M3", "C3", "2025-02-01", "Z62.892"),
        ],
    )
    result = _score(tmp_path, [members, claims])
    rejects = read_csv(tmp_path / "out" / "rejects.csv")
    # M2's claim is used (identified); M3's, not identified, is rejected as before
    assert [(r["file"], r["row"], r["reason"]) for r in rejects] == [
        (str(claims), "3", "member_id 'M3' has no valid member record"),
        (str(members), "2", "birth_date is empty"),
        (str(members), "3", "birth_date is empty"),
    ]
    assert result.rejects == 3
    worklist = read_csv(tmp_path / "out" / "worklist.csv")
    assert [(r["member_id"], r["age"], r["tier"], r["pathway"]) for r in worklist] == [
        ("M2", "", "identified", "survive")
    ]


def test_explain_says_the_age_is_unknown(tmp_path: Path, runner) -> None:
    src = write_csv(tmp_path / "claims.csv", WIDE_HEADER, ROWS)
    _score(tmp_path, [src])
    got = runner.invoke(
        app, ["population", "explain", "M1", "--out", str(tmp_path / "out")]
    )
    assert got.exit_code == 0, got.output
    flat = " ".join(got.output.split())
    assert "tier identified, score 53, age unknown, pathway survive" in flat
    assert "note: age unknown" in flat


def test_withheld_reasons_still_say_the_age_is_unknown(tmp_path: Path) -> None:
    src = write_csv(tmp_path / "claims.csv", WIDE_HEADER, ROWS)
    engine = connect("duckdb")
    try:
        score_population(
            [src],
            tmp_path / "out",
            engine=engine,
            as_of=AS_OF,
            withhold=["abuse-exploitation"],
        )
    finally:
        engine.close()
    worklist = read_csv(tmp_path / "out" / "worklist.csv")
    m1 = json.loads(worklist[0]["reasons"])
    assert m1[0]["indicator"] == "withheld"
    assert m1[0]["note"].startswith("age unknown")
