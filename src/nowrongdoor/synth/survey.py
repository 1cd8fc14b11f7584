"""Synthetic survivor-survey responses for demos and tests (never real people).

Each respondent is a FHIR R4B QuestionnaireResponse of the survivor survey. The
chance of choosing an answer is the deck's published percentage for it (read
from the knowledge base through :func:`nowrongdoor.reports.survey_reference`),
so a large synthetic sample looks like the published study; where the deck
publishes nothing (age when first trafficked, most age bands) the generator uses
its own invented spread. Responses carry no names, dates of birth or contacts.
"""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

from nowrongdoor._output import write_atomic
from nowrongdoor.reports import SURVEY_URL, survey_items, survey_reference

__all__ = ["generate_survey_responses", "write_survey_responses"]

#: Invented spread of "age now" bands where the deck gives none.
_AGE_NOW_WEIGHTS = {
    "18-24": 0.08,
    "25-34": 0.25,
    "35-44": 0.43,
    "45-54": 0.16,
    "55-64": 0.06,
    "65+": 0.02,
}
#: Invented spread of "age when first trafficked" (the deck's Figure 1 values are
#: not in its text): (lowest age, highest age, weight).
_AGE_FIRST_WEIGHTS = (
    (6, 11, 0.12),
    (12, 14, 0.25),
    (15, 17, 0.28),
    (18, 20, 0.15),
    (21, 24, 0.10),
    (25, 40, 0.10),
)
#: Chance that a respondent skips a question.
_SKIP = 0.04
#: Catch-all answers, chosen only when a respondent picks nothing else.
_FALLBACK = ("none_of_these", "other")
#: Chance of an answer that the deck publishes no figure for.
_DEFAULT_RATE = 0.25


def _rates() -> dict[str, dict[str, tuple[float | None, ...]]]:
    reference = survey_reference()
    return {key: table.by_code for key, table in reference.items()}


def _coding(item_code: str, display: str) -> dict[str, Any]:
    return {
        "valueCoding": {
            "system": "urn:nowrongdoor:survivor-survey",
            "code": item_code,
            "display": display,
        }
    }


def _choose_many(
    rng: random.Random,
    options: tuple[tuple[str, str], ...],
    rates: dict[str, tuple[float | None, ...]],
    column: int,
) -> list[dict[str, Any]]:
    def rate(code: str) -> float:
        values = rates.get(code)
        value = values[column] if values and len(values) > column else None
        return _DEFAULT_RATE if value is None else value / 100.0

    if "none" in {code for code, _ in options}:
        # "No insurance" excludes the other answers; the others are scaled so
        # their overall rates still match the published ones.
        p_none = rate("none")
        if rng.random() < p_none:
            return [_coding("none", dict(options)["none"])]
        scale = 1.0 / max(1e-9, 1.0 - p_none)
        chosen = [
            _coding(code, display)
            for code, display in options
            if code not in _FALLBACK
            and code != "none"
            and rng.random() < min(1.0, rate(code) * scale)
        ]
    else:
        chosen = [
            _coding(code, display)
            for code, display in options
            if code not in _FALLBACK and rng.random() < rate(code)
        ]
    if not chosen:
        # nobody who answers leaves the question blank: they pick the catch-all
        fallback = [(c, d) for c, d in options if c in _FALLBACK]
        if fallback:
            chosen = [_coding(*fallback[0])]
    return chosen


def generate_survey_responses(count: int, seed: int = 0) -> list[dict[str, Any]]:
    """``count`` synthetic QuestionnaireResponses (JSON), reproducible by ``seed``."""
    rng = random.Random(seed)
    rates = _rates()
    items = {item.link_id: item for item in survey_items()}
    table_for = {
        "forms": ("forms", 0),
        "health": ("health", 0),
        "mental-health": ("mental_health", 0),
        "insurance-trafficked": ("insurance", 0),
        "insurance-current": ("insurance", 1),
    }
    responses = []
    for n in range(count):
        answers: list[dict[str, Any]] = []
        for link_id, item in items.items():
            if rng.random() < _SKIP:
                continue
            if link_id == "age-now":
                codes = list(_AGE_NOW_WEIGHTS)
                code = rng.choices(codes, weights=list(_AGE_NOW_WEIGHTS.values()))[0]
                display = dict(item.options)[code]
                answers.append({"linkId": link_id, "answer": [_coding(code, display)]})
            elif link_id == "age-first":
                low, high, _ = rng.choices(
                    _AGE_FIRST_WEIGHTS, weights=[w for _, _, w in _AGE_FIRST_WEIGHTS]
                )[0]
                answers.append(
                    {
                        "linkId": link_id,
                        "answer": [{"valueInteger": rng.randint(low, high)}],
                    }
                )
            else:
                key, column = table_for[link_id]
                chosen = _choose_many(rng, item.options, rates.get(key, {}), column)
                if chosen:
                    answers.append({"linkId": link_id, "answer": chosen})
        responses.append(
            {
                "resourceType": "QuestionnaireResponse",
                "id": f"synthetic-survey-{seed}-{n}",
                "questionnaire": SURVEY_URL,
                "status": "completed",
                "item": answers,
            }
        )
    return responses


def write_survey_responses(path: Path, count: int, seed: int = 0) -> Path:
    """Write synthetic responses to ``path`` as NDJSON (atomically)."""
    lines = [
        json.dumps(r, separators=(",", ":"))
        for r in generate_survey_responses(count, seed)
    ]
    return write_atomic(Path(path), "\n".join(lines) + "\n")
