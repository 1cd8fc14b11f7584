"""Partial birth dates: a FHIR ``Patient.birthDate`` may be a year (``2008``)
or a year and month (``2008-04``) (FHIR R4 datatypes, ``date``: "a date, or
partial date (e.g. just year or year + month)"). The member is scored at the
youngest age the partial date allows on the as-of date (the latest day of the
year or month), so a possible minor is never scored as an adult, and the reason
says so. A CSV birth date is read so only when the run's column map declares
the partial pattern (``partial_birth_date``); it is never guessed.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from _pop_helpers import WIDE_HEADER, assert_same_files, read_csv, write_csv

from nowrongdoor.population import connect, score_population
from nowrongdoor.population._maps import ColumnMap, Formats

AS_OF = date(2025, 6, 1)


def _condition(cid: str, patient: str, code: str, when: str) -> dict:
    return {
        "resourceType": "Condition",
        "id": cid,
        "subject": {"reference": f"Patient/{patient}"},
        "onsetDateTime": when,
        "code": {
            "coding": [{"system": "http://hl7.org/fhir/sid/icd-10-cm", "code": code}]
        },
    }


LINES = [
    # identified, born "2008": 16 or 17 on 2025-06-01 -> 16
    {"resourceType": "Patient", "id": "Y1", "birthDate": "2008"},
    _condition("c1", "Y1", "T74.51XA", "2025-03-01"),
    # pregnancy counts for minors only; born "2007": 17 or 18 -> 17
    {"resourceType": "Patient", "id": "Y2", "birthDate": "2007"},
    _condition("c2", "Y2", "Z33.1", "2025-03-01"),
    # born "2007-06": 17 (born 2007-06-30) or 18 on 2025-06-01 -> 17
    {"resourceType": "Patient", "id": "Y3", "birthDate": "2007-06"},
    _condition("c3", "Y3", "Z33.1", "2025-03-01"),
    # a full date of the same kind: 18, pregnancy does not count
    {"resourceType": "Patient", "id": "Y4", "birthDate": "2007-01-15"},
    _condition("c4", "Y4", "Z33.1", "2025-03-01"),
    # an exact date is not marked partial
    {"resourceType": "Patient", "id": "Y5", "birthDate": "1990-04-04"},
    _condition("c5", "Y5", "T74.51XA", "2025-03-01"),
    # not a FHIR date: still rejected
    {"resourceType": "Patient", "id": "Y6", "birthDate": "2008-13"},
    _condition("c6", "Y6", "Z33.1", "2025-03-01"),
]


def _fhir(tmp_path: Path) -> Path:
    path = tmp_path / "bulk.ndjson"
    path.write_text("\n".join(json.dumps(x) for x in LINES) + "\n", encoding="utf-8")
    return path


def _score(
    src: Path, out: Path, engine_name: str = "duckdb", spark: Any = None, **kw: Any
):
    engine = connect(engine_name, spark=spark)  # type: ignore[arg-type]
    try:
        return score_population([src], out, engine=engine, as_of=AS_OF, **kw)
    finally:
        engine.close()


def _rows(out: Path) -> dict[str, dict[str, str]]:
    return {r["member_id"]: r for r in read_csv(out / "worklist.csv")}


def test_fhir_year_only_birth_date_gives_the_youngest_age(tmp_path: Path) -> None:
    _score(_fhir(tmp_path), tmp_path / "out")
    rows = _rows(tmp_path / "out")
    assert (rows["Y1"]["tier"], rows["Y1"]["age"]) == ("identified", "16")
    notes = {r.get("note") for r in json.loads(rows["Y1"]["reasons"])}
    assert notes == {
        "age 16 from the partial birth date '2008' (year only): the youngest age "
        "it allows on 2025-06-01"
    }
    # exact dates carry no such note
    assert all("note" not in r for r in json.loads(rows["Y5"]["reasons"]))


def test_minor_only_rule_applies_to_a_year_only_birth_date(tmp_path: Path) -> None:
    _score(_fhir(tmp_path), tmp_path / "out")
    rows = _rows(tmp_path / "out")
    # pregnancy x adolescent 2.0 = 6: elevated, as a minor
    assert (rows["Y2"]["tier"], rows["Y2"]["score"], rows["Y2"]["age"]) == (
        "elevated",
        "6",
        "17",
    )
    assert (rows["Y3"]["tier"], rows["Y3"]["age"]) == ("elevated", "17")
    note = json.loads(rows["Y3"]["reasons"])[0]["note"]
    assert "'2007-06' (year and month)" in note
    # an adult's pregnancy is not a risk signal: not on the worklist
    assert "Y4" not in rows
    rejects = read_csv(tmp_path / "out" / "rejects.csv")
    assert any("'2008-13'" in r["reason"] for r in rejects)
    assert "Y6" not in rows


def test_csv_year_only_birth_date_needs_the_map_to_say_so(tmp_path: Path) -> None:
    rows = [
        ("C1", "2008", "F", "k1", "2025-03-01", "11", "T74.51XA", "", ""),
        ("C2", "2007-06", "F", "k2", "2025-03-01", "11", "Z33.1", "", ""),
        ("C3", "1990-04-04", "F", "k3", "2025-03-01", "11", "T74.51XA", "", ""),
    ]
    src = write_csv(tmp_path / "claims.csv", WIDE_HEADER, rows)
    _score(src, tmp_path / "plain")
    plain = _rows(tmp_path / "plain")
    assert set(plain) == {"C1", "C3"}  # C1 identified, age unknown
    assert plain["C1"]["age"] == ""
    cmap = ColumnMap(
        name="partial",
        formats=Formats(date=("YYYY-MM-DD",), partial_birth_date=("YYYY", "YYYY-MM")),
    )
    _score(src, tmp_path / "mapped", column_map=cmap)
    mapped = _rows(tmp_path / "mapped")
    assert (mapped["C1"]["age"], mapped["C2"]["age"]) == ("16", "17")
    assert mapped["C2"]["tier"] == "elevated"
    assert "partial birth date '2008'" in json.loads(mapped["C1"]["reasons"])[0]["note"]


def test_partial_pattern_must_hold_a_year_and_no_day() -> None:
    with pytest.raises(ValueError, match="partial birth date pattern"):
        Formats(partial_birth_date=("YYYY-MM-DD",))
    with pytest.raises(ValueError, match="partial birth date pattern"):
        Formats(partial_birth_date=("MM",))


def test_only_the_birth_date_role_can_be_partial() -> None:
    """Why ``partial_birth_date`` has no per-column form: the map's date roles
    are a birth date and a service date, and only a birth date has a partial
    reading (the youngest age it allows); every birth date column of a run is
    read with the one list."""
    from nowrongdoor.population._maps import DATE_ROLES

    assert DATE_ROLES == ("birth_date", "service_date")
    doc = (Path(__file__).resolve().parents[2] / "docs" / "population.md").read_text(
        encoding="utf-8"
    )
    assert "`partial_birth_date` has no per-column form" in doc


@pytest.mark.parametrize(
    ("formats", "columns", "needle"),
    [
        # 200803 would be read as 2020-08-03, never as March 2008
        (
            {"date": ["YYMMDD"], "two_digit_year_pivot": 30},
            {},
            "'YYYYMM' and the birth date pattern 'YYMMDD' (formats.date)",
        ),
        (
            {"date_by_column": {"DOB": ["YYMMDD"]}, "two_digit_year_pivot": 30},
            {"birth_date": "DOB"},
            "'YYYYMM' and the birth date pattern 'YYMMDD' (formats.date_by_column.DOB)",
        ),
    ],
)
def test_a_partial_pattern_of_a_birth_date_patterns_shape_is_refused(
    tmp_path: Path, formats: dict[str, Any], columns: dict[str, str], needle: str
) -> None:
    from nowrongdoor.errors import UserInputError
    from nowrongdoor.population._maps import map_from_settings

    table = {"columns": columns, "formats": {**formats, "partial_birth_date": "YYYYMM"}}
    with pytest.raises(UserInputError) as err:
        map_from_settings(table)
    said = str(err.value)
    assert said.startswith(
        "column map [population.map] in the settings: formats.partial_birth_date: "
    ), said
    assert needle in said
    assert "have the same width and separators" in said
    assert "\n" not in said


def test_a_partial_pattern_of_a_service_date_patterns_shape_is_read(
    tmp_path: Path,
) -> None:
    """The service date's own YYMMDD list never reads a birth date: no clash."""
    cmap = ColumnMap.model_validate(
        {
            "formats": {
                "date_by_column": {"service_date": ["YYMMDD"]},
                "two_digit_year_pivot": 30,
                "partial_birth_date": ["YYYYMM"],
            }
        }
    )
    assert cmap.formats.partial_birth_date == ("YYYYMM",)


