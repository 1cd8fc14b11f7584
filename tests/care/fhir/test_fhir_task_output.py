"""Task.output: the outcome a partner's system reports (HL7 Gravity SDOH
Clinical Care STU 2.2, SDOHCC-TaskForReferralManagement, Task.output) is kept,
shown to the care manager on the referral, and read back over FHIR."""

from __future__ import annotations

import json
from typing import Any

import pytest
from fastapi.testclient import TestClient
from fhir.resources.R4B.operationoutcome import OperationOutcome
from fhir.resources.R4B.task import Task
from selectolax.lexbor import LexborHTMLParser as parse

from nowrongdoor.care.app import create_app
from nowrongdoor.care.db import Database

TEMP = (
    "http://hl7.org/fhir/us/sdoh-clinicalcare/CodeSystem/"
    "SDOHCC-CodeSystemTemporaryCodes"
)
RESULTING = {
    "coding": [{"system": TEMP, "code": "resulting-activity",
                "display": "Resulting Activity"}]
}  # fmt: skip
OUTPUTS = [
    {
        "type": RESULTING,
        "valueReference": {
            "reference": "Procedure/77",
            "display": "Emergency shelter placement",
        },
    },
    {"type": {"text": "Outcome"}, "valueString": 'Placed for 30 nights: "bed 4"'},
    {
        "type": {"text": "Outcome: summary"},
        "valueCodeableConcept": {
            "coding": [{"system": "http://snomed.info/sct", "code": "1156221003"}],
            "text": "Housing secured",
        },
    },
    {
        "type": {"text": "Service"},
        "valueCodeableConcept": {"coding": [{"display": "Legal aid booked"}]},
    },
]


def _take(client: TestClient, rid: int, headers: Any) -> dict[str, Any]:
    """Move the Task to in-progress (received, accepted, in-progress)."""
    task: dict[str, Any] = client.get(f"/fhir/Task/{rid}", headers=headers).json()
    for status in ("received", "accepted", "in-progress"):
        task = {**task, "status": status}
        r = client.put(f"/fhir/Task/{rid}", json=task, headers=headers)
        assert r.status_code == 200, r.text
        task = r.json()
    return task


def _keys(output: dict[str, Any]) -> Any:
    """What is kept of one output: type and value, summarised."""

    def concept(cc: dict[str, Any]) -> tuple[Any, ...]:
        coding = (cc.get("coding") or [{}])[0]
        label = cc.get("text") or coding.get("display") or coding.get("code")
        return (label, coding.get("system"), coding.get("code"))

    value = {k: v for k, v in output.items() if k.startswith("value")}
    ((kind, v),) = value.items()
    if kind == "valueCodeableConcept":
        v = concept(v)
    elif kind == "valueReference":
        v = (v["reference"], v.get("display"))
    return (concept(output["type"]), kind, v)


def test_outputs_are_kept_shown_and_read_back(
    db: Database, client: TestClient, world: Any, records: Any, systems: Any
) -> None:
    rec = records("a")
    rid, headers = rec.sent_referral_id, systems["p"]
    task = _take(client, rid, headers)
    done = {**task, "status": "completed", "output": OUTPUTS,
            "note": [{"text": "Closed the loop."}]}  # fmt: skip
    r = client.put(f"/fhir/Task/{rid}", json=done, headers=headers)
    assert r.status_code == 200, r.text
    assert [_keys(o) for o in r.json()["output"]] == [_keys(o) for o in OUTPUTS]
    assert r.json()["note"] == [{"text": "Closed the loop."}]
    read = client.get(f"/fhir/Task/{rid}", headers=headers)
    Task.model_validate(read.json())
    assert read.json()["output"] == r.json()["output"]
    # the referrer's care manager reads it too; pseudonymous roles do not
    as_cm = client.get(f"/fhir/Task/{rid}", headers=world.headers("cm_a")).json()
    assert as_cm["output"] == r.json()["output"]
    as_analyst = client.get(f"/fhir/Task/{rid}", headers=world.headers("analyst_a"))
    assert "output" not in as_analyst.json()
    # the care manager sees the outcome on the referral (API and page)
    api = client.get(f"/api/v1/referrals/{rid}", headers=world.headers("cm_a"))
    note = api.json()["response_note"]
    for piece in (
        "Closed the loop.",
        "Procedure/77",
        "Emergency shelter placement",
        "Placed for 30 nights",
        "Housing secured",
        "Legal aid booked",
    ):
        assert piece in note  # fmt: skip
    web = TestClient(create_app(db.settings, database=db))
    form = parse(web.get("/login").text).css_first("input[name=csrf_token]")
    assert form is not None
    signed = web.post("/login", data={"username": "cm.a", "password":
                      "correct horse battery staple",
                      "csrf_token": form.attributes["value"]},
                      follow_redirects=False)  # fmt: skip
    assert signed.status_code == 303, signed.text[:300]
    shown = parse(web.get(f"/referrals/{rid}").text).css_first("#partner-note")
    assert shown is not None and "note-text" in shown.attributes["class"]
    assert "Emergency shelter placement" in shown.text()
    assert "Housing secured" in shown.text() and "Closed the loop." in shown.text()


