"""Two instances talk over FHIR: the plan sends a referral to a partner that runs
its own nowrongdoor, the partner accepts and completes it, and the plan's
referral history closes the loop - all through ``POST /fhir`` and Task reads."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from _fhir_help import serve
from selectolax.lexbor import LexborHTMLParser as parse
from sqlalchemy import select

from nowrongdoor.care import crud
from nowrongdoor.care.app import create_app
from nowrongdoor.care.db import Database
from nowrongdoor.care.enums import OrgKind, Role
from nowrongdoor.care.fhir.clients import create_client
from nowrongdoor.care.fhir.outbound import MAX_ATTEMPTS, set_endpoint, status_path, sync
from nowrongdoor.care.jobs import run_jobs
from nowrongdoor.care.migrate import upgrade
from nowrongdoor.care.models import (
    AuditEvent,
    Consent,
    FhirOutbound,
    Organization,
    Person,
    Referral,
    ReferralEvent,
    User,
)
from nowrongdoor.care.security import create_api_token, hash_password


class Partner:
    """The partner's own instance: its database, URL and people."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.url = ""
        self.staff_token = ""
        self.client_id = ""
        self.client_secret = ""
        self.shelter_id = 0


@pytest.fixture
def partner(tmp_path: Path, settings_for: Any, make_test_app: Any) -> Iterator[Partner]:
    """A second nowrongdoor (SQLite) serving on loopback, where the plan is a
    client and Shelter P's staff work."""
    url = f"sqlite:///{(tmp_path / 'partner.db').as_posix()}"
    db = Database(settings_for(tmp_path, url))
    upgrade(db.engine)
    side = Partner(db)
    with db.session() as s:
        plan = crud.create_organization(s, name="Plan A", kind=OrgKind.PLAN)
        shelter = crud.create_organization(s, name="Shelter P", kind=OrgKind.PARTNER)
        staff = User(
            organization_id=shelter.id,
            username="staff.p",
            display_name="Staff P",
            role=str(Role.PARTNER_USER),
            password_hash=hash_password("x" * 16),
        )
        s.add(staff)
        s.flush()
        side.staff_token, _ = create_api_token(s, user=staff, name="test")
        made = create_client(s, organization=plan, name="Plan A care system")
        side.client_id, side.client_secret = made.client_id, made.client_secret
        side.shelter_id = shelter.id
    gen = serve(make_test_app(db))
    side.url = next(gen)
    try:
        yield side
    finally:
        next(gen, None)
        db.dispose()


def _configure(
    db: Database, world: Any, partner: Partner, base: str | None = None
) -> None:
    with db.session() as s:
        org = s.get(Organization, world.orgs["p"])
        assert org is not None
        set_endpoint(
            s,
            organization=org,
            base_url=base or f"{partner.url}/fhir",
            client_id=partner.client_id,
            client_secret=partner.client_secret,
            owner_reference=f"Organization/{partner.shelter_id}",
        )


def _partner_patch(partner: Partner, task_id: str, ops: list[dict[str, Any]]) -> None:
    r = httpx.patch(
        f"{partner.url}/fhir/Task/{task_id}",
        json=ops,
        headers={
            "Authorization": f"Bearer {partner.staff_token}",
            "Content-Type": "application/json-patch+json",
        },
    )
    assert r.status_code == 200, r.text


def _history(db: Database, referral_id: int) -> list[tuple[str | None, str]]:
    with db.session() as s:
        rows = s.scalars(
            select(ReferralEvent)
            .where(ReferralEvent.referral_id == referral_id)
            .order_by(ReferralEvent.id)
        )
        return [(e.from_status, e.to_status) for e in rows]


