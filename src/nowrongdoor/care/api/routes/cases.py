"""Cases and their plan: needs, goals, barriers, notes, safety plan."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response

from nowrongdoor.care import crud
from nowrongdoor.care.api.deps import AuditDep, IdPath, IdQuery, PageDep, SessionDep
from nowrongdoor.care.api.perms import CaseRead, CaseWrite, NoteRead, NoteWrite
from nowrongdoor.care.enums import CaseStatus, Pathway
from nowrongdoor.care.models import Barrier, Goal, Need, Note
from nowrongdoor.care.schemas import (
    BarrierCreate,
    BarrierPublic,
    CaseCreate,
    CaseDetail,
    CasePublic,
    CaseTransition,
    CaseUpdate,
    GoalCreate,
    GoalPublic,
    NeedCreate,
    NeedPublic,
    NeedUpdate,
    NoteCreate,
    NotePublic,
    PageOf,
    ProgressUpdate,
    SafetyPlanIn,
    SafetyPlanPublic,
)

__all__ = ["router"]

router = APIRouter(prefix="/cases", tags=["cases"])
_CasePage = PageOf[CasePublic]


@router.get("", response_model=PageOf[CasePublic])
def list_cases(
    session: SessionDep,
    user: CaseRead,
    page: PageDep,
    audit: AuditDep,
    status: Annotated[CaseStatus | None, Query()] = None,
    pathway: Annotated[Pathway | None, Query()] = None,
    owner_id: IdQuery = None,
    person_id: IdQuery = None,
) -> Response:
    """Cases in your scope, newest first."""
    rows, total = crud.list_case_rows(
        session,
        viewer=user,
        status=status,
        pathway=pathway,
        owner_id=owner_id,
        person_id=person_id,
        limit=page.limit,
        offset=page.offset,
    )
    audit.commit("case.list", resource_type="case", detail=f"{len(rows)} rows")
    body = _CasePage.model_construct(
        items=rows, total=total, limit=page.limit, offset=page.offset
    )
    return Response(body.model_dump_json(), media_type="application/json")


@router.post("", response_model=CasePublic, status_code=201)
def create_case(
    body: CaseCreate, session: SessionDep, user: CaseWrite, audit: AuditDep
) -> CasePublic:
    """Open a case on the Prevent or Survive/Thrive pathway."""
    audit.target("person", body.person_id)
    case = crud.create_case(session, actor=user, data=body)
    audit.commit(
        "case.create",
        resource_type="case",
        resource_id=case.id,
        person_id=case.person_id,
    )
    return crud.case_public(case)


@router.get("/{case_id}", response_model=CaseDetail)
def read_case(
    case_id: IdPath, session: SessionDep, user: CaseRead, audit: AuditDep
) -> Response:
    """The case with everything on its page (filtered for your role and consent)."""
    audit.target("case", case_id)
    case = crud.get_case(session, viewer=user, case_id=case_id, with_person=True)
    detail = crud.case_detail(session, viewer=user, case=case)
    audit.commit(
        "case.read", resource_type="case", resource_id=case.id, person_id=case.person_id
    )
    return Response(detail.model_dump_json(), media_type="application/json")


@router.patch("/{case_id}", response_model=CasePublic)
def update_case(
    case_id: IdPath,
    body: CaseUpdate,
    session: SessionDep,
    user: CaseWrite,
    audit: AuditDep,
) -> CasePublic:
    """Change the pathway or the owner (re-assigning needs ``case:assign``)."""
    audit.target("case", case_id)
    case = crud.get_case(session, viewer=user, case_id=case_id)
    crud.update_case(session, actor=user, case=case, data=body)
    audit.commit(
        "case.update",
        resource_type="case",
        resource_id=case.id,
        person_id=case.person_id,
    )
    return crud.case_public(case)


@router.post("/{case_id}/status", response_model=CasePublic)
def transition_case(
    case_id: IdPath,
    body: CaseTransition,
    session: SessionDep,
    user: CaseWrite,
    audit: AuditDep,
) -> CasePublic:
    """Move the case: open -> active -> closed (with reason), or reopen."""
    audit.target("case", case_id)
    case = crud.get_case(session, viewer=user, case_id=case_id)
    before = case.status
    crud.transition_case(session, actor=user, case=case, data=body)
    audit.commit(
        "case.status",
        resource_type="case",
        resource_id=case.id,
        person_id=case.person_id,
        detail=f"{before}->{case.status}",
    )
    return crud.case_public(case)


@router.post("/{case_id}/needs", response_model=NeedPublic, status_code=201)
def add_need(
    case_id: IdPath,
    body: NeedCreate,
    session: SessionDep,
    user: CaseWrite,
    audit: AuditDep,
) -> NeedPublic:
    """Add a need (SDOH domain or human trafficking)."""
    audit.target("case", case_id)
    case = crud.get_case(session, viewer=user, case_id=case_id)
    need = crud.add_need(session, actor=user, case=case, data=body)
    audit.commit(
        "need.create",
        resource_type="need",
        resource_id=need.id,
        person_id=case.person_id,
    )
    return NeedPublic.model_validate(need)


@router.patch("/{case_id}/needs/{need_id}", response_model=NeedPublic)
def update_need(
    case_id: IdPath,
    need_id: IdPath,
    body: NeedUpdate,
    session: SessionDep,
    user: CaseWrite,
    audit: AuditDep,
) -> NeedPublic:
    """Change a need's status or description."""
    audit.target("need", need_id)
    need, case = crud.get_child(
        session,
        viewer=user,
        model=Need,
        item_id=need_id,
        label="need",
        case_id=case_id,
    )
    crud.update_need(session, need=need, data=body)
    audit.commit(
        "need.update",
        resource_type="need",
        resource_id=need.id,
        person_id=case.person_id,
    )
    return NeedPublic.model_validate(need)


