"""The presenters beside the schemas: rows in, response schemas out (no database)."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

from nowrongdoor.care.enums import ReferralStatus, Role, TaskStatus
from nowrongdoor.care.models import Case, Consent, Person, Referral, Task, User
from nowrongdoor.care.schemas import (
    WITHHELD,
    CasePublic,
    ReferralEventPublic,
    age_on,
    case_public,
    consent_public,
    partner_view,
    person_public,
    referrer_view,
    task_public,
)

NOW = dt.datetime.now(dt.UTC)


def _person(**extra: object) -> Person:
    values: dict[str, object] = {
        "id": 7,
        "pseudonym": "P-7KQ2-M9XD",
        "organization_id": 1,
        "owner_id": 3,
        "given_name": "Rae",
        "family_name": "Moss",
        "birth_date": "2009-06-15",
        "contacts": {"phone": "555-0100"},
        "member_id": "M1",
        "gender": "female",
        "do_not_contact": False,
        "created_at": NOW,
    }
    values.update(extra)
    return Person(**values)


def _referral(**extra: object) -> Referral:
    values: dict[str, object] = {
        "id": 11,
        "case_id": 5,
        "person_id": 7,
        "from_organization_id": 1,
        "to_organization_id": 2,
        "service_id": None,
        "owner_id": 3,
        "status": ReferralStatus.ACCEPTED.value,
        "need_category": "housing_instability",
        "reason": "needs a safe place tonight",
        "do_not_contact": False,
        "consent_id": None,
        "override_reason": None,
        "override_by_id": None,
        "response_note": "bed held",
        "created_at": NOW,
        "sent_at": NOW,
        "accepted_at": NOW,
        "declined_at": None,
        "in_progress_at": None,
        "completed_at": None,
        "cancelled_at": None,
    }
    values.update(extra)
    return Referral(**values)


def test_age_on_counts_whole_years_to_the_birthday() -> None:
    born = dt.date(2009, 6, 15)
    assert age_on(born, dt.date(2026, 6, 14)) == 16
    assert age_on(born, dt.date(2026, 6, 15)) == 17
    assert age_on(None) is None


def test_person_public_withholds_identity_without_the_permission() -> None:
    person = _person()
    shown = person_public(person, viewer=User(role=Role.CARE_MANAGER))
    hidden = person_public(person, viewer=User(role=Role.ANALYST))
    assert (shown.given_name, shown.member_id) == ("Rae", "M1")
    assert shown.birth_date == dt.date(2009, 6, 15) and not shown.identity_withheld
    assert shown.contacts is not None and shown.contacts.phone == "555-0100"
    assert hidden.identity_withheld and hidden.age == shown.age
    assert (hidden.given_name, hidden.birth_date, hidden.contacts) == (None,) * 3


def test_task_public_is_overdue_only_while_open_past_its_due_time() -> None:
    base = {
        "id": 1,
        "case_id": None,
        "organization_id": 1,
        "owner_id": 3,
        "title": "call back",
        "completed_at": None,
        "created_at": NOW,
    }
    past = NOW - dt.timedelta(hours=1)
    assert task_public(Task(**base, due_at=past, status=TaskStatus.OPEN)).overdue
    assert not task_public(Task(**base, due_at=past, status=TaskStatus.DONE)).overdue
    future = NOW + dt.timedelta(hours=1)
    assert not task_public(Task(**base, due_at=future, status=TaskStatus.OPEN)).overdue


def test_consent_public_says_whether_it_is_active() -> None:
    base = {
        "id": 1,
        "person_id": 7,
        "consent_type": "share_with_partners",
        "scope": "any_partner",
        "scope_organization_id": None,
        "granted": True,
        "note": None,
        "given_at": NOW,
        "expires_at": None,
    }
    assert consent_public(Consent(**base, revoked_at=None)).active
    assert not consent_public(Consent(**base, revoked_at=NOW)).active


def test_case_public_copies_every_field_of_the_row() -> None:
    case = Case(
        id=5,
        person_id=7,
        organization_id=1,
        owner_id=3,
        pathway="survive_thrive",
        status="active",
        close_reason=None,
        opened_at=NOW,
        activated_at=NOW,
        closed_at=None,
        reopened_count=2,
    )
    case.person = _person()
    out = case_public(case)
    assert out == CasePublic.model_validate(
        {**{k: getattr(case, k) for k in CasePublic.model_fields if k != "pseudonym"},
         "pseudonym": "P-7KQ2-M9XD"}
    )  # fmt: skip
    assert out.reopened_count == 2 and out.model_fields_set == set(
        CasePublic.model_fields
    )


def test_partner_view_gives_the_phone_only_when_reachable() -> None:
    row = SimpleNamespace(
        pseudonym="P-7KQ2-M9XD",
        given_name="Rae",
        birth_date="2009-06-15",
        do_not_contact=False,
        contacts={"phone": "555-0100"},
    )
    names: dict[str, Any] = {"from_name": "Plan A", "service_name": None, "events": []}
    reached = partner_view(_referral(), row, reachable=True, **names)
    assert reached.person.phone == "555-0100" and reached.person.given_name == "Rae"
    assert reached.from_organization_name == "Plan A" and reached.reason
    assert reached.accepted_at == NOW and reached.cancelled_at is None
    assert partner_view(_referral(), row, reachable=False, **names).person.phone is None
    row.do_not_contact = True
    flagged = partner_view(_referral(), row, reachable=True, **names)
    assert flagged.person.phone is None and flagged.do_not_contact


def test_referrer_view_withholds_free_text_for_pseudonymous_roles() -> None:
    event = ReferralEventPublic(
        from_status="draft",
        to_status="sent",
        actor_id=3,
        reason="she asked for it",
        at=NOW,
    )
    kept = referrer_view(
        _referral(), to_name="Shelter", service_name=None, events=[event]
    )
    assert (kept.to_organization_name, kept.reason) == (
        "Shelter",
        "needs a safe place tonight",
    )
    blank = referrer_view(
        _referral(),
        to_name="Shelter",
        service_name=None,
        events=[event.model_copy()],
        withhold_text=True,
    )
    assert (blank.reason, blank.response_note, blank.events[0].reason) == (
        WITHHELD,
    ) * 3
    assert blank.override_reason is None  # nothing to blank stays empty