@pytest.mark.spark
def test_duckdb_and_spark_agree_on_partial_birth_dates(
    tmp_path: Path, spark: Any
) -> None:
    src = _fhir(tmp_path)
    _score(src, tmp_path / "duck")
    _score(src, tmp_path / "spark", "spark", spark)
    assert_same_files(tmp_path / "duck", tmp_path / "spark")
    assert _rows(tmp_path / "spark")["Y1"]["age"] == "16"
    # a map's MM/YYYY pattern, a leap February (2008-02 -> 2008-02-29: 17 on
    # 2025-06-01 either way, 16 on 2025-02-28 by the last day, not the first)
    rows = [
        ("C1", "02/2008", "F", "k1", "2025-01-10", "11", "T74.51XA", "", ""),
        ("C2", "2007", "F", "k2", "2025-01-10", "11", "Z33.1", "", ""),
    ]
    csv_src = write_csv(tmp_path / "claims.csv", WIDE_HEADER, rows)
    cmap = ColumnMap(formats=Formats(partial_birth_date=("MM/YYYY", "YYYY")))
    for name, sess in (("duckdb", None), ("spark", spark)):
        engine = connect(name, spark=sess)  # type: ignore[arg-type]
        try:
            score_population(
                [csv_src],
                tmp_path / f"csv-{name}",
                engine=engine,
                as_of=date(2025, 2, 28),
                column_map=cmap,
            )
        finally:
            engine.close()
    assert_same_files(tmp_path / "csv-duckdb", tmp_path / "csv-spark")
    got = {m: r["age"] for m, r in _rows(tmp_path / "csv-spark").items()}
    assert got == {"C1": "16", "C2": "17"}


