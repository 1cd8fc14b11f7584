"""The /fhir API: client credentials, scope, Gravity Task/ServiceRequest rules,
versioned Task updates, searches, Part 2 and the pseudonymous Patient."""

from __future__ import annotations

import base64
import datetime as dt
import json
from typing import Any

from _fhir_help import new_client, substance_use_referral
from fastapi.testclient import TestClient
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.capabilitystatement import CapabilityStatement
from fhir.resources.R4B.consent import Consent
from fhir.resources.R4B.operationoutcome import OperationOutcome
from fhir.resources.R4B.patient import Patient
from fhir.resources.R4B.servicerequest import ServiceRequest
from fhir.resources.R4B.task import Task
from sqlalchemy import select

from nowrongdoor.care.fhir.clients import revoke_client
from nowrongdoor.care.models import AuditEvent

GRAVITY_TASK = (
    "http://hl7.org/fhir/us/sdoh-clinicalcare/StructureDefinition/"
    "SDOHCC-TaskForReferralManagement"
)


def _outcome(r: Any, status: int) -> None:
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith("application/fhir+json")
    OperationOutcome.model_validate(r.json())


def test_token_endpoint_checks_credentials(
    client: TestClient, db: Any, world: Any
) -> None:
    made = new_client(db, world.orgs["p"], minutes=15)
    form = {"grant_type": "client_credentials", "client_id": made.client_id}
    wrong = client.post("/fhir/auth/token", data={**form, "client_secret": "nope"})
    assert wrong.status_code == 401 and wrong.json()["error"] == "invalid_client"
    grant = client.post(
        "/fhir/auth/token",
        data={**form, "grant_type": "password", "client_secret": "x"},
    )
    assert grant.json()["error"] == "unsupported_grant_type"
    basic = base64.b64encode(f"{made.client_id}:{made.client_secret}".encode()).decode()
    ok = client.post(
        "/fhir/auth/token",
        data={"grant_type": "client_credentials"},
        headers={"Authorization": f"Basic {basic}"},
    )
    assert ok.status_code == 200, ok.text
    assert ok.json()["expires_in"] == 15 * 60 and ok.json()["token_type"] == "Bearer"
    bearer = {"Authorization": f"Bearer {ok.json()['access_token']}"}
    assert client.get("/fhir/Task", headers=bearer).status_code == 200
    with db.session() as s:
        assert revoke_client(s, made.client_id)
    _outcome(client.get("/fhir/Task", headers=bearer), 401)
    again = client.post(
        "/fhir/auth/token", data={**form, "client_secret": made.client_secret}
    )
    assert again.status_code == 401
    _outcome(client.get("/fhir/Task"), 401)


def test_metadata_is_an_r4_capability_statement(client: TestClient) -> None:
    r = client.get("/fhir/metadata")
    assert r.status_code == 200
    cs = CapabilityStatement.model_validate(r.json())
    assert cs.fhirVersion == "4.0.1"
    types = {res.type: res for res in cs.rest[0].resource}
    assert {"Task", "ServiceRequest", "Patient", "Consent", "Organization",
            "HealthcareService"} <= set(types)  # fmt: skip
    assert {p.name for p in types["Task"].searchParam} == {
        "_id", "owner", "status", "_lastUpdated", "authored-on", "modified",
    }  # fmt: skip


def test_a_partner_sees_only_tasks_it_owns(
    client: TestClient, world: Any, records: Any, systems: Any
) -> None:
    rec_a, rec_b = records("a"), records("b")
    p_tasks = Bundle.model_validate(
        client.get("/fhir/Task", headers=systems["p"]).json()
    )
    ids = {e.resource.id for e in p_tasks.entry or []}
    assert ids == {str(rec_a.sent_referral_id)}  # not the draft, not plan b's to q
    for e in p_tasks.entry or []:
        assert e.resource.owner.reference == f"Organization/{world.orgs['p']}"
    _outcome(
        client.get(f"/fhir/Task/{rec_b.sent_referral_id}", headers=systems["p"]), 404
    )
    _outcome(
        client.get(f"/fhir/Task/{rec_a.draft_referral_id}", headers=systems["p"]), 404
    )
    _outcome(
        client.get(
            f"/fhir/ServiceRequest/{rec_a.sent_referral_id}", headers=systems["q"]
        ),
        404,
    )
    q_ids = {
        e["resource"]["id"]
        for e in client.get("/fhir/Task", headers=systems["q"]).json().get("entry", [])
    }
    assert q_ids == {str(rec_b.sent_referral_id)}


