"""``population valuesets --out DIR``: FHIR R4B ValueSets and the review table."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from fhir.resources.R4B.valueset import ValueSet as FhirValueSet
from typer.testing import CliRunner

from nowrongdoor.cli import app
from nowrongdoor.errors import UserInputError
from nowrongdoor.population import (
    VALUESET_CSV_COLUMNS,
    export_value_sets,
    load_scoring_model,
    load_value_sets,
)

SETS = load_value_sets()


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("vs") / "export"
    result = CliRunner().invoke(app, ["population", "valuesets", "--out", str(out)])
    assert result.exit_code == 0, result.output
    return out


def test_one_fhir_value_set_per_indicator(exported: Path) -> None:
    files = sorted(exported.glob("*.valueset.json"))
    assert len(files) == len(SETS)
    by_url = {}
    for path in files:
        raw = json.loads(path.read_text(encoding="utf-8"))
        FhirValueSet.model_validate(raw)  # R4B model: required fields, types
        assert raw["resourceType"] == "ValueSet" and raw["status"] == "draft"
        by_url[raw["url"]] = raw
    for vs in SETS:
        raw = by_url[f"urn:nowrongdoor:valueset:{vs.id}"]
        (include,) = raw["compose"]["include"]
        assert include["system"] == "http://hl7.org/fhir/sid/icd-10-cm"
        codes = {c["code"].replace(".", "") for c in include["concept"]}
        assert codes == set(vs.expand())
        assert all(c["display"] for c in include["concept"])
        assert raw["date"] == vs.reviewed.isoformat()
        assert vs.rationale == raw["purpose"]
        for item in vs.leaves_out:
            assert item.code in raw["description"]


def test_ruled_out_exam_is_exported_as_a_signal(exported: Path) -> None:
    raw = json.loads(
        (exported / "nwd-trafficking-exam.valueset.json").read_text(encoding="utf-8")
    )
    assert "Role: signal" in raw["description"]
    assert "I.C.19.f" in raw["description"]


def test_the_csv_table_has_every_code(exported: Path) -> None:
    with open(exported / "valuesets.csv", newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert tuple(rows[0]) == VALUESET_CSV_COLUMNS
    assert len(rows) == sum(len(vs.expand()) for vs in SETS)
    z0481 = [r for r in rows if r["code"] == "Z04.81"]
    assert z0481 and z0481[0]["role"] == "signal" and z0481[0]["weight"] == "2"
    assert not [r for r in rows if r["code"].startswith("O03")]


def test_the_html_table_reads_for_a_reviewer(exported: Path) -> None:
    page = (exported / "valuesets.html").read_text(encoding="utf-8")
    for vs in SETS:
        assert f'id="{vs.id}"' in page
    assert "Left out on purpose" in page and "Y07.6" in page


def test_rerun_replaces_and_foreign_directory_is_refused(tmp_path: Path) -> None:
    model = load_scoring_model()
    out = tmp_path / "vs"
    export_value_sets(out, SETS[:1], model)
    export_value_sets(out, SETS[:2], model)  # an earlier export is replaced
    assert len(list(out.glob("*.valueset.json"))) == 2
    other = tmp_path / "other"
    other.mkdir()
    (other / "notes.txt").write_text("keep me", encoding="utf-8")
    with pytest.raises(UserInputError, match="not an earlier value-set export"):
        export_value_sets(other, SETS, model)
    assert (other / "notes.txt").read_text(encoding="utf-8") == "keep me"
