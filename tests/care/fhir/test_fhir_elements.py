"""``_elements`` on reads and searches (FHIR R4 search.html#elements): only
the elements asked for, with the mandatory ``resourceType``, ``id`` and
``meta`` and the elements the resource type requires, and the SUBSETTED tag;
never more than the caller's full read."""

from __future__ import annotations

from typing import Any

import pytest
from _fhir_help import (
    bundle_link,
    diagnostics_400,
    entry_ids,
    reach,
    self_params,
)
from fastapi.testclient import TestClient

SUBSETTED = {
    "system": "http://terminology.hl7.org/CodeSystem/v3-ObservationValue",
    "code": "SUBSETTED",
}
_MANDATORY = {"resourceType", "id", "meta"}
#: Elements of minimum cardinality 1 (FHIR R4 task.html and
#: servicerequest.html, "Resource Content"): a subset keeps them (search.html
#: #elements: "servers SHOULD return mandatory elements").
_REQUIRED = {
    "Task": {"status", "intent"},
    "ServiceRequest": {"status", "intent", "subject"},
}


def _subset_of(part: dict[str, Any], whole: dict[str, Any]) -> None:
    """``part`` holds only elements of ``whole``, as they are there, and the
    SUBSETTED tag in its meta."""
    assert set(part) <= set(whole), set(part) - set(whole)
    for key, value in part.items():
        if key != "meta":
            assert value == whole[key], key
    assert SUBSETTED in [
        {"system": t["system"], "code": t["code"]} for t in part["meta"]["tag"]
    ]
    rest = {k: v for k, v in part["meta"].items() if k != "tag"}
    assert rest == {k: v for k, v in whole["meta"].items() if k != "tag"}


@pytest.mark.parametrize(
    ("kind", "asked", "kept"),
    [
        ("Task", "status,owner", {"status", "owner"}),
        ("Task", "status, owner ,for", {"status", "owner", "for"}),
        ("Task", "priority", set()),  # an element of Task we do not fill
        ("Task", "owner", {"owner"}),
        ("ServiceRequest", "subject,authoredOn", {"subject", "authoredOn"}),
    ],
)
def test_a_read_keeps_the_elements_asked_for(
    client: TestClient, records: Any, systems: Any, kind: str, asked: str,
    kept: set[str],
) -> None:  # fmt: skip
    rid = records("a").sent_referral_id
    whole = client.get(f"/fhir/{kind}/{rid}", headers=systems["p"])
    part = client.get(f"/fhir/{kind}/{rid}", params={"_elements": asked},
                      headers=systems["p"])  # fmt: skip
    assert part.status_code == 200, part.text
    assert set(part.json()) == _MANDATORY | _REQUIRED[kind] | kept
    _subset_of(part.json(), whole.json())
    if kind == "Task":  # still the version a conditional update names
        assert part.headers["etag"] == whole.headers["etag"]


def test_a_search_subsets_its_matches_and_keeps_elements_in_its_links(
    client: TestClient, records: Any, systems: Any
) -> None:
    rids = sorted(records("a").sent_referral_id for _ in range(3))
    url: str | None = "/fhir/Task?_elements=status&_count=2&_include=Task:focus"
    seen = []
    while url:
        r = client.get(url, headers=systems["p"])
        assert r.status_code == 200, r.text
        assert self_params(r.json(), "_elements") == ["status"]
        for e in r.json()["entry"]:
            at = f"/fhir/{e['resource']['resourceType']}/{e['resource']['id']}"
            whole = client.get(at, headers=systems["p"]).json()
            if e["search"]["mode"] == "match":
                assert set(e["resource"]) == _MANDATORY | _REQUIRED["Task"]
                _subset_of(e["resource"], whole)
            else:  # included resources come whole
                assert e["resource"] == whole
        seen += entry_ids(r.json())
        url = bundle_link(r.json(), "next")
    assert sorted(int(i) for i in seen) == rids


@pytest.mark.parametrize("kind", ["Task", "ServiceRequest"])
def test_an_unknown_element_is_named_unless_handling_is_lenient(
    client: TestClient, records: Any, systems: Any, kind: str
) -> None:
    rid = records("a").sent_referral_id
    for url in (f"/fhir/{kind}/{rid}", f"/fhir/{kind}"):
        params = {"_elements": "status,stauts"}
        assert "stauts" in diagnostics_400(
            client.get(url, params=params, headers=systems["p"])
        )
        lenient = {**systems["p"], "Prefer": "handling=lenient"}
        r = client.get(url, params=params, headers=lenient)
        assert r.status_code == 200, r.text
        body = r.json()
        resource = body["entry"][0]["resource"] if "entry" in body else body
        assert set(resource) == _MANDATORY | _REQUIRED[kind]
    strict = {**systems["p"], "Prefer": "handling=strict"}
    r = client.get(f"/fhir/{kind}/{rid}", params={"_elements": "status"},
                   headers=strict)  # fmt: skip
    assert r.status_code == 200, r.text


def test_elements_never_show_what_a_full_read_would_not(
    client: TestClient, world: Any, records: Any, systems: Any
) -> None:
    seen = reach(client, world, records, systems)
    callers, every, held = seen.callers, seen.every, seen.held
    asked = {"Task": "note,businessStatus,output,for,contained",
             "ServiceRequest": "subject,supportingInfo,note"}  # fmt: skip
    shown_text = 0
    for who, headers in callers.items():
        for kind in ("Task", "ServiceRequest"):
            for rid in every:
                whole = client.get(f"/fhir/{kind}/{rid}", headers=headers)
                part = client.get(
                    f"/fhir/{kind}/{rid}",
                    params={"_elements": asked[kind]},
                    headers=headers,
                )
                assert part.status_code == whole.status_code, (who, kind, rid)
                if whole.status_code == 200:
                    _subset_of(part.json(), whole.json())
                    shown_text += "note" in part.json()
                else:
                    assert part.json()["resourceType"] == "OperationOutcome"
            r = client.get(f"/fhir/{kind}", params={"_elements": asked[kind],
                           "_count": 200}, headers=headers)  # fmt: skip
            assert r.status_code == 200, (who, r.text)
            for e in r.json().get("entry", []):
                rid = e["resource"]["id"]
                whole = client.get(f"/fhir/{kind}/{rid}", headers=headers)
                assert whole.status_code == 200, (who, kind, rid)
                _subset_of(e["resource"], whole.json())
            assert str(held) not in entry_ids(r.json()), who
    # the partner's note reaches the roles that see free text, and no other
    assert shown_text >= 1
    analyst = client.get(f"/fhir/Task/{seen.noted}",
                         params={"_elements": "note"},
                         headers=world.headers("analyst_a"))  # fmt: skip
    assert analyst.status_code != 200 or "note" not in analyst.json()