def test_task_and_service_request_follow_gravity(
    client: TestClient, world: Any, records: Any, systems: Any
) -> None:
    rec = records("a")
    rid = rec.sent_referral_id
    raw = client.get(f"/fhir/Task/{rid}", headers=systems["p"])
    assert raw.status_code == 200 and raw.headers["etag"].startswith('W/"')
    task = Task.model_validate(raw.json())
    assert task.meta.profile == [GRAVITY_TASK]
    assert task.status == "requested" and task.intent == "order"
    assert task.code.coding[0].system == "http://hl7.org/fhir/CodeSystem/task-code"
    assert task.code.coding[0].code == "fulfill"
    assert task.authoredOn is not None and task.requester is not None
    assert task.for_fhir.reference == f"Patient/{rec.pseudonym}"
    kind, _, sr_id = task.focus.reference.partition("/")
    assert kind == "ServiceRequest"
    sr = ServiceRequest.model_validate(
        client.get(f"/fhir/ServiceRequest/{sr_id}", headers=systems["p"]).json()
    )
    assert sr.status == "active" and sr.intent == "order"
    assert sr.subject.reference == task.for_fhir.reference
    assert sr.requester.reference == task.requester.reference
    assert sr.code.text == "Beds at Shelter P"
    consent_ref = sr.supportingInfo[0].reference
    assert consent_ref == f"Consent/{rec.consent_id}"
    consent = Consent.model_validate(
        client.get(f"/fhir/{consent_ref}", headers=systems["p"]).json()
    )
    assert consent.status == "active"
    _outcome(client.get(f"/fhir/{consent_ref}", headers=systems["q"]), 404)


def _put(
    client: TestClient, rid: int, body: dict[str, Any], headers: Any, etag: str | None
) -> Any:
    extra = {"If-Match": etag} if etag else {}
    return client.put(f"/fhir/Task/{rid}", json=body, headers={**headers, **extra})


def test_task_update_is_versioned_and_flows_into_history_and_audit(
    client: TestClient, db: Any, world: Any, records: Any, systems: Any
) -> None:
    rec = records("a")
    rid = rec.sent_referral_id
    read = client.get(f"/fhir/Task/{rid}", headers=systems["p"])
    body, etag = read.json(), read.headers["etag"]
    body["status"] = "received"
    body["businessStatus"] = {"text": "Queued for intake review"}
    first = _put(client, rid, body, systems["p"], etag)
    assert first.status_code == 200, first.text
    assert first.json()["status"] == "received"
    assert first.json()["businessStatus"]["text"] == "Queued for intake review"
    assert first.headers["etag"] != etag
    body["status"] = "accepted"
    _outcome(_put(client, rid, body, systems["p"], etag), 412)  # stale version
    second = _put(client, rid, body, systems["p"], first.headers["etag"])
    assert second.status_code == 200 and second.json()["status"] == "accepted"
    body["owner"] = {"reference": f"Organization/{world.orgs['q']}"}
    _outcome(_put(client, rid, body, systems["p"], None), 400)
    body["owner"] = second.json()["owner"]
    body["status"] = "completed"  # accepted -> completed skips in-progress
    _outcome(_put(client, rid, body, systems["p"], None), 409)
    body["status"] = "bogus"
    _outcome(_put(client, rid, body, systems["p"], None), 400)
    body["status"] = "accepted"  # the partner's status text is kept whole
    body["businessStatus"] = {"text": "Waiting for a bed " * 12}
    long_status = _put(client, rid, body, systems["p"], None)
    assert long_status.status_code == 200, long_status.text
    assert long_status.json()["businessStatus"]["text"] == "Waiting for a bed " * 12
    _outcome(_put(client, rid, body, systems["q"], None), 404)
    history = client.get(f"/api/v1/referrals/{rid}", headers=world.headers("cm_a"))
    assert [e["to_status"] for e in history.json()["events"]] == [
        "draft", "sent", "received", "accepted",
    ]  # fmt: skip
    with db.session() as s:
        updates = s.scalars(
            select(AuditEvent).where(AuditEvent.action == "fhir:update Task")
        ).all()
        reads = s.scalars(
            select(AuditEvent).where(AuditEvent.action == "fhir:read Task")
        ).all()
    assert [u.detail.split("; ")[-1] for u in updates] == [
        "requested->received", "received->accepted", "accepted->accepted",
    ]  # fmt: skip
    assert all(u.username.startswith("client:") for u in updates)
    assert all(u.detail.startswith("client=nwd-") for u in updates + reads)


