"""``_sort``, ``_include=Task:focus`` and ``_revinclude=Task:focus`` on the
Task and ServiceRequest searches (FHIR R4 search.html 3.1.1.4.9 and 3.1.1.5.1;
the Gravity SDOH Clinical Care guide's Task polling fetches each Task's focus
ServiceRequest with it)."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from _fhir_help import (
    bundle_link,
    diagnostics_400,
    entry_ids,
    reach,
)
from fastapi.testclient import TestClient
from fhir.resources.R4B.bundle import Bundle
from sqlalchemy import update

from nowrongdoor.care.db import Database
from nowrongdoor.care.models import Referral

_T0 = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)


def _stamp(db: Database, minutes: dict[int, int]) -> None:
    """Set each referral's ``updated_at`` to ``_T0`` plus its minutes."""
    with db.session() as s:
        for rid, m in minutes.items():
            s.execute(
                update(Referral)
                .where(Referral.id == rid)
                .values(updated_at=_T0 + dt.timedelta(minutes=m))
            )
        s.commit()


@pytest.fixture
def three(db: Database, records: Any) -> list[int]:
    """Three referrals sent to partner ``p``, last updated out of id order:
    the second first, then the third, then the first (ids ascending)."""
    rids = sorted(records("a").sent_referral_id for _ in range(3))
    _stamp(db, {rids[0]: 20, rids[1]: 0, rids[2]: 10})
    return rids


@pytest.mark.parametrize("kind", ["Task", "ServiceRequest"])
def test_sort_orders_by_last_updated_and_id_either_way(
    client: TestClient, db: Database, systems: Any, three: list[int], kind: str
) -> None:
    a, b, c = (str(r) for r in three)
    cases = {
        "_lastUpdated": [b, c, a],
        "-_lastUpdated": [a, c, b],
        "_id": [a, b, c],
        "-_id": [c, b, a],
    }
    for sort, order in cases.items():
        r = client.get(f"/fhir/{kind}", params={"_sort": sort}, headers=systems["p"])
        assert r.status_code == 200, r.text
        assert entry_ids(r.json()) == order, sort
        assert parse_qs(urlsplit(bundle_link(r.json(), "self") or "").query)[
            "_sort"
        ] == [sort]
    # a second key breaks the ties of the first
    _stamp(db, {three[0]: 5, three[1]: 5, three[2]: 1})
    r = client.get(
        f"/fhir/{kind}", params={"_sort": "_lastUpdated,-_id"}, headers=systems["p"]
    )
    assert entry_ids(r.json()) == [c, b, a]
    r = client.get(
        f"/fhir/{kind}", params={"_sort": "-_lastUpdated,_id"}, headers=systems["p"]
    )
    assert entry_ids(r.json()) == [a, b, c]


def test_sorted_pages_keep_the_sort_in_their_links(
    client: TestClient, systems: Any, three: list[int]
) -> None:
    url: str | None = "/fhir/Task?_sort=_lastUpdated&_count=2"
    seen: list[str] = []
    while url:
        page = client.get(url, headers=systems["p"])
        assert page.status_code == 200, page.text
        seen += entry_ids(page.json())
        url = bundle_link(page.json(), "next")
        if url:
            assert parse_qs(urlsplit(url).query)["_sort"] == ["_lastUpdated"]
    assert seen == [str(three[1]), str(three[2]), str(three[0])]
    back = client.get("/fhir/Task?_sort=-_id&_count=2&_offset=2", headers=systems["p"])
    previous = bundle_link(back.json(), "previous")
    assert previous is not None and "_sort=-_id" in previous
    assert entry_ids(client.get(previous, headers=systems["p"]).json()) == [
        str(three[2]),
        str(three[1]),
    ]


