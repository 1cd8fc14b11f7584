"""Date patterns per column: a file whose birth dates are written day first
(21/03/2008) and whose service dates are written month first (03/21/2025) is
read through a map that gives each date column its own patterns
(``[formats.date_by_column]``), falling back to the map-wide ``date`` list.
No date is guessed: rejects still name the pattern the column expected and the
form the date is written in, a wholly unreadable column still stops the run,
and a map whose lists could read one value two ways is refused."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from _pop_helpers import (
    BOTH_ORDERS,
    ISO_ORDERS,
    WIDE_HEADER,
    WORKLIST_FILES,
    assert_same_files,
    read_csv,
    write_csv,
)

from nowrongdoor.cli import app
from nowrongdoor.errors import UserInputError
from nowrongdoor.population import connect, score_population
from nowrongdoor.population._inputs import InputFile
from nowrongdoor.population._inspect import inspect_file
from nowrongdoor.population._maps import ColumnMap, load_map, map_from_settings

AS_OF = date(2025, 6, 30)

PER_ROLE = """
name = "two orders"
[formats]
date = ["MM/DD/YYYY"]            # every date column without its own list
[formats.date_by_column]
birth_date = ["DD/MM/YYYY"]
"""


def _score(
    inputs: list[Path],
    out: Path,
    cmap: ColumnMap | None,
    engine_name: str = "duckdb",
    spark: Any = None,
) -> None:
    engine = connect(engine_name, spark=spark)  # type: ignore[arg-type]
    try:
        score_population(inputs, out, engine=engine, as_of=AS_OF, column_map=cmap)
    finally:
        engine.close()


def _map(tmp: Path, body: str) -> ColumnMap:
    path = tmp / "map.toml"
    path.write_text(body, encoding="utf-8")
    return load_map(path)


def test_birth_day_first_and_service_month_first_score_like_iso(
    tmp_path: Path,
) -> None:
    both = write_csv(tmp_path / "both.csv", WIDE_HEADER, BOTH_ORDERS)
    iso = write_csv(tmp_path / "iso.csv", WIDE_HEADER, ISO_ORDERS)
    _score([iso], tmp_path / "iso", None)
    _score([both], tmp_path / "both", _map(tmp_path, PER_ROLE))
    assert_same_files(tmp_path / "iso", tmp_path / "both")
    ages = {r["member_id"]: r["age"] for r in read_csv(tmp_path / "both/worklist.csv")}
    assert ages == {"M1": "17", "M2": "17", "M3": "35"}
    assert read_csv(tmp_path / "both" / "rejects.csv") == []


def test_a_column_named_in_the_map_wins_over_its_role_and_the_map_wide_list(
    tmp_path: Path,
) -> None:
    """Keys are a date role or one of the names the map gives that role's
    column, matched without regard to case; the column's own name wins."""
    header = ["MBR", "DOB", "sex", "CLM", "FROM_DT", "pos", "dx1", "dx2", "dx3"]
    both = write_csv(tmp_path / "both.csv", header, BOTH_ORDERS)
    cmap = _map(
        tmp_path,
        """
[columns]
member_id = "MBR"
birth_date = ["BIRTH", "DOB"]
claim_id = "CLM"
service_date = "FROM_DT"
[formats]
date = ["YYYYMMDD"]
[formats.date_by_column]
dob = ["DD/MM/YYYY"]
birth_date = ["MM/DD/YYYY"]      # the role: DOB has its own list
"from_dt" = ["MM/DD/YYYY"]
""",
    )
    assert cmap.date_patterns("birth_date", "DOB") == ("DD/MM/YYYY",)
    assert cmap.date_patterns("birth_date", "BIRTH") == ("MM/DD/YYYY",)
    assert cmap.date_patterns("service_date", "FROM_DT") == ("MM/DD/YYYY",)
    iso = write_csv(tmp_path / "iso.csv", WIDE_HEADER, ISO_ORDERS)
    _score([iso], tmp_path / "iso", None)
    _score([both], tmp_path / "both", cmap)
    assert_same_files(tmp_path / "iso", tmp_path / "both")


def test_a_map_with_its_own_lists_stays_hashable(tmp_path: Path) -> None:
    """Maps and the files read with them are frozen values: equal maps hash
    alike whatever order their lists are given in."""
    own = {"birth_date": "DD/MM/YYYY", "DOB": "YYYYMMDD"}
    columns = {"birth_date": ["DOB", "birth_date"]}
    a = ColumnMap.model_validate(
        {"columns": columns, "formats": {"date_by_column": own}}
    )
    b = ColumnMap.model_validate(
        {"columns": columns, "formats": {"date_by_column": dict(reversed(own.items()))}}
    )
    assert a == b
    assert len({a, b, ColumnMap()}) == 2
    assert hash(InputFile(tmp_path / "c.csv", "csv", "wide", cmap=a)) == hash(
        InputFile(tmp_path / "c.csv", "csv", "wide", cmap=b)
    )


