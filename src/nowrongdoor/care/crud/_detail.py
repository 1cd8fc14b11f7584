"""The case page: a case with everything attached, filtered for the viewer (private)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from nowrongdoor.care.consent import part2_visible, visible_sensitive
from nowrongdoor.care.crud._cases import (
    case_children,
    case_public,
    task_public,
)
from nowrongdoor.care.crud._persons import (
    consent_public,
    list_consents,
    list_risk_flags,
    list_screenings,
    person_public,
)
from nowrongdoor.care.crud._referrals import (
    WITHHELD,
    open_referrals_for_case,
    referrals_public,
)
from nowrongdoor.care.models import (
    Barrier,
    Case,
    CaseEvent,
    Goal,
    Need,
    Note,
    SafetyPlan,
    Task,
    User,
)
from nowrongdoor.care.rbac import can
from nowrongdoor.care.schemas import (
    BarrierPublic,
    CaseDetail,
    CaseEventPublic,
    ConsentPublic,
    GoalPublic,
    NeedPublic,
    NotePublic,
    RiskFlagPublic,
    SafetyPlanPublic,
    ScreeningPublic,
)


def case_detail(session: Session, *, viewer: User, case: Case) -> CaseDetail:
    """Everything on a case page that ``viewer`` may see.

    Substance-use (Part 2) needs, notes, screenings and flags are withheld unless
    the person's Part 2 consent covers the viewer's organisation; notes,
    screenings and consent need their own permissions (analysts see neither).
    """
    person = case.person
    withhold = not can(viewer, "person:identify")
    # every consent record of the person, read once: the Part 2 check and the
    # consent list both use it (read only if the role may see one or the other)
    all_consents = (
        list_consents(session, person_id=person.id)
        if can(viewer, "consent:read") or can(viewer, "part2:read")
        else []
    )
    part2_ok = part2_visible(
        session, viewer=viewer, person=person, consents=all_consents
    )
    withheld = 0
    needs, n = visible_sensitive(
        case_children(session, Need, case.id), part2_ok=part2_ok
    )
    withheld += n
    notes: list[Note] = []
    if can(viewer, "note:read"):
        notes, n = visible_sensitive(
            case_children(session, Note, case.id), part2_ok=part2_ok
        )
        withheld += n
    screenings: list[Any] = []
    if can(viewer, "screening:read"):
        screenings, n = visible_sensitive(
            list_screenings(session, person_id=person.id), part2_ok=part2_ok
        )
        withheld += n
    flags: list[Any] = []
    if can(viewer, "riskflag:read"):
        flags, n = visible_sensitive(
            list_risk_flags(session, person_id=person.id), part2_ok=part2_ok
        )
        withheld += n
    consents: list[ConsentPublic] = []
    if can(viewer, "consent:read"):
        consents = [consent_public(c) for c in all_consents]
    plan = None
    if can(viewer, "note:read"):
        row = session.scalar(select(SafetyPlan).where(SafetyPlan.case_id == case.id))
        if row is not None:
            plan = SafetyPlanPublic(
                **row.plan, case_id=case.id, updated_at=row.updated_at
            )
    base = case_public(case).model_dump()
    goals = case_children(session, Goal, case.id)
    barriers = case_children(session, Barrier, case.id)
    tasks = case_children(session, Task, case.id) if can(viewer, "task:read") else []
    events = session.scalars(
        select(CaseEvent).where(CaseEvent.case_id == case.id).order_by(CaseEvent.id)
    ).all()
    detail = CaseDetail(
        **base,
        person=person_public(person, viewer=viewer),
        needs=[NeedPublic.model_validate(x) for x in needs],
        goals=[GoalPublic.model_validate(x) for x in goals],
        barriers=[BarrierPublic.model_validate(x) for x in barriers],
        referrals=referrals_public(
            session, open_referrals_for_case(session, case.id), withhold_text=withhold
        ),
        tasks=[task_public(t) for t in tasks],
        notes=[NotePublic.model_validate(x) for x in notes],
        safety_plan=plan,
        consents=consents,
        screenings=[ScreeningPublic.model_validate(x) for x in screenings],
        risk_flags=[RiskFlagPublic.model_validate(x) for x in flags],
        events=[CaseEventPublic.model_validate(e) for e in events],
        part2_withheld=withheld,
    )
    if withhold:
        _withhold_free_text(detail)
    return detail


def _withhold_free_text(detail: CaseDetail) -> None:
    """Blank free text that may identify the person (pseudonymous roles)."""
    for need in detail.needs:
        if need.description:
            need.description = WITHHELD
    for goal in detail.goals:
        goal.description = WITHHELD
    for barrier in detail.barriers:
        barrier.description = WITHHELD
    for event in detail.events:
        if event.detail:
            event.detail = WITHHELD