@pytest.mark.parametrize("kind", ["Task", "ServiceRequest"])
def test_an_unknown_sort_key_is_named_unless_handling_is_lenient(
    client: TestClient, systems: Any, three: list[int], kind: str
) -> None:
    headers = systems["p"]
    said = diagnostics_400(
        client.get(f"/fhir/{kind}", params={"_sort": "status"}, headers=headers)
    )
    assert "'status'" in said and "_lastUpdated" in said and "_id" in said
    params = {"_sort": "-_lastUpdated,-priority"}
    assert "'-priority'" in diagnostics_400(
        client.get(f"/fhir/{kind}", params=params, headers=headers)
    )
    strict = {**headers, "Prefer": "handling=strict"}
    diagnostics_400(client.get(f"/fhir/{kind}", params=params, headers=strict))
    # search.html#errors: handling=lenient ignores what is not understood; the
    # self link shows the sort that was applied
    lenient = {**headers, "Prefer": "handling=lenient"}
    r = client.get(f"/fhir/{kind}", params=params, headers=lenient)
    assert r.status_code == 200, r.text
    assert entry_ids(r.json()) == [str(three[0]), str(three[2]), str(three[1])]
    query = parse_qs(urlsplit(bundle_link(r.json(), "self") or "").query)
    assert query["_sort"] == ["-_lastUpdated"]
    r = client.get(f"/fhir/{kind}", params={"_sort": "status"}, headers=lenient)
    assert r.status_code == 200
    assert "_sort" not in parse_qs(urlsplit(bundle_link(r.json(), "self") or "").query)


def test_the_capability_statement_declares_includes_and_sort_keys(
    client: TestClient,
) -> None:
    meta = client.get("/fhir/metadata").json()
    res = {r["type"]: r for r in meta["rest"][0]["resource"]}
    assert res["Task"]["searchInclude"] == ["Task:focus"]
    assert res["ServiceRequest"]["searchRevInclude"] == ["Task:focus"]
    assert "searchRevInclude" not in res["Task"]
    assert "searchInclude" not in res["ServiceRequest"]
    dates = {"Task": {"authored-on", "modified"}, "ServiceRequest": {"authored"}}
    for kind in ("Task", "ServiceRequest"):
        assert "_sort" in res[kind]["documentation"]
        sortable = {
            p["name"]
            for p in res[kind]["searchParam"]
            if "_sort" in p.get("documentation", "")
        }
        assert sortable == {"_lastUpdated", "_id"} | dates[kind]


def test_a_polling_partner_gets_each_task_with_its_service_request(
    client: TestClient, world: Any, systems: Any, three: list[int]
) -> None:
    # the Gravity guide's poll: my Tasks changed since the last poll, newest
    # first, each with the ServiceRequest it is about
    headers = systems["p"]
    params = {
        "owner": f"Organization/{world.orgs['p']}",
        "_lastUpdated": "gt2026-12-01T08:59:00Z",
        "_sort": "-_lastUpdated",
        "_include": "Task:focus",
        "_count": 2,
    }
    r = client.get("/fhir/Task", params=params, headers=headers)
    assert r.status_code == 200, r.text
    bundle = r.json()
    Bundle.model_validate(bundle)
    assert bundle["total"] == 3  # matches only, not the included
    assert entry_ids(bundle) == [str(three[0]), str(three[2])]
    focus = [
        e["resource"]["focus"]["reference"]
        for e in bundle["entry"]
        if e["search"]["mode"] == "match"
    ]
    included = [e for e in bundle["entry"] if e["search"]["mode"] == "include"]
    assert [f"ServiceRequest/{e['resource']['id']}" for e in included] == focus
    for e in included:
        assert e["resource"]["resourceType"] == "ServiceRequest"
        assert e["fullUrl"].endswith(f"/fhir/ServiceRequest/{e['resource']['id']}")
    nxt = bundle_link(bundle, "next")
    assert nxt is not None
    query = parse_qs(urlsplit(nxt).query)
    assert query["_include"] == ["Task:focus"] and query["_sort"] == ["-_lastUpdated"]
    last = client.get(nxt, headers=headers).json()
    assert entry_ids(last) == [str(three[1])]
    assert entry_ids(last, "include") == [str(three[1])]
    # the target type may be named (search.html#include)
    typed = client.get(
        "/fhir/Task",
        params={"_include": "Task:focus:ServiceRequest", "_id": str(three[0])},
        headers=headers,
    )
    assert entry_ids(typed.json(), "include") == [str(three[0])]
    plain = client.get("/fhir/Task", params={"_id": str(three[0])}, headers=headers)
    assert entry_ids(plain.json(), "include") == []
    counted = client.get(
        "/fhir/Task", params={"_include": "Task:focus", "_summary": "count"},
        headers=headers,
    )  # fmt: skip
    assert counted.json()["total"] == 3 and "entry" not in counted.json()