def test_task_search_by_status_last_updated_and_paging(
    client: TestClient, world: Any, records: Any, systems: Any
) -> None:
    for _ in range(3):
        records("a")
    headers = systems["p"]
    page = client.get("/fhir/Task", params={"_count": 2}, headers=headers).json()
    assert page["total"] == 3 and len(page["entry"]) == 2
    links = {link["relation"]: link["url"] for link in page["link"]}
    nxt = client.get(
        links["next"].split("/fhir", 1)[1].join(["/fhir", ""]), headers=headers
    )
    assert len(nxt.json()["entry"]) == 1
    assert "next" not in {link["relation"] for link in nxt.json()["link"]}
    owner = f"Organization/{world.orgs['p']}"
    assert client.get("/fhir/Task", params={"owner": owner, "status": "requested"},
                      headers=headers).json()["total"] == 3  # fmt: skip
    assert (
        "entry"
        not in client.get(
            "/fhir/Task", params={"status": "completed"}, headers=headers
        ).json()
    )
    _outcome(
        client.get("/fhir/Task", params={"status": "nonsense"}, headers=headers), 400
    )
    future = (dt.datetime.now(dt.UTC) + dt.timedelta(days=1)).date().isoformat()
    past = (dt.datetime.now(dt.UTC) - dt.timedelta(days=1)).date().isoformat()
    later = client.get(
        "/fhir/Task", params={"_lastUpdated": f"gt{future}"}, headers=headers
    )
    assert later.json()["total"] == 0
    since = client.get(
        "/fhir/Task", params={"_lastUpdated": f"ge{past}"}, headers=headers
    )
    assert since.json()["total"] == 3
    _outcome(
        client.get("/fhir/Task", params={"_lastUpdated": "yesterday"}, headers=headers),
        400,
    )


def test_part2_referral_never_leaves_without_part2_consent(
    client: TestClient, world: Any, records: Any, systems: Any
) -> None:
    rec = records("a")
    cm = world.headers("cm_a")
    sud, part2 = substance_use_referral(client, world, rec)
    assert client.get(f"/fhir/Task/{sud}", headers=systems["p"]).status_code == 200
    revoked = client.post(
        f"/api/v1/persons/{rec.person_id}/consents/{part2}/revoke", headers=cm
    )
    assert revoked.status_code == 200
    _outcome(client.get(f"/fhir/Task/{sud}", headers=systems["p"]), 404)
    _outcome(client.get(f"/fhir/ServiceRequest/{sud}", headers=systems["p"]), 404)
    listed = client.get("/fhir/Task", headers=systems["p"]).json()
    ids = {e["resource"]["id"] for e in listed.get("entry", [])}
    assert ids == {str(rec.sent_referral_id)}


def test_patient_is_pseudonymous_and_reachable_only_when_accepted(
    client: TestClient, world: Any, records: Any, systems: Any
) -> None:
    rec = records("a")
    url = f"/fhir/Patient/{rec.pseudonym}"
    first = client.get(url, headers=systems["p"])
    assert first.status_code == 200, first.text
    patient = Patient.model_validate(first.json())
    assert patient.name is None and patient.telecom is None
    assert patient.birthDate == 2010 or str(patient.birthDate) == "2010"
    assert "Mara" not in first.text and "Quill" not in first.text
    _outcome(client.get(url, headers=systems["q"]), 404)
    task = client.get(f"/fhir/Task/{rec.sent_referral_id}", headers=systems["p"]).json()
    task["status"] = "accepted"
    assert (
        _put(client, rec.sent_referral_id, task, systems["p"], None).status_code == 200
    )
    reachable = Patient.model_validate(client.get(url, headers=systems["p"]).json())
    assert reachable.telecom[0].value == "317-555-0142"
    assert reachable.name is None


