"""What a rejected date's reason and a stopped run tell the analyst to declare.

The advice is a line to paste into a column map: the map-wide ``[formats]
date`` list only when no other date column would read differently under it,
otherwise the column's own ``[formats.date_by_column]`` list; and a column that
mixes day-first and month-first dates is said to mix them, with the rows of
each order, never given a pattern (any one pattern would misread the rest)."""

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
    assert_same_files,
    read_csv,
    write_csv,
)

from nowrongdoor.cli import app
from nowrongdoor.population import connect, score_population
from nowrongdoor.population._date_advice import date_order
from nowrongdoor.population._maps import ColumnMap, load_map

AS_OF = "2025-06-30"

#: Birth dates in both orders (two rows day first, one month first, one that
#: cannot tell, one ISO), service dates ISO.
MIXED_BIRTHS = [
    ("M1", "13/02/2008", "F", "c1", "2025-03-21", "11", "Z62.892", "", ""),
    ("M2", "02/13/2008", "F", "c2", "2025-03-22", "11", "Z62.892", "", ""),
    ("M3", "25/12/2007", "F", "c3", "2025-03-23", "11", "Z62.892", "", ""),
    ("M4", "03/04/2007", "F", "c4", "2025-03-24", "11", "Z62.892", "", ""),
    ("M5", "2007-04-03", "F", "c5", "2025-03-25", "11", "Z62.892", "", ""),
]
MIXES = (
    "column birth_date mixes day-first and month-first dates (2 rows day "
    "first, 1 month first, 1 either way), so no pattern reads it: export the "
    "column as YYYY-MM-DD (dates are never guessed)"
)


def _cli(runner: Any, src: Path, out: Path, cmap: Path | None = None) -> Any:
    args = ["population", "score", str(src), "--out", str(out), "--as-of", AS_OF]
    if cmap is not None:
        args += ["--map", str(cmap)]
    return runner.invoke(app, args)


def _said(result: Any) -> str:
    return " ".join(result.output.split())


def _score(src: Path, out: Path, cmap: ColumnMap | None, name: str = "duckdb",
           spark: Any = None) -> None:  # fmt: skip
    engine = connect(name, spark=spark)  # type: ignore[arg-type]
    try:
        score_population(
            [src], out, engine=engine, as_of=date(2025, 6, 30), column_map=cmap
        )
    finally:
        engine.close()


def test_the_order_of_a_written_date_is_told_by_its_validity() -> None:
    assert date_order("21/03/2008") == ("/", "day")
    assert date_order("03.21.2008") == (".", "month")
    assert date_order("01-02-2008") == ("-", "either")
    assert date_order("12/12/2008") == ("/", "either")
    assert date_order("29/02/2007") is None  # not a date either way
    assert date_order("02/30/2008") is None
    assert date_order("21/03/1850") is None  # out of range: its order is moot
    assert date_order("1/2/2008") is None
    assert date_order("01/02-2008") is None
    assert date_order("2008-02-01") is None


def test_a_stop_names_the_columns_own_key_when_another_is_in_the_other_order(
    tmp_path: Path, runner: Any
) -> None:
    """Under our layout no date of either column is read. A map-wide day-first
    list would read the service dates 06/10/2025 and 01/02/2025 the wrong way
    round, so the advice is the birth date column's own list; pasting the
    advice of each stop in turn gives a map that scores like ISO dates."""
    src = write_csv(tmp_path / "c.csv", WIDE_HEADER, BOTH_ORDERS)
    result = _cli(runner, src, tmp_path / "o")
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert _said(result) == (
        f"error: {src} row 1, column birth_date: no birth date in the input "
        "is a valid YYYY-MM-DD date, and this one is written day first "
        "(DD/MM/YYYY); declare it for column birth_date alone in a column map: "
        '[formats.date_by_column] "birth_date" = ["DD/MM/YYYY"] (column '
        "service_date is written month first) (`nowrongdoor population inspect "
        f"{src} --toml` proposes one)"
    )
    assert "[formats] date" not in _said(result)
    # paste each advice into the map until the run goes through
    body = ""
    for _ in range(3):
        advice = re.search(
            r"\[formats\.date_by_column\] (\S+ = \[[^]]*\])", _said(result)
        )
        assert advice is not None, _said(result)
        body += advice.group(1) + "\n"
        (tmp_path / "m.toml").write_text("[formats.date_by_column]\n" + body)
        result = _cli(runner, src, tmp_path / "o", tmp_path / "m.toml")
        if result.exit_code == 0:
            break
    assert result.exit_code == 0, result.output
    assert body == '"birth_date" = ["DD/MM/YYYY"]\n"service_date" = ["MM/DD/YYYY"]\n'
    iso = write_csv(tmp_path / "iso.csv", WIDE_HEADER, ISO_ORDERS)
    assert _cli(runner, iso, tmp_path / "iso").exit_code == 0
    assert_same_files(tmp_path / "iso", tmp_path / "o")


