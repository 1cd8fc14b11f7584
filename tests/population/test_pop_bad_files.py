"""Files that are not what they claim to be end in one sentence naming the file and
line (exit 2, no traceback); future service dates are reported and never become the
as-of date; ICD-9-era codes are reported as such, not as unknown codes."""

from __future__ import annotations

import json
import os
from datetime import date
from pathlib import Path

import pytest
from _pop_helpers import WIDE_HEADER, read_csv, write_csv

from nowrongdoor.cli import app
from nowrongdoor.errors import UserInputError
from nowrongdoor.population import connect, score_population

HEADER = b"member_id,birth_date,claim_id,service_date,dx1\n"
#: A rejected row that carries a trafficking code says so (test_pop_reject_alarm.py).
ALARM = "; the row carries a trafficking_confirmed code: follow it up, it is not scored"
GOOD = b"M1,2010-01-01,c1,2025-01-01,Z62.892\n"


def _bad_files(tmp: Path) -> dict[str, tuple[Path, str]]:
    """name -> (file, what the error must say)."""
    files = {
        "non-utf8": (HEADER + GOOD + b"M\xe9,2010-01-01,c2,2025-01-01,I10\n",
                     "line 3: the text is not UTF-8"),
        "non-utf8 header": (b"member_id,n\xe9,claim_id\n" + GOOD,
                            "line 1 (the header) is not UTF-8"),
        "binary": (os.urandom(2000).replace(b"\n", b"x") + b"\x00\n",
                   "line 1 (the header)"),
        "unterminated quote": (HEADER + GOOD + b'"M2,2010-01-01,c2,2025-01-01,I10\n'
                               + GOOD, "line 3: a quoted value is never closed"),
        "5 MB field": (HEADER + GOOD + b"M2,2010-01-01,c2,2025-01-01,"
                       + b"A" * 5_000_000 + b"\n",
                       "line 3: the line is longer than the 2 MB"),
        "extra field": (HEADER + b"M1,2010-01-01,c1,2025-01-01,I10,x\n",
                        "line 2: the line has 6 fields, the header 5"),
    }  # fmt: skip
    out = {}
    for i, (name, (data, needle)) in enumerate(files.items()):
        path = tmp / f"f{i}.csv"
        path.write_bytes(data)
        out[name] = (path, needle)
    ndjson = tmp / "bulk.ndjson"
    ndjson.write_bytes(os.urandom(4000))
    out["binary ndjson"] = (ndjson, "is not FHIR NDJSON: no line is a JSON resource")
    deep = tmp / "deep.ndjson"
    deep.write_text("[" * 200_000 + "\n", encoding="utf-8")
    out["deeply nested ndjson"] = (deep, "is not FHIR NDJSON")
    return out


@pytest.mark.parametrize(
    "name",
    [
        "non-utf8",
        "non-utf8 header",
        "binary",
        "unterminated quote",
        "5 MB field",
        "extra field",
        "binary ndjson",
        "deeply nested ndjson",
    ],
)
def test_bad_file_is_one_sentence_naming_file_and_line(
    tmp_path: Path, runner, name: str
) -> None:
    path, needle = _bad_files(tmp_path)[name]
    result = runner.invoke(
        app, ["population", "score", str(path), "--out", str(tmp_path / "o")]
    )
    text = " ".join(result.output.split())
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    assert text.startswith("error: ")
    assert str(path) in text and needle in text
    assert "AAAAAAAAAA" not in text and "2010-01-01" not in text  # no row echoed
    assert not (tmp_path / "o").exists()


def test_ndjson_with_some_bad_lines_keeps_the_good_ones(tmp_path: Path) -> None:
    lines = [
        {"resourceType": "Patient", "id": "P1", "birthDate": "2010-01-01"},
        {
            "resourceType": "Condition",
            "subject": {"reference": "Patient/P1"},
            "recordedDate": "2025-02-02",
            "code": {
                "coding": [
                    {"system": "http://hl7.org/fhir/sid/icd-10-cm", "code": "Z62.892"}
                ]
            },
        },
    ]
    path = tmp_path / "p.ndjson"
    body = b"".join(json.dumps(x).encode() + b"\n" for x in lines)
    path.write_bytes(body + b"\xff\xfe{\n")
    engine = connect("duckdb")
    try:
        result = score_population([path], tmp_path / "o", engine=engine)
    finally:
        engine.close()
    assert result.flagged == 1
    assert [
        (r["row"], r["reason"]) for r in read_csv(tmp_path / "o" / "rejects.csv")
    ] == [("3", "line is not UTF-8 text")]


