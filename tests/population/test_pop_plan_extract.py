"""A hand-written extract that looks like a real plan's: its own column names
(a 'Principal Dx' beside 'Dx 2'), semicolons, quoted fields holding the
delimiter and quotes, a byte-order mark, CRLF line ends, mixed-case and undotted
codes, dates in two patterns (one padded with spaces). `population inspect`
proposes the map, `population score` reads it on both engines, and every bad
value is one reject naming file, row and field, quoted as written."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from _pop_helpers import assert_same_files, read_csv

from nowrongdoor.cli import app
from nowrongdoor.population import connect, score_population
from nowrongdoor.population._maps import load_map

HEADER = [
    "Member Number",
    "Date of Birth",
    "Claim No",
    "From Date",
    "Principal Dx",
    "Dx 2",
    "Dx 3",
    "Provider Name",
]
ROWS = [
    ["A-1001", "03/14/2009", "CLM-1", "01/15/2025", "z62.892", "F1120", "", "Mercy"],
    ["A-1001", "03/14/2009", "CLM-2", " 2025-02-20 ", "T7451XA", "f11.20", "", "x"],
    ["A-1002", "1988-07-01", "CLM-3", "02/30/2025", "F20.9", "", "", "Mercy"],
    ["A-1003", "", "CLM-4", "03/01/2025", "t74.62xa", "", "", "Smith; Jones"],
    ["A-1004", "11/31/1990", "CLM-5", "03/02/2025", "Z59.00", "XYZ", "", "Mercy"],
    ["", "1990-01-01", "CLM-6", "03/03/2025", "I10", "", "", 'Clinic "North"'],
    ["A-1005", "1975-12-12", "CLM-7", "2025-03-04", "F32.2", "F11.20", "Z65.1", ""],
]


def _quoted(value: str) -> str:
    if any(c in value for c in ';"'):
        return '"' + value.replace('"', '""') + '"'
    return value


def _extract(path: Path) -> Path:
    text = "".join(";".join(_quoted(v) for v in r) + "\r\n" for r in [HEADER, *ROWS])
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    return path


def _score(src: Path, cmap_path: Path, out: Path, engine_name="duckdb", spark=None):
    engine = connect(engine_name, spark=spark)  # type: ignore[arg-type]
    try:
        return score_population(
            [src],
            out,
            engine=engine,
            as_of=date(2025, 6, 30),
            column_map=load_map(cmap_path),
            today=date(2026, 1, 1),
        )
    finally:
        engine.close()


@pytest.fixture
def proposed(tmp_path: Path, runner) -> tuple[Path, Path]:
    src = _extract(tmp_path / "plan_claims.csv")
    result = runner.invoke(app, ["population", "inspect", str(src), "--toml"])
    assert result.exit_code == 0, result.output
    cmap = tmp_path / "map.toml"
    cmap.write_text(result.output, encoding="utf-8")
    return src, cmap


def test_inspect_proposes_a_map_that_reads_the_extract(
    proposed: tuple[Path, Path], tmp_path: Path
) -> None:
    src, cmap = proposed
    text = cmap.read_text(encoding="utf-8")
    assert 'dx = ["Principal Dx", "Dx 2", "Dx 3"]' in text
    assert 'date = ["YYYY-MM-DD", "MM/DD/YYYY"]' in text
    result = _score(src, cmap, tmp_path / "out")
    worklist = read_csv(tmp_path / "out" / "worklist.csv")
    assert [(r["member_id"], r["age"], r["tier"], r["score"]) for r in worklist] == [
        ("A-1001", "16", "identified", "118"),
        ("A-1003", "", "identified", "50"),
        ("A-1005", "49", "elevated", "10"),
    ]
    a1001 = json.loads(worklist[0]["reasons"])
    # undotted, lower-case and padded-date rows all count
    assert [(r["code"], r["date"]) for r in a1001] == [
        ("T74.51XA", "2025-02-20"),
        ("Z62.892", "2025-01-15"),
        ("F11.20", "2025-02-20"),
    ]
    rejects = read_csv(tmp_path / "out" / "rejects.csv")
    dates = "is not a valid YYYY-MM-DD or MM/DD/YYYY date"
    # quoted as written, so the analyst finds the value in the file
    assert [(r["file"], r["row"], r["reason"]) for r in rejects] == [
        (str(src), "3", f"service_date '02/30/2025' {dates}"),
        (str(src), "4", "birth_date is empty"),
        (str(src), "5", "Dx 2: 'XYZ' is not an ICD-10-CM code"),
        (str(src), "5", f"birth_date '11/31/1990' {dates}"),
        (str(src), "6", "member_id is empty"),
    ]
    assert result.summary["inputs"][0]["delimiter"] == "semicolon"


@pytest.mark.spark
def test_spark_reads_the_extract_like_duckdb(
    proposed: tuple[Path, Path], tmp_path: Path, spark
) -> None:
    src, cmap = proposed
    duck = _score(src, cmap, tmp_path / "duck")
    sparked = _score(src, cmap, tmp_path / "spark", "spark", spark)
    assert_same_files(
        tmp_path / "duck",
        tmp_path / "spark",
        ("worklist.csv", "rejects.csv", "risk_assessments.ndjson"),
    )
    assert {**duck.summary, "engine": "spark"} == sparked.summary


def test_a_header_only_extract_stops_even_with_an_as_of(
    proposed: tuple[Path, Path], tmp_path: Path, runner
) -> None:
    _, cmap = proposed
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"\xef\xbb\xbf" + (";".join(HEADER) + "\r\n").encode())
    result = runner.invoke(
        app,
        [
            "population",
            "score",
            str(empty),
            "--map",
            str(cmap),
            "--out",
            str(tmp_path / "o"),
            "--as-of",
            "2025-06-30",
        ],
    )
    assert result.exit_code == 2, result.output
    assert " ".join(result.output.split()) == (
        f"error: the claims in {empty} hold no diagnosis code with a member id (no "
        "data rows below the header, or every diagnosis or member id cell is "
        "empty): nothing would be scored"
    )
    assert not (tmp_path / "o").exists()


def test_a_utf16_extract_is_named_as_utf16(tmp_path: Path, runner) -> None:
    """Excel's 'Unicode Text' export is UTF-16 with a byte-order mark: named as
    such, not as a binary file."""
    path = tmp_path / "claims.csv"
    text = "\t".join(HEADER) + "\r\n" + "\t".join(ROWS[0]) + "\r\n"
    path.write_bytes(text.encode("utf-16"))  # with its byte-order mark
    result = runner.invoke(
        app, ["population", "score", str(path), "--out", str(tmp_path / "o")]
    )
    assert result.exit_code == 2, result.output
    assert " ".join(result.output.split()) == (
        f"error: {path} line 1 (the header) is UTF-16 text (it starts with a UTF-16 "
        "byte-order mark, as Excel's 'Unicode Text' writes it), not UTF-8; save the "
        "file as UTF-8"
    )
