"""The case page: a case with everything attached, filtered for the viewer (private)."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import BindParameter

from nowrongdoor.care.consent import part2_visible, visible_sensitive
from nowrongdoor.care.crud._sections import Section, load_sections
from nowrongdoor.care.models import (
    Barrier,
    Case,
    CaseEvent,
    Consent,
    Goal,
    Need,
    Note,
    Organization,
    PartnerService,
    Referral,
    ReferralEvent,
    RiskFlag,
    SafetyPlan,
    Screening,
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
    ReferralEventPublic,
    ReferralPublic,
    RiskFlagPublic,
    SafetyPlanPublic,
    ScreeningPublic,
    case_public,
    consent_public,
    person_public,
    referrer_view,
    task_public,
    visible_flags,
    withhold_case_text,
)

__all__ = ["case_detail"]

_CASE: BindParameter[int] = bindparam("case_id")
_PERSON: BindParameter[int] = bindparam("person_id")


def _sections(viewer: User) -> tuple[Section, ...]:
    """The lists of the case page that ``viewer``'s role may read."""
    return _sections_for(
        consents=can(viewer, "consent:read") or can(viewer, "part2:read"),
        notes=can(viewer, "note:read"),
        screenings=can(viewer, "screening:read"),
        flags=can(viewer, "riskflag:read"),
        tasks=can(viewer, "task:read"),
    )


@lru_cache(maxsize=64)
def _sections_for(
    *, consents: bool, notes: bool, screenings: bool, flags: bool, tasks: bool
) -> tuple[Section, ...]:
    out = [
        Section("needs", Need, Need.case_id == _CASE),
        Section("goals", Goal, Goal.case_id == _CASE),
        Section("barriers", Barrier, Barrier.case_id == _CASE),
        Section("events", CaseEvent, CaseEvent.case_id == _CASE),
        Section(
            "referrals",
            Referral,
            Referral.case_id == _CASE,
            extra=(("to_organization_name", _ORG_NAME), ("service_name", _SERVICE)),
        ),
        Section(
            "referral_events",
            ReferralEvent,
            ReferralEvent.referral_id.in_(
                select(Referral.id).where(Referral.case_id == _CASE)
            ),
        ),
    ]
    if consents:
        out.append(Section("consents", Consent, Consent.person_id == _PERSON))
    if notes:
        out.append(Section("notes", Note, Note.case_id == _CASE))
        out.append(Section("safety_plan", SafetyPlan, SafetyPlan.case_id == _CASE))
    if screenings:
        out.append(Section("screenings", Screening, Screening.person_id == _PERSON))
    if flags:
        out.append(Section("risk_flags", RiskFlag, RiskFlag.person_id == _PERSON))
    if tasks:
        out.append(Section("tasks", Task, Task.case_id == _CASE))
    return tuple(out)


#: The referral's partner organisation and service names (scalar subqueries).
_ORG_NAME = (
    select(Organization.name)
    .where(Organization.id == Referral.to_organization_id)
    .scalar_subquery()
)
_SERVICE = (
    select(PartnerService.name)
    .where(PartnerService.id == Referral.service_id)
    .scalar_subquery()
)


def _by_id(rows: list[Any], *, newest_first: bool = False) -> list[Any]:
    return sorted(rows, key=lambda r: r.id, reverse=newest_first)


def _newest(rows: list[Any], dated: str) -> list[Any]:
    """Newest first by ``dated``, then by id (the order of the list queries)."""
    return sorted(rows, key=lambda r: (getattr(r, dated), r.id), reverse=True)


def case_detail(session: Session, *, viewer: User, case: Case) -> CaseDetail:
    """Everything on a case page that ``viewer`` may see.

    Substance-use (Part 2) needs, notes, screenings and flags are withheld unless
    the person's Part 2 consent covers the viewer's organisation; notes,
    screenings and consent need their own permissions (analysts see neither).
    Every list is read in one statement (:func:`load_sections`), each encrypted
    value decrypted once.
    """
    person = case.person
    withhold = not can(viewer, "person:identify")
    rows = load_sections(
        session, _sections(viewer), {"case_id": case.id, "person_id": case.person_id}
    )
    # every consent record of the person, read once: the Part 2 check and the
    # consent list both use it (read only if the role may see one or the other)
    all_consents = _newest(rows.get("consents", []), "given_at")
    part2_ok = part2_visible(
        session, viewer=viewer, person=person, consents=all_consents
    )
    withheld = 0
    needs, n = visible_sensitive(_by_id(rows["needs"]), part2_ok=part2_ok)
    withheld += n
    notes: list[Any] = []
    if can(viewer, "note:read"):
        notes, n = visible_sensitive(_by_id(rows["notes"]), part2_ok=part2_ok)
        withheld += n
    screenings: list[Any] = []
    if can(viewer, "screening:read"):
        screenings, n = visible_sensitive(
            _newest(rows["screenings"], "performed_at"), part2_ok=part2_ok
        )
        withheld += n
    flags: list[Any] = []
    if can(viewer, "riskflag:read"):
        # a Part 2 flag shows its open view (its reasons that are not Part 2)
        flags, n = visible_flags(
            _newest(rows["risk_flags"], "imported_at"), part2_ok=part2_ok
        )
        withheld += n
    consents: list[ConsentPublic] = []
    if can(viewer, "consent:read"):
        consents = [consent_public(c) for c in all_consents]
    plan = None
    if rows.get("safety_plan"):
        row = rows["safety_plan"][0]
        plan = SafetyPlanPublic(**row.plan, case_id=case.id, updated_at=row.updated_at)
    base = case_public(case).model_dump()
    tasks = _by_id(rows.get("tasks", []))
    detail = CaseDetail(
        **base,
        person=person_public(person, viewer=viewer),
        needs=[NeedPublic.model_validate(x) for x in needs],
        goals=[GoalPublic.model_validate(x) for x in _by_id(rows["goals"])],
        barriers=[BarrierPublic.model_validate(x) for x in _by_id(rows["barriers"])],
        referrals=_referrals(rows, withhold_text=withhold),
        tasks=[task_public(t) for t in tasks],
        notes=[NotePublic.model_validate(x) for x in notes],
        safety_plan=plan,
        consents=consents,
        screenings=[ScreeningPublic.model_validate(x) for x in screenings],
        risk_flags=[RiskFlagPublic.model_validate(x) for x in flags],
        events=[CaseEventPublic.model_validate(e) for e in _by_id(rows["events"])],
        part2_withheld=withheld,
    )
    if withhold:
        withhold_case_text(detail)
    return detail


def _referrals(
    rows: dict[str, list[Any]], *, withhold_text: bool
) -> list[ReferralPublic]:
    """The case's referrals, newest first, each with its history (oldest first)."""
    history: dict[int, list[ReferralEventPublic]] = {}
    for event in _by_id(rows["referral_events"]):
        history.setdefault(event.referral_id, []).append(
            ReferralEventPublic.model_validate(event)
        )
    return [
        referrer_view(
            referral,
            to_name=referral.to_organization_name,
            service_name=referral.service_name if referral.service_id else None,
            events=history.get(referral.id, []),
            withhold_text=withhold_text,
        )
        for referral in _by_id(rows["referrals"], newest_first=True)
    ]