def _run(tmp_path: Path, rows, as_of=None, today=date(2026, 1, 15)):
    src = write_csv(tmp_path / "claims.csv", WIDE_HEADER, rows)
    engine = connect("duckdb")
    try:
        result = score_population(
            [src], tmp_path / "out", engine=engine, as_of=as_of, today=today
        )
    finally:
        engine.close()
    return result, read_csv(tmp_path / "out" / "rejects.csv")


def test_future_claim_is_rejected_and_never_the_as_of_date(tmp_path: Path) -> None:
    result, rejects = _run(
        tmp_path,
        [
            ("M1", "2010-01-01", "F", "c1", "2025-06-30", "11", "Z62.892", "", ""),
            ("M1", "2010-01-01", "F", "c2", "2099-01-01", "11", "T74.51XA", "", ""),
            ("M2", "1990-01-01", "F", "c3", "2026-01-16", "11", "I10", "", ""),
        ],
    )
    assert result.as_of == date(2025, 6, 30)
    assert [(r["row"], r["reason"]) for r in rejects] == [
        (
            "2",
            "service_date '2099-01-01' is after the day of the run (2026-01-15)"
            + ALARM,
        ),
        ("3", "service_date '2026-01-16' is after the day of the run (2026-01-15)"),
    ]
    assert result.summary["rejects"]["by_check"] == {"service_date in the future": 2}
    worklist = read_csv(tmp_path / "out" / "worklist.csv")
    # the 2099 trafficking code is not scored: M1 is high (runaway), not identified
    assert [(r["member_id"], r["tier"]) for r in worklist] == [("M1", "high")]


def test_future_claim_is_rejected_with_an_explicit_as_of(tmp_path: Path) -> None:
    result, rejects = _run(
        tmp_path,
        [("M1", "2010-01-01", "F", "c2", "2099-01-01", "11", "T74.51XA", "", "")],
        as_of=date(2099, 6, 1),
    )
    assert [r["reason"] for r in rejects] == [
        "service_date '2099-01-01' is after the day of the run (2026-01-15)" + ALARM
    ]
    assert result.flagged == 0


def test_a_future_line_is_one_future_reject_whatever_its_codes(tmp_path: Path) -> None:
    """The future-date check comes before the code checks: a future line's
    unknown, ICD-9-shaped or empty codes are not reported as such, and its
    value-set code is not scored."""
    result, rejects = _run(
        tmp_path,
        [
            ("M1", "2010-01-01", "F", "c1", "2025-06-30", "11", "I10", "", ""),
            ("M1", "2010-01-01", "F", "c2", "2030-02-02", "11", "ZZZ99", "4019", "."),
            ("M2", "1990-01-01", "F", "c3", "2030-02-02", "11", "T74.51XA", "ZZZ", ""),
        ],
    )
    assert [(r["row"], r["reason"]) for r in rejects] == [
        ("2", "service_date '2030-02-02' is after the day of the run (2026-01-15)"),
        (
            "3",
            "service_date '2030-02-02' is after the day of the run (2026-01-15)"
            + ALARM,
        ),
    ]
    assert result.summary["rejects"]["by_check"] == {"service_date in the future": 2}
    assert result.flagged == 0


def test_only_future_dates_means_no_default_as_of(tmp_path: Path) -> None:

    with pytest.raises(UserInputError, match="on or before today"):
        _run(
            tmp_path,
            [("M1", "2010-01-01", "F", "c2", "2099-01-01", "11", "I10", "", "")],
        )


def test_icd9_era_codes_are_reported_as_such(tmp_path: Path) -> None:
    result, rejects = _run(
        tmp_path,
        [
            # ICD-9 era by date: any non-ICD-10-CM code before 2015-10-01
            ("M1", "2010-01-01", "F", "c1", "2014-03-02", "11", "305.00", "", ""),
            ("M1", "2010-01-01", "F", "c2", "2015-09-30", "11", "XYZ", "", ""),
            # ICD-9-shaped after the switch: numeric, V and E codes
            ("M1", "2010-01-01", "F", "c3", "2020-01-01", "11", "V61.21", "E9500", ""),
            ("M1", "2010-01-01", "F", "c4", "2020-01-01", "11", "29620", "", ""),
            # not ICD-9-shaped after the switch: an unknown code
            ("M1", "2010-01-01", "F", "c5", "2020-01-01", "11", "XYZ.123", "", ""),
            # a valid ICD-10-CM code on an old date is used (a cross-walked history)
            ("M1", "2010-01-01", "F", "c6", "2015-09-01", "11", "Z62.892", "", ""),
        ],
        as_of=date(2016, 1, 1),
    )
    got = [(r["row"], r["reason"]) for r in rejects]
    era = " is from the ICD-9 era (service date before 2015-10-01, when ICD-10-CM "
    assert got == [
        ("1", "dx1: '305.00'" + era + "began); not scored"),
        ("2", "dx1: 'XYZ'" + era + "began); not scored"),
        ("3", "dx1: 'V61.21' is an ICD-9-CM code, not ICD-10-CM; not scored"),
        ("3", "dx2: 'E9500' is an ICD-9-CM code, not ICD-10-CM; not scored"),
        ("4", "dx1: '29620' is an ICD-9-CM code, not ICD-10-CM; not scored"),
        ("5", "dx1: 'XYZ.123' is not an ICD-10-CM code"),
    ]
    assert result.summary["rejects"]["by_check"] == {
        "diagnosis code ICD-9 era": 5,
        "diagnosis code unknown": 1,
    }
    assert result.flagged == 1  # the runaway code of 2015-09-01 still counts


