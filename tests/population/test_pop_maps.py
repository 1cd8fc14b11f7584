"""Column maps: someone else's names, date patterns and code formats score exactly
like our own layout; a map that misses a required column says which."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pytest
from _pop_helpers import WIDE_HEADER, read_csv, write_csv

from nowrongdoor.cli import app
from nowrongdoor.errors import UserInputError
from nowrongdoor.population import connect, score_population
from nowrongdoor.population._backends import EngineName
from nowrongdoor.population._inspect import inspect_file
from nowrongdoor.population._maps import ColumnMap, load_map
from nowrongdoor.synth.claims import generate_claims

AS_OF = date(2025, 12, 31)
RENAME = {
    "member_id": "Member Number",
    "birth_date": "DOB",
    "claim_id": "CLAIM_NO",
    "service_date": "From Date",
}
MAP_TOML = """
name = "plan warehouse"
[columns]
member_id = "member number"
birth_date = "dob"
claim_id = "CLAIM_NO"
service_date = "From Date"
dx = ["PRIN_DIAG", "DIAG_*"]
[formats]
date = "%d/%m/%Y"
poa_separator = ":"
"""


def _score(inputs: list[Path], out: Path, cmap: ColumnMap | None = None):
    engine = connect("duckdb")
    try:
        return score_population(
            inputs, out, engine=engine, as_of=AS_OF, column_map=cmap
        )
    finally:
        engine.close()


def _dmy(iso: str) -> str:
    return f"{iso[8:10]}/{iso[5:7]}/{iso[0:4]}" if iso else iso


def _rewrite(src: Path, dst: Path) -> None:
    """Our wide CSV -> renamed columns, DD/MM/YYYY dates, undotted codes with a
    present-on-admission suffix, diagnosis columns reordered after the others."""
    with open(src, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    dx = [f"dx{i}" for i in range(1, 13)]
    header = (
        [RENAME[c] for c in RENAME]
        + ["PRIN_DIAG"]
        + [f"DIAG_{i}" for i in range(2, 13)]
    )
    with open(dst, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        for r in rows:
            codes = [(r[c].replace(".", "") + ":Y") if r[c] else "" for c in dx]
            writer.writerow(
                [
                    r["member_id"],
                    _dmy(r["birth_date"]),
                    r["claim_id"],
                    _dmy(r["service_date"]),
                    *codes,
                ]
            )


@pytest.fixture(scope="module")
def ours(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("ours")
    generate_claims(500, 23, root, fmt="csv")
    return root / "claims.csv"


def test_renamed_columns_dmy_dates_and_undotted_codes_score_identically(
    ours: Path, tmp_path: Path
) -> None:
    theirs = tmp_path / "warehouse.csv"
    _rewrite(ours, theirs)
    (tmp_path / "map.toml").write_text(MAP_TOML, encoding="utf-8")
    cmap = load_map(tmp_path / "map.toml")
    a = _score([ours], tmp_path / "a")
    b = _score([theirs], tmp_path / "b", cmap)
    assert a.flagged > 5 and a.rejects == 0 and b.rejects == 0
    for name in ("worklist.csv", "worklist.parquet", "risk_assessments.ndjson"):
        assert (tmp_path / "a" / name).read_bytes() == (
            tmp_path / "b" / name
        ).read_bytes(), name
    assert a.summary["tiers"] == b.summary["tiers"]


def test_map_from_settings_file_and_cli(ours: Path, tmp_path: Path, runner) -> None:
    theirs = tmp_path / "warehouse.csv"
    _rewrite(ours, theirs)
    settings = tmp_path / "settings.toml"
    body = MAP_TOML.replace("[columns]", "[population.map.columns]").replace(
        "[formats]", "[population.map.formats]"
    )
    body = body.replace('name = "plan warehouse"', "")
    settings.write_text("[population.map]\nname = 'from settings'\n" + body)
    result = runner.invoke(
        app,
        [
            "--config",
            str(settings),
            "population",
            "score",
            str(theirs),
            "--out",
            str(tmp_path / "b"),
            "--as-of",
            "2025-12-31",
        ],
    )
    assert result.exit_code == 0, result.output
    _score([ours], tmp_path / "a")
    assert (tmp_path / "a" / "worklist.csv").read_bytes() == (
        tmp_path / "b" / "worklist.csv"
    ).read_bytes()


def test_missing_required_column_names_role_and_mapped_names(tmp_path: Path) -> None:
    src = write_csv(
        tmp_path / "c.csv",
        ("MBR", "DOB", "CLM", "DIAG_1"),
        [("M1", "01/01/2010", "c1", "I10")],
    )
    cmap = ColumnMap.model_validate(
        {
            "name": "acme",
            "columns": {
                "member_id": "MBR",
                "birth_date": "DOB",
                "claim_id": "CLM",
                "service_date": ["SVC_DT", "FROM_DT"],
                "dx": "DIAG_*",
            },
        }
    )
    with pytest.raises(UserInputError) as err:
        _score([src], tmp_path / "o", cmap)
    assert str(err.value) == (
        f"wide claims file {src} has no column for service_date: map 'acme' looks "
        "for 'SVC_DT' or 'FROM_DT'"
    )


def test_wide_claims_without_birth_dates_need_a_members_file(tmp_path: Path) -> None:
    claims = write_csv(
        tmp_path / "claims.csv",
        ("member_id", "claim_id", "service_date", "dx1"),
        [("M1", "c1", "2025-01-01", "Z62.892")],
    )
    with pytest.raises(UserInputError, match="no column 'birth_date'"):
        _score([claims], tmp_path / "o")
    members = write_csv(
        tmp_path / "members.csv", ("member_id", "birth_date"), [("M1", "2010-05-05")]
    )
    result = _score([claims, members], tmp_path / "o")
    assert [r["member_id"] for r in read_csv(tmp_path / "o" / "worklist.csv")] == ["M1"]
    assert result.rejects == 0


def test_long_shape_through_a_map(tmp_path: Path) -> None:
    members = write_csv(
        tmp_path / "people.csv", ("PERSON", "BORN"), [("P1", "20110303")]
    )
    claims = write_csv(
        tmp_path / "dx.csv",
        ("PERSON", "CLAIM", "DOS", "ICD"),
        [("P1", "c1", "20250101", "Z62892"), ("P1", "c2", "20250131", "F1020")],
    )
    cmap = ColumnMap.model_validate(
        {
            "columns": {
                "member_id": "PERSON",
                "birth_date": "BORN",
                "claim_id": "CLAIM",
                "service_date": "DOS",
                "dx_code": "ICD",
            },
            "formats": {"date": "YYYYMMDD"},
        }
    )
    _score([members, claims], tmp_path / "o", cmap)
    rows = read_csv(tmp_path / "o" / "worklist.csv")
    assert [(r["member_id"], r["tier"], r["score"]) for r in rows] == [
        ("P1", "high", "18")
    ]


def test_date_that_fits_no_pattern_is_rejected_naming_the_pattern(
    tmp_path: Path,
) -> None:
    src = write_csv(
        tmp_path / "c.csv",
        WIDE_HEADER,
        [
            ("M1", "01/02/2010", "F", "c1", "31/02/2025", "11", "I10", "", ""),
            ("M1", "01/02/2010", "F", "c2", "2025-03-01", "11", "I10", "", ""),
            ("M1", "01/02/2010", "F", "c3", "15/03/2025", "11", "Z62.892", "", ""),
        ],
    )
    cmap = ColumnMap.model_validate({"formats": {"date": "DD/MM/YYYY"}})
    _score([src], tmp_path / "o", cmap)
    reasons = [r["reason"] for r in read_csv(tmp_path / "o" / "rejects.csv")]
    assert reasons == [
        # quoted as written, so the analyst finds it in the file
        "service_date '31/02/2025' is not a valid DD/MM/YYYY date",
    ]
    worklist = read_csv(tmp_path / "o" / "worklist.csv")
    assert [r["member_id"] for r in worklist] == ["M1"]


@pytest.mark.parametrize(
    ("body", "needle"),
    [
        ("[formats]\ndate = 'DD/MM'\n", "needs YYYY, DD and MM or MON"),
        ("[formats]\ndate = 'YYYY-QQ-DD'\n", "'Q' is not YYYY, MM, DD, MON"),
        ("[columns]\nmember = 'x'\n", "columns.member: Extra inputs"),
        ("[columns\n", "is not valid TOML"),
    ],
)
def test_bad_map_files_are_one_sentence(tmp_path: Path, body: str, needle: str) -> None:
    path = tmp_path / "map.toml"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(UserInputError) as err:
        load_map(path)
    assert needle in str(err.value)
    assert str(path) in str(err.value)


def test_map_and_preset_together_are_refused(tmp_path: Path, runner) -> None:
    (tmp_path / "m.toml").write_text("name = 'x'\n")
    result = runner.invoke(
        app,
        [
            "population",
            "score",
            str(tmp_path),
            "--out",
            str(tmp_path / "o"),
            "--map",
            str(tmp_path / "m.toml"),
            "--preset",
            "taf",
        ],
    )
    assert result.exit_code == 2
    assert "not both" in result.output


def test_inspect_proposes_a_map_that_scores_identically(
    ours: Path, tmp_path: Path, runner
) -> None:
    theirs = tmp_path / "warehouse.csv"
    _rewrite(ours, theirs)
    found = inspect_file(theirs)
    assert found.roles == {
        "member_id": "Member Number",
        "birth_date": "DOB",
        "claim_id": "CLAIM_NO",
        "service_date": "From Date",
    }
    assert found.dx[:3] == ["PRIN_DIAG", "DIAG_2", "DIAG_3"]
    assert found.date_patterns == ["DD/MM/YYYY"]
    assert found.poa_separator == ":"
    result = runner.invoke(app, ["population", "inspect", str(theirs), "--toml"])
    assert result.exit_code == 0, result.output
    (tmp_path / "proposed.toml").write_text(result.output, encoding="utf-8")
    _score([ours], tmp_path / "a")
    _score([theirs], tmp_path / "b", load_map(tmp_path / "proposed.toml"))
    assert (tmp_path / "a" / "worklist.csv").read_bytes() == (
        tmp_path / "b" / "worklist.csv"
    ).read_bytes()


@pytest.mark.parametrize(
    "engine", ["duckdb", pytest.param("spark", marks=pytest.mark.spark)]
)
def test_repeated_service_dates_are_read_and_rejected_on_every_line(
    tmp_path: Path, engine: EngineName, request: pytest.FixtureRequest
) -> None:
    """Service dates are converted once per distinct value and joined back to
    their lines: a valid date, a bad one and an empty one that each repeat still
    give every line its own date or its own reject."""
    src = write_csv(
        tmp_path / "c.csv",
        WIDE_HEADER,
        [
            ("M1", "01FEB2010", "F", "c1", "15MAR2025", "11", "Z62.892", "", ""),
            ("M1", "01FEB2010", "F", "c2", "31FEB2025", "11", "I10", "", ""),
            ("M2", "02feb2011", "F", "c3", "15mar2025", "11", "T74.51XA", "", ""),
            ("M2", "02feb2011", "F", "c4", "31FEB2025", "11", "I10", "", ""),
            ("M2", "02feb2011", "F", "c5", "", "11", "I10", "", ""),
            ("M3", "03MAR2012", "M", "c6", "20250315", "11", "I10", "", ""),
            ("M3", "03MAR2012", "M", "c7", "", "11", "I10", "", ""),
        ],
    )
    cmap = ColumnMap.model_validate({"formats": {"date": ["DDMONYYYY", "YYYYMMDD"]}})
    backend = connect(
        engine, spark=request.getfixturevalue("spark") if engine == "spark" else None
    )
    try:
        score_population(
            [src], tmp_path / "o", engine=backend, as_of=AS_OF, column_map=cmap
        )
    finally:
        backend.close()
    rejects = [
        (r["row"], r["reason"]) for r in read_csv(tmp_path / "o" / "rejects.csv")
    ]
    bad = "is not a valid DDMONYYYY or YYYYMMDD date"
    assert rejects == [
        ("2", f"service_date '31FEB2025' {bad}"),
        ("4", f"service_date '31FEB2025' {bad}"),
        ("5", f"service_date '' {bad}"),
        ("7", f"service_date '' {bad}"),
    ]
    worklist = read_csv(tmp_path / "o" / "worklist.csv")
    assert [(r["member_id"], r["tier"]) for r in worklist] == [
        ("M2", "identified"),
        ("M1", "high"),
    ]


def test_a_code_prefix_is_dropped_before_the_code_is_read(tmp_path: Path) -> None:
    # EHR and warehouse exports write the code system before the code
    # ('ICD10:F11.20', 'icd10cm:Z59.00'); the map names the prefix to drop.
    claims = write_csv(
        tmp_path / "claims.csv",
        WIDE_HEADER,
        [
            (
                "M1",
                "2008-07-07",
                "F",
                "C1",
                "2025-05-05",
                "11",
                "ICD10:F11.20",
                "icd10:z59.00",
                "A54.00",
            ),
            ("M1", "2008-07-07", "F", "C2", "2025-05-06", "11", "ICD10:XYZ", "", ""),
        ],
    )
    cmap = ColumnMap.model_validate({"formats": {"code_prefix": "ICD10:"}})
    _score([claims], tmp_path / "o", cmap)
    rows = read_csv(tmp_path / "o" / "worklist.csv")
    assert [(r["member_id"], r["tier"], r["score"]) for r in rows] == [
        ("M1", "high", "22")
    ]
    rejects = read_csv(tmp_path / "o" / "rejects.csv")
    assert [r["reason"] for r in rejects] == ["dx1: 'XYZ' is not an ICD-10-CM code"]
