"""The hand-labelled scenarios agree with the engines that key the quizzes.

The labels were written from the statute and the deck before the quiz generator
(tests/training/data/labelled_scenarios.yaml); a disagreement is a bug in the
engine or in a label, never something to tune away.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from nowrongdoor.screening import classify, score
from nowrongdoor.training import screening_choice

DATA = yaml.safe_load(
    (Path(__file__).parent / "data" / "labelled_scenarios.yaml").read_text(
        encoding="utf-8"
    )
)


def test_the_set_is_big_and_covers_every_answer() -> None:
    assert len(DATA["legal"]) >= 30
    labels = {s["expected"] for s in DATA["legal"]}
    assert labels == {
        "sex_trafficking",
        "labor_trafficking",
        "sex_and_labor_trafficking",
        "smuggling_not_trafficking",
        "not_trafficking",
        "needs_more_information",
    }
    assert len({s["id"] for s in DATA["legal"] + DATA["screening"]}) == len(
        DATA["legal"]
    ) + len(DATA["screening"])


@pytest.mark.parametrize("case", DATA["legal"], ids=lambda c: c["id"])
def test_decision_aid_agrees_with_the_hand_label(case: dict[str, Any]) -> None:
    result = classify(case["facts"])
    assert result.classification == case["expected"], case["story"]
    assert result.mandatory_report == case["mandatory_report"], case["story"]


@pytest.mark.parametrize("case", DATA["screening"], ids=lambda c: c["id"])
def test_screening_engine_agrees_with_the_hand_label(case: dict[str, Any]) -> None:
    override = bool(case.get("override_population", False))
    result = score(
        case["instrument"],
        case["answers"],
        age=case["age"],
        override_population=override,
    )
    assert bool(result.outside_validated_population) == override
    assert result.positive == case["positive"]
    assert result.recommended_pathway == case["pathway"]
    expected = f"positive:{case['pathway']}" if case["positive"] else "negative"
    assert screening_choice(result) == expected