def test_a_map_wide_list_of_the_other_order_gets_the_columns_own_key(
    tmp_path: Path, runner: Any
) -> None:
    """The map reads every date month first; the birth dates are day first, so
    05/07/2007 was read as 7 May. Adding DD/MM/YYYY to [formats] date would be
    refused (same shape), and replacing the list would misread the service
    dates: the advice names the birth date column's own list, by the column's
    name as the file writes it, keeping its other patterns."""
    header = ["member_id", "DOB", "sex", "claim_id", "SVC_DT", "pos", "dx1", "dx2"]
    rows = [r[:8] for r in BOTH_ORDERS]
    src = write_csv(tmp_path / "c.csv", header, rows)
    (tmp_path / "m.toml").write_text(
        '[columns]\nbirth_date = "dob"\nservice_date = "svc_dt"\n'
        '[formats]\ndate = ["YYYYMMDD", "MM/DD/YYYY"]\n'
    )
    result = _cli(runner, src, tmp_path / "o", tmp_path / "m.toml")
    assert result.exit_code == 0, result.output
    reasons = [r["reason"] for r in read_csv(tmp_path / "o" / "rejects.csv")]
    assert reasons == [
        "birth_date '21/03/2008' is not a valid YYYYMMDD or MM/DD/YYYY date: it is "
        "written day first (DD/MM/YYYY); declare it for column DOB alone in a "
        'column map: [formats.date_by_column] "DOB" = ["YYYYMMDD", "DD/MM/YYYY"] '
        "(column SVC_DT is written month first)"
    ]


def _reasons(tmp: Path, rows: list[tuple[str, ...]], formats: Any) -> list[str]:
    """The reject reasons of a run over ``rows`` with a map of ``formats``."""
    src = write_csv(tmp / "c.csv", WIDE_HEADER, rows)
    cmap = None if formats is None else ColumnMap.model_validate({"formats": formats})
    _score(src, tmp / "o", cmap)
    return [r["reason"] for r in read_csv(tmp / "o" / "rejects.csv")]


@pytest.mark.parametrize(
    ("rows", "formats", "expected"),
    [
        # Service dates month first under a map-wide day-first list: 03/21/2025
        # fits the declared shape but is a month-first date, and 02/01/2025 was
        # read as 2 January: the map-wide list is replaced (no other column).
        (
            [
                ("M1", "2008-03-21", "F", "c1", "03/21/2025", "11", "Z62.892", "", ""),
                ("M2", "2007-07-05", "F", "c2", "02/01/2025", "11", "Z33.1", "", ""),
            ],
            {"date": ["DD/MM/YYYY"]},
            "service_date '03/21/2025' is not a valid DD/MM/YYYY date: it is written "
            "month first (MM/DD/YYYY); declare it in a column map: [formats] date = "
            '["MM/DD/YYYY"]',
        ),
        # One column day first, the other YYYYMMDD: the map-wide list reads no
        # other column differently, and keeps its other patterns.
        (
            [
                ("M1", "21/03/2008", "F", "c1", "2025-03-21", "11", "Z62.892", "", ""),
                ("M2", "2007-07-05", "F", "c2", "20250610", "11", "Z33.1", "", ""),
            ],
            {"date": ["YYYYMMDD"]},
            "birth_date '21/03/2008' is not a valid YYYYMMDD date: it is written day "
            "first (DD/MM/YYYY); declare it in a column map: [formats] date = "
            '["YYYYMMDD", "DD/MM/YYYY"]',
        ),
        # A map that already gives a column its own list: the column's own key.
        (
            [
                ("M1", "21/03/2008", "F", "c1", "20250321", "11", "Z62.892", "", ""),
                ("M2", "2007-07-05", "F", "c2", "20250610", "11", "Z33.1", "", ""),
            ],
            {"date_by_column": {"service_date": ["YYYYMMDD"]}},
            "birth_date '21/03/2008' is not a valid YYYY-MM-DD date: it is written "
            "day first (DD/MM/YYYY); declare it for column birth_date alone in a "
            'column map: [formats.date_by_column] "birth_date" = ["DD/MM/YYYY"]',
        ),
    ],
)
def test_a_reject_names_the_map_wide_list_only_when_no_other_column_clashes(
    tmp_path: Path, rows: list[tuple[str, ...]], formats: Any, expected: str
) -> None:
    assert _reasons(tmp_path, rows, formats) == [expected]


