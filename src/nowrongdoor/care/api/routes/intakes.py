"""Intakes and leads to review (ad-match leads arrive here)."""

from __future__ import annotations

from functools import partial
from typing import Annotated

from fastapi import APIRouter, Query

from nowrongdoor.care import crud
from nowrongdoor.care.api.deps import AuditDep, IdPath, IdQuery, PageDep, SessionDep
from nowrongdoor.care.api.perms import IntakeRead, IntakeWrite
from nowrongdoor.care.api.records import in_scope, list_page
from nowrongdoor.care.enums import Door, IntakeStatus
from nowrongdoor.care.schemas import IntakeCreate, IntakePublic, IntakeUpdate, PageOf

__all__ = ["router"]

router = APIRouter(prefix="/intakes", tags=["intakes"])


@router.get("", response_model=PageOf[IntakePublic])
def list_intakes(
    session: SessionDep,
    user: IntakeRead,
    page: PageDep,
    audit: AuditDep,
    status: Annotated[IntakeStatus | None, Query()] = None,
    door: Annotated[Door | None, Query()] = None,
    person_id: IdQuery = None,
) -> PageOf[IntakePublic]:
    """Intakes and leads in scope (``status=new`` is the review queue)."""
    lister = partial(
        crud.list_intakes,
        session,
        viewer=user,
        status=status,
        door=door,
        person_id=person_id,
    )
    return list_page(audit, page, "intake", IntakePublic, lister)


@router.post("", response_model=IntakePublic, status_code=201)
def create_intake(
    body: IntakeCreate, session: SessionDep, user: IntakeWrite, audit: AuditDep
) -> IntakePublic:
    """Record an intake before the person is registered."""
    intake = crud.create_intake(session, actor=user, person=None, data=body)
    audit.commit("intake.create", resource_type="intake", resource_id=intake.id)
    return IntakePublic.model_validate(intake)


@router.get("/{intake_id}", response_model=IntakePublic)
def read_intake(
    intake_id: IdPath, session: SessionDep, user: IntakeRead, audit: AuditDep
) -> IntakePublic:
    """One intake or lead."""
    intake = in_scope(audit, "intake", intake_id, crud.get_intake, session, user)
    audit.commit_on("intake.read", intake)
    return IntakePublic.model_validate(intake)


@router.patch("/{intake_id}", response_model=IntakePublic)
def review_intake(
    intake_id: IdPath,
    body: IntakeUpdate,
    session: SessionDep,
    user: IntakeWrite,
    audit: AuditDep,
) -> IntakePublic:
    """Review a lead: link it to a person, mark it reviewed or dismissed."""
    intake = in_scope(audit, "intake", intake_id, crud.get_intake, session, user)
    crud.review_intake(session, actor=user, intake=intake, data=body)
    audit.commit_on("intake.review", intake, detail=intake.status)
    return IntakePublic.model_validate(intake)
