"""A partner's system integrating end to end, and what it trips on: a read
Task sent back by the other side, ``_count`` above the page limit,
``_summary=count``, ``_lastUpdated`` as dates, months and local times, and
``Prefer: return=...`` on updates (FHIR R4 http.html, search.html)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from fastapi.testclient import TestClient
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.operationoutcome import OperationOutcome
from fhir.resources.R4B.task import Task


def _link(bundle: dict[str, Any], relation: str) -> str | None:
    for link in bundle.get("link", []):
        if link["relation"] == relation:
            url: str = link["url"]
            parts = urlsplit(url)
            return f"{parts.path}?{parts.query}"
    return None


def test_a_partner_walks_search_read_update_and_paging(
    client: TestClient, world: Any, records: Any, systems: Any
) -> None:
    rids = [records("a").sent_referral_id for _ in range(3)]
    headers = systems["p"]
    seen: list[str] = []
    url: str | None = "/fhir/Task?status=requested&_count=2"
    while url:
        page = client.get(url, headers=headers)
        assert page.status_code == 200, page.text
        Bundle.model_validate(page.json())
        seen += [e["resource"]["id"] for e in page.json().get("entry", [])]
        url = _link(page.json(), "next")
    assert sorted(seen) == sorted(str(r) for r in rids)
    read = client.get(f"/fhir/Task/{rids[0]}", headers=headers)
    task, etag = read.json(), read.headers["etag"]
    ok = client.put(f"/fhir/Task/{rids[0]}", json={**task, "status": "received"},
                    headers={**headers, "If-Match": etag})  # fmt: skip
    assert ok.status_code == 200, ok.text
    stale = client.put(f"/fhir/Task/{rids[0]}", json={**task, "status": "accepted"},
                       headers={**headers, "If-Match": etag})  # fmt: skip
    assert stale.status_code == 412
    history = client.get(f"/api/v1/referrals/{rids[0]}", headers=world.headers("cm_a"))
    assert history.json()["events"][-1]["to_status"] == "received"


def test_the_referrer_sends_back_the_task_it_read_to_cancel_it(
    client: TestClient, world: Any, records: Any, systems: Any
) -> None:
    # the usual FHIR update: read, change status, PUT the whole resource back;
    # the partner's note, businessStatus and outputs come along unchanged and
    # must not make the referrer's cancellation a 403
    rid = records("a").sent_referral_id
    task = client.get(f"/fhir/Task/{rid}", headers=systems["p"]).json()
    task.update(
        status="received",
        note=[{"text": "Call after 5pm."}],
        businessStatus={"text": "Triage"},
        output=[{"type": {"text": "Outcome"}, "valueString": "Waitlisted"}],
    )
    assert client.put(f"/fhir/Task/{rid}", json=task,
                      headers=systems["p"]).status_code == 200  # fmt: skip
    cm = world.headers("cm_a")
    theirs = client.get(f"/fhir/Task/{rid}", headers=cm).json()
    theirs.update(status="cancelled", statusReason={"text": "Found a bed nearer"})
    r = client.put(f"/fhir/Task/{rid}", json=theirs, headers=cm)
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "cancelled"
    assert r.json()["businessStatus"] == {"text": "Triage"}
    # changing the partner's text is still the partner's alone
    other = client.get(f"/fhir/Task/{records('a').sent_referral_id}",
                       headers=cm).json()  # fmt: skip
    other["note"] = [{"text": "Written by the referrer"}]
    assert client.put(f"/fhir/Task/{other['id']}", json=other,
                      headers=cm).status_code == 403  # fmt: skip


def test_count_above_the_limit_is_capped_not_refused(
    client: TestClient, records: Any, systems: Any
) -> None:
    # search.html#count: the server may return fewer than _count asks, never
    # more; a client asking for 1000 a page gets the server's largest page
    records("a")
    r = client.get("/fhir/Task", params={"_count": 1000}, headers=systems["p"])
    assert r.status_code == 200, r.text
    self_link = _link(r.json(), "self")
    assert self_link is not None
    assert parse_qs(urlsplit(self_link).query)["_count"] == ["200"]
    assert len(r.json()["entry"]) == 1


@pytest.mark.parametrize("path", ["/fhir/Task", "/fhir/ServiceRequest",
                                  "/fhir/Organization", "/fhir/Condition"])  # fmt: skip
def test_summary_count_answers_the_total_only(
    client: TestClient, world: Any, records: Any, systems: Any, path: str
) -> None:
    for _ in range(2):
        records("a")
    headers = world.headers("cm_a")
    full = client.get(path, headers=headers).json()
    r = client.get(path, params={"_summary": "count"}, headers=headers)
    assert r.status_code == 200, r.text
    bundle = Bundle.model_validate(r.json())
    assert bundle.type == "searchset" and bundle.total == full["total"]
    assert full["total"] > 0 and not bundle.entry
    self_link = _link(r.json(), "self")
    assert self_link is not None and "_summary=count" in self_link
    bad = client.get(path, params={"_summary": "everything"}, headers=headers)
    assert bad.status_code == 400
    assert (
        "_summary" in OperationOutcome.model_validate(bad.json()).issue[0].diagnostics
    )


def _ids(client: TestClient, headers: Any, *values: str) -> set[str]:
    r = client.get("/fhir/Task", params=[("_lastUpdated", v) for v in values],
                   headers=headers)  # fmt: skip
    assert r.status_code == 200, r.text
    return {e["resource"]["id"] for e in r.json().get("entry", [])}


def test_last_updated_takes_dates_months_years_and_local_times(
    client: TestClient, records: Any, systems: Any
) -> None:
    # search.html#date: a date, a month or a year is a range; gt/le reach past
    # its end; a date-time without a time zone is in the server's (UTC)
    rid = str(records("a").sent_referral_id)
    headers = systems["p"]
    stamp = client.get(f"/fhir/Task/{rid}", headers=headers).json()["meta"]
    at = dt.datetime.fromisoformat(stamp["lastUpdated"].replace("Z", "+00:00"))
    day, month, year = at.date().isoformat(), at.strftime("%Y-%m"), str(at.year)
    for value in (
        day,
        month,
        year,
        f"le{day}",
        f"ge{day}",
        f"eq{month}",
        f"lt{at.year + 1}",
        f"gt{at.year - 1}",
    ):
        assert _ids(client, headers, value) == {rid}, value
    for value in (f"gt{day}", f"lt{day}", f"gt{month}", f"lt{year}"):
        assert _ids(client, headers, value) == set(), value
    local = (at - dt.timedelta(minutes=1)).replace(tzinfo=None)
    assert _ids(client, headers, f"ge{local.isoformat(timespec='seconds')}") == {rid}
    assert _ids(client, headers, f"lt{local.isoformat(timespec='seconds')}") == set()
    # sa/eb: wholly after/before the day; ap (approximately) is not taken
    assert _ids(client, headers, f"sa{day}", f"eb{day}") == set()
    assert _ids(client, headers, f"sa{at.year - 1}", f"eb{at.year + 1}") == {rid}
    bad = client.get("/fhir/Task", params={"_lastUpdated": f"ap{day}"},
                     headers=headers)  # fmt: skip
    assert bad.status_code == 400
    assert "ap" in OperationOutcome.model_validate(bad.json()).issue[0].diagnostics


def test_prefer_return_on_updates(
    client: TestClient, records: Any, systems: Any
) -> None:
    # http.html#ops: Prefer: return=minimal (no body), =representation (the
    # resource, the default), =OperationOutcome (an outcome of the update)
    rid = records("a").sent_referral_id
    headers = systems["p"]
    task = client.get(f"/fhir/Task/{rid}", headers=headers).json()
    minimal = client.put(f"/fhir/Task/{rid}", json={**task, "status": "received"},
                         headers={**headers, "Prefer": "return=minimal"})  # fmt: skip
    assert minimal.status_code == 200 and minimal.content == b""
    assert minimal.headers["etag"].startswith('W/"')
    assert minimal.headers["last-modified"]
    task = client.get(f"/fhir/Task/{rid}", headers=headers).json()
    outcome = {**headers, "Prefer": "return=OperationOutcome"}
    oo = client.put(f"/fhir/Task/{rid}", json={**task, "status": "accepted"},
                    headers=outcome)  # fmt: skip
    assert oo.status_code == 200, oo.text
    assert oo.json()["resourceType"] == "OperationOutcome"
    assert oo.json()["issue"][0]["severity"] == "information"
    patch = [{"op": "replace", "path": "/status", "value": "in-progress"}]
    full = client.patch(
        f"/fhir/Task/{rid}", content=json.dumps(patch),
        headers={**headers, "Content-Type": "application/json-patch+json",
                 "Prefer": "return=representation"},
    )  # fmt: skip
    assert Task.model_validate(full.json()).status == "in-progress"


def test_head_answers_what_get_would_without_a_body(
    client: TestClient, records: Any, systems: Any
) -> None:
    # RFC 9110 section 9.3.2: HEAD is GET without the content; clients use it
    # to check a Task's version (ETag) before an update
    rid = records("a").sent_referral_id
    headers = systems["p"]
    for path in (f"/fhir/Task/{rid}", "/fhir/Task", "/fhir/metadata"):
        got = client.get(path, headers=headers)
        head = client.head(path, headers=headers)
        assert head.status_code == 200, (path, head.status_code)
        assert head.content == b""
        assert head.headers["content-type"] == got.headers["content-type"]
        assert head.headers.get("etag") == got.headers.get("etag")
    assert client.head("/fhir/Task/999999", headers=headers).status_code == 404


def test_strict_handling_refuses_a_search_parameter_we_do_not_take(
    client: TestClient, records: Any, systems: Any
) -> None:
    # search.html#errors: unknown parameters are ignored (the self link shows
    # what was applied) unless the client asks "Prefer: handling=strict"
    rec = records("a")
    headers = systems["p"]
    params = {"patient": f"Patient/{rec.pseudonym}", "status": "requested"}
    lenient = client.get("/fhir/Task", params=params, headers=headers)
    assert lenient.status_code == 200
    self_link = _link(lenient.json(), "self")
    assert self_link is not None and "patient" not in self_link
    strict = {**headers, "Prefer": "handling=strict"}
    r = client.get("/fhir/Task", params=params, headers=strict)
    assert r.status_code == 400, r.text
    said = str(OperationOutcome.model_validate(r.json()).issue[0].diagnostics)
    assert "patient" in said and "owner" in said
    known = {"status": "requested", "_count": "5", "_format": "json",
             "_pretty": "true", "_summary": "count"}  # fmt: skip
    assert client.get("/fhir/Task", params=known, headers=strict).status_code == 200
    read = f"/fhir/Task/{rec.sent_referral_id}"
    elements = client.get(read, params={"_elements": "status"}, headers=strict)
    assert elements.status_code == 200, elements.text
    contained = client.get(read, params={"_contained": "true"}, headers=strict)
    assert contained.status_code == 400


@pytest.mark.parametrize("kind", ["Task", "ServiceRequest"])
def test_id_search_finds_those_tasks_only(
    client: TestClient, records: Any, systems: Any, kind: str
) -> None:
    # search.html#id: _id is a parameter of every resource; ignored, it
    # answered every Task in reach to a client that asked for one
    rids = [str(records("a").sent_referral_id) for _ in range(3)]
    headers = systems["p"]
    for wanted in ([rids[1]], [rids[0], rids[2]], ["999999"]):
        r = client.get(f"/fhir/{kind}", params={"_id": ",".join(wanted)},
                       headers=headers)  # fmt: skip
        assert r.status_code == 200, r.text
        found = sorted(e["resource"]["id"] for e in r.json().get("entry", []))
        assert found == sorted(w for w in wanted if w in rids)
        self_link = _link(r.json(), "self")
        assert self_link is not None and "_id=" in self_link
    bad = client.get(f"/fhir/{kind}", params={"_id": "x"}, headers=headers)
    assert bad.status_code == 200 and bad.json()["total"] == 0
    meta = client.get("/fhir/metadata").json()
    (res,) = [r for r in meta["rest"][0]["resource"] if r["type"] == kind]
    assert "_id" in {p["name"] for p in res["searchParam"]}


def test_a_method_a_resource_does_not_take_lists_all_it_does(
    client: TestClient, records: Any, systems: Any
) -> None:
    # RFC 9110 section 15.5.6: a 405 lists in Allow every method the target
    # takes; FHIR's issue type for it is not-supported
    rid = records("a").sent_referral_id
    r = client.delete(f"/fhir/Task/{rid}", headers=systems["p"])
    assert r.status_code == 405
    allowed = {m.strip() for m in r.headers["allow"].split(",")}
    assert allowed == {"GET", "HEAD", "PUT", "PATCH"}
    issue = OperationOutcome.model_validate(r.json()).issue[0]
    assert issue.code == "not-supported" and "DELETE" in str(issue.diagnostics)
    history = client.get(f"/fhir/Task/{rid}/_history", headers=systems["p"])
    assert history.status_code == 404
    said = str(OperationOutcome.model_validate(history.json()).issue[0].diagnostics)
    assert "history" in said