def test_a_referral_round_trips_between_two_instances(
    db: Database, world: Any, records: Any, partner: Partner, make_test_app: Any
) -> None:
    rec = records("a")
    _configure(db, world, partner)

    first = sync(db, db.settings)
    assert (first.queued, first.sent, first.failed) == (1, 1, 0), first

    # the partner's instance holds the referral, acknowledged (received)
    with partner.db.session() as s:
        there = s.scalars(select(Referral)).all()
        assert len(there) == 1
        remote = there[0]
        assert remote.status == "received"
        assert remote.to_organization_id == partner.shelter_id
        person = s.get(Person, remote.person_id)
        assert person is not None
        # minimum necessary: no name, no contacts crossed
        assert person.given_name is None and person.contacts is None
        remote_id = str(remote.id)
    with db.session() as s:
        row = s.scalar(select(FhirOutbound))
        assert row is not None and row.remote_task == f"Task/{remote_id}"
        assert s.get(Referral, rec.sent_referral_id).status == "received"  # type: ignore[union-attr]

    # a retried POST (the first answer lost) creates nothing new
    with db.session() as s:
        row = s.scalar(select(FhirOutbound))
        assert row is not None
        row.state, row.remote_task = "pending", None
    again = sync(db, db.settings)
    assert again.sent == 1
    with partner.db.session() as s:
        assert len(s.scalars(select(Referral)).all()) == 1

    # the partner accepts in its own system; the plan's next poll sees it
    # ... with its own status text, kept whole here however long
    waiting = "Waiting for a bed at the shelter's second house. " * 6
    _partner_patch(
        partner,
        remote_id,
        [
            {"op": "replace", "path": "/status", "value": "accepted"},
            {"op": "add", "path": "/businessStatus", "value": {"text": waiting}},
        ],
    )
    assert sync(db, db.settings).changed == 1
    with db.session() as s:
        here = s.get(Referral, rec.sent_referral_id)
        assert here is not None and here.business_status == waiting
    assert len(waiting) > 200
    # ... then works and completes it, with a note, between two polls
    _partner_patch(
        partner,
        remote_id,
        [{"op": "replace", "path": "/status", "value": "in-progress"}],
    )
    _partner_patch(
        partner,
        remote_id,
        [
            {"op": "replace", "path": "/status", "value": "completed"},
            {"op": "add", "path": "/note/-", "value": {"text": "Placed in a bed."}},
        ],
    )
    # through the one job runner
    results = {r.name: r for r in run_jobs(db, db.settings, ["fhir-sync"])}
    assert results["fhir-sync"].status == "ran", results
    assert "changed=1" in results["fhir-sync"].detail

    assert _history(db, rec.sent_referral_id) == [
        (None, "draft"),
        ("draft", "sent"),
        ("sent", "received"),
        ("received", "accepted"),
        ("accepted", "in_progress"),
        ("in_progress", "completed"),
    ]
    with db.session() as s:
        row = s.scalar(select(FhirOutbound))
        assert row is not None and row.state == "closed"
        actions = [
            (e.action, e.outcome)
            for e in s.scalars(
                select(AuditEvent).where(AuditEvent.action.like("fhir:%"))
            )
        ]
    assert ("fhir:send Task", "success") in actions
    assert actions.count(("fhir:poll Task", "success")) == 3
    with partner.db.session() as s:
        there_actions = {e.action for e in s.scalars(select(AuditEvent))}
    assert {
        "fhir:token",
        "fhir:create Task",
        "fhir:create Task (exists)",
        "fhir:read Task",
    } <= there_actions

    # the plan's case page (and its API) show the closed loop, with the note
    gen = serve(create_app(db.settings, database=db))
    plan_url = next(gen)
    try:
        api = httpx.get(
            f"{plan_url}/api/v1/referrals/{rec.sent_referral_id}",
            headers=world.headers("cm_a"),
        )
        page = _case_page(db, world, plan_url, rec.case_id)
    finally:
        next(gen, None)
    assert api.status_code == 200, api.text
    assert api.json()["status"] == "completed"
    row = parse(page).css_first(f'tr[data-referral="{rec.sent_referral_id}"]')
    assert row is not None
    status = row.css_first(".referral-status")
    assert status is not None and "status-completed" in status.attributes["class"]
    assert "Placed in a bed." in row.text()


