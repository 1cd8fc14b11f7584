"""The survivor survey instrument: its Questionnaire, questions and table shapes.

Read by the analysis (``_survey``), the deck's reference figures (``_reference``)
and the synthetic response generator (``nowrongdoor.synth.survey``); it imports
nothing else of ``reports``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

__all__ = [
    "AGE_FIRST_BINS",
    "REPORTING_TABLES",
    "SURVEY_INSTRUMENT_ID",
    "SURVEY_URL",
    "SurveyItem",
    "survey_items",
    "survey_questionnaire",
]

#: ``Screening.instrument_id`` of survey responses stored in the care database.
SURVEY_INSTRUMENT_ID = "survivor-survey"
SURVEY_URL = "urn:nowrongdoor:questionnaire:survivor-survey"

#: Age bins for "age when first trafficked": (label, lowest age, highest age).
AGE_FIRST_BINS: tuple[tuple[str, int, int], ...] = (
    ("Under 12", 0, 11),
    ("12 to 14", 12, 14),
    ("15 to 17", 15, 17),
    ("18 to 20", 18, 20),
    ("21 to 24", 21, 24),
    ("25 or older", 25, 120),
)

#: Multiple-answer tables: (title, [(column label, linkId)]).
REPORTING_TABLES: tuple[tuple[str, str, tuple[tuple[str, str], ...]], ...] = (
    (
        "insurance",
        "Insurance coverage while being trafficked and currently",
        (
            ("While trafficked", "insurance-trafficked"),
            ("Currently", "insurance-current"),
        ),
    ),
    (
        "health",
        "Reported health concerns during and after trafficking",
        (("Reporting", "health"),),
    ),
    (
        "mental_health",
        "Reported mental health concerns during and after trafficking",
        (("Reporting", "mental-health"),),
    ),
    ("forms", "Forms of trafficking experienced", (("Reporting", "forms"),)),
)


@dataclass(frozen=True)
class SurveyItem:
    """One question of the survey.

    Attributes:
        link_id: The Questionnaire item linkId.
        text: The question.
        type: FHIR item type (``choice`` or ``integer``).
        repeats: More than one answer allowed.
        options: ``(code, display)`` of each answer option, in order.
    """

    link_id: str
    text: str
    type: str
    repeats: bool
    options: tuple[tuple[str, str], ...]


@lru_cache(maxsize=1)
def survey_questionnaire() -> dict[str, Any]:
    """The survivor survey as a FHIR R4B Questionnaire (validated JSON)."""
    from fhir.resources.R4B.questionnaire import Questionnaire

    text = (
        resources.files("nowrongdoor.reports")
        .joinpath("data/survivor_survey.json")
        .read_text(encoding="utf-8")
    )
    data: dict[str, Any] = json.loads(text)
    Questionnaire.model_validate(data)
    return data


@lru_cache(maxsize=1)
def survey_items() -> tuple[SurveyItem, ...]:
    """The survey's questions, in order."""
    items = []
    for item in survey_questionnaire()["item"]:
        options = tuple(
            (o["valueCoding"]["code"], o["valueCoding"]["display"])
            for o in item.get("answerOption", [])
        )
        items.append(
            SurveyItem(
                link_id=item["linkId"],
                text=item["text"],
                type=item["type"],
                repeats=bool(item.get("repeats", False)),
                options=options,
            )
        )
    return tuple(items)