def test_ndjson_whose_only_json_lines_are_not_resources_is_refused(
    tmp_path: Path, runner
) -> None:
    """Random bytes can hold a line that parses as JSON (``7``): still not FHIR."""
    path = tmp_path / "bulk.ndjson"
    path.write_bytes(b'\xff\xfe\x00garbage\n7\n[1, 2]\n{"a": 1}\nnot json\n')
    result = runner.invoke(
        app, ["population", "score", str(path), "--out", str(tmp_path / "o")]
    )
    text = " ".join(result.output.split())
    assert result.exit_code == 2, result.output
    assert text.startswith(f"error: {path} is not FHIR NDJSON: no line is a JSON")
    assert "line 1: line is not UTF-8 text" in text
    assert not (tmp_path / "o").exists()


def test_a_model_or_worklist_not_utf8_is_one_sentence(tmp_path: Path, runner) -> None:
    """A latin-1 scoring model (score) or worklist (explain, diff) names the file
    and line, exit 2, never a UnicodeDecodeError traceback."""
    claims = tmp_path / "claims.csv"
    claims.write_bytes(HEADER + GOOD)
    model = tmp_path / "model.yaml"
    model.write_bytes(b"version: 1\nname: caf\xe9\n")
    result = runner.invoke(
        app,
        ["population", "score", str(claims), "--out", str(tmp_path / "o"),
         "--model", str(model)],
    )  # fmt: skip
    assert result.exit_code == 2, result.output
    assert " ".join(result.output.split()) == (
        f"error: scoring model {model} is not UTF-8 text (line 2); save it as UTF-8"
    )
    run = tmp_path / "run"
    run.mkdir()
    worklist = run / "worklist.csv"
    worklist.write_bytes(b"member_id,tier,score,reasons\nM\xe9,high,1,[]\n")
    for args in (["explain", "M1", "--out", str(run)], ["diff", str(run), str(run)]):
        result = runner.invoke(app, ["population", *args])
        assert result.exit_code == 2, result.output
        assert " ".join(result.output.split()) == (
            f"error: {worklist} is not UTF-8 text (line 2); save it as UTF-8"
        )


def test_a_header_only_claims_file_is_named(tmp_path: Path, runner) -> None:
    """No data rows (a header-only CSV): the sentence names the file."""
    path = tmp_path / "claims.csv"
    path.write_bytes(HEADER)
    result = runner.invoke(
        app, ["population", "score", str(path), "--out", str(tmp_path / "o")]
    )
    assert result.exit_code == 2, result.output
    assert " ".join(result.output.split()) == (
        f"error: the claims in {path} hold no diagnosis code with a member id (no "
        "data rows below the header, or every diagnosis or member id cell is "
        "empty): nothing would be scored"
    )
    assert not (tmp_path / "o").exists()


def test_dates_in_another_pattern_ask_for_a_map_not_an_as_of(
    tmp_path: Path, runner
) -> None:
    """MM/DD/YYYY dates: no date is valid, and --as-of would not help."""
    path = write_csv(
        tmp_path / "claims.csv",
        WIDE_HEADER,
        [("M1", "01/02/1990", "F", "C1", "02/01/2025", "11", "T74.51XA", "", "")],
    )
    result = runner.invoke(
        app, ["population", "score", str(path), "--out", str(tmp_path / "o")]
    )
    assert result.exit_code == 2, result.output
    # the first such row and column, and the form (not the value: person data)
    assert " ".join(result.output.split()) == (
        f"error: {path} row 1, column service_date: no service date in the input "
        "is a valid YYYY-MM-DD date, and this one is DD/MM/YYYY or MM/DD/YYYY, "
        "which the value cannot tell (no part above 12); declare the order the "
        "export uses for column service_date alone in a column map: "
        '[formats.date_by_column] "service_date" = ["DD/MM/YYYY"] or '
        '["MM/DD/YYYY"] (column birth_date has dates that cannot tell the order) '
        f"(`nowrongdoor population inspect {path} "
        "--toml` proposes one)"
    )
