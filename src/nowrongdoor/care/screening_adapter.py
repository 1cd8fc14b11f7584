"""Run the screening engine and turn its result into what the care store keeps.

``nowrongdoor.screening.score(instrument_id, answers)`` returns a result with
``positive``, ``recommended_pathway`` and ``to_fhir()`` (the
QuestionnaireResponse). This adapter calls it and normalises the output to
plain JSON, so care never depends on the engine's internals.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from nowrongdoor.care import crud
from nowrongdoor.care.enums import Sensitivity
from nowrongdoor.care.errors import ApiError
from nowrongdoor.care.models import Person, Screening, User

__all__ = ["ScoredScreening", "run_screening", "screen_and_store"]


@dataclass(frozen=True)
class ScoredScreening:
    """A screening result ready to store.

    Attributes:
        positive: Whether the screen is positive.
        recommended_pathway: prevent / survive / thrive, or ``None``.
        questionnaire_response: FHIR QuestionnaireResponse as JSON.
        result: The whole result as JSON.
        sensitivity: ``part2`` for substance-use instruments, else ``normal``.
    """

    positive: bool
    recommended_pathway: str | None
    questionnaire_response: dict[str, Any]
    result: dict[str, Any]
    sensitivity: str


def _jsonable(value: Any) -> Any:
    if hasattr(value, "model_dump"):
        return value.model_dump(mode="json", exclude_none=True)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return _jsonable(dataclasses.asdict(value))
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_jsonable(v) for v in value]
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    return str(value)


def _fhir(result: Any) -> dict[str, Any]:
    maker = getattr(result, "questionnaire_response", None)
    fhir = maker() if callable(maker) else result.to_fhir()
    if isinstance(fhir, str):
        import json

        loaded: dict[str, Any] = json.loads(fhir)
        return loaded
    out = _jsonable(fhir)
    if not isinstance(out, dict):
        raise TypeError("to_fhir() did not return a JSON object")
    return out


def run_screening(instrument_id: str, answers: dict[str, Any]) -> ScoredScreening:
    """Score ``answers`` with the instrument ``instrument_id``.

    Raises:
        ApiError: (422) unknown instrument or unusable answers, naming the field.
    """
    from nowrongdoor import screening

    try:
        result = screening.score(instrument_id, answers)
    except (KeyError, LookupError, ValueError, TypeError) as exc:
        message = str(exc) or "the answers do not fit the instrument"
        field = "instrument_id" if "unknown instrument" in message else "answers"
        raise ApiError(
            message, code="validation_error", field=field, status=422
        ) from exc
    raw = _jsonable(result)
    result_json = raw if isinstance(raw, dict) else {"value": raw}
    result_json["fhir_bundle"] = _jsonable(result.to_fhir())
    pathway = getattr(result, "recommended_pathway", None)
    label = str(getattr(result, "sensitivity", "") or "")
    sensitivity = Sensitivity.PART2 if label.lower() in {"part2", "sud"} else label
    if sensitivity not in set(Sensitivity):
        sensitivity = Sensitivity.NORMAL
    return ScoredScreening(
        positive=bool(getattr(result, "positive", False)),
        recommended_pathway=str(pathway.value if hasattr(pathway, "value") else pathway)
        if pathway
        else None,
        questionnaire_response=_fhir(result),
        result=result_json,
        sensitivity=str(sensitivity),
    )


def screen_and_store(
    session: Session,
    *,
    actor: User,
    person: Person,
    instrument_id: str,
    answers: dict[str, Any],
    case_id: int | None = None,
    intake_id: int | None = None,
) -> Screening:
    """Score ``answers`` and keep the result on ``person`` (the caller commits).

    Raises:
        ApiError: (422) unknown instrument or unusable answers, naming the field.
    """
    scored = run_screening(instrument_id, answers)
    return crud.store_screening(
        session,
        actor=actor,
        person=person,
        instrument_id=instrument_id,
        positive=scored.positive,
        recommended_pathway=scored.recommended_pathway,
        questionnaire_response=scored.questionnaire_response,
        result=scored.result,
        case_id=case_id,
        intake_id=intake_id,
        sensitivity=scored.sensitivity,
    )
