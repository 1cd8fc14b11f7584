"""A move the referring team recorded for a partner that is not on the system:
the Task says so, as a Provenance (FHIR R4 Task.relevantHistory) naming the
referrer as enterer on behalf of the owner, and never who at the partner told."""

from __future__ import annotations

import json
from typing import Any

from fastapi.testclient import TestClient
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.provenance import Provenance
from fhir.resources.R4B.task import Task
from test_referral_on_behalf import off_system_referral

PARTICIPANT = "http://terminology.hl7.org/CodeSystem/provenance-participant-type"
DATA_OPERATION = "http://terminology.hl7.org/CodeSystem/v3-DataOperation"


def _move(client: TestClient, rid: int, headers: Any, **body: Any) -> None:
    r = client.post(f"/api/v1/referrals/{rid}/status", json=body, headers=headers)
    assert r.status_code == 200, r.text


def _marker(task: dict[str, Any]) -> Provenance | None:
    """The Provenance the Task's relevantHistory points at in ``contained``."""
    model = Task.model_validate(task)  # valid R4 with the contained resource
    refs = [r.reference for r in model.relevantHistory or []]
    if not refs:
        assert "contained" not in task
        return None
    assert len(refs) == 1 and refs[0].startswith("#")
    found = [c for c in task.get("contained", []) if f"#{c['id']}" == refs[0]]
    assert len(found) == 1 and found[0]["resourceType"] == "Provenance"
    return Provenance.model_validate(found[0])


def _agents(prov: Provenance) -> dict[str, Any]:
    out = {}
    for agent in prov.agent:
        (coding,) = agent.type.coding
        assert coding.system == PARTICIPANT
        out[coding.code] = agent
    return out


def test_a_move_recorded_on_the_partners_behalf_is_marked_on_the_task(
    client: TestClient, db: Any, world: Any, records: Any
) -> None:
    rid = off_system_referral(db, world, records, "Northside Shelter")
    cm = world.headers("cm_a")
    assert _marker(client.get(f"/fhir/Task/{rid}", headers=cm).json()) is None
    _move(client, rid, cm, status="accepted", told_via="phone", told_by="Ann Lee")
    raw = client.get(f"/fhir/Task/{rid}", headers=cm)
    assert raw.status_code == 200, raw.text
    task = raw.json()
    assert task["status"] == "accepted"
    assert "Ann Lee" not in raw.text  # who told is never exposed
    prov = _marker(task)
    assert prov is not None
    assert [t.reference for t in prov.target] == [f"Task/{rid}"]
    assert prov.recorded is not None
    assert prov.activity.coding[0].system == DATA_OPERATION
    assert prov.activity.coding[0].code == "UPDATE"
    assert "on behalf of" in prov.activity.text and "phone" in prov.activity.text
    agents = _agents(prov)
    assert set(agents) == {"enterer", "informant"}
    requester, owner = task["requester"]["reference"], task["owner"]["reference"]
    assert agents["enterer"].who.reference == requester
    assert agents["enterer"].onBehalfOf.reference == owner
    assert agents["informant"].who.reference == owner
    # pseudonymous roles see the marker too (it holds no free text)
    analyst = client.get(f"/fhir/Task/{rid}", headers=world.headers("analyst_a"))
    assert _marker(analyst.json()) is not None
    # a search returns the same Task
    found = client.get("/fhir/Task", params={"_id": str(rid)}, headers=cm)
    assert found.status_code == 200, found.text
    bundle = Bundle.model_validate(found.json())
    (entry,) = [e for e in bundle.entry if e.resource.id == str(rid)]
    assert _marker(json.loads(entry.resource.model_dump_json())) is not None


def test_the_referrer_sends_the_marked_task_back_and_its_own_move_is_unmarked(
    client: TestClient, db: Any, world: Any, records: Any
) -> None:
    """FHIR update is read, change, PUT: the marker in the Task read does not
    stop the referrer's own move, and that move (a cancellation) is the
    referrer's, so the Task no longer carries it."""
    rid = off_system_referral(db, world, records, "Grace Church Pantry")
    cm = world.headers("cm_a")
    _move(client, rid, cm, status="accepted", told_via="in_person")
    task = client.get(f"/fhir/Task/{rid}", headers=cm).json()
    assert _marker(task) is not None
    same = client.put(f"/fhir/Task/{rid}", json=task, headers=cm)
    assert same.status_code == 200, same.text
    assert _marker(same.json()) is not None  # still the partner's move
    task["status"] = "cancelled"
    task["statusReason"] = {"text": "The person moved away"}
    cancelled = client.put(f"/fhir/Task/{rid}", json=task, headers=cm)
    assert cancelled.status_code == 200, cancelled.text
    assert cancelled.json()["status"] == "cancelled"
    assert _marker(cancelled.json()) is None
    assert _marker(client.get(f"/fhir/Task/{rid}", headers=cm).json()) is None


def test_a_partners_own_move_carries_no_marker(
    client: TestClient, world: Any, records: Any, systems: Any
) -> None:
    rid = records("a").sent_referral_id
    headers = systems["p"]
    task = client.get(f"/fhir/Task/{rid}", headers=headers).json()
    task["status"] = "accepted"
    moved = client.put(f"/fhir/Task/{rid}", json=task, headers=headers)
    assert moved.status_code == 200, moved.text
    assert _marker(moved.json()) is None
    read = client.get(f"/fhir/Task/{rid}", headers=world.headers("cm_a")).json()
    assert read["status"] == "accepted" and _marker(read) is None


def test_a_bulk_export_carries_the_marker(
    client: TestClient, db: Any, world: Any, records: Any
) -> None:
    rid = off_system_referral(db, world, records, "Northside Shelter")
    cm = world.headers("cm_a")
    _move(client, rid, cm, status="accepted", told_via="email", told_by="Intake")
    started = client.get(
        "/fhir/$export", params={"_type": "Task"},
        headers={**cm, "Prefer": "respond-async"},
    )  # fmt: skip
    assert started.status_code == 202, started.text
    manifest = client.get(started.headers["content-location"], headers=cm).json()
    (out,) = [o for o in manifest["output"] if o["type"] == "Task"]
    lines = client.get(out["url"], headers=cm).text.splitlines()
    tasks = {t["id"]: t for t in map(json.loads, lines)}
    assert _marker(tasks[str(rid)]) is not None
    assert all(_marker(t) is None for i, t in tasks.items() if i != str(rid))
    assert "Intake" not in "\n".join(lines)
