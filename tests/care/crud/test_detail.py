"""The case page in one statement: the page of one query per list, few round trips."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event, select

from nowrongdoor.care import crud
from nowrongdoor.care.db import Database
from nowrongdoor.care.models import (
    Case,
    CaseEvent,
    Consent,
    Goal,
    Need,
    Note,
    Referral,
    ReferralEvent,
    RiskFlag,
    SafetyPlan,
    Task,
    User,
)
from nowrongdoor.care.rbac import can
from nowrongdoor.care.schemas import (
    BarrierPublic,
    CaseDetail,
    CaseEventPublic,
    GoalPublic,
    NeedPublic,
    NotePublic,
    RiskFlagPublic,
    SafetyPlanIn,
    SafetyPlanPublic,
    ScreeningPublic,
    case_public,
    consent_public,
    person_public,
    task_public,
)

#: Statements of one case page: the bearer token (with its user), the case (with
#: its person), every list in one statement, and the audit append (lock the
#: chain head, insert the event, move the head). One query per list was 18.
CASE_PAGE_STATEMENTS = 6

ROLES = ("cm_a", "supervisor_a", "admin_a", "analyst_a")


def _one_query_per_list(session: Any, *, viewer: User, case: Case) -> CaseDetail:
    """The case page as it was built before: one query per list (the oracle)."""
    from nowrongdoor.care.crud._referrals import referral_public
    from nowrongdoor.care.schemas import WITHHELD

    person = case.person
    withhold = not can(viewer, "person:identify")
    consents_all = (
        crud.list_consents(session, person_id=person.id)
        if can(viewer, "consent:read") or can(viewer, "part2:read")
        else []
    )
    ok = crud.part2_visible(
        session, viewer=viewer, person=person, consents=consents_all
    )
    withheld = 0
    needs, n = crud.visible_sensitive(
        crud.case_children(session, Need, case.id), part2_ok=ok
    )
    withheld += n
    notes: list[Any] = []
    if can(viewer, "note:read"):
        notes, n = crud.visible_sensitive(
            crud.case_children(session, Note, case.id), part2_ok=ok
        )
        withheld += n
    screenings: list[Any] = []
    if can(viewer, "screening:read"):
        screenings, n = crud.visible_sensitive(
            crud.list_screenings(session, person_id=person.id), part2_ok=ok
        )
        withheld += n
    flags: list[Any] = []
    if can(viewer, "riskflag:read"):
        flags, n = crud.visible_sensitive(
            crud.list_risk_flags(session, person_id=person.id), part2_ok=ok
        )
        withheld += n
    plan = None
    if can(viewer, "note:read"):
        row = session.scalar(select(SafetyPlan).where(SafetyPlan.case_id == case.id))
        if row is not None:
            plan = SafetyPlanPublic(
                **row.plan, case_id=case.id, updated_at=row.updated_at
            )
    tasks = (
        crud.case_children(session, Task, case.id) if can(viewer, "task:read") else []
    )
    events = session.scalars(
        select(CaseEvent).where(CaseEvent.case_id == case.id).order_by(CaseEvent.id)
    ).all()
    referrals = list(
        session.scalars(
            select(Referral)
            .where(Referral.case_id == case.id)
            .order_by(Referral.id.desc())
        )
    )
    detail = CaseDetail(
        **case_public(case).model_dump(),
        person=person_public(person, viewer=viewer),
        needs=[NeedPublic.model_validate(x) for x in needs],
        goals=[
            GoalPublic.model_validate(x)
            for x in crud.case_children(session, Goal, case.id)
        ],
        barriers=[
            BarrierPublic.model_validate(x)
            for x in crud.case_children(
                session, crud.CASE_CHILD_MODELS["barrier"], case.id
            )
        ],
        referrals=[
            referral_public(session, r, withhold_text=withhold) for r in referrals
        ],
        tasks=[task_public(t) for t in tasks],
        notes=[NotePublic.model_validate(x) for x in notes],
        safety_plan=plan,
        consents=[consent_public(c) for c in consents_all]
        if can(viewer, "consent:read")
        else [],
        screenings=[ScreeningPublic.model_validate(x) for x in screenings],
        risk_flags=[RiskFlagPublic.model_validate(x) for x in flags],
        events=[CaseEventPublic.model_validate(e) for e in events],
        part2_withheld=withheld,
    )
    if withhold:
        items: list[Any] = [*detail.needs, *detail.goals, *detail.barriers]
        for item in items:
            if item.description:
                item.description = WITHHELD
        for ev in detail.events:
            if ev.detail:
                ev.detail = WITHHELD
    return detail


def _fill(db: Database, world: Any, case_id: int) -> None:
    """Everything a case page can show, Part 2 items and odd values included."""
    owner_id = world.users["cm_a"].id
    utc = dt.UTC
    with db.session() as s:
        case = s.get(Case, case_id)
        owner = s.get(User, owner_id)
        assert case is not None and owner is not None
        s.add_all(
            [
                Need(
                    case_id=case.id,
                    category="substance_use",
                    description="Part 2 need",
                    sensitivity="part2",
                ),
                Need(case_id=case.id, category="food_insecurity", description=None),
                Goal(
                    case_id=case.id,
                    description="Finish school",
                    target_date=dt.date(2027, 6, 30),
                ),
                Note(
                    case_id=case.id,
                    author_id=owner.id,
                    text="Part 2 note",
                    sensitivity="part2",
                ),
                Task(
                    case_id=case.id,
                    organization_id=case.organization_id,
                    owner_id=owner.id,
                    title="Overdue call",
                    due_at=dt.datetime(2020, 1, 2, 3, 4, 5, 678, tzinfo=utc),
                ),
                RiskFlag(
                    person_id=case.person_id,
                    organization_id=case.organization_id,
                    source="claims",
                    tier="high",
                    score=0.1 + 0.2,
                    reasons="Part 2 reason",
                    sensitivity="part2",
                    imported_at=dt.datetime(2026, 1, 1, tzinfo=utc),
                ),
                RiskFlag(
                    person_id=case.person_id,
                    organization_id=case.organization_id,
                    source="claims",
                    tier="medium",
                    score=1 / 3,
                    age=17,
                    reviewed=True,
                    imported_at=dt.datetime(2026, 1, 1, tzinfo=utc),
                ),
                Consent(
                    person_id=case.person_id,
                    consent_type="part2_disclosure",
                    scope="care_team",
                    granted=True,
                    note="signed at the clinic",
                    expires_at=dt.datetime(2099, 1, 1, tzinfo=utc),
                ),
                Consent(
                    person_id=case.person_id,
                    consent_type="share_with_partners",
                    scope="any_partner",
                    granted=False,
                    revoked_at=dt.datetime(2026, 2, 3, 4, 5, 6, tzinfo=utc),
                ),
            ]
        )
        crud.store_screening(
            s,
            actor=owner,
            person=case.person,
            instrument_id="qyit",
            positive=True,
            recommended_pathway="survive",
            questionnaire_response={"unsafe-work": True, "note": "é ✓"},
            result={"score": 2, "flags": ["a", "b"]},
            case_id=case.id,
        )
        crud.set_safety_plan(
            s,
            actor=owner,
            case=case,
            data=SafetyPlanIn(safe_people=["Aunt"], warning_signs=["calls at night"]),
        )
        crud.add_case_event(
            s, case=case, kind="note", actor=owner, detail="Spoke with ✓"
        )
        for ref in s.scalars(select(Referral).where(Referral.case_id == case.id)):
            s.add(
                ReferralEvent(
                    referral_id=ref.id,
                    from_status=ref.status,
                    to_status=ref.status,
                    actor_id=owner.id,
                    reason="checked again",
                )
            )
        s.commit()


@pytest.mark.parametrize("role", ROLES)
def test_case_page_is_the_page_of_one_query_per_list(
    db: Database, world: Any, records: Any, role: str
) -> None:
    rec = records("a")
    _fill(db, world, rec.case_id)
    with db.session() as s:
        viewer = s.get(User, world.users[role].id)
        assert viewer is not None
        case = crud.get_case(s, viewer=viewer, case_id=rec.case_id, with_person=True)
        page = crud.case_detail(s, viewer=viewer, case=case)
        oracle = _one_query_per_list(s, viewer=viewer, case=case)
    assert page.model_dump(mode="json") == oracle.model_dump(mode="json")
    assert page.needs or page.part2_withheld  # the fill is on the page


def test_case_page_statements_are_bounded(
    db: Database, world: Any, records: Any, client: TestClient
) -> None:
    rec = records("a")
    _fill(db, world, rec.case_id)
    statements: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if not statement.startswith("BEGIN"):  # SQLite's transaction start
            statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        response = client.get(
            f"/api/v1/cases/{rec.case_id}", headers=world.headers("cm_a")
        )
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    assert response.status_code == 200
    assert response.json()["safety_plan"] is not None
    assert len(statements) <= CASE_PAGE_STATEMENTS, statements