def test_a_column_that_mixes_orders_is_said_to_with_its_counts(
    tmp_path: Path,
) -> None:
    """No pattern is advised: each would misread the other order's rows."""
    rows = [str(n) for n in range(1, 5)]
    reasons = dict(zip(rows, _reasons(tmp_path, MIXED_BIRTHS, None), strict=True))
    assert reasons == {
        "1": "birth_date '13/02/2008' is not a valid YYYY-MM-DD date: it is "
        f"written day first (DD/MM/YYYY), but {MIXES}",
        "2": "birth_date '02/13/2008' is not a valid YYYY-MM-DD date: it is "
        f"written month first (MM/DD/YYYY), but {MIXES}",
        "3": "birth_date '25/12/2007' is not a valid YYYY-MM-DD date: it is "
        f"written day first (DD/MM/YYYY), but {MIXES}",
        "4": "birth_date '03/04/2007' is not a valid YYYY-MM-DD date: it is "
        "DD/MM/YYYY or MM/DD/YYYY, which the value cannot tell (no part above "
        f"12), but {MIXES}",
    }
    assert not any("declare" in r for r in reasons.values())


def test_a_declared_column_that_mixes_orders_is_said_to(tmp_path: Path) -> None:
    """Declared day first, the month-first row fits the shape and is rejected:
    the reason says the column mixes orders (its other rows were read, the
    ambiguous one possibly the wrong way round)."""
    assert _reasons(tmp_path, MIXED_BIRTHS, {"date": ["DD/MM/YYYY"]}) == [
        "birth_date '02/13/2008' is not a valid DD/MM/YYYY date: it is written "
        f"month first (MM/DD/YYYY), but {MIXES}"
    ]


def test_a_wholly_mixed_column_stops_with_the_counts(
    tmp_path: Path, runner: Any
) -> None:
    rows = [r for r in MIXED_BIRTHS if "-" not in r[1]]
    src = write_csv(tmp_path / "c.csv", WIDE_HEADER, rows)
    result = _cli(runner, src, tmp_path / "o")
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert _said(result) == (
        f"error: {src} row 1, column birth_date: no birth date in the input is a "
        "valid YYYY-MM-DD date, and this one is written day first (DD/MM/YYYY), "
        f"but {MIXES}"
    )


def test_a_column_that_cannot_tell_the_order_offers_both(
    tmp_path: Path, runner: Any
) -> None:
    """Only ambiguous birth dates, service dates month first: the map-wide
    list would decide the birth dates' order from the service dates'."""
    rows = [
        ("M1", "05/07/2007", "F", "c1", "03/21/2025", "11", "Z33.1", "", ""),
        ("M2", "02/01/1990", "M", "c2", "2025-01-02", "11", "T74.51XA", "", ""),
    ]
    src = write_csv(tmp_path / "c.csv", WIDE_HEADER, rows)
    result = _cli(runner, src, tmp_path / "o")
    assert result.exit_code == 2, result.output
    assert _said(result) == (
        f"error: {src} row 1, column birth_date: no birth date in the input is a "
        "valid YYYY-MM-DD date, and this one is DD/MM/YYYY or MM/DD/YYYY, which "
        "the value cannot tell (no part above 12); declare the order the export "
        "uses for column birth_date alone in a column map: "
        '[formats.date_by_column] "birth_date" = ["DD/MM/YYYY"] or '
        '["MM/DD/YYYY"] (column service_date is written month first) '
        f"(`nowrongdoor population inspect {src} --toml` proposes one)"
    )


def test_the_advice_to_paste_is_a_valid_map(tmp_path: Path, runner: Any) -> None:
    """Any single advice pasted under its table loads as a map."""
    src = write_csv(tmp_path / "c.csv", WIDE_HEADER, BOTH_ORDERS)
    said = _said(_cli(runner, src, tmp_path / "o"))
    table, line = re.search(r"(\[formats[^]]*\]) (\S+ = \[[^]]*\])", said).groups()
    (tmp_path / "m.toml").write_text(f"{table}\n{line}\n")
    assert load_map(tmp_path / "m.toml").date_patterns("birth_date") == ("DD/MM/YYYY",)


@pytest.mark.spark
def test_duckdb_and_spark_give_the_same_advice(tmp_path: Path, spark: Any) -> None:
    rows = [*MIXED_BIRTHS, *BOTH_ORDERS[:1]]
    rows[-1] = ("M6", "2008-03-21", "F", "c6", "03/21/2025", "11", "Z62.892", "", "")
    src = write_csv(tmp_path / "c.csv", WIDE_HEADER, rows)
    cmap = ColumnMap.model_validate(
        {"formats": {"date_by_column": {"service_date": ["YYYY-MM-DD"]}}}
    )
    _score(src, tmp_path / "duckdb", cmap)
    _score(src, tmp_path / "spark", cmap, "spark", spark)
    assert_same_files(
        tmp_path / "duckdb",
        tmp_path / "spark",
        ("worklist.csv", "rejects.csv"),
    )
    reasons = [r["reason"] for r in read_csv(tmp_path / "spark" / "rejects.csv")]
    assert sum(MIXES in r for r in reasons) == 4
    assert reasons[-1] == (
        "service_date '03/21/2025' is not a valid YYYY-MM-DD date: it is written "
        "month first (MM/DD/YYYY); declare it for column service_date alone in a "
        'column map: [formats.date_by_column] "service_date" = ["MM/DD/YYYY"]'
    )
