"""``POST /fhir``: what a transaction Bundle must hold to become a referral, and
who may send one."""

from __future__ import annotations

import copy
import json
from typing import Any

from fastapi.testclient import TestClient
from fhir.resources.R4B.bundle import Bundle
from sqlalchemy import func, select

from nowrongdoor.care.db import Database
from nowrongdoor.care.fhir.outbound import referral_bundle
from nowrongdoor.care.models import FhirEndpoint, Referral


def _bundle(db: Database, referral_id: int, owner: int) -> dict[str, Any]:
    """The Bundle our outbound side would send for a referral, owned by ``owner``."""
    with db.session() as s:
        referral = s.get(Referral, referral_id)
        assert referral is not None
        endpoint = FhirEndpoint(owner_reference=f"Organization/{owner}")
        return referral_bundle(s, referral, endpoint)


def _count(db: Database) -> int:
    with db.session() as s:
        return int(s.scalar(select(func.count()).select_from(Referral)) or 0)


def _post(client: TestClient, body: Any, headers: dict[str, str]) -> Any:
    raw = body if isinstance(body, str) else json.dumps(body)
    return client.post(
        "/fhir",
        content=raw,
        headers={**headers, "Content-Type": "application/fhir+json"},
    )


def test_a_partner_system_sends_a_referral_once(
    db: Database, client: TestClient, world: Any, records: Any, systems: Any
) -> None:
    rec = records("a")
    body = _bundle(db, rec.sent_referral_id, world.orgs["q"])
    before = _count(db)
    first = _post(client, body, systems["p"])
    assert first.status_code == 200, first.text
    reply = Bundle.model_validate(first.json())
    assert reply.type == "transaction-response"
    locations = [e.response.location or "" for e in reply.entry or [] if e.response]
    task = next(loc for loc in locations if loc.startswith("Task/"))
    assert [e.response.status for e in reply.entry or [] if e.response][-1] == (
        "201 Created"
    )
    again = _post(client, body, systems["p"])
    assert again.status_code == 200
    assert again.json()["entry"][-1]["response"]["status"] == "200 OK"
    assert _count(db) == before + 1
    # the receiver (q) reaches it, acknowledged; the sender (p) reads it back
    tid = task.split("/")[1]
    got = client.get(f"/fhir/Task/{tid}", headers=systems["q"]).json()
    assert got["status"] == "received"
    assert client.get(f"/fhir/Task/{tid}", headers=systems["p"]).status_code == 200


def test_bad_bundles_are_refused_with_an_operation_outcome(
    db: Database, client: TestClient, world: Any, records: Any, systems: Any
) -> None:
    rec = records("a")
    good = _bundle(db, rec.sent_referral_id, world.orgs["q"])
    before = _count(db)

    def without_identifier(b: dict[str, Any]) -> None:
        b["entry"][-1]["resource"].pop("identifier")

    def owner_is_sender(b: dict[str, Any]) -> None:
        b["entry"][-1]["resource"]["owner"] = {
            "reference": f"Organization/{world.orgs['p']}"
        }

    def owner_unknown(b: dict[str, Any]) -> None:
        b["entry"][-1]["resource"]["owner"] = {"reference": "Organization/99999"}

    def focus_elsewhere(b: dict[str, Any]) -> None:
        b["entry"][-1]["resource"]["focus"] = {"reference": "ServiceRequest/1"}

    def batch(b: dict[str, Any]) -> None:
        b["type"] = "batch"

    def a_second_task(b: dict[str, Any]) -> None:
        b["entry"].append(copy.deepcopy(b["entry"][-1]))

    for change in (without_identifier, owner_is_sender, owner_unknown,
                   focus_elsewhere, batch, a_second_task):  # fmt: skip
        body = copy.deepcopy(good)
        change(body)
        r = _post(client, body, systems["p"])
        assert r.status_code == 400, (change.__name__, r.text)
        assert r.json()["resourceType"] == "OperationOutcome"
    # dates without a time (valid FHIR dateTime values) are taken, not a 500
    dated = copy.deepcopy(good)
    for entry in dated["entry"]:
        if entry["resource"]["resourceType"] == "Consent":
            entry["resource"]["dateTime"] = "2026-12-01"
            entry["resource"]["provision"]["period"] = {"end": "2027-06-30"}
    dated["entry"][-1]["resource"]["identifier"][0]["value"] = "dated-1"
    r = _post(client, dated, systems["p"])
    assert r.status_code == 200, r.text
    before += 1
    r = _post(client, "{not json", systems["p"])
    assert r.status_code == 400 and r.json()["resourceType"] == "OperationOutcome"
    # staff tokens do not send referrals this way; nobody anonymous either
    r = _post(client, good, world.headers("cm_a"))
    assert r.status_code == 403
    assert _post(client, good, {}).status_code == 401
    assert _count(db) == before


def test_two_long_task_identifiers_are_not_taken_for_one(
    db: Database, client: TestClient, world: Any, records: Any, systems: Any
) -> None:
    # cut to the column, they would share their first 300 characters and the
    # second referral would be answered as a retry of the first
    rec = records("a")
    before = _count(db)
    for last in "12":
        body = _bundle(db, rec.sent_referral_id, world.orgs["q"])
        ident = body["entry"][-1]["resource"]["identifier"][0]
        ident["value"] = "r" * 300 + last
        r = _post(client, body, systems["p"])
        assert r.status_code == 400, r.text
        said = r.json()["issue"][0]["diagnostics"]
        system = ident.get("system") or ""
        assert said == (
            f"Task.identifier (system|value) has {len(system) + 302} characters, "
            "more than the 300 this server keeps"
        )
    assert _count(db) == before