def test_a_column_without_its_own_list_falls_back_to_the_map_wide_one(
    tmp_path: Path,
) -> None:
    cmap = _map(tmp_path, PER_ROLE)
    assert cmap.date_patterns("service_date", "service_date") == ("MM/DD/YYYY",)
    assert cmap.date_patterns("birth_date", "birth_date") == ("DD/MM/YYYY",)
    # the same file read with one list for both columns reads neither order
    # for both: the birth dates day first are rejected as month-first dates
    both = write_csv(tmp_path / "both.csv", WIDE_HEADER, BOTH_ORDERS)
    one = ColumnMap.model_validate({"formats": {"date": ["MM/DD/YYYY"]}})
    _score([both], tmp_path / "one", one)
    reasons = [r["reason"] for r in read_csv(tmp_path / "one" / "rejects.csv")]
    # and told to give the birth dates their own list: one for both would
    # misread the service dates (or be refused as ambiguous)
    assert (
        "birth_date '21/03/2008' is not a valid MM/DD/YYYY date: it is written day "
        "first (DD/MM/YYYY); declare it for column birth_date alone in a column "
        'map: [formats.date_by_column] "birth_date" = ["DD/MM/YYYY"] (column '
        "service_date is written month first)"
    ) in reasons


def test_rejects_name_each_columns_own_patterns_and_the_written_form(
    tmp_path: Path,
) -> None:
    rows = [
        *BOTH_ORDERS,
        # fits the month-first shape, but is day first: the column mixes orders
        ("M4", "01/01/2000", "F", "c4", "21/03/2025", "11", "Z59.01", "", ""),
        # a two-digit year in the day-first column: named as such, not guessed
        ("M5", "21/03/08", "F", "c5", "03/21/2025", "11", "Z59.01", "", ""),
    ]
    src = write_csv(tmp_path / "c.csv", WIDE_HEADER, rows)
    _score([src], tmp_path / "o", _map(tmp_path, PER_ROLE))
    reasons = sorted(r["reason"] for r in read_csv(tmp_path / "o" / "rejects.csv"))
    assert reasons == [
        "birth_date '21/03/08' is not a valid DD/MM/YYYY date: it is written "
        "with a two-digit year; declare the pattern (MM/DD/YY, DD/MM/YY ...) with "
        "[formats] two_digit_year_pivot in a column map; two-digit years are never "
        "guessed",
        "service_date '21/03/2025' is not a valid MM/DD/YYYY date: it is written "
        "day first (DD/MM/YYYY), but column service_date mixes day-first and "
        "month-first dates (1 row day first, 2 month first, 2 either way), so no "
        "pattern reads it: export the column as YYYY-MM-DD (dates are never "
        "guessed)",
    ]


def test_a_wholly_unreadable_date_column_still_stops_the_run(
    tmp_path: Path, runner
) -> None:
    """Birth dates declared month first but all written day first (above 12):
    exit 2, naming the file, row, column, the declared pattern and the form."""
    src = write_csv(tmp_path / "c.csv", WIDE_HEADER, BOTH_ORDERS[:1])
    body = PER_ROLE.replace('birth_date = ["DD/MM/YYYY"]', 'DOB = ["MM/DD/YYYY"]')
    body += "[columns]\nbirth_date = 'dob'\n"
    (tmp_path / "map.toml").write_text(body, encoding="utf-8")
    src.write_text(
        src.read_text(encoding="utf-8").replace("birth_date", "DOB", 1),
        encoding="utf-8",
    )
    result = runner.invoke(
        app,
        [
            *("population", "score", str(src), "--out", str(tmp_path / "o")),
            *("--map", str(tmp_path / "map.toml")),
        ],
    )
    assert result.exit_code == 2, result.output
    said = " ".join(result.output.split())
    assert (
        f"{src} row 1, column DOB: no birth date in the input is a valid "
        "MM/DD/YYYY date, and this one is written day first (DD/MM/YYYY)"
    ) in said
    assert "Traceback" not in result.output


@pytest.mark.parametrize(
    ("body", "key", "needle"),
    [
        (
            "[formats.date_by_column]\nbirth = ['DD/MM/YYYY']\n",
            "formats.date_by_column.birth",
            "is not a date column of the map",
        ),
        (
            "[formats.date_by_column]\nservice_date = []\n",
            "formats.date_by_column.service_date",
            "the list is empty",
        ),
        ("[formats]\ndate = []\n", "formats.date", "the list is empty"),
        (
            "[formats.date_by_column]\nbirth_date = ['DD/MM/YYYY', 'MM/DD/YYYY']\n",
            "formats.date_by_column.birth_date",
            "'DD/MM/YYYY' and 'MM/DD/YYYY' have the same width and separators",
        ),
        (
            "[formats]\ndate = ['%d%m%Y', 'YYYYMMDD']\n",
            "formats.date",
            "'DDMMYYYY' and 'YYYYMMDD' have the same width and separators",
        ),
        (
            "[formats.date_by_column]\nbirth_date = ['DD/QQ/YYYY']\n",
            "formats.date_by_column.birth_date",
            "'Q' is not YYYY, MM, DD, MON",
        ),
        (
            "[formats.date_by_column]\nbirth_date = ['DD/MM/YY']\n",
            "formats",
            "has a two-digit year",
        ),
        (
            "[formats.date_by_column]\nDOB = ['DD/MM/YYYY']\ndob = ['DD/MM/YYYY']\n",
            "formats.date_by_column.dob",
            "names the same column as 'DOB'",
        ),
    ],
)
def test_bad_per_column_lists_are_one_sentence_naming_the_file_and_key(
    tmp_path: Path, body: str, key: str, needle: str
) -> None:
    path = tmp_path / "map.toml"
    path.write_text("[columns]\nbirth_date = 'DOB'\n" + body, encoding="utf-8")
    with pytest.raises(UserInputError) as err:
        load_map(path)
    said = str(err.value)
    assert said.startswith(f"column map {path}: {key}: "), said
    assert needle in said
    assert "Value error" not in said
    assert "\n" not in said


