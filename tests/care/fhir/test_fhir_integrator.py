"""What a partner's developer gets wrong when integrating over FHIR, and what
the server must answer: paging links that keep every search parameter, 415 for
a body in a format the server does not take, and transition errors that name
the Task element and its FHIR codes."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any
from urllib.parse import parse_qs, urlsplit

from fastapi.testclient import TestClient
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.operationoutcome import OperationOutcome
from fhir.resources.R4B.task import Task


def _diagnostics(r: Any, status: int) -> str:
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith("application/fhir+json")
    issue = OperationOutcome.model_validate(r.json()).issue[0]
    return str(issue.diagnostics)


def _local(url: str) -> str:
    """A Bundle link as a path the test client can follow."""
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}"


def test_paging_links_keep_every_last_updated_value(
    client: TestClient, records: Any, systems: Any
) -> None:
    # FHIR R4 search (http.html#paging, search.html#3.1.1.5.8): the server's
    # next/self links must reproduce the search as the server understood it;
    # two _lastUpdated values (a window, search.html#prefix) are ANDed.
    for _ in range(3):
        records("a")
    now = dt.datetime.now(dt.UTC)
    window = [
        ("_lastUpdated", "ge" + (now - dt.timedelta(days=1)).isoformat()),
        ("_lastUpdated", "lt" + (now - dt.timedelta(hours=1)).isoformat()),
    ]
    first = client.get(
        "/fhir/Task", params=[("_count", "1"), *window], headers=systems["p"]
    )
    bundle = Bundle.model_validate(first.json())
    assert bundle.total == 0  # everything was updated within the last hour
    self_link = next(link.url for link in bundle.link if link.relation == "self")
    assert sorted(parse_qs(urlsplit(self_link).query)["_lastUpdated"]) == sorted(
        v for _, v in window
    )
    wide = [
        window[0],
        ("_lastUpdated", "le" + (now + dt.timedelta(days=1)).isoformat()),
    ]
    page = Bundle.model_validate(
        client.get(
            "/fhir/Task", params=[("_count", "2"), *wide], headers=systems["p"]
        ).json()
    )
    assert page.total == 3
    nxt = next(link.url for link in page.link if link.relation == "next")
    assert len(parse_qs(urlsplit(nxt).query)["_lastUpdated"]) == 2
    rest = Bundle.model_validate(client.get(_local(nxt), headers=systems["p"]).json())
    assert rest.total == 3 and len(rest.entry or []) == 1


def test_a_body_in_a_format_we_do_not_take_is_415_and_changes_nothing(
    client: TestClient, records: Any, systems: Any
) -> None:
    # FHIR R4 http.html#mime-type: the JSON format's MIME type is
    # application/fhir+json (application/json is accepted); JSON Patch bodies
    # are application/json-patch+json (http.html#patch). RFC 9110 section
    # 15.5.16: a body in a format the server does not take is 415.
    rid = records("a").sent_referral_id
    headers = systems["p"]
    task = client.get(f"/fhir/Task/{rid}", headers=headers).json()
    moved = json.dumps({**task, "status": "received"})
    for kind in (
        "text/plain",
        "application/fhir+xml",
        "application/x-www-form-urlencoded",
    ):
        r = client.put(
            f"/fhir/Task/{rid}", content=moved,
            headers={**headers, "Content-Type": kind},
        )  # fmt: skip
        assert "Content-Type" in _diagnostics(r, 415)
        assert "application/fhir+json" in _diagnostics(r, 415)
    patch = json.dumps([{"op": "replace", "path": "/status", "value": "received"}])
    r = client.patch(
        f"/fhir/Task/{rid}", content=patch,
        headers={**headers, "Content-Type": "application/fhir+json"},
    )  # fmt: skip
    assert "application/json-patch+json" in _diagnostics(r, 415)
    assert client.get(f"/fhir/Task/{rid}", headers=headers).json()["status"] == (
        "requested"
    )
    for kind in ("application/fhir+json; charset=utf-8", "application/json"):
        ok = client.put(
            f"/fhir/Task/{rid}", content=moved,
            headers={**headers, "Content-Type": kind},
        )  # fmt: skip
        assert ok.status_code == 200, ok.text
        Task.model_validate(ok.json())


def test_a_refused_move_names_task_status_and_its_fhir_codes(
    client: TestClient, records: Any, systems: Any
) -> None:
    # FHIR R4 operationoutcome.html: diagnostics is for the person fixing the
    # call, so it names the element (Task.status) in the codes of task-status
    # (http://hl7.org/fhir/R4/valueset-task-status.html), not ours.
    rid = records("a").sent_referral_id
    headers = systems["p"]
    task = client.get(f"/fhir/Task/{rid}", headers=headers).json()
    skip = client.put(
        f"/fhir/Task/{rid}", json={**task, "status": "in-progress"}, headers=headers
    )
    assert _diagnostics(skip, 409) == (
        "Task.status cannot go from 'requested' to 'in-progress'; from "
        "'requested' it may go to accepted, received or rejected"
    )
    # SDOHCC-TaskForReferralManagement (STU 2.2), Task.statusReason: the
    # reason for a rejected or cancelled Task is given in statusReason.
    bare = client.put(
        f"/fhir/Task/{rid}", json={**task, "status": "rejected"}, headers=headers
    )
    assert _diagnostics(bare, 400) == (
        "Task.statusReason.text is needed when Task.status becomes 'rejected'"
    )
    for step in ("accepted", "in-progress", "completed"):
        task = client.put(
            f"/fhir/Task/{rid}", json={**task, "status": step}, headers=headers
        ).json()
        assert task["status"] == step
    back = client.put(
        f"/fhir/Task/{rid}", json={**task, "status": "in-progress"}, headers=headers
    )
    assert _diagnostics(back, 409) == (
        "Task.status cannot go from 'completed' to 'in-progress'; 'completed' is final"
    )


def test_if_match_star_and_a_list_of_versions(
    client: TestClient, records: Any, systems: Any
) -> None:
    # RFC 9110 section 13.1.1 (If-Match): "*" matches any current
    # representation, and the field may list several entity tags; FHIR R4
    # http.html#concurrency uses it for version-aware updates.
    rid = records("a").sent_referral_id
    headers = systems["p"]
    read = client.get(f"/fhir/Task/{rid}", headers=headers)
    task, etag = read.json(), read.headers["etag"]
    star = client.put(
        f"/fhir/Task/{rid}",
        json={**task, "status": "received"},
        headers={**headers, "If-Match": "*"},
    )
    assert star.status_code == 200, star.text
    listed = client.put(
        f"/fhir/Task/{rid}",
        json={**star.json(), "status": "accepted"},
        headers={**headers, "If-Match": f"{etag}, {star.headers['etag']}"},
    )
    assert listed.status_code == 200, listed.text
    stale = client.put(
        f"/fhir/Task/{rid}",
        json={**listed.json(), "status": "in-progress"},
        headers={**headers, "If-Match": f"{etag}, {star.headers['etag']}"},
    )
    assert "has changed" in _diagnostics(stale, 412)


def test_service_request_search_takes_request_status_codes(
    client: TestClient, records: Any, systems: Any
) -> None:
    # FHIR R4 servicerequest.html#search: ServiceRequest's `status` parameter
    # searches ServiceRequest.status, bound to request-status
    # (http://hl7.org/fhir/R4/valueset-request-status.html).
    sent, declined = records("a").sent_referral_id, records("a").sent_referral_id
    headers = systems["p"]
    task = client.get(f"/fhir/Task/{declined}", headers=headers).json()
    task.update(status="rejected", statusReason={"text": "No bed for this age"})
    assert (
        client.put(f"/fhir/Task/{declined}", json=task, headers=headers).status_code
        == 200
    )

    def found(status: str) -> set[str]:
        r = client.get(
            "/fhir/ServiceRequest", params={"status": status}, headers=headers
        )
        assert r.status_code == 200, r.text
        bundle = Bundle.model_validate(r.json())
        assert {e.resource.status for e in bundle.entry or []} <= set(
            status.split(",")
        ) | {"active"}
        return {e.resource.id for e in bundle.entry or []}

    assert found("active") == {str(sent)}
    assert found("revoked") == {str(declined)}
    assert found("active,revoked") == {str(sent), str(declined)}
    assert found("completed") == set()
    assert found("requested") == {str(sent)}  # a Task code, as before
    wrong = client.get(
        "/fhir/ServiceRequest", params={"status": "on-hold"}, headers=headers
    )
    assert _diagnostics(wrong, 400) == (
        "status='on-hold' is not a ServiceRequest status we use "
        "(active, completed, draft, revoked)"
    )


def test_last_updated_with_an_unencoded_plus_in_its_offset(
    client: TestClient, records: Any, systems: Any
) -> None:
    # FHIR R4 search.html#date: a dateTime's "+hh:mm" offset must travel as
    # %2B; a raw "+" arrives as a space (application/x-www-form-urlencoded).
    # A space cannot otherwise stand in an instant, so it is read as "+",
    # and the polling call a partner writes by hand finds what it should.
    records("a")
    since = (dt.datetime.now(dt.UTC) - dt.timedelta(hours=2)).astimezone(
        dt.timezone(dt.timedelta(hours=1))
    )
    stamp = since.strftime("%Y-%m-%dT%H:%M:%S+01:00")
    raw = client.get(f"/fhir/Task?_lastUpdated=ge{stamp}", headers=systems["p"])
    assert raw.status_code == 200, raw.text
    assert Bundle.model_validate(raw.json()).total == 1
    later = stamp.replace(since.strftime("%Y"), str(since.year + 1), 1)
    none = client.get(f"/fhir/Task?_lastUpdated=ge{later}", headers=systems["p"])
    assert Bundle.model_validate(none.json()).total == 0


def test_a_move_of_the_other_side_is_refused_in_task_terms(
    client: TestClient, world: Any, records: Any, systems: Any
) -> None:
    # SDOHCC-TaskForReferralManagement (STU 2.2), "Checking Task Status": the
    # performer (Task.owner) accepts, rejects and completes; the requester
    # cancels. The refusal says so with the task-status codes.
    rid = records("a").sent_referral_id
    task = client.get(f"/fhir/Task/{rid}", headers=systems["p"]).json()
    by_plan = client.put(
        f"/fhir/Task/{rid}",
        json={**task, "status": "accepted"},
        headers=world.headers("cm_a"),
    )
    assert _diagnostics(by_plan, 403) == (
        "Task.status 'accepted' is set from 'requested' by the Task's owner "
        "(the receiving organisation), not its requester"
    )
    by_partner = client.put(
        f"/fhir/Task/{rid}",
        json={**task, "status": "cancelled", "statusReason": {"text": "dup"}},
        headers=systems["p"],
    )
    assert _diagnostics(by_partner, 403) == (
        "Task.status 'cancelled' is set from 'requested' by the Task's "
        "requester (the referring organisation), not its owner"
    )
    assert client.get(f"/fhir/Task/{rid}", headers=systems["p"]).json()["status"] == (
        "requested"
    )


def test_what_no_fhir_route_answers_is_an_operation_outcome_too(
    client: TestClient, records: Any, systems: Any
) -> None:
    # FHIR R4 http.html#2.21.0.17: errors come back as an OperationOutcome; a
    # client reads an unknown type, id or method under /fhir like any error
    rec = records("a")
    fhir = {**systems["p"], "accept": "application/fhir+json"}
    assert "Not Found" in _diagnostics(client.get("/fhir/Foo/1", headers=fhir), 404)
    wrong = client.delete(f"/fhir/Task/{rec.sent_referral_id}", headers=fhir)
    assert "Method Not Allowed" in _diagnostics(wrong, 405)
    assert "allow" in {k.lower() for k in wrong.headers}
    # the rest of the app keeps its own error format
    api = client.get("/api/v1/no-such-thing", headers=systems["p"])
    assert api.status_code == 404 and api.json()["error"]["code"] == "not_found"
