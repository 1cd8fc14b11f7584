"""The survivor survey: Questionnaire, responses, analysis against the deck."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pytest
from fhir.resources.R4B.questionnaire import Questionnaire

from _user_errors import user_error
from nowrongdoor.errors import UserInputError
from nowrongdoor.knowledge import load_knowledge
from nowrongdoor.reports import (
    SURVEY_URL,
    analyse_survey,
    load_survey_responses,
    survey_items,
    survey_questionnaire,
    survey_reference,
    write_survey_report,
)
from nowrongdoor.synth.survey import generate_survey_responses, write_survey_responses


def response(**answers: Any) -> dict[str, Any]:
    items = []
    for link_id, value in answers.items():
        link_id = link_id.replace("_", "-")
        if isinstance(value, int):
            items.append({"linkId": link_id, "answer": [{"valueInteger": value}]})
        else:
            items.append(
                {
                    "linkId": link_id,
                    "answer": [
                        {"valueCoding": {"system": "urn:x", "code": c}} for c in value
                    ],
                }
            )
    return {
        "resourceType": "QuestionnaireResponse",
        "questionnaire": SURVEY_URL,
        "status": "completed",
        "item": items,
    }


def write_ndjson(path: Path, resources: list[dict[str, Any]]) -> Path:
    path.write_text("\n".join(json.dumps(r) for r in resources) + "\n")
    return path


def test_questionnaire_is_valid_r4b_with_the_decks_questions() -> None:
    data = survey_questionnaire()
    Questionnaire.model_validate(data)
    link_ids = {item.link_id for item in survey_items()}
    assert {
        "health",
        "mental-health",
        "insurance-trafficked",
        "insurance-current",
        "age-first",
        "forms",
    } <= link_ids
    assert data["url"] == SURVEY_URL


def test_every_deck_figure_maps_to_an_answer_with_citation() -> None:
    kb = load_knowledge()
    reference = survey_reference()
    for key, entry_id in [
        ("health", "survey.health_concerns"),
        ("mental_health", "survey.mental_health_concerns"),
        ("insurance", "survey.insurance"),
    ]:
        table = kb.get(entry_id)
        ref = reference[key]
        assert ref.entry_ids == (entry_id,)
        assert ref.source == table.source and ref.source.startswith("deck:")
        # every published row found its answer, none twice
        assert len(ref.by_code) == len(table.rows)  # type: ignore[attr-defined]
    assert reference["health"].by_code["sleep_disturbances"] == (62.18,)
    assert reference["health"].number("sleep_disturbances") == 74
    assert reference["insurance"].by_code["medicaid"] == (40.87, 38.26)
    assert reference["mental_health"].by_code["ptsd"] == (89.08,)
    assert reference["forms"].by_code == {"sex": (96.75,), "labor": (17.89,)}
    assert reference["age_now"].by_code == {"35-44": (43.41,)}


def test_counts_percentages_and_suppression_exact(tmp_path: Path) -> None:
    # 40 respondents: 30 report sleep disturbances (10 do not -> complement is
    # small, so 30 is hidden too), 20 fatigue, 4 chronic pain (hidden).
    resources = []
    for n in range(40):
        health = []
        if n < 30:
            health.append("sleep_disturbances")
        if n < 20:
            health.append("fatigue")
        if n < 4:
            health.append("chronic_pain")
        if not health:
            health = ["none_of_these"]
        resources.append(
            response(health=health, age_first=13 if n < 25 else 19, forms=["sex"])
        )
    path = write_ndjson(tmp_path / "r.ndjson", resources)
    analysis = analyse_survey(load_survey_responses(path), threshold=11)
    assert analysis.respondents == 40
    health = next(t for t in analysis.tables if t.key == "health")
    rows = {r.code: r for r in health.rows}
    assert rows["fatigue"].local[0].number == 20
    assert rows["fatigue"].local[0].percent == pytest.approx(50.0)
    assert rows["fatigue"].reference == (45.38,)
    assert rows["sleep_disturbances"].local[0].number is None  # 40 - 30 = 10
    assert rows["sleep_disturbances"].local[0].percent is None
    assert rows["chronic_pain"].local[0].number is None
    assert rows["dental_oral"].local[0].number == 0
    assert health.respondents == (40,)
    forms = {
        r.code: r for r in next(t for t in analysis.tables if t.key == "forms").rows
    }
    assert forms["sex"].local[0].percent == pytest.approx(100.0)
    assert forms["labor"].local[0].number == 0
    # 25 aged 12-14 at first trafficking, 15 aged 18-20
    assert analysis.age_first.as_rows()[2] == ["12 to 14", "25"]
    assert analysis.age_first.as_rows()[4] == ["18 to 20", "15"]
    mental = next(t for t in analysis.tables if t.key == "mental_health")
    assert mental.respondents == (0,)


def test_synthetic_sample_reproduces_the_decks_shape(tmp_path: Path) -> None:
    path = write_survey_responses(tmp_path / "s.ndjson", 1500, seed=7)
    analysis = analyse_survey(load_survey_responses(path))
    compared = 0
    for table in analysis.tables:
        for row in table.rows:
            for local, deck in zip(row.local, row.reference, strict=True):
                if deck is None or local.percent is None:
                    continue
                assert abs(local.percent - deck) < 5.0, (table.key, row.code)
                compared += 1
    assert compared >= 25
    # deterministic
    assert generate_survey_responses(5, seed=3) == generate_survey_responses(5, seed=3)


def test_report_files(tmp_path: Path) -> None:
    path = write_survey_responses(tmp_path / "s.ndjson", 120, seed=1)
    analysis = analyse_survey(load_survey_responses(path))
    written = write_survey_report(analysis, tmp_path / "out")
    html = (tmp_path / "out" / "survey.html").read_text()
    assert html.count("<svg") == 5
    assert "survey.health_concerns" in html and "deck: Top Reported" in html
    assert (tmp_path / "out" / "charts" / "survey_health.png").read_bytes()[:4] == (
        b"\x89PNG"
    )
    with (tmp_path / "out" / "tables" / "survey_health.csv").open() as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == [
        "answer",
        "number_reporting",
        "percent_reporting",
        "deck_percent_reporting",
    ]
    assert len(written) == 6 + 5 + 1
    assert not list((tmp_path / "out").rglob("*.tmp"))


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "line 1: not JSON"),
        (
            json.dumps(response(health=["flying"])),
            "item health has answer 'flying'",
        ),
        (json.dumps(response(age_first=140)), "age 140"),
        (
            json.dumps({**response(), "questionnaire": "urn:other"}),
            "questionnaire is 'urn:other'",
        ),
        (json.dumps(response(colour=["red"])), "unknown survey item 'colour'"),
        (json.dumps({**response(), "status": 5}), "field status"),
    ],
)
def test_bad_responses_are_refused_with_one_sentence(
    tmp_path: Path, content: str, message: str
) -> None:
    path = tmp_path / "bad.ndjson"
    path.write_text(content + "\n")
    with pytest.raises(UserInputError, match="bad.ndjson") as info:
        load_survey_responses(path)
    assert message in str(info.value)


def test_bundle_and_missing_file(tmp_path: Path) -> None:
    bundle = {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [{"resource": response(forms=["labor"])}] * 12,
    }
    path = tmp_path / "b.json"
    path.write_text(json.dumps(bundle))
    assert len(load_survey_responses(path)) == 12
    with pytest.raises(UserInputError, match="does not exist"):
        load_survey_responses(tmp_path / "nope.json")


def test_responses_not_utf8_or_a_folder_are_one_sentence(tmp_path: Path) -> None:
    path = tmp_path / "responses.ndjson"
    path.write_bytes(b'{"resourceType": "QuestionnaireResponse"}\n{"x": "\xe9"}\n')
    assert user_error(load_survey_responses, path) == (
        f"survey responses file {path} is not UTF-8 text (line 2); save it as UTF-8"
    )
    assert user_error(load_survey_responses, tmp_path) == (
        f"survey responses file {tmp_path} is a folder, not a file"
    )


def test_an_unanswered_age_is_a_skipped_question_not_a_bad_file(
    tmp_path: Path,
) -> None:
    # A respondent who skips a question leaves its item without an answer
    # (QuestionnaireResponse.item.answer is 0..*): the integer item is then
    # unanswered, as an empty choice item already was.
    resources = [response(age_first=13, forms=["sex"]) for _ in range(12)]
    skipped = response(forms=["sex"])
    skipped["item"].append({"linkId": "age-first", "answer": []})
    no_answer = response(forms=["sex"])
    no_answer["item"].append({"linkId": "age-first"})
    path = write_ndjson(tmp_path / "r.ndjson", [*resources, skipped, no_answer])
    analysis = analyse_survey(load_survey_responses(path), threshold=11)
    assert analysis.respondents == 14
    assert analysis.age_first.as_rows()[2] == ["12 to 14", "12"]


def test_entered_in_error_responses_are_left_out(tmp_path: Path) -> None:
    # QuestionnaireResponse.status is a modifier element: 'entered-in-error'
    # means the resource "should not be treated as valid" (FHIR R4).
    good = [response(forms=["sex"]) for _ in range(12)]
    wrong = [
        {**response(forms=["labor"]), "status": "entered-in-error"} for _ in range(12)
    ]
    path = write_ndjson(tmp_path / "r.ndjson", [*good, *wrong])
    analysis = analyse_survey(load_survey_responses(path), threshold=11)
    assert analysis.respondents == 12
    assert analysis.left_out == 12
    forms = {
        r.code: r for r in next(t for t in analysis.tables if t.key == "forms").rows
    }
    assert forms["labor"].local[0].number == 0
    assert forms["sex"].local[0].number == 12