def test_a_get_then_put_keeps_the_outputs_as_they_are(
    client: TestClient, records: Any, systems: Any
) -> None:
    rid, headers = records("a").sent_referral_id, systems["p"]
    task = _take(client, rid, headers)
    first = client.put(f"/fhir/Task/{rid}", json={**task, "output": OUTPUTS},
                       headers=headers).json()  # fmt: skip
    # a later update without output (a new note) keeps them, like note does
    later = {k: v for k, v in first.items() if k != "output"}
    later["note"] = [{"text": "Checked in on day 3."}]
    second = client.put(f"/fhir/Task/{rid}", json=later, headers=headers).json()
    assert second["output"] == first["output"]
    assert second["note"] == [{"text": "Checked in on day 3."}]
    # sent back unchanged: the same Task, nothing drifts
    third = client.put(f"/fhir/Task/{rid}", json=second, headers=headers).json()
    assert third["output"] == second["output"] and third["note"] == second["note"]
    assert third["meta"]["versionId"] == second["meta"]["versionId"]
    # a new output list replaces the old one
    one = [{"type": {"text": "Outcome"}, "valueString": "Moved to a long stay."}]
    fourth = client.put(f"/fhir/Task/{rid}", json={**third, "output": one},
                        headers=headers).json()  # fmt: skip
    assert fourth["output"] == one and fourth["note"] == second["note"]
    # JSON Patch adds one
    extra = {"type": {"text": "Outcome"}, "valueString": "Case closed."}
    patched = client.patch(
        f"/fhir/Task/{rid}",
        content=json.dumps([{"op": "add", "path": "/output/-", "value": extra}]),
        headers={**headers, "Content-Type": "application/json-patch+json"},
    )
    assert patched.status_code == 200, patched.text
    assert patched.json()["output"] == [*one, extra]


@pytest.mark.parametrize(
    ("value", "element"),
    [
        ({"valueBoolean": True}, "Task.output[1].value[x]"),
        ({"valueAttachment": {"url": "https://x.example/a.pdf"}},
         "Task.output[1].value[x]"),
        ({"valueInteger": 3}, "Task.output[1].value[x]"),
        ({"valueCodeableConcept": {"coding": [{"system": "http://x.example"}]}},
         "Task.output[1].valueCodeableConcept"),
        ({"valueReference": {"identifier": {"value": "P-77"}}},
         "Task.output[1].valueReference"),
    ],
)  # fmt: skip
def test_an_output_we_cannot_keep_is_refused_by_name(
    client: TestClient, records: Any, systems: Any, value: Any, element: str
) -> None:
    rid, headers = records("a").sent_referral_id, systems["p"]
    task = _take(client, rid, headers)
    outputs = [OUTPUTS[1], {"type": {"text": "Outcome"}, **value}]
    r = client.put(f"/fhir/Task/{rid}", json={**task, "output": outputs,
                   "status": "completed"}, headers=headers)  # fmt: skip
    assert r.status_code == 400, r.text
    issue = OperationOutcome.model_validate(r.json()).issue[0]
    assert element in str(issue.diagnostics)
    after = client.get(f"/fhir/Task/{rid}", headers=headers).json()
    assert after["status"] == "in-progress" and "output" not in after


def test_only_the_receiving_partner_reports_outputs(
    client: TestClient, world: Any, records: Any, systems: Any
) -> None:
    rid = records("a").sent_referral_id
    task = client.get(f"/fhir/Task/{rid}", headers=world.headers("cm_a")).json()
    r = client.put(f"/fhir/Task/{rid}", json={**task, "output": OUTPUTS[1:2]},
                   headers=world.headers("cm_a"))  # fmt: skip
    assert r.status_code == 403, r.text


def test_json_patch_remove_clears_the_outputs_or_the_note(
    client: TestClient, world: Any, records: Any, systems: Any
) -> None:
    # RFC 6902 section 4.2: "remove" removes the value; an update without the
    # element keeps it, a remove must not
    rid, headers = records("a").sent_referral_id, systems["p"]
    task = _take(client, rid, headers)
    client.put(f"/fhir/Task/{rid}", json={**task, "output": OUTPUTS[:2],
               "note": [{"text": "Closed."}]}, headers=headers)  # fmt: skip
    kind = {"Content-Type": "application/json-patch+json"}

    def patch(ops: list[dict[str, Any]], who: Any = headers) -> Any:
        return client.patch(f"/fhir/Task/{rid}", content=json.dumps(ops),
                            headers={**who, **kind})  # fmt: skip

    cm = world.headers("cm_a")
    assert patch([{"op": "remove", "path": "/output"}], cm).status_code == 403
    gone = patch([{"op": "remove", "path": "/output"}])
    assert gone.status_code == 200, gone.text
    assert "output" not in gone.json() and gone.json()["note"] == [{"text": "Closed."}]
    quiet = patch([{"op": "remove", "path": "/note"}]).json()
    assert "note" not in quiet and "output" not in quiet
    back = {"op": "add", "path": "/output", "value": OUTPUTS[1:2]}
    again = patch([{"op": "remove", "path": "/output"}, back])
    assert again.json()["output"] == OUTPUTS[1:2]


def test_a_partner_users_later_note_keeps_the_outputs(
    client: TestClient, world: Any, records: Any, systems: Any
) -> None:
    """The partner's system reports outputs; a partner user then completes the
    referral on the pages or the API with a note: the note is theirs, the
    outcomes reported before stay (they were overwritten)."""
    rec = records("a")
    rid, headers = rec.sent_referral_id, systems["p"]
    task = _take(client, rid, headers)
    r = client.put(f"/fhir/Task/{rid}", json={**task, "output": OUTPUTS},
                   headers=headers)  # fmt: skip
    assert r.status_code == 200, r.text
    moved = client.post(
        f"/api/v1/referrals/{rid}/status",
        json={"status": "completed", "reason": "Moved in today."},
        headers=world.headers("partner_p"),
    )
    assert moved.status_code == 200, moved.text
    note = moved.json()["response_note"]
    assert note.startswith("Moved in today.")
    assert "Emergency shelter placement" in note and "Housing secured" in note
    read = client.get(f"/fhir/Task/{rid}", headers=headers).json()
    assert [_keys(o) for o in read["output"]] == [_keys(o) for o in OUTPUTS]
    assert read["note"] == [{"text": "Moved in today."}]
