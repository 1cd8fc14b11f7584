"""Intakes and leads to review (ad-match leads arrive here)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from nowrongdoor.care import crud
from nowrongdoor.care.api.deps import IdPath, IdQuery, PageDep
from nowrongdoor.care.api.perms import IntakeRead, IntakeWrite
from nowrongdoor.care.api.records import in_scope, list_page
from nowrongdoor.care.enums import Door, IntakeStatus
from nowrongdoor.care.schemas import IntakeCreate, IntakePublic, IntakeUpdate, PageOf

__all__ = ["router"]

router = APIRouter(prefix="/intakes", tags=["intakes"])


@router.get("", response_model=PageOf[IntakePublic])
def list_intakes(
    ctx: IntakeRead,
    page: PageDep,
    status: Annotated[IntakeStatus | None, Query()] = None,
    door: Annotated[Door | None, Query()] = None,
    person_id: IdQuery = None,
) -> PageOf[IntakePublic]:
    """Intakes and leads in scope (``status=new`` is the review queue)."""
    return list_page(
        ctx,
        page,
        "intake",
        IntakePublic,
        crud.list_intakes,
        status=status,
        door=door,
        person_id=person_id,
    )


@router.post("", response_model=IntakePublic, status_code=201)
def create_intake(body: IntakeCreate, ctx: IntakeWrite) -> IntakePublic:
    """Record an intake before the person is registered."""
    intake = crud.create_intake(ctx.session, actor=ctx.user, person=None, data=body)
    ctx.audit.commit("intake.create", resource_type="intake", resource_id=intake.id)
    return IntakePublic.model_validate(intake)


@router.get("/{intake_id}", response_model=IntakePublic)
def read_intake(intake_id: IdPath, ctx: IntakeRead) -> IntakePublic:
    """One intake or lead."""
    intake = in_scope(ctx, "intake", intake_id, crud.get_intake)
    ctx.audit.commit_on("intake.read", intake)
    return IntakePublic.model_validate(intake)


@router.patch("/{intake_id}", response_model=IntakePublic)
def review_intake(
    intake_id: IdPath, body: IntakeUpdate, ctx: IntakeWrite
) -> IntakePublic:
    """Review a lead: link it to a person, mark it reviewed or dismissed."""
    intake = in_scope(ctx, "intake", intake_id, crud.get_intake)
    crud.review_intake(ctx.session, actor=ctx.user, intake=intake, data=body)
    ctx.audit.commit_on("intake.review", intake, detail=intake.status)
    return IntakePublic.model_validate(intake)