@router.post("/{case_id}/goals", response_model=GoalPublic, status_code=201)
def add_goal(
    case_id: IdPath,
    body: GoalCreate,
    session: SessionDep,
    user: CaseWrite,
    audit: AuditDep,
) -> GoalPublic:
    """Add a goal."""
    audit.target("case", case_id)
    case = crud.get_case(session, viewer=user, case_id=case_id)
    goal = crud.add_goal(session, case=case, data=body)
    audit.commit(
        "goal.create",
        resource_type="goal",
        resource_id=goal.id,
        person_id=case.person_id,
    )
    return GoalPublic.model_validate(goal)


@router.patch("/{case_id}/goals/{goal_id}", response_model=GoalPublic)
def update_goal(
    case_id: IdPath,
    goal_id: IdPath,
    body: ProgressUpdate,
    session: SessionDep,
    user: CaseWrite,
    audit: AuditDep,
) -> GoalPublic:
    """Change a goal's status or text."""
    audit.target("goal", goal_id)
    goal, case = crud.get_child(
        session,
        viewer=user,
        model=Goal,
        item_id=goal_id,
        label="goal",
        case_id=case_id,
    )
    crud.update_progress(session, item=goal, data=body)
    audit.commit(
        "goal.update",
        resource_type="goal",
        resource_id=goal.id,
        person_id=case.person_id,
    )
    return GoalPublic.model_validate(goal)


@router.post("/{case_id}/barriers", response_model=BarrierPublic, status_code=201)
def add_barrier(
    case_id: IdPath,
    body: BarrierCreate,
    session: SessionDep,
    user: CaseWrite,
    audit: AuditDep,
) -> BarrierPublic:
    """Add a barrier to independence."""
    audit.target("case", case_id)
    case = crud.get_case(session, viewer=user, case_id=case_id)
    barrier = crud.add_barrier(session, case=case, data=body)
    audit.commit(
        "barrier.create",
        resource_type="barrier",
        resource_id=barrier.id,
        person_id=case.person_id,
    )
    return BarrierPublic.model_validate(barrier)


@router.patch("/{case_id}/barriers/{barrier_id}", response_model=BarrierPublic)
def update_barrier(
    case_id: IdPath,
    barrier_id: IdPath,
    body: ProgressUpdate,
    session: SessionDep,
    user: CaseWrite,
    audit: AuditDep,
) -> BarrierPublic:
    """Change a barrier's status or text."""
    audit.target("barrier", barrier_id)
    barrier, case = crud.get_child(
        session,
        viewer=user,
        model=Barrier,
        item_id=barrier_id,
        label="barrier",
        case_id=case_id,
    )
    crud.update_progress(session, item=barrier, data=body)
    audit.commit(
        "barrier.update",
        resource_type="barrier",
        resource_id=barrier.id,
        person_id=case.person_id,
    )
    return BarrierPublic.model_validate(barrier)


@router.get("/{case_id}/notes", response_model=list[NotePublic])
def list_notes(
    case_id: IdPath, session: SessionDep, user: NoteRead, audit: AuditDep
) -> list[NotePublic]:
    """The case's notes (Part 2 notes only under consent)."""
    audit.target("case", case_id)
    case = crud.get_case(session, viewer=user, case_id=case_id)
    notes, _ = crud.visible_sensitive(
        crud.case_children(session, Note, case.id),
        part2_ok=crud.part2_visible(session, viewer=user, person=case.person),
    )
    audit.commit(
        "note.list", resource_type="case", resource_id=case.id, person_id=case.person_id
    )
    return [NotePublic.model_validate(n) for n in notes]


@router.post("/{case_id}/notes", response_model=NotePublic, status_code=201)
def add_note(
    case_id: IdPath,
    body: NoteCreate,
    session: SessionDep,
    user: NoteWrite,
    audit: AuditDep,
) -> NotePublic:
    """Add a note (encrypted at rest)."""
    audit.target("case", case_id)
    case = crud.get_case(session, viewer=user, case_id=case_id)
    note = crud.add_note(session, actor=user, case=case, data=body)
    audit.commit(
        "note.create",
        resource_type="note",
        resource_id=note.id,
        person_id=case.person_id,
    )
    return NotePublic.model_validate(note)


@router.put("/{case_id}/safety-plan", response_model=SafetyPlanPublic)
def put_safety_plan(
    case_id: IdPath,
    body: SafetyPlanIn,
    session: SessionDep,
    user: NoteWrite,
    audit: AuditDep,
) -> SafetyPlanPublic:
    """Create or replace the safety plan."""
    audit.target("case", case_id)
    case = crud.get_case(session, viewer=user, case_id=case_id)
    plan = crud.set_safety_plan(session, actor=user, case=case, data=body)
    audit.commit(
        "safety_plan.update",
        resource_type="safety_plan",
        resource_id=plan.id,
        person_id=case.person_id,
    )
    return SafetyPlanPublic(**plan.plan, case_id=case.id, updated_at=plan.updated_at)