def test_revinclude_brings_the_tasks_of_service_requests(
    client: TestClient, systems: Any, three: list[int]
) -> None:
    r = client.get(
        "/fhir/ServiceRequest",
        params={"_revinclude": "Task:focus", "_sort": "_id"},
        headers=systems["p"],
    )
    assert r.status_code == 200, r.text
    bundle = r.json()
    Bundle.model_validate(bundle)
    assert bundle["total"] == 3
    assert entry_ids(bundle) == [str(x) for x in three]
    tasks = [e["resource"] for e in bundle["entry"] if e["search"]["mode"] == "include"]
    assert [t["resourceType"] for t in tasks] == ["Task"] * 3
    assert [t["focus"]["reference"] for t in tasks] == [
        f"ServiceRequest/{x}" for x in three
    ]
    self_query = parse_qs(urlsplit(bundle_link(bundle, "self") or "").query)
    assert self_query["_revinclude"] == ["Task:focus"]


def test_an_include_we_do_not_serve_is_named_unless_handling_is_lenient(
    client: TestClient, systems: Any, three: list[int]
) -> None:
    headers = systems["p"]
    said = diagnostics_400(
        client.get("/fhir/Task", params={"_include": "Task:owner"}, headers=headers)
    )
    assert "'Task:owner'" in said and "Task:focus" in said
    said = diagnostics_400(
        client.get(
            "/fhir/ServiceRequest",
            params={"_revinclude": "Task:owner"},
            headers=headers,
        )  # fmt: skip
    )
    assert "'Task:owner'" in said
    lenient = {**headers, "Prefer": "handling=lenient"}
    r = client.get(
        "/fhir/Task", params=[("_include", "Task:owner"), ("_include", "Task:focus")],
        headers=lenient,
    )  # fmt: skip
    assert r.status_code == 200, r.text
    assert len(entry_ids(r.json(), "include")) == 3
    assert parse_qs(urlsplit(bundle_link(r.json(), "self") or "").query)[
        "_include"
    ] == ["Task:focus"]
    # each parameter on the URL that takes it: _include is Task's here,
    # _revinclude the ServiceRequest's (search.html#errors for the others)
    strict = {**headers, "Prefer": "handling=strict"}
    for kind, name in (("ServiceRequest", "_include"), ("Task", "_revinclude")):
        r = client.get(f"/fhir/{kind}", params={name: "Task:focus"}, headers=strict)
        assert name in diagnostics_400(r)


def test_an_include_never_returns_what_the_caller_cannot_read(
    client: TestClient, world: Any, records: Any, systems: Any
) -> None:
    seen = reach(client, world, records, systems)
    callers, every, held = seen.callers, seen.every, seen.held
    some_included = 0
    for who, headers in callers.items():
        readable = {
            kind: {
                str(rid)
                for rid in every
                if client.get(f"/fhir/{kind}/{rid}", headers=headers).status_code == 200
            }
            for kind in ("Task", "ServiceRequest")
        }
        for kind, other, name in (
            ("Task", "ServiceRequest", "_include"),
            ("ServiceRequest", "Task", "_revinclude"),
        ):
            r = client.get(
                f"/fhir/{kind}", params={name: "Task:focus", "_count": 200},
                headers=headers,
            )  # fmt: skip
            assert r.status_code == 200, (who, r.text)
            included = [
                e for e in r.json().get("entry", []) if e["search"]["mode"] == "include"
            ]
            got = {e["resource"]["id"] for e in included}
            assert got <= readable[other], (who, kind, got, readable[other])
            assert got == set(entry_ids(r.json())), (who, kind)
            assert str(held) not in got, who
            for e in included:
                # the same resource as a direct read by this caller: no text
                # the caller's role does not see on a read
                direct = client.get(
                    f"/fhir/{other}/{e['resource']['id']}", headers=headers
                )
                assert direct.status_code == 200, (who, e["fullUrl"])
                assert e["resource"] == direct.json(), (who, e["fullUrl"])
            some_included += len(included)
    assert some_included >= 8
    p_sees = client.get(
        "/fhir/Task", params={"_include": "Task:focus"}, headers=systems["p"]
    ).json()
    assert entry_ids(p_sees, "include") == [str(seen.noted)]
