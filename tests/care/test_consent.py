"""Consent policy (``nowrongdoor.care.consent``): a 42 CFR Part 2 consent
names who receives the records (42 CFR 2.31(a)(4)), so "any partner" is
refused for it, and one recorded before that rule covers nobody."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update

from nowrongdoor.care.consent import part2_covered, part2_visible
from nowrongdoor.care.enums import ConsentType
from nowrongdoor.care.models import Consent, Person, User, utcnow


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


@pytest.mark.parametrize(
    ("scope", "org", "granted", "expires", "revoked"),
    [
        ("care_team", None, True, None, None),
        ("organisation", "a", True, None, None),
        ("organisation", "b", True, None, None),
        ("any_partner", None, True, None, None),  # recorded before the rule
        ("care_team", None, False, None, None),
        ("care_team", None, True, -1, None),
        ("care_team", None, True, 1, None),
        ("care_team", None, True, None, -1),
    ],
)
def test_the_sql_rule_of_part2_consent_is_the_python_one(
    db: Any,
    world: Any,
    records: Any,
    scope: str,
    org: str | None,
    granted: bool,
    expires: int | None,
    revoked: int | None,
) -> None:
    """``part2_covered`` (what the work queue filters and sorts by) agrees with
    ``part2_visible`` (what every page shows by) for every viewer."""
    rec = records("a")
    now = utcnow()
    with db.session() as s:
        s.add(
            Consent(
                person_id=rec.person_id,
                consent_type=ConsentType.PART2_DISCLOSURE,
                scope=scope,
                scope_organization_id=world.orgs[org] if org else None,
                granted=granted,
                expires_at=None if expires is None else now + dt.timedelta(expires),
                revoked_at=None if revoked is None else now + dt.timedelta(revoked),
            )
        )
        s.flush()
        person = s.get(Person, rec.person_id)
        assert person is not None
        seen = {}
        for key in ("cm_a", "supervisor_b", "cm_b", "analyst_a", "partner_p"):
            viewer = s.get(User, world.users[key].id)
            assert viewer is not None
            covered = part2_covered(viewer)
            in_sql = covered is not None and person.id in set(s.scalars(covered))
            assert in_sql == part2_visible(s, viewer=viewer, person=person), key
            seen[key] = in_sql
    assert seen["analyst_a"] is False and seen["partner_p"] is False