def _case_page(db: Database, world: Any, base: str, case_id: int) -> str:
    """The case page as a supervisor of the plan sees it (signed in by form)."""
    password = "a supervisor's long passphrase"
    with db.session() as s:
        s.add(User(organization_id=world.orgs["a"], username="sup.web",
                   display_name="Sup Web", role=str(Role.SUPERVISOR),
                   password_hash=hash_password(password)))  # fmt: skip
    with httpx.Client(base_url=base, follow_redirects=False) as web:
        form = parse(web.get("/login").text).css_first("input[name=csrf_token]")
        assert form is not None
        signed = web.post(
            "/login",
            data={
                "username": "sup.web",
                "password": password,
                "csrf_token": form.attributes["value"],
            },
        )
        assert signed.status_code == 303, signed.text[:300]
        page = web.get(f"/cases/{case_id}")
        assert page.status_code == 200, page.text[:300]
        return page.text


def test_an_unreachable_partner_is_retried_with_backoff(
    db: Database, world: Any, records: Any, partner: Partner
) -> None:
    rec = records("a")
    _configure(db, world, partner, base="http://127.0.0.1:9/fhir")
    report = sync(db, db.settings)
    assert (report.sent, report.retrying) == (0, 1)
    with db.session() as s:
        row = s.scalar(select(FhirOutbound))
        assert row is not None
        assert row.state == "pending" and row.attempts == 1
        wait = row.next_attempt_at - dt.datetime.now(dt.UTC)
        assert dt.timedelta(seconds=30) < wait <= dt.timedelta(minutes=1)
    # not due yet: nothing is tried
    assert sync(db, db.settings).retrying == 0
    # the last attempt fails for good, audited as a failure
    with db.session() as s:
        row = s.scalar(select(FhirOutbound))
        assert row is not None
        row.attempts = MAX_ATTEMPTS - 1
        row.next_attempt_at = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)
    assert sync(db, db.settings).failed == 1
    with db.session() as s:
        row = s.scalar(select(FhirOutbound))
        assert row is not None and row.state == "failed" and row.last_error
        failures = s.scalars(
            select(AuditEvent).where(
                AuditEvent.action == "fhir:send Task", AuditEvent.outcome == "failure"
            )
        ).all()
        assert len(failures) == 2
        assert s.get(Referral, rec.sent_referral_id).status == "sent"  # type: ignore[union-attr]


def test_wrong_credentials_are_not_a_send(
    db: Database, world: Any, records: Any, partner: Partner
) -> None:
    records("a")
    partner.client_secret = "not-the-secret"
    _configure(db, world, partner)
    report = sync(db, db.settings)
    assert report.sent == 0 and report.retrying == 1
    with partner.db.session() as s:
        assert s.scalars(select(Referral)).all() == []


def test_status_path_walks_partner_moves_only() -> None:
    from nowrongdoor.care.enums import ReferralStatus as S

    assert status_path("sent", S.COMPLETED) == [S.ACCEPTED, S.IN_PROGRESS, S.COMPLETED]
    assert status_path("received", S.DECLINED) == [S.DECLINED]
    assert status_path("accepted", S.ACCEPTED) == []
    # backwards is never a path
    assert status_path("completed", S.ACCEPTED) == []


def _sud_referral(client: Any, world: Any, rec: Any) -> tuple[int, int]:
    """A substance-use referral to partner p with a Part 2 consent; sent."""
    cm = world.headers("cm_a")
    sud = client.post(
        "/api/v1/referrals",
        json={
            "case_id": rec.case_id,
            "service_id": world.services["p"],
            "need_category": "substance_use",
        },
        headers=cm,
    ).json()
    part2 = client.post(
        f"/api/v1/persons/{rec.person_id}/consents",
        json={
            "consent_type": "part2_disclosure",
            "scope": "organisation",
            "scope_organization_id": world.orgs["p"],
        },
        headers=cm,
    ).json()
    sent = client.post(
        f"/api/v1/referrals/{sud['id']}/status", json={"status": "sent"}, headers=cm
    )
    assert sent.status_code == 200, sent.text
    return int(sud["id"]), int(part2["id"])


