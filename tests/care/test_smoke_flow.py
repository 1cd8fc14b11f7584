"""The closed loop end to end through the API, on both backends."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient


def test_closed_loop_referral(client: TestClient, world: Any) -> None:
    cm, partner = world.headers("cm_a"), world.headers("partner_p")
    person = client.post(
        "/api/v1/persons",
        json={"given_name": "Lina", "birth_date": "2011-02-03"},
        headers=cm,
    ).json()
    case = client.post(
        "/api/v1/cases",
        json={"person_id": person["id"], "pathway": "survive"},
        headers=cm,
    ).json()
    assert case["status"] == "open"
    ref = client.post(
        "/api/v1/referrals",
        json={"case_id": case["id"], "service_id": world.services["p"]},
        headers=cm,
    )
    assert ref.status_code == 201, ref.text
    rid = ref.json()["id"]
    consent = client.post(
        f"/api/v1/persons/{person['id']}/consents",
        json={"consent_type": "share_with_partners", "scope": "any_partner"},
        headers=cm,
    )
    assert consent.status_code == 201
    assert (
        client.post(
            f"/api/v1/referrals/{rid}/status", json={"status": "sent"}, headers=cm
        ).json()["status"]
        == "sent"
    )
    for status in ("accepted", "in_progress", "completed"):
        r = client.post(
            f"/api/v1/referrals/{rid}/status", json={"status": status}, headers=partner
        )
        assert r.status_code == 200, r.text
    seen = client.get(f"/api/v1/referrals/{rid}", headers=cm).json()
    assert seen["status"] == "completed"
    assert [e["to_status"] for e in seen["events"]] == [
        "draft",
        "sent",
        "accepted",
        "in_progress",
        "completed",
    ]
    actors = {e["to_status"]: e["actor_id"] for e in seen["events"]}
    assert actors["sent"] == world.users["cm_a"].id
    assert actors["completed"] == world.users["partner_p"].id
    assert seen["completed_at"] >= seen["accepted_at"] >= seen["sent_at"]
