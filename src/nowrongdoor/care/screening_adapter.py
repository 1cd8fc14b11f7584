"""Run the screening engine and keep its result where the care store keeps it.

One way for every door (the API, the web pages, the demo seed):
:func:`store_result` keeps a scored
:class:`~nowrongdoor.screening.ScreeningResult` on a person, with its FHIR
QuestionnaireResponse about that person and, for a screening run in a case, an
entry on the case's timeline; :func:`screen_and_store` scores answers first.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from nowrongdoor import screening
from nowrongdoor.care import crud
from nowrongdoor.care.errors import ApiError
from nowrongdoor.care.models import Case, Person, Screening, User
from nowrongdoor.screening import ScreeningResult

__all__ = ["screen_and_store", "store_result"]


def store_result(
    session: Session,
    *,
    actor: User,
    person: Person,
    result: ScreeningResult,
    case: Case | None = None,
    intake_id: int | None = None,
) -> Screening:
    """Keep the scored ``result`` on ``person`` (the caller commits).

    The stored QuestionnaireResponse names the person by pseudonym
    (``Patient/<pseudonym>``); a screening run in ``case`` is also an entry on
    the case's timeline.
    """
    row = crud.store_screening(
        session,
        actor=actor,
        person=person,
        instrument_id=result.instrument_id,
        positive=result.positive,
        recommended_pathway=result.recommended_pathway,
        questionnaire_response=result.questionnaire_response(
            subject_reference=f"Patient/{person.pseudonym}"
        ),
        result=result.model_dump(mode="json"),
        case_id=case.id if case is not None else None,
        intake_id=intake_id,
    )
    if case is not None:
        crud.add_case_event(
            session,
            case=case,
            kind="screening",
            actor=actor,
            detail=f"{result.instrument_id}: {result.category}",
        )
    return row


def screen_and_store(
    session: Session,
    *,
    actor: User,
    person: Person,
    instrument_id: str,
    answers: dict[str, Any],
    case: Case | None = None,
    intake_id: int | None = None,
) -> Screening:
    """Score ``answers`` with ``instrument_id`` and keep the result on
    ``person`` (:func:`store_result`; the caller commits).

    Raises:
        ApiError: (422) unknown instrument or unusable answers, naming the field.
    """
    try:
        result = screening.score(instrument_id, answers)
    except (KeyError, LookupError, ValueError, TypeError) as exc:
        message = str(exc) or "the answers do not fit the instrument"
        field = "instrument_id" if "unknown instrument" in message else "answers"
        raise ApiError(
            message, code="validation_error", field=field, status=422
        ) from exc
    return store_result(
        session,
        actor=actor,
        person=person,
        result=result,
        case=case,
        intake_id=intake_id,
    )