def test_part2_consent_travels_with_a_substance_use_referral(
    db: Database, client: Any, world: Any, records: Any, partner: Partner
) -> None:
    rec = records("a")
    sud_id, _ = _sud_referral(client, world, rec)
    _configure(db, world, partner)
    assert sync(db, db.settings).sent == 2
    with partner.db.session() as s:
        there = s.scalars(
            select(Referral).where(Referral.need_category == "substance_use")
        ).one()
        kinds = {
            c.consent_type
            for c in s.scalars(
                select(Consent).where(Consent.person_id == there.person_id)
            )
        }
        assert kinds == {"share_with_partners", "part2_disclosure"}
        remote_id = there.id
    # the partner's own staff reach it over FHIR there (Part 2 consent present)
    r = httpx.get(
        f"{partner.url}/fhir/Task/{remote_id}",
        headers={"Authorization": f"Bearer {partner.staff_token}"},
    )
    assert r.status_code == 200, r.text
    with db.session() as s:
        row = s.scalar(select(FhirOutbound).where(FhirOutbound.referral_id == sud_id))
        assert row is not None and row.state == "sent"


def test_a_substance_use_referral_never_leaves_once_part2_consent_is_revoked(
    db: Database, client: Any, world: Any, records: Any, partner: Partner
) -> None:
    rec = records("a")
    sud_id, part2_id = _sud_referral(client, world, rec)
    revoked = client.post(
        f"/api/v1/persons/{rec.person_id}/consents/{part2_id}/revoke",
        headers=world.headers("cm_a"),
    )
    assert revoked.status_code == 200
    _configure(db, world, partner)
    report = sync(db, db.settings)
    assert (report.sent, report.failed) == (1, 1)
    with db.session() as s:
        row = s.scalar(select(FhirOutbound).where(FhirOutbound.referral_id == sud_id))
        assert row is not None and row.state == "failed"
        assert "Part 2" in (row.last_error or "")
    with partner.db.session() as s:
        needs = [r.need_category for r in s.scalars(select(Referral))]
    assert needs == [None]


def test_a_referral_cancelled_here_stops_being_polled(
    db: Database, client: Any, world: Any, records: Any, partner: Partner
) -> None:
    rec = records("a")
    _configure(db, world, partner)
    assert sync(db, db.settings).sent == 1
    cancelled = client.post(
        f"/api/v1/referrals/{rec.sent_referral_id}/status",
        json={"status": "cancelled", "reason": "The person moved away."},
        headers=world.headers("cm_a"),
    )
    assert cancelled.status_code == 200, cancelled.text
    report = sync(db, db.settings)
    assert report.polled == 0
    with db.session() as s:
        row = s.scalar(select(FhirOutbound))
        assert row is not None and row.state == "closed"


def test_the_partners_task_output_comes_back_with_the_poll(
    db: Database, world: Any, records: Any, partner: Partner, client: Any
) -> None:
    # Gravity SDOHCC-TaskForReferralManagement: the performer reports the
    # outcome in Task.output; the plan's poll keeps it with the partner's note
    rec = records("a")
    _configure(db, world, partner)
    assert sync(db, db.settings).sent == 1
    with partner.db.session() as s:
        remote_id = str(s.scalars(select(Referral)).one().id)
    done = {"type": {"text": "Outcome"}, "valueString": "Placed for 30 nights."}
    procedure = {
        "type": {"text": "Resulting Activity"},
        "valueReference": {"reference": "Procedure/77", "display": "Placement"},
    }
    _partner_patch(
        partner,
        remote_id,
        [
            {"op": "replace", "path": "/status", "value": "accepted"},
            {"op": "add", "path": "/output", "value": [done, procedure]},
            {"op": "add", "path": "/note/-", "value": {"text": "Bed on Friday."}},
        ],
    )
    assert sync(db, db.settings).changed == 1
    task = client.get(
        f"/fhir/Task/{rec.sent_referral_id}", headers=world.headers("cm_a")
    ).json()
    assert task["status"] == "accepted"
    assert task["output"] == [done, procedure]
    assert task["note"] == [{"text": "Bed on Friday."}]
