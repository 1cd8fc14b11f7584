"""Dates are never guessed: a date written in a form the run was not told about
is rejected with a reason that names the form it is written in (day first,
month first, two-digit year, a number such as an Excel serial date); a column
with no readable date at all stops the run in one sentence naming the file, row
and column; ISO text with a time and an offset is the date as written; two-digit
years are read only with a declared pivot."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from _pop_helpers import assert_same_files, read_csv, write_csv

from nowrongdoor.cli import app
from nowrongdoor.errors import UserInputError
from nowrongdoor.population import connect, score_population
from nowrongdoor.population._dates import written_form
from nowrongdoor.population._inspect import inspect_file
from nowrongdoor.population._maps import load_map

HEADER = ("member_id", "birth_date", "claim_id", "service_date", "dx1")


def test_written_forms_are_named() -> None:
    assert "day first (DD/MM/YYYY)" in written_form("31/12/2008")
    assert "month first (MM/DD/YYYY)" in written_form("12/31/2008")
    assert "DD.MM.YYYY or MM.DD.YYYY" in written_form("01.02.2008")
    assert "two-digit year" in written_form("12/31/08")
    assert "two-digit year" in written_form("31-12-08")
    assert "Excel serial" in written_form("39813")
    assert "Excel serial" in written_form("45717.0")
    assert "not zero-padded" in written_form("1/2/2008")
    assert written_form("2008-12-31") is None
    assert written_form("2008-02-30") is None  # ISO, just not a date
    assert written_form("M1") is None


def _score(tmp: Path, inputs: list[Path], name: str = "duckdb", spark=None, **kw):
    engine = connect(name, spark=spark)  # type: ignore[arg-type]
    try:
        return score_population(
            inputs, tmp / name, engine=engine, as_of=date(2025, 6, 30), **kw
        )
    finally:
        engine.close()


MIXED = [
    ("M1", "31/12/2008", "c1", "2025-03-01", "Z62.892"),
    ("M2", "12/31/08", "c2", "2025-03-02", "F10.20"),
    ("M3", "2008-12-31T23:30:00-05:00", "c3", "2025-03-03T23:30:00-05:00", "Z62.892"),
    ("M4", "39813", "c4", "45717", "Z62.892"),
    ("M5", "2008-12-31", "c5", "13/02/2025", "T76.52XA"),
    ("M6", "2008-12-31", "c6", "02/03/25", "Z59.01"),
    ("M7", "2008-12-31", "c7", "03/02/2025", "Z59.01"),
]


def test_rejects_name_the_form_and_iso_with_an_offset_is_read(tmp_path: Path) -> None:
    src = write_csv(tmp_path / "claims.csv", HEADER, MIXED)
    _score(tmp_path, [src])
    reasons = {
        (r["row"], r["reason"].split()[0]): r["reason"]
        for r in read_csv(tmp_path / "duckdb" / "rejects.csv")
    }
    assert reasons[("1", "birth_date")] == (
        "birth_date '31/12/2008' is not a valid YYYY-MM-DD date: it is written day "
        "first (DD/MM/YYYY); declare it in a column map: [formats] date = "
        '["DD/MM/YYYY"]'
    )
    assert "two-digit year" in reasons[("2", "birth_date")]
    assert "two_digit_year_pivot" in reasons[("2", "birth_date")]
    assert "Excel serial" in reasons[("4", "birth_date")]
    assert "Excel serial" in reasons[("4", "service_date")]
    assert "day first (DD/MM/YYYY)" in reasons[("5", "service_date")]
    assert "trafficking_suspected" in reasons[("5", "service_date")]
    assert "two-digit year" in reasons[("6", "service_date")]
    assert "DD/MM/YYYY or MM/DD/YYYY" in reasons[("7", "service_date")]
    assert ("3", "birth_date") not in reasons and ("3", "service_date") not in reasons
    worklist = {
        r["member_id"]: r for r in read_csv(tmp_path / "duckdb" / "worklist.csv")
    }
    # the date as written (its own time zone), not converted to UTC (2009-01-01)
    assert worklist["M3"]["age"] == "16"
    assert '"date":"2025-03-03"' in worklist["M3"]["reasons"]


def test_no_valid_birth_date_in_another_form_stops_the_run(tmp_path: Path) -> None:
    src = write_csv(
        tmp_path / "claims.csv",
        HEADER,
        [
            ("M1", "", "c1", "2025-03-01", "Z62.892"),
            ("M2", "31/12/2008", "c2", "2025-03-01", "Z62.892"),
            ("M3", "30/11/2008", "c3", "2025-03-02", "T74.51XA"),
        ],
    )
    with pytest.raises(UserInputError) as err:
        _score(tmp_path, [src])
    assert str(err.value) == (
        f"{src} row 2, column birth_date: no birth date in the input is a valid "
        "YYYY-MM-DD date, and this one is written day first (DD/MM/YYYY); declare "
        'it in a column map: [formats] date = ["DD/MM/YYYY"] '
        f"(`nowrongdoor population inspect {src} --toml` proposes one)"
    )


def test_no_valid_service_date_names_the_row_and_the_column(tmp_path: Path) -> None:
    src = write_csv(
        tmp_path / "claims.csv",
        HEADER,
        [("M1", "2008-12-31", "c1", "45717", "Z62.892")],
    )
    engine = connect("duckdb")
    try:
        with pytest.raises(UserInputError) as err:
            score_population([src], tmp_path / "o", engine=engine)
    finally:
        engine.close()
    assert f"{src} row 1, column service_date: " in str(err.value)
    assert "Excel serial" in str(err.value)


def _map(tmp: Path, extra: str) -> Path:
    path = tmp / "map.toml"
    path.write_text(
        'name = "two digits"\n[formats]\ndate = ["MM/DD/YY", "YYYY-MM-DD"]\n' + extra,
        encoding="utf-8",
    )
    return path


def test_two_digit_years_need_a_declared_pivot(tmp_path: Path) -> None:
    with pytest.raises(UserInputError) as err:
        load_map(_map(tmp_path, ""))
    assert "two_digit_year_pivot" in str(err.value)
    assert str(err.value).startswith(f"column map {tmp_path / 'map.toml'}: ")
    with pytest.raises(UserInputError, match="two_digit_year_pivot"):
        load_map(_map(tmp_path, "two_digit_year_pivot = 130\n"))
    strf = tmp_path / "strf.toml"
    strf.write_text(
        '[formats]\ndate = ["%y%m%d"]\ntwo_digit_year_pivot = 69\n', encoding="utf-8"
    )
    assert load_map(strf).formats.date == ("YYMMDD",)
    cmap = load_map(_map(tmp_path, "two_digit_year_pivot = 30\n"))
    src = write_csv(
        tmp_path / "claims.csv",
        HEADER,
        [
            ("M1", "12/31/08", "c1", "03/01/25", "Z62.892"),  # 2008, a minor
            ("M2", "07/04/45", "c2", "2025-03-01", "Z62.892"),  # 1945
            ("M3", "02/30/08", "c3", "03/01/25", "Z62.892"),  # not a date
        ],
    )
    _score(tmp_path, [src], column_map=cmap)
    worklist = {
        r["member_id"]: r for r in read_csv(tmp_path / "duckdb" / "worklist.csv")
    }
    assert worklist["M1"]["age"] == "16"
    assert worklist["M2"]["age"] == "79"  # born 1945 (45 >= 30), not 2045
    rejects = read_csv(tmp_path / "duckdb" / "rejects.csv")
    assert [r["reason"] for r in rejects] == [
        "birth_date '02/30/08' is not a valid MM/DD/YY or YYYY-MM-DD date"
    ]


def test_inspect_proposes_what_it_sees_and_never_a_pivot(
    tmp_path: Path, runner
) -> None:
    src = write_csv(
        tmp_path / "claims.csv",
        HEADER,
        [
            ("M1", "12/31/08", "c1", "39813", "Z62.892"),
            ("M2", "01/05/08", "c2", "45717", "Z62.892"),
        ],
    )
    found = inspect_file(src)
    assert "MM/DD/YY" in found.date_patterns
    notes = " ".join(found.notes)
    assert "two_digit_year_pivot" in notes
    assert "Excel serial" in notes and "service_date" in notes
    toml = found.map_toml()
    assert "# two_digit_year_pivot = " in toml  # commented out: the analyst decides
    result = runner.invoke(app, ["population", "inspect", str(src)])
    assert result.exit_code == 0, result.output
    assert "Excel serial" in " ".join(result.output.split())
    both = write_csv(
        tmp_path / "both.csv",
        HEADER,
        [
            ("M1", "31/12/2008", "c1", "2025-01-01", "Z62.892"),
            ("M2", "12/31/2008", "c2", "2025-01-01", "Z62.892"),
        ],
    )
    notes = " ".join(inspect_file(both).notes)
    assert (
        "birth_date: the sample holds both day first (DD/MM/YYYY) and month first"
        in notes
    )


@pytest.mark.spark
def test_both_engines_read_and_reject_the_same(tmp_path: Path, spark) -> None:
    src = write_csv(tmp_path / "claims.csv", HEADER, MIXED)
    cmap = load_map(_map(tmp_path, "two_digit_year_pivot = 30\n"))
    for kw in ({}, {"column_map": cmap}):
        duck = _score(tmp_path, [src], **kw)
        sparked = _score(tmp_path, [src], "spark", spark, **kw)
        assert {**duck.summary, "engine": "spark"} == sparked.summary
        assert_same_files(
            tmp_path / "duckdb",
            tmp_path / "spark",
            ("worklist.csv", "rejects.csv", "risk_assessments.ndjson"),
        )


def test_an_as_of_does_not_make_unreadable_service_dates_readable(
    tmp_path: Path,
) -> None:
    """With --as-of too, a run none of whose service dates can be read stops
    (it used to finish with an empty worklist, which reads "no one at risk")."""
    src = write_csv(
        tmp_path / "c.csv",
        HEADER,
        [
            ("M1", "2008-12-31", "c1", "", "Z62.892"),
            ("M2", "2008-12-31", "c2", "12/31/24", "T74.51XA"),
        ],
    )
    with pytest.raises(UserInputError) as err:
        _score(tmp_path, [src])
    assert str(err.value).startswith(
        f"{src} row 2, column service_date: no service date in the input is a "
        "valid YYYY-MM-DD date, and this one is written with a two-digit year"
    )


def test_fhir_dates_are_not_sent_to_a_column_map(tmp_path: Path) -> None:
    """NDJSON is read without a column map: a FHIR date that is not YYYY-MM-DD
    is an export to fix (FHIR R4 date and dateTime), not a pattern to declare."""
    bulk = tmp_path / "bulk.ndjson"
    cond = (
        '{"resourceType":"Condition","id":"k%d","subject":{"reference":'
        '"Patient/%s"},"onsetDateTime":"%s","code":{"coding":[{"system":'
        '"http://hl7.org/fhir/sid/icd-10-cm","code":"Z62.892"}]}}'
    )
    bulk.write_text(
        '{"resourceType":"Patient","id":"P1","birthDate":"31/12/2008"}\n'
        '{"resourceType":"Patient","id":"P2","birthDate":"2008-12-31"}\n'
        + cond % (1, "P2", "02/13/2025")
        + "\n"
        + cond % (2, "P2", "2025-02-13")
        + "\n",
        encoding="utf-8",
    )
    _score(tmp_path, [bulk])
    reasons = [r["reason"] for r in read_csv(tmp_path / "duckdb" / "rejects.csv")]
    assert reasons == [
        "birth_date '31/12/2008' is not a valid YYYY-MM-DD date: it is written day "
        "first (DD/MM/YYYY); FHIR R4 writes dates YYYY-MM-DD (the date and dateTime "
        "types), so fix the export (a column map does not apply to NDJSON)",
        "service_date '02/13/2025' is not a valid YYYY-MM-DD date: it is written "
        "month first (MM/DD/YYYY); FHIR R4 writes dates YYYY-MM-DD (the date and "
        "dateTime types), so fix the export (a column map does not apply to NDJSON)",
    ]


def test_the_cli_says_when_dates_are_in_other_forms(tmp_path: Path, runner) -> None:
    src = write_csv(tmp_path / "claims.csv", HEADER, MIXED)
    result = runner.invoke(
        app,
        ["population", "score", str(src), "--out", str(tmp_path / "o"),
         "--as-of", "2025-06-30"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    text = " ".join(result.output.split())
    assert (
        "7 rejected rows hold a date written in a form the run was not told about "
        "(day first, month first, two-digit year, Excel serial number ...); their "
        "reasons in " in text
    )
    summary = (tmp_path / "o" / "summary.json").read_text()
    assert '"rejects_with_date_in_another_form": 7' in summary
