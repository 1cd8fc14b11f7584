"""A partner that is not on the system: the referring team records its moves on
its behalf (how the partner told it is required); a partner on the system makes
its own moves; the history, the audit log and the reports show such moves."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from nowrongdoor.care import crud
from nowrongdoor.care.enums import OrgKind, ReferralStatus
from nowrongdoor.care.models import (
    AuditEvent,
    PartnerClient,
    PartnerService,
    ReferralEvent,
    User,
)
from nowrongdoor.care.schemas import ReferralCreate, ReferralTransition


def _move(client: TestClient, rid: int, headers: dict[str, str], **body: Any) -> Any:
    return client.post(f"/api/v1/referrals/{rid}/status", json=body, headers=headers)


def off_system_referral(db: Any, world: Any, records: Any, name: str) -> int:
    """A referral from plan a's case, sent to a new partner with no account,
    no partner client and no FHIR endpoint."""
    rec = records("a")
    with db.session() as s:
        org = crud.create_organization(s, name=name, kind=OrgKind.PARTNER)
        service = PartnerService(organization_id=org.id, name=f"Beds at {name}")
        s.add(service)
        s.flush()
        owner = s.get(User, world.users["cm_a"].id)
        assert owner is not None
        referral = crud.create_referral(
            s,
            actor=owner,
            data=ReferralCreate(case_id=rec.case_id, service_id=service.id),
        )
        crud.transition_referral(
            s,
            actor=owner,
            referral=referral,
            data=ReferralTransition(status=ReferralStatus.SENT),
        )
        return referral.id


def test_the_care_manager_closes_the_loop_for_an_off_system_partner(
    client: TestClient, db: Any, world: Any, records: Any
) -> None:
    rid = off_system_referral(db, world, records, "Northside Shelter")
    cm = world.headers("cm_a")
    steps = [
        ("accepted", "in_person", None),
        ("in_progress", "email", "Intake desk"),
        ("completed", "phone", "Ann Lee"),
    ]
    for status, via, who in steps:
        body = {"status": status, "told_via": via}
        if who:
            body["told_by"] = who
        r = _move(client, rid, cm, **body)
        assert r.status_code == 200, r.text
    out = r.json()
    assert out["status"] == "completed" and out["completed_at"]
    last = out["events"][-1]
    assert last["to_status"] == "completed"
    assert last["told_via"] == "phone" and last["told_by"] == "Ann Lee"
    assert last["recorded_by"] == "cm.a"
    assert last["on_behalf_of"] == "Northside Shelter"
    assert last["actor_id"] == world.users["cm_a"].id
    # a move the care manager made as themselves names no partner
    assert out["events"][1]["to_status"] == "sent"
    assert out["events"][1]["told_via"] is None
    assert out["events"][1]["on_behalf_of"] is None
    with db.session() as s:
        audit = s.scalars(
            select(AuditEvent)
            .where(AuditEvent.action == "referral.completed")
            .order_by(AuditEvent.seq.desc())
        ).first()
        assert audit is not None and audit.username == "cm.a"
        assert audit.resource_id == str(rid)
        assert "on behalf of partner organisation" in (audit.detail or "")
        assert "told by phone" in (audit.detail or "")


def test_the_partner_declines_through_the_care_manager_with_a_reason(
    client: TestClient, db: Any, world: Any, records: Any
) -> None:
    rid = off_system_referral(db, world, records, "Grace Church Pantry")
    cm = world.headers("cm_a")
    no_reason = _move(client, rid, cm, status="declined", told_via="letter")
    assert no_reason.status_code == 400
    assert no_reason.json()["error"]["field"] == "reason"
    r = _move(client, rid, cm, status="declined", told_via="letter", reason="No beds.")
    assert r.status_code == 200, r.text
    # the partner's reason, as told, is its note for the care manager
    assert r.json()["response_note"] == "No beds."


def test_how_the_partner_told_you_is_required(
    client: TestClient, db: Any, world: Any, records: Any
) -> None:
    rid = off_system_referral(db, world, records, "Northside Shelter")
    cm = world.headers("cm_a")
    r = _move(client, rid, cm, status="accepted", told_by="Ann Lee")
    assert r.status_code == 400
    error = r.json()["error"]
    assert error["field"] == "told_via" and error["code"] == "told_via_required"
    assert "Northside Shelter" in error["message"]
    wrong = _move(client, rid, cm, status="accepted", told_via="pigeon")
    assert wrong.status_code in (400, 422)
    with db.session() as s:
        moves = s.scalars(
            select(ReferralEvent.to_status).where(ReferralEvent.referral_id == rid)
        ).all()
    assert list(moves) == ["draft", "sent"]


def test_a_partner_on_the_system_makes_its_own_moves(
    client: TestClient, world: Any, records: Any
) -> None:
    rec = records("a")
    cm = world.headers("cm_a")
    for body in (
        {"status": "accepted", "told_via": "phone"},
        {"status": "accepted"},
    ):
        r = _move(client, rec.sent_referral_id, cm, **body)
        assert r.status_code == 403
        error = r.json()["error"]
        message = error["message"]
        assert error["code"] == "partner_on_system"
        assert "Shelter P is on the system" in message
        assert message.count(". ") == 0 and "\n" not in message
    partner = _move(client, rec.sent_referral_id, world.headers("partner_p"),
                    status="accepted", told_via="phone")  # fmt: skip
    assert partner.status_code == 400
    assert partner.json()["error"]["field"] == "told_via"
    ok = _move(client, rec.sent_referral_id, world.headers("partner_p"),
               status="accepted")  # fmt: skip
    assert ok.status_code == 200
    assert ok.json()["events"][-1]["told_via"] is None


@pytest.mark.parametrize("how", ["inactive_user", "client_only"])
def test_on_the_system_means_an_active_account_or_a_partner_system(
    db: Any, world: Any, records: Any, how: str
) -> None:
    rec = records("a")
    partner_id = world.orgs["p"]
    with db.session() as s:
        assert crud.partner_on_system(s, partner_id)
        user = s.get(User, world.users["partner_p"].id)
        assert user is not None
        user.is_active = False
        s.flush()
        if how == "client_only":
            s.add(
                PartnerClient(
                    client_id="shelter-p-system",
                    name="Shelter P's system",
                    secret_hash="x",
                    organization_id=partner_id,
                    user_id=user.id,
                )
            )
            s.flush()
            assert crud.partner_on_system(s, partner_id)
        else:
            assert not crud.partner_on_system(s, partner_id)
            cm = s.get(User, world.users["cm_a"].id)
            assert cm is not None
            referral = crud.get_referral(s, viewer=cm, referral_id=rec.sent_referral_id)
            crud.transition_referral(
                s,
                actor=cm,
                referral=referral,
                data=ReferralTransition(
                    status=ReferralStatus.ACCEPTED,
                    told_via="phone",  # type: ignore[arg-type]
                ),
            )
            assert referral.status == "accepted"


def test_moves_of_the_referring_team_take_no_told_via(
    client: TestClient, world: Any, records: Any
) -> None:
    rec = records("a")
    r = _move(client, rec.draft_referral_id, world.headers("cm_a"),
              status="sent", told_via="phone")  # fmt: skip
    assert r.status_code == 400 and r.json()["error"]["field"] == "told_via"


def test_an_analyst_may_not_record_for_the_partner(
    client: TestClient, db: Any, world: Any, records: Any
) -> None:
    rid = off_system_referral(db, world, records, "Northside Shelter")
    r = _move(client, rid, world.headers("analyst_a"), status="accepted",
              told_via="phone")  # fmt: skip
    assert r.status_code == 403


def test_the_loop_closure_count_includes_moves_recorded_on_behalf(
    client: TestClient, db: Any, world: Any, records: Any
) -> None:
    from nowrongdoor.reports import program_metrics

    rid = off_system_referral(db, world, records, "Northside Shelter")
    today = dt.datetime.now(dt.UTC).date()

    def closed() -> int | None:
        with db.session() as s:
            m = program_metrics(s, today, today, threshold=1)
            return m.referrals.loop_closed

    before = closed()
    cm = world.headers("cm_a")
    for status in ("accepted", "in_progress", "completed"):
        r = _move(client, rid, cm, status=status, told_via="phone")
        assert r.status_code == 200
    assert closed() == (before or 0) + 1
