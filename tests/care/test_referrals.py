"""Referral rules: consent or supervisor override, who moves what, minimum
necessary for partners, do-not-contact, and 42 CFR Part 2."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient


def _move(client: TestClient, rid: int, headers: dict[str, str], **body: Any) -> Any:
    return client.post(f"/api/v1/referrals/{rid}/status", json=body, headers=headers)


def _no_consent(client: TestClient, world: Any, rec: Any) -> None:
    r = client.post(
        f"/api/v1/persons/{rec.person_id}/consents/{rec.consent_id}/revoke",
        headers=world.headers("cm_a"),
    )
    assert r.status_code == 200 and r.json()["active"] is False


def test_override_needs_a_supervisor_and_a_reason(
    client: TestClient, world: Any, records: Any
) -> None:
    rec = records("a")
    _no_consent(client, world, rec)
    cm, sup = world.headers("cm_a"), world.headers("supervisor_a")
    reason = "Imminent danger; youth asked us to call the shelter now."
    by_cm = _move(
        client, rec.draft_referral_id, cm, status="sent", override_reason=reason
    )
    assert by_cm.status_code == 403
    assert by_cm.json()["error"]["code"] == "override_not_allowed"
    assert _move(client, rec.draft_referral_id, sup, status="sent").status_code == 409
    ok = _move(
        client, rec.draft_referral_id, sup, status="sent", override_reason=reason
    )
    assert ok.status_code == 200, ok.text
    body = ok.json()
    assert body["override_reason"] == reason
    assert body["override_by_id"] == world.users["supervisor_a"].id
    assert body["consent_id"] is None


def test_consent_scope_and_expiry(client: TestClient, world: Any, records: Any) -> None:
    rec = records("a")
    _no_consent(client, world, rec)
    cm = world.headers("cm_a")
    other_org = client.post(
        f"/api/v1/persons/{rec.person_id}/consents",
        json={
            "consent_type": "share_with_partners",
            "scope": "organisation",
            "scope_organization_id": world.orgs["q"],
        },
        headers=cm,
    )
    assert other_org.status_code == 201
    assert _move(client, rec.draft_referral_id, cm, status="sent").status_code == 409
    past = client.post(
        f"/api/v1/persons/{rec.person_id}/consents",
        json={
            "consent_type": "share_with_partners",
            "scope": "any_partner",
            "expires_at": "2001-01-01T00:00:00Z",
        },
        headers=cm,
    )
    assert past.status_code == 400 and past.json()["error"]["field"] == "expires_at"
    right_org = client.post(
        f"/api/v1/persons/{rec.person_id}/consents",
        json={
            "consent_type": "share_with_partners",
            "scope": "organisation",
            "scope_organization_id": world.orgs["p"],
        },
        headers=cm,
    )
    assert right_org.status_code == 201
    sent = _move(client, rec.draft_referral_id, cm, status="sent")
    assert sent.status_code == 200
    assert sent.json()["consent_id"] == right_org.json()["id"]


def test_partner_sees_minimum_and_moves_only_its_steps(
    client: TestClient, world: Any, records: Any
) -> None:
    rec = records("a")
    partner, cm = world.headers("partner_p"), world.headers("cm_a")
    view = client.get(
        f"/api/v1/referrals/{rec.sent_referral_id}", headers=partner
    ).json()
    assert set(view["person"]) == {"pseudonym", "given_name", "age", "phone"}
    assert view["person"]["phone"] is None  # not accepted yet
    assert "family_name" not in str(view) and "birth_date" not in str(view)
    assert "case_id" not in view and "person_id" not in view
    assert _move(client, rec.sent_referral_id, cm, status="accepted").status_code == 403
    assert (
        _move(client, rec.sent_referral_id, partner, status="declined").status_code
        == 400
    )
    accepted = _move(client, rec.sent_referral_id, partner, status="accepted")
    assert accepted.json()["person"]["phone"] == "317-555-0142"
    assert (
        client.get(f"/api/v1/persons/{rec.person_id}", headers=partner).status_code
        == 403
    )
    assert (
        client.get(f"/api/v1/cases/{rec.case_id}", headers=partner).status_code == 403
    )


def test_do_not_contact_suppresses_outreach(
    client: TestClient, world: Any, records: Any
) -> None:
    rec = records("a")
    cm, partner = world.headers("cm_a"), world.headers("partner_p")
    flagged = client.patch(
        f"/api/v1/persons/{rec.person_id}", json={"do_not_contact": True}, headers=cm
    )
    assert flagged.status_code == 200
    accepted = _move(client, rec.sent_referral_id, partner, status="accepted").json()
    assert accepted["do_not_contact"] is True
    assert accepted["person"]["phone"] is None


def test_declined_referral_records_reason(
    client: TestClient, world: Any, records: Any
) -> None:
    rec = records("a")
    partner = world.headers("partner_p")
    r = _move(
        client, rec.sent_referral_id, partner, status="declined", reason="No beds"
    )
    assert r.status_code == 200
    seen = client.get(
        f"/api/v1/referrals/{rec.sent_referral_id}", headers=world.headers("cm_a")
    )
    assert seen.json()["status"] == "declined"
    assert seen.json()["response_note"] == "No beds"
    assert seen.json()["events"][-1]["reason"] == "No beds"


def test_part2_substance_use_needs_its_own_consent(
    client: TestClient, world: Any, records: Any
) -> None:
    rec = records("a")
    cm = world.headers("cm_a")
    note = client.post(
        f"/api/v1/cases/{rec.case_id}/notes",
        json={"text": "Attends an opioid treatment program.", "sensitivity": "part2"},
        headers=cm,
    )
    assert note.status_code == 201
    detail = client.get(f"/api/v1/cases/{rec.case_id}", headers=cm).json()
    assert "opioid" not in str(detail["notes"])
    assert detail["part2_withheld"] == 1
    notes = client.get(f"/api/v1/cases/{rec.case_id}/notes", headers=cm).json()
    assert all("opioid" not in n["text"] for n in notes)
    sud = client.post(
        "/api/v1/referrals",
        json={
            "case_id": rec.case_id,
            "service_id": world.services["p"],
            "need_category": "substance_use",
        },
        headers=cm,
    ).json()
    blocked = _move(
        client,
        sud["id"],
        world.headers("supervisor_a"),
        status="sent",
        override_reason="supervisor wants to override Part 2",
    )
    assert blocked.status_code == 409
    assert blocked.json()["error"]["code"] == "part2_consent_required"
    part2 = client.post(
        f"/api/v1/persons/{rec.person_id}/consents",
        json={
            "consent_type": "part2_disclosure",
            "scope": "organisation",
            "scope_organization_id": world.orgs["a"],
        },
        headers=cm,
    )
    assert part2.status_code == 201
    shown = client.get(f"/api/v1/cases/{rec.case_id}", headers=cm).json()
    assert "opioid" in str(shown["notes"]) and shown["part2_withheld"] == 0
    assert _move(client, sud["id"], cm, status="sent").status_code == 409  # not for p
    client.post(
        f"/api/v1/persons/{rec.person_id}/consents",
        json={
            "consent_type": "part2_disclosure",
            "scope": "organisation",
            "scope_organization_id": world.orgs["p"],
        },
        headers=cm,
    )
    assert _move(client, sud["id"], cm, status="sent").status_code == 200
