"""Output files: FHIR RiskAssessments, suppression, atomic writes, the CLI."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from _pop_helpers import WIDE_HEADER, read_csv, write_csv

from nowrongdoor.cli import app
from nowrongdoor.errors import UserInputError
from nowrongdoor.population import (
    OUTPUT_FILES,
    WORKLIST_COLUMNS,
    connect,
    score_population,
)
from nowrongdoor.population._outputs import write_atomically

ROWS = [
    ("A1", "1990-02-01", "F", "c1", "2025-01-10", "23", "T74.51XA", "F11.20", ""),
    ("H1", "2010-07-01", "F", "c2", "2025-03-01", "23", "Z62.892", "A54.00", ""),
    ("E1", "1980-01-01", "M", "c4", "2024-12-01", "11", "F10.20", "F20.9", ""),
    ("N1", "1980-01-01", "M", "c5", "2024-12-01", "11", "I10", "", ""),
]


@pytest.fixture
def scored(tmp_path: Path) -> Path:
    src = write_csv(tmp_path / "claims.csv", WIDE_HEADER, ROWS)
    engine = connect("duckdb")
    try:
        score_population(
            [src], tmp_path / "out", engine=engine, as_of=date(2025, 6, 30)
        )
    finally:
        engine.close()
    return tmp_path / "out"


def test_risk_assessments_are_valid_fhir_r4(scored: Path) -> None:
    from fhir.resources.R4B.riskassessment import RiskAssessment

    lines = (scored / "risk_assessments.ndjson").read_text().splitlines()
    assert len(lines) == 3
    codes = []
    for line in lines:
        ra = RiskAssessment.model_validate_json(line)
        assert ra.status == "final"
        assert ra.subject.reference.startswith("Patient/")
        coding = ra.prediction[0].qualitativeRisk.coding[0]
        assert coding.system == "http://terminology.hl7.org/CodeSystem/risk-probability"
        codes.append((ra.subject.reference, coding.code))
        reasons = json.loads(ra.note[0].text)
        assert all({"indicator", "code", "date", "points"} <= set(r) for r in reasons)
    assert codes == [
        ("Patient/A1", "certain"),
        ("Patient/H1", "high"),
        ("Patient/E1", "moderate"),
    ]


def test_risk_assessment_ids_are_valid_for_any_member_id() -> None:
    from fhir.resources.R4B.riskassessment import RiskAssessment

    from nowrongdoor.population import load_scoring_model
    from nowrongdoor.population._outputs import risk_assessment

    row = {"member_id": "a b/c_d", "tier": "high", "score": 12, "pathway": "prevent"}
    ra = risk_assessment(row, [], date(2025, 1, 2), load_scoring_model())
    assert ra["id"] == "nwd-a-b-c-d-2025-01-02"
    RiskAssessment.model_validate(ra)
    # long ids stay valid and apart: cut to 64 they were one id
    ids = set()
    for member, day in (("M" * 60 + "1", 2), ("M" * 60 + "2", 2), ("M" * 60 + "1", 3)):
        long = risk_assessment(
            {**row, "member_id": member}, [], date(2025, 1, day), load_scoring_model()
        )
        RiskAssessment.model_validate(long)
        assert len(long["id"]) == 64
        ids.add(long["id"])
    assert len(ids) == 3


def test_worklist_files_share_columns_and_rows(scored: Path) -> None:
    assert sorted(p.name for p in scored.iterdir()) == sorted(OUTPUT_FILES)
    table = pq.read_table(scored / "worklist.parquet")
    assert tuple(table.column_names) == WORKLIST_COLUMNS
    rows = read_csv(scored / "worklist.csv")
    assert [r["member_id"] for r in rows] == table.column("member_id").to_pylist()
    assert [int(r["score"]) for r in rows] == table.column("score").to_pylist()
    assert [r["reasons"] for r in rows] == table.column("reasons").to_pylist()


def test_same_input_gives_same_bytes(scored: Path, tmp_path: Path) -> None:
    engine = connect("duckdb")
    try:
        score_population(
            [tmp_path / "claims.csv"],
            tmp_path / "again",
            engine=engine,
            as_of=date(2025, 6, 30),
        )
    finally:
        engine.close()
    for name in OUTPUT_FILES:
        assert (scored / name).read_bytes() == (tmp_path / "again" / name).read_bytes()


def test_interrupted_write_leaves_previous_outputs(scored: Path) -> None:
    before = {p.name: p.read_bytes() for p in scored.iterdir()}

    def explode(path: Path) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        write_atomically(
            scored,
            {"worklist.csv": lambda p: p.write_text("half"), "summary.json": explode},
        )
    assert {p.name: p.read_bytes() for p in scored.iterdir()} == before
    assert [p.name for p in scored.parent.iterdir() if ".tmp-" in p.name] == []


def test_refuses_to_replace_a_foreign_directory(tmp_path: Path) -> None:
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "thesis.docx").write_text("x")
    with pytest.raises(UserInputError, match="is not empty and holds no earlier"):
        write_atomically(
            tmp_path / "mine", {"summary.json": lambda p: p.write_text("")}
        )
    assert (tmp_path / "mine" / "thesis.docx").exists()


def test_cli_score_and_explain(tmp_path: Path, runner) -> None:
    src = write_csv(tmp_path / "claims.csv", WIDE_HEADER, ROWS)
    out = tmp_path / "out"
    result = runner.invoke(
        app,
        ["population", "score", str(src), "--out", str(out), "--as-of", "2025-06-30"],
    )
    assert result.exit_code == 0, result.output
    assert "3 members on the worklist" in " ".join(result.output.split())
    shown = runner.invoke(app, ["population", "explain", "H1", "--out", str(out)])
    assert shown.exit_code == 0
    assert "tier high" in shown.output and "Z62.892" in shown.output
    as_json = runner.invoke(
        app, ["population", "explain", "H1", "--out", str(out), "--json"]
    )
    data = json.loads(as_json.output)
    assert data["score"] == "20"
    assert [r["indicator"] for r in data["reasons"]] == ["runaway", "sti"]
    missing = runner.invoke(app, ["population", "explain", "N1", "--out", str(out)])
    assert missing.exit_code == 2
    assert "not on the worklist" in missing.output
    bad = runner.invoke(
        app, ["population", "score", str(src), "--out", str(out), "--as-of", "June"]
    )
    assert bad.exit_code == 2 and "--as-of 'June'" in bad.output


def test_outputs_are_private_to_the_owner(scored: Path) -> None:
    assert scored.stat().st_mode & 0o777 == 0o700
    files = [p for p in scored.rglob("*") if p.is_file()]
    assert files and all(p.stat().st_mode & 0o777 == 0o600 for p in files)


def test_risk_assessment_line_is_json_dumps_of_the_resource() -> None:
    import json

    from nowrongdoor.population import load_scoring_model
    from nowrongdoor.population._outputs import (
        rationale_text,
        risk_assessment,
        risk_assessment_line,
    )

    model = load_scoring_model()
    reasons = [
        {
            "indicator": "trafficking-confirmed",
            "code": "T74.51XA",
            "date": "2025-03-01",
            "points": 10,
            "sensitivity": "abuse-exploitation",
        },
        {
            "indicator": "withheld",
            "code": None,
            "date": None,
            "points": 3,
            "sensitivity": "withheld",
        },
    ]
    rows = [
        {"member_id": "M1", "tier": "identified", "score": 13, "pathway": "care"},
        {"member_id": 'é "q" \\ / ü', "tier": "high", "score": 7, "pathway": None},
        {"member_id": "a b/c_d" * 20, "tier": "elevated", "score": 4, "pathway": "x"},
    ]
    for row in rows:
        for given in (reasons, reasons[1:], []):
            note = json.dumps(given, separators=(",", ":"))
            want = json.dumps(risk_assessment(row, given, date(2025, 12, 31), model))
            got = risk_assessment_line(
                row, rationale_text(given), note, date(2025, 12, 31), model
            )
            assert got == want


def test_member_reasons_are_the_encoded_build_reasons() -> None:
    import json

    from nowrongdoor.population import load_value_sets
    from nowrongdoor.population._outputs import (
        build_reasons,
        member_reasons,
        rationale_text,
    )

    value_sets = load_value_sets()
    ids = [v.id for v in value_sets]
    sensitive = value_sets[0].sensitivity
    hits = [
        # the same reason for two members, ties on points, and date kinds
        {"member_id": "M1", "indicator": ids[0], "code": "T7451XA",
         "date": date(2025, 3, 1), "points": 3},
        {"member_id": "M2", "indicator": ids[0], "code": "T7451XA",
         "date": date(2025, 3, 1), "points": 3},
        {"member_id": "M1", "indicator": ids[1], "code": "Z04", "date": "2025-01-02",
         "points": 7},
        {"member_id": "M1", "indicator": ids[0], "code": "T7421XA",
         "date": date(2024, 5, 6), "points": 3},
        {"member_id": "M1", "indicator": ids[0], "code": "T7451XA",
         "date": date(2024, 1, 1), "points": 3},
    ]  # fmt: skip
    for withhold in (frozenset(), frozenset({sensitive})):
        want = build_reasons(hits, value_sets, withhold)
        got = member_reasons(hits, value_sets, withhold)
        assert set(got) == set(want) == {"M1", "M2"}
        for member, reasons in want.items():
            assert got[member] == (
                json.dumps(reasons, separators=(",", ":")),
                rationale_text(reasons),
            )
    # ties keep the order the hits came in, as build_reasons' stable sort does
    m1 = json.loads(member_reasons(hits, value_sets)["M1"][0])
    assert [r["date"] for r in m1] == [
        "2025-01-02",
        "2024-05-06",
        "2025-03-01",
        "2024-01-01",
    ]


def test_worklist_order_is_tier_then_highest_score_then_member_by_code_point() -> None:
    import pyarrow as pa

    from nowrongdoor.population._model import TIERS
    from nowrongdoor.population._pipeline import _worklist_order

    rows = [
        ("z", 30, "high", 9, "p"),
        ("é", 31, "identified", 2, None),
        ("Z", 32, "high", 9, "p"),
        ("a", 33, "elevated", 12, "q"),
        ("ab", 34, "high", 11, "p"),
        ("\U0001f600", 35, "high", 9, "p"),
        ("e", 36, "identified", 2, None),
    ]
    names = ["member_id", "age", "tier", "score", "pathway"]
    table = pa.table({n: [r[i] for r in rows] for i, n in enumerate(names)})
    want = sorted(rows, key=lambda r: (TIERS.index(r[2]), -r[3], r[0]))
    got = _worklist_order(table)
    assert list(zip(*(got[n] for n in names), strict=True)) == want
    assert got["member_id"] == ["e", "é", "ab", "Z", "z", "\U0001f600", "a"]


def test_a_duckdb_run_does_not_import_pandas(scored: Path, tmp_path: Path) -> None:
    # pandas costs 0.15-0.4 s of CPU to import; no step of a DuckDB run needs it
    # (pyarrow imports it for ``pa.array(list)``; see _arrow.py).
    code = (
        "import sys\n"
        "from datetime import date\n"
        "from pathlib import Path\n"
        "from nowrongdoor.population import connect, score_population\n"
        "engine = connect('duckdb')\n"
        "score_population([Path(sys.argv[1])], Path(sys.argv[2]), engine=engine,\n"
        "                 as_of=date(2025, 6, 30))\n"
        "engine.close()\n"
        "print('pandas' in sys.modules)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path / "claims.csv"), str(tmp_path / "p")],
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.strip() == "False"
    assert (tmp_path / "p" / "worklist.csv").read_bytes() == (
        scored / "worklist.csv"
    ).read_bytes()


def test_chosen_outputs_are_the_same_bytes_and_nothing_else(
    scored: Path, tmp_path: Path, runner
) -> None:
    """``--output`` writes only the named files (and summary.json), each the
    same bytes as in a full run; a later full run replaces the directory."""
    src = tmp_path / "claims.csv"
    out = tmp_path / "some"
    for chosen in (["worklist.parquet"], ["rejects.csv", "worklist.csv"]):
        args = ["population", "score", str(src), "--out", str(out)]
        args += ["--as-of", "2025-06-30"]
        for name in chosen:
            args += ["--output", name]
        result = runner.invoke(app, args)
        assert result.exit_code == 0, result.output
        written = sorted(p.name for p in out.iterdir())
        assert written == sorted([*chosen, "summary.json"])
        for name in written:
            assert (out / name).read_bytes() == (scored / name).read_bytes(), name
    engine = connect("duckdb")
    try:
        score_population([src], out, engine=engine, as_of=date(2025, 6, 30))
        with pytest.raises(UserInputError, match="unknown output 'worklist'"):
            score_population(
                [src], out, engine=engine, as_of=date(2025, 6, 30), outputs=["worklist"]
            )
    finally:
        engine.close()
    assert sorted(p.name for p in out.iterdir()) == sorted(OUTPUT_FILES)
