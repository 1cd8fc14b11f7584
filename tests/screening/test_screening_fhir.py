"""FHIR: shipped Questionnaires, emitted resources, QuestionnaireResponse round-trip."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.flag import Flag
from fhir.resources.R4B.questionnaire import Questionnaire
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse
from fhir.resources.R4B.riskassessment import RiskAssessment

from nowrongdoor.errors import UserInputError
from nowrongdoor.screening import (
    InstrumentDataError,
    InstrumentRegistry,
    get_instrument,
    list_instruments,
    load_instrument_files,
    score,
)
from nowrongdoor.screening._fhir import check_codes, validate_resource

DATA = Path(__file__).parents[2] / "src/nowrongdoor/screening/data/instruments"
QYIT_NO = {
    "unsafe-work": False,
    "afraid-to-leave": False,
    "exchanged-sex": False,
    "tricked-into-work": False,
}


@pytest.mark.parametrize("instrument_id", [i.id for i in list_instruments()])
def test_every_questionnaire_is_valid_r4b(instrument_id: str) -> None:
    instrument = get_instrument(instrument_id)
    parsed = Questionnaire.model_validate(instrument.questionnaire)
    assert parsed.id == instrument_id
    assert [i.linkId for i in parsed.item] == [i.linkId for i in instrument.items]
    assert all(i.type == "boolean" for i in parsed.item)


def test_checklist_items_come_from_kb_indicators() -> None:
    from nowrongdoor.knowledge import Indicator, load_knowledge

    kb = load_knowledge()
    minor = get_instrument("minor-indicators")
    expected = [
        e.id
        for e in kb.section("indicators")
        if isinstance(e, Indicator) and e.population in ("minor", "any")
    ]
    assert [item.source for item in minor.items] == expected
    assert all(not item.required for item in minor.items)
    adult_sources = {item.source for item in get_instrument("adult-indicators").items}
    assert not any(s and s.startswith("indicators.minor_") for s in adult_sources)


def test_positive_bundle_has_response_risk_and_flag() -> None:
    result = score("qyit", {**QYIT_NO, "unsafe-work": True})
    bundle = result.to_fhir("Patient/example-1")
    parsed = Bundle.model_validate(bundle)
    assert parsed.type == "collection"
    kinds = [e["resource"]["resourceType"] for e in bundle["entry"]]
    assert kinds == ["QuestionnaireResponse", "RiskAssessment", "Flag"]
    response, risk, flag = (e["resource"] for e in bundle["entry"])
    QuestionnaireResponse.model_validate(response)
    RiskAssessment.model_validate(risk)
    Flag.model_validate(flag)
    assert risk["basis"][0]["reference"] == bundle["entry"][0]["fullUrl"]
    assert risk["subject"]["reference"] == "Patient/example-1"
    assert risk["prediction"][0]["qualitativeRisk"]["coding"][0]["code"] == "high"
    assert flag["category"][0]["coding"][0]["code"] == "safety"
    assert flag["status"] == "active"
    assert json.loads(json.dumps(bundle)) == bundle  # plain JSON types only


def test_negative_bundle_has_no_flag_and_anonymous_subject() -> None:
    bundle = score("qyit", QYIT_NO).to_fhir()
    kinds = [e["resource"]["resourceType"] for e in bundle["entry"]]
    assert kinds == ["QuestionnaireResponse", "RiskAssessment"]
    risk = bundle["entry"][1]["resource"]
    assert "reference" not in risk["subject"]
    assert risk["prediction"][0]["qualitativeRisk"]["coding"][0]["code"] == "low"


@pytest.mark.parametrize("instrument_id", ["cst6", "qyit", "raft", "minor-indicators"])
def test_questionnaire_response_round_trip(instrument_id: str) -> None:
    instrument = get_instrument(instrument_id)
    answers: dict[str, bool | None] = {}
    for index, item in enumerate(instrument.items):
        answers[item.linkId] = (True, False, None)[index % 3]
    first = score(instrument_id, answers)
    response = first.questionnaire_response()
    # Through JSON text and the fhir.resources model and back.
    model = QuestionnaireResponse.model_validate_json(json.dumps(response))
    again = json.loads(model.model_dump_json(exclude_none=True))
    second = score(instrument_id, again)
    assert second.answers == first.answers
    assert second.fired_items == first.fired_items
    assert second.skipped_items == first.skipped_items
    assert second.category == first.category


def test_response_for_another_questionnaire_is_refused() -> None:
    response = score("qyit", QYIT_NO).questionnaire_response()
    with pytest.raises(UserInputError, match="not 'raft'"):
        score("raft", response)


def test_response_with_wrong_value_type_is_refused() -> None:
    response = score("qyit", QYIT_NO).questionnaire_response()
    response["item"][0]["answer"] = [{"valueString": "yes"}]
    with pytest.raises(UserInputError, match="valueBoolean"):
        score("qyit", response)
    # fhir.resources would coerce the string "true"; we refuse it.
    response["item"][0]["answer"] = [{"valueBoolean": "true"}]
    with pytest.raises(UserInputError, match="must be true, false or null"):
        score("qyit", response)


def test_invalid_response_structure_is_refused() -> None:
    bad = {"resourceType": "QuestionnaireResponse", "item": []}  # no status
    with pytest.raises(UserInputError, match="not a valid QuestionnaireResponse"):
        score("qyit", bad)


def test_codes_are_checked_beyond_fhir_resources() -> None:
    bogus = {"resourceType": "Flag", "status": "bogus", "code": {"text": "x"},
             "subject": {"display": "x"}}  # fmt: skip
    Flag.model_validate(bogus)  # fhir.resources accepts it ...
    with pytest.raises(ValueError, match="Flag.status 'bogus'"):
        validate_resource(bogus)  # ... we do not
    with pytest.raises(ValueError, match="Bundle.type"):
        check_codes({"resourceType": "Bundle", "type": "pile"})


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_instrument_file_errors_name_the_file(tmp_path: Path) -> None:
    questionnaire = json.loads((DATA / "qyit.json").read_text(encoding="utf-8"))
    rules = (DATA / "qyit.scoring.yaml").read_text(encoding="utf-8")
    ok = load_instrument_files(
        _write(tmp_path, "q.json", json.dumps(questionnaire)),
        _write(tmp_path, "q.scoring.yaml", rules),
    )
    assert ok.id == "qyit"

    bad_status = {**questionnaire, "status": "live"}
    with pytest.raises(InstrumentDataError, match=r"bad\.json: .*status 'live'"):
        load_instrument_files(
            _write(tmp_path, "bad.json", json.dumps(bad_status)),
            _write(tmp_path, "bad.scoring.yaml", rules),
        )
    string_item = json.loads(json.dumps(questionnaire))
    string_item["item"][0]["type"] = "string"
    with pytest.raises(InstrumentDataError, match="only boolean items"):
        load_instrument_files(
            _write(tmp_path, "s.json", json.dumps(string_item)),
            _write(tmp_path, "s.scoring.yaml", rules),
        )
    with pytest.raises(InstrumentDataError, match="does not have"):
        load_instrument_files(
            _write(tmp_path, "p.json", json.dumps(questionnaire)),
            _write(
                tmp_path,
                "p.scoring.yaml",
                rules.replace("[afraid-to-leave, tricked-into-work]", "[nope]"),
            ),
        )
    with pytest.raises(InstrumentDataError, match="not valid JSON"):
        load_instrument_files(
            _write(tmp_path, "j.json", "{"), _write(tmp_path, "j.scoring.yaml", rules)
        )


def test_registry_registers_extensions_and_refuses_duplicates() -> None:
    registry = InstrumentRegistry()
    registry.register("qyit", lambda: get_instrument("qyit"))
    assert registry.ids() == ["qyit"]
    assert score("qyit", QYIT_NO, registry=registry).category == "negative"
    with pytest.raises(InstrumentDataError, match="twice"):
        registry.register("qyit", lambda: get_instrument("qyit"))
    with pytest.raises(UserInputError, match="unknown instrument 'raft'"):
        score("raft", {}, registry=registry)
