"""``/fhir`` reads and searches of ``Condition`` (needs), ``Goal`` and
``QuestionnaireResponse`` (screenings), with the reach rules of
:mod:`nowrongdoor.care.fhir.clinical`. Every call is audited."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse
from sqlalchemy import select
from sqlalchemy.orm import Session

from nowrongdoor.care import crud
from nowrongdoor.care.api.deps import AuditDep, SessionDep
from nowrongdoor.care.enums import Role
from nowrongdoor.care.errors import NotFound
from nowrongdoor.care.fhir.clinical import (
    condition_resource,
    goal_resource,
    questionnaire_response_resource,
    visible_goals,
    visible_needs,
    visible_screenings,
)
from nowrongdoor.care.fhir.resources import as_json, searchset
from nowrongdoor.care.fhir.routes import (
    FHIR_JSON,
    Count,
    FhirRoute,
    FhirUser,
    Offset,
    _audit,
    _base,
    _referral_id,
    _with_text,
)
from nowrongdoor.care.models import Person, User
from nowrongdoor.care.rbac import require

__all__ = ["router"]

router = APIRouter(
    prefix="/fhir", route_class=FhirRoute, tags=["fhir"], include_in_schema=False
)

Lister = Callable[..., list[tuple[Any, int]]]


def _permit(viewer: User, kind: str) -> None:
    if kind == "QuestionnaireResponse":
        require(viewer, "screening:read")
    elif viewer.role == Role.PARTNER_USER:
        require(viewer, "referral:read")
    else:
        require(viewer, "case:read")


def _build(kind: str, item: Any, pseudonym: str, viewer: User) -> dict[str, Any]:
    if kind == "Condition":
        return as_json(
            condition_resource(item, pseudonym=pseudonym, with_text=_with_text(viewer))
        )
    if kind == "Goal":
        return as_json(
            goal_resource(item, pseudonym=pseudonym, with_text=_with_text(viewer))
        )
    return as_json(questionnaire_response_resource(item, pseudonym=pseudonym))


_LISTERS: dict[str, tuple[Lister, str]] = {
    "Condition": (visible_needs, "need"),
    "Goal": (visible_goals, "goal"),
    "QuestionnaireResponse": (visible_screenings, "screening"),
}


def _person_of(session: Session, patient: str) -> int | None:
    pseudonym = patient.removeprefix("Patient/")[:20]
    found: int | None = session.scalar(
        select(Person.id).where(Person.pseudonym == pseudonym)
    )
    return found


def _search(
    kind: str,
    request: Request,
    session: Session,
    auditor: AuditDep,
    viewer: User,
    patient: str | None,
    count: int,
    offset: int,
) -> JSONResponse:
    _permit(viewer, kind)
    lister, _ = _LISTERS[kind]
    rows: list[tuple[Any, int]] = []
    if patient is None:
        rows = lister(session, viewer)
    else:
        person_id = _person_of(session, patient)
        rows = lister(session, viewer, person_id=person_id) if person_id else []
    page = rows[offset : offset + count]
    names = crud.pseudonyms_of(session, {pid for _, pid in page})
    out = [_build(kind, item, names[pid], viewer) for item, pid in page]
    bundle = searchset(
        _base(request),
        kind,
        out,
        total=len(rows),
        query={"patient": patient} if patient else {},
        count=count,
        offset=offset,
    )
    _audit(request, auditor, f"search {kind}", detail=f"{len(out)} results")
    return JSONResponse(as_json(bundle), media_type=FHIR_JSON)


def _read(
    kind: str,
    raw_id: str,
    request: Request,
    session: Session,
    auditor: AuditDep,
    viewer: User,
) -> JSONResponse:
    _permit(viewer, kind)
    lister, audit_type = _LISTERS[kind]
    rows = lister(session, viewer, item_id=_referral_id(raw_id, kind))
    if not rows:
        raise NotFound(f"{kind}/{raw_id} is not known")
    item, person_id = rows[0]
    pseudonym = crud.pseudonyms_of(session, {person_id})[person_id]
    body = _build(kind, item, pseudonym, viewer)
    _audit(request, auditor, f"read {kind}", resource_type=audit_type,
           resource_id=item.id, person_id=person_id)  # fmt: skip
    return JSONResponse(body, media_type=FHIR_JSON)


Patient = Query(None, max_length=40, description="Patient/<pseudonym>")


@router.get("/Condition", summary="Search Conditions (needs)")
def search_conditions(
    request: Request,
    session: SessionDep,
    auditor: AuditDep,
    viewer: FhirUser,
    patient: str | None = Patient,
    count: Count = 50,
    offset: Offset = 0,
) -> JSONResponse:
    """SDOH Conditions the caller reaches, by ``patient``."""
    return _search("Condition", request, session, auditor, viewer, patient,
                   count, offset)  # fmt: skip


@router.get("/Condition/{item_id}", summary="Read a Condition")
def read_condition(
    item_id: str, request: Request, session: SessionDep, auditor: AuditDep,
    viewer: FhirUser,
) -> JSONResponse:  # fmt: skip
    """One SDOH Condition."""
    return _read("Condition", item_id, request, session, auditor, viewer)


@router.get("/Goal", summary="Search Goals")
def search_goals(
    request: Request,
    session: SessionDep,
    auditor: AuditDep,
    viewer: FhirUser,
    patient: str | None = Patient,
    count: Count = 50,
    offset: Offset = 0,
) -> JSONResponse:
    """SDOH Goals the caller reaches, by ``patient``."""
    return _search("Goal", request, session, auditor, viewer, patient, count, offset)


@router.get("/Goal/{item_id}", summary="Read a Goal")
def read_goal(
    item_id: str, request: Request, session: SessionDep, auditor: AuditDep,
    viewer: FhirUser,
) -> JSONResponse:  # fmt: skip
    """One SDOH Goal."""
    return _read("Goal", item_id, request, session, auditor, viewer)


@router.get("/QuestionnaireResponse", summary="Search screenings")
def search_screenings(
    request: Request,
    session: SessionDep,
    auditor: AuditDep,
    viewer: FhirUser,
    patient: str | None = Patient,
    count: Count = 50,
    offset: Offset = 0,
) -> JSONResponse:
    """Screenings (staff with ``screening:read`` only), by ``patient``."""
    return _search("QuestionnaireResponse", request, session, auditor, viewer,
                   patient, count, offset)  # fmt: skip


@router.get("/QuestionnaireResponse/{item_id}", summary="Read a screening")
def read_screening(
    item_id: str, request: Request, session: SessionDep, auditor: AuditDep,
    viewer: FhirUser,
) -> JSONResponse:  # fmt: skip
    """One screening's QuestionnaireResponse."""
    return _read("QuestionnaireResponse", item_id, request, session, auditor, viewer)