def test_per_column_lists_from_the_settings_file(tmp_path: Path) -> None:
    """``[population.map]`` takes the same table, and is refused the same way."""
    import tomllib

    table = tomllib.loads(PER_ROLE)
    cmap = map_from_settings(table)
    assert cmap is not None
    assert cmap.date_patterns("birth_date") == ("DD/MM/YYYY",)
    table["formats"]["date_by_column"] = {"dob": ["DD/MM/YYYY"]}
    with pytest.raises(UserInputError) as err:
        map_from_settings(table)
    assert str(err.value).startswith(
        "column map [population.map] in the settings: formats.date_by_column.dob: "
        "'dob' is not a date column of the map"
    )


def test_the_documented_example_map_loads(tmp_path: Path) -> None:
    doc = (Path(__file__).resolve().parents[2] / "docs" / "population.md").read_text(
        encoding="utf-8"
    )
    blocks = re.findall(r"```toml\n(.*?)```", doc, flags=re.S)
    example = next(b for b in blocks if "\n  [formats.date_by_column]\n" in b)
    cmap = _map(tmp_path, example)
    assert cmap.date_patterns("birth_date", "DOB") == ("DD/MM/YYYY",)
    assert cmap.date_patterns("service_date", "SVC_DT") == ("MM/DD/YYYY",)
    # the error the docs quote, for a key that names no date column
    (tmp_path / "m.toml").write_text(example.replace("DOB = ", "DOBB = "))
    with pytest.raises(UserInputError) as err:
        load_map(tmp_path / "m.toml")
    said = str(err.value).replace(str(tmp_path / "m.toml"), "m.toml")
    assert f"`{said}`" in " ".join(doc.split())


def test_inspect_proposes_each_date_column_its_own_list(tmp_path: Path, runner) -> None:
    """One list with DD/MM/YYYY and MM/DD/YYYY is refused (ambiguous), so
    inspect gives each date column its own list; the map it proposes scores
    the file like the same claims written YYYY-MM-DD."""
    header = ["MBR", "DOB", "sex", "CLM", "FROM_DT", "pos", "dx1", "dx2", "dx3"]
    both = write_csv(tmp_path / "both.csv", header, BOTH_ORDERS)
    found = inspect_file(both)
    assert found.column_patterns == {
        "DOB": ["DD/MM/YYYY"],
        "FROM_DT": ["MM/DD/YYYY"],
    }
    result = runner.invoke(app, ["population", "inspect", str(both), "--toml"])
    assert result.exit_code == 0, result.output
    assert '[formats.date_by_column]\n"DOB" = ["DD/MM/YYYY"]\n' in result.output
    (tmp_path / "proposed.toml").write_text(result.output, encoding="utf-8")
    iso = write_csv(tmp_path / "iso.csv", WIDE_HEADER, ISO_ORDERS)
    _score([iso], tmp_path / "iso", None)
    _score([both], tmp_path / "both", load_map(tmp_path / "proposed.toml"))
    assert_same_files(tmp_path / "iso", tmp_path / "both")


@pytest.mark.spark
def test_duckdb_and_spark_agree_on_per_column_patterns(
    tmp_path: Path, spark: Any
) -> None:
    rows = [
        *BOTH_ORDERS,
        ("M4", "01/01/2000", "F", "c4", "21/03/2025", "11", "Z59.01", "", ""),
    ]
    src = write_csv(tmp_path / "c.csv", WIDE_HEADER, rows)
    cmap = _map(tmp_path, PER_ROLE)
    _score([src], tmp_path / "duckdb", cmap)
    _score([src], tmp_path / "spark", cmap, "spark", spark)
    assert_same_files(
        tmp_path / "duckdb", tmp_path / "spark", (*WORKLIST_FILES, "rejects.csv")
    )
    ages = {r["member_id"]: r["age"] for r in read_csv(tmp_path / "spark/worklist.csv")}
    assert ages == {"M1": "17", "M2": "17", "M3": "35"}