def test_directory_resources(client: TestClient, world: Any, systems: Any) -> None:
    orgs = client.get(
        "/fhir/Organization", params={"name": "shelter"}, headers=systems["p"]
    )
    assert {e["resource"]["name"] for e in orgs.json()["entry"]} == {
        "Shelter P",
        "Shelter Q",
    }
    services = client.get(
        "/fhir/HealthcareService",
        params={"organization": f"Organization/{world.orgs['q']}"},
        headers=systems["p"],
    ).json()
    assert [e["resource"]["name"] for e in services["entry"]] == ["Beds at Shelter Q"]
    one = client.get(
        f"/fhir/HealthcareService/{world.services['p']}", headers=systems["p"]
    )
    assert one.json()["providedBy"]["reference"] == f"Organization/{world.orgs['p']}"
    _outcome(client.get("/fhir/Organization/999999", headers=systems["p"]), 404)


def test_partner_free_text_is_withheld_from_pseudonymous_roles(
    client: TestClient, world: Any, records: Any, systems: Any
) -> None:
    rec = records("a")
    rid = rec.sent_referral_id
    task = client.get(f"/fhir/Task/{rid}", headers=systems["p"]).json()
    task["businessStatus"] = {"text": "Waiting for a bed"}
    task["note"] = [{"text": "Call after 5pm."}]
    assert _put(client, rid, task, systems["p"], None).status_code == 200
    as_cm = client.get(f"/fhir/Task/{rid}", headers=world.headers("cm_a")).json()
    assert as_cm["note"][0]["text"] == "Call after 5pm."
    as_analyst = client.get(f"/fhir/Task/{rid}", headers=world.headers("analyst_a"))
    assert as_analyst.status_code == 200
    assert "note" not in as_analyst.json()
    assert "businessStatus" not in as_analyst.json()
    # the referrer may send the partner's text back unchanged, never change it
    changed = {**task, "note": [{"text": "Changed by the referrer."}]}
    _outcome(_put(client, rid, changed, world.headers("cm_a"), None), 403)


def test_task_json_patch(
    client: TestClient, world: Any, records: Any, systems: Any
) -> None:
    rec = records("a")
    rid, headers = rec.sent_referral_id, systems["p"]
    etag = client.get(f"/fhir/Task/{rid}", headers=headers).headers["etag"]
    patch = [
        {"op": "replace", "path": "/status", "value": "received"},
        {"op": "add", "path": "/businessStatus", "value": {"text": "Triage"}},
        {"op": "add", "path": "/note/-", "value": {"text": "Bed likely Friday."}},
    ]
    kind = {"Content-Type": "application/json-patch+json"}
    ok = client.patch(
        f"/fhir/Task/{rid}",
        content=json.dumps(patch),
        headers={**headers, **kind, "If-Match": etag},
    )
    assert ok.status_code == 200, ok.text
    assert ok.json()["status"] == "received"
    assert ok.json()["note"] == [{"text": "Bed likely Friday."}]
    stale = client.patch(
        f"/fhir/Task/{rid}",
        content=json.dumps([{"op": "replace", "path": "/status", "value": "accepted"}]),
        headers={**headers, **kind, "If-Match": etag},
    )
    _outcome(stale, 412)
    owner = [
        {"op": "replace", "path": "/owner", "value": {"reference": "Organization/1"}}
    ]
    _outcome(
        client.patch(f"/fhir/Task/{rid}", content=json.dumps(owner),
                     headers={**headers, **kind}),
        400,
    )  # fmt: skip
    _outcome(
        client.patch(f"/fhir/Task/{rid}", content=b"{", headers={**headers, **kind}),
        400,
    )


def test_a_refused_search_parameter_is_named_in_the_outcome(
    client: TestClient, systems: Any
) -> None:
    r = client.get("/fhir/Task", params={"_count": 0}, headers=systems["p"])
    _outcome(r, 400)
    issue = r.json()["issue"][0]
    assert (
        issue["diagnostics"]
        == "query._count: Input should be greater than or equal to 1"
    )
