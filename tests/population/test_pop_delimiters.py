"""Files separated by semicolons, tabs or '|' are read (the delimiter is sniffed
from the header) and the run says which delimiter it used; `population inspect`
reads them too and proposes `[formats] code_prefix` for codes like ICD10:F11.20."""

from __future__ import annotations

import csv
import json
from datetime import date
from pathlib import Path

import pytest
from _pop_helpers import WIDE_HEADER, assert_same_files, write_csv

from nowrongdoor.cli import app
from nowrongdoor.population import connect, score_population
from nowrongdoor.population._inputs import csv_delimiter, discover

ROWS = [
    ("M1", "2010-01-01", "F", "c1", "2025-01-01", "11", "Z62.892", "F11.20", ""),
    ("M2", "1990-05-05", "M", "c;2|x", "2025-02-01", "11", "T74.51XA", "", ""),
    ("M3", "1990-05-05", "F", "c3", "2025-03-01", "11", "F20.9", "F11.20", "Z59.00"),
]


def _write(path: Path, sep: str) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, delimiter=sep)
        writer.writerow(WIDE_HEADER)
        writer.writerows(ROWS)
    return path


def _score(src: Path, out: Path, engine_name: str = "duckdb", spark=None):
    engine = connect(engine_name, spark=spark)  # type: ignore[arg-type]
    try:
        return score_population([src], out, engine=engine, as_of=date(2025, 6, 30))
    finally:
        engine.close()


@pytest.mark.parametrize(
    ("sep", "name"), [(";", "semicolon"), ("\t", "tab"), ("|", "pipe")]
)
def test_other_delimiters_are_read_and_named(
    tmp_path: Path, sep: str, name: str, runner
) -> None:
    comma = _write(tmp_path / "comma.csv", ",")
    other = _write(tmp_path / "other.csv", sep)
    assert csv_delimiter(other) == sep
    assert discover([other])[0].delimiter == sep
    want = _score(comma, tmp_path / "a")
    got = _score(other, tmp_path / "b")
    assert (tmp_path / "a" / "worklist.csv").read_bytes() == (
        tmp_path / "b" / "worklist.csv"
    ).read_bytes()
    assert got.rejects == want.rejects == 0
    assert got.summary["inputs"] == [
        {"file": str(other), "kind": "wide", "delimiter": name}
    ]
    assert want.summary["inputs"] == [{"file": str(comma), "kind": "wide"}]
    result = runner.invoke(
        app,
        [
            "population",
            "score",
            str(other),
            "--out",
            str(tmp_path / "c"),
            "--as-of",
            "2025-06-30",
        ],
    )
    assert result.exit_code == 0, result.output
    assert f"fields separated by {name}s (not commas)" in " ".join(
        result.output.split()
    )


def test_inspect_reads_a_semicolon_file(tmp_path: Path, runner) -> None:
    other = _write(tmp_path / "other.csv", ";")
    result = runner.invoke(app, ["population", "inspect", str(other)])
    assert result.exit_code == 0, result.output
    flat = " ".join(result.output.split())
    assert "separated by semicolons" in flat
    assert "T74.51XA" in flat  # sample values split at the right delimiter


def test_inspect_proposes_the_code_prefix_and_the_map_reads_the_file(
    tmp_path: Path, runner
) -> None:
    header = ("MBR_ID", "DOB", "CLM_NO", "SVC_DT", "DIAG_1", "DIAG_2")
    rows = [
        ("M1", "2010-01-01", "c1", "2025-01-01", "ICD10:Z62.892", "icd10:F11.20"),
        ("M2", "1990-05-05", "c2", "2025-02-01", "ICD10:T74.51XA", ""),
        ("M3", "1990-05-05", "c3", "2025-03-01", "ICD10:F20.9", "ICD10:F11.20"),
    ]
    src = write_csv(tmp_path / "plan.csv", header, rows)
    result = runner.invoke(app, ["population", "inspect", str(src), "--toml"])
    assert result.exit_code == 0, result.output
    assert 'code_prefix = "ICD10:"' in result.output
    map_file = tmp_path / "map.toml"
    map_file.write_text(result.output, encoding="utf-8")
    scored = runner.invoke(
        app,
        [
            "population",
            "score",
            str(src),
            "--map",
            str(map_file),
            "--out",
            str(tmp_path / "o"),
            "--as-of",
            "2025-06-30",
        ],
    )
    assert scored.exit_code == 0, scored.output
    summary = json.loads((tmp_path / "o" / "summary.json").read_text())
    assert summary["rejects"]["total"] == 0
    assert summary["indicators"]["trafficking_confirmed"] == "<11"


def test_no_code_prefix_is_proposed_for_plain_or_poa_codes(tmp_path: Path) -> None:
    from nowrongdoor.population._inspect import inspect_file

    src = write_csv(
        tmp_path / "c.csv",
        ("member_id", "birth_date", "claim_id", "service_date", "dx1"),
        [("M1", "2010-01-01", "c1", "2025-01-01", "F11.20:Y")],
    )
    found = inspect_file(src)
    assert found.code_prefix is None
    assert found.poa_separator == ":"


@pytest.mark.spark
def test_spark_reads_a_semicolon_file_like_duckdb(tmp_path: Path, spark) -> None:
    other = _write(tmp_path / "other.csv", ";")
    duck = _score(other, tmp_path / "duck")
    sparked = _score(other, tmp_path / "spark", "spark", spark)
    assert_same_files(
        tmp_path / "duck",
        tmp_path / "spark",
        ("worklist.csv", "rejects.csv", "risk_assessments.ndjson"),
    )
    assert {**duck.summary, "engine": "spark"} == sparked.summary
