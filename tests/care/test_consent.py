"""Consent policy (``nowrongdoor.care.consent``): a 42 CFR Part 2 consent
names who receives the records (42 CFR 2.31(a)(4)), so "any partner" is
refused for it, and one recorded before that rule covers nobody."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import update

from nowrongdoor.care.models import Consent


def _part2_note_shown(client: TestClient, world: Any, rec: Any) -> bool:
    detail = client.get(
        f"/api/v1/cases/{rec.case_id}", headers=world.headers("cm_a")
    ).json()
    return "opioid" in str(detail["notes"])


def test_a_part2_consent_to_any_partner_is_refused_naming_the_rule(
    client: TestClient, world: Any, records: Any
) -> None:
    rec = records("a")
    answer = client.post(
        f"/api/v1/persons/{rec.person_id}/consents",
        json={"consent_type": "part2_disclosure", "scope": "any_partner"},
        headers=world.headers("cm_a"),
    )
    assert answer.status_code == 400
    error = answer.json()["error"]
    assert error["field"] == "scope" and "42 CFR 2.31(a)(4)" in error["message"]
    # a refusal names no recipient and is kept as said
    refusal = client.post(
        f"/api/v1/persons/{rec.person_id}/consents",
        json={
            "consent_type": "part2_disclosure",
            "scope": "any_partner",
            "granted": False,
        },
        headers=world.headers("cm_a"),
    )
    assert refusal.status_code == 201
    # sharing (not Part 2) may still cover any partner
    share = client.post(
        f"/api/v1/persons/{rec.person_id}/consents",
        json={"consent_type": "share_with_partners", "scope": "any_partner"},
        headers=world.headers("cm_a"),
    )
    assert share.status_code == 201


def test_an_older_part2_consent_to_any_partner_covers_nobody(
    client: TestClient, db: Any, world: Any, records: Any
) -> None:
    rec = records("a")
    cm = world.headers("cm_a")
    note = client.post(
        f"/api/v1/cases/{rec.case_id}/notes",
        json={"text": "Attends an opioid treatment program.", "sensitivity": "part2"},
        headers=cm,
    )
    assert note.status_code == 201
    made = client.post(
        f"/api/v1/persons/{rec.person_id}/consents",
        json={"consent_type": "part2_disclosure", "scope": "care_team"},
        headers=cm,
    )
    assert made.status_code == 201
    assert _part2_note_shown(client, world, rec)
    # the same consent as recorded before the rule: to any partner
    with db.session() as s:
        s.execute(
            update(Consent)
            .where(Consent.id == made.json()["id"])
            .values(scope="any_partner")
        )
        s.commit()
    assert not _part2_note_shown(client, world, rec)