def test_an_undeclared_partial_birth_date_says_what_to_declare(tmp_path: Path) -> None:
    rows = [
        ("C1", "2008", "F", "k1", "2025-03-01", "11", "Z33.1", "", ""),
        ("C2", "06/2007", "F", "k2", "2025-03-01", "11", "Z33.1", "", ""),
        ("C3", "1990-04-04", "F", "k3", "2025-03-01", "11", "T74.51XA", "", ""),
        ("C4", "1990-04-04", "F", "k4", "2025", "11", "T74.51XA", "", ""),
    ]
    src = write_csv(tmp_path / "claims.csv", WIDE_HEADER, rows)
    _score(src, tmp_path / "out")
    reasons = {
        r["row"]: r["reason"] for r in read_csv(tmp_path / "out" / "rejects.csv")
    }
    assert reasons["1"] == (
        "birth_date '2008' is not a valid YYYY-MM-DD date: it is a year only; "
        "declare the pattern in a column map's [formats] partial_birth_date (read "
        "as the youngest age it allows)"
    )
    assert (
        "'06/2007' is not a valid YYYY-MM-DD date: it is a year and month;"
        in (reasons["2"])
    )
    # a service date has no partial reading
    assert "partial_birth_date" not in reasons["4"]


def test_a_run_of_year_only_birth_dates_stops_with_the_hint(tmp_path: Path) -> None:
    from nowrongdoor.errors import UserInputError

    rows = [("C1", "2008", "F", "k1", "2025-03-01", "11", "Z33.1", "", "")]
    src = write_csv(tmp_path / "claims.csv", WIDE_HEADER, rows)
    with pytest.raises(UserInputError) as err:
        _score(src, tmp_path / "out")
    assert str(err.value) == (
        f"{src} row 1, column birth_date: no birth date in the input is a valid "
        "YYYY-MM-DD date, and this one is a year only; declare the pattern in a "
        "column map's [formats] partial_birth_date (read as the youngest age it "
        "allows)"
    )
