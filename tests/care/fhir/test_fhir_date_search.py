"""Date search on Tasks and ServiceRequests: Task ``authored-on``
(Task.authoredOn) and ``modified`` (Task.lastModified), ServiceRequest
``authored`` (ServiceRequest.authoredOn), ``_lastUpdated`` on both, and
``_sort`` by them (FHIR R4 search.html#date, #prefix, #sort; task.html#search,
servicerequest.html#search).

The filters are checked against this file's own reading of the spec's range
rules (:func:`_spec_match`) over many generated timestamps and search values.
"""

from __future__ import annotations

import datetime as dt
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
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import update

from nowrongdoor.care.db import Database
from nowrongdoor.care.models import Referral

#: (resource type, search parameter, the element it searches).
_PARAMS = [
    ("Task", "authored-on", "authoredOn"),
    ("Task", "modified", "lastModified"),
    ("Task", "_lastUpdated", "meta.lastUpdated"),
    ("ServiceRequest", "authored", "authoredOn"),
    ("ServiceRequest", "_lastUpdated", "meta.lastUpdated"),
]
_PREFIXES = ("eq", "ne", "lt", "gt", "le", "ge", "sa", "eb")
_MS = dt.timedelta(milliseconds=1)
#: Stored instants cluster around a year's end, so that every precision's
#: range boundary (year, month, day, second) falls among them.
_PIVOT = dt.datetime(2026, 12, 31, 23, 59, 59, tzinfo=dt.UTC)


def _element(resource: dict[str, Any], path: str) -> str:
    value: Any = resource
    for part in path.split("."):
        value = value[part]
    return str(value)


def _instant(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))


def _search_range(precision: str, at: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    """``[lo, hi)`` of a search value of ``precision`` made from ``at`` (in
    ``at``'s own offset): search.html#date, the value is the range of its
    precision; a date without a time zone is in the server's zone, UTC."""
    if precision == "year":
        lo = dt.datetime(at.year, 1, 1, tzinfo=dt.UTC)
        return lo, dt.datetime(at.year + 1, 1, 1, tzinfo=dt.UTC)
    if precision == "month":
        lo = dt.datetime(at.year, at.month, 1, tzinfo=dt.UTC)
        ahead = lo + dt.timedelta(days=32)
        return lo, dt.datetime(ahead.year, ahead.month, 1, tzinfo=dt.UTC)
    if precision == "day":
        lo = dt.datetime(at.year, at.month, at.day, tzinfo=dt.UTC)
        return lo, lo + dt.timedelta(days=1)
    if precision == "second":
        lo = at.replace(microsecond=0)
        return lo, lo + dt.timedelta(seconds=1)
    lo = at.replace(microsecond=at.microsecond // 1000 * 1000)
    return lo, lo + _MS


def _render(precision: str, at: dt.datetime) -> str:
    return {
        "year": at.strftime("%Y"),
        "month": at.strftime("%Y-%m"),
        "day": at.strftime("%Y-%m-%d"),
        "second": at.isoformat(timespec="seconds"),
        "ms": at.isoformat(timespec="milliseconds"),
    }[precision]


def _spec_match(prefix: str, lo: dt.datetime, hi: dt.datetime, value: str) -> bool:
    """Whether an element ``value`` (an instant to the millisecond, so the
    range ``[t, t + 1 ms)``) matches ``prefix`` with the search range
    ``[lo, hi)``, as search.html#prefix words each prefix."""
    t0 = _instant(value)
    t1 = t0 + _MS
    contains = lo <= t0 and t1 <= hi
    above = t1 > hi  # the range above the search value intersects the target
    below = t0 < lo
    overlaps = t0 < hi and lo < t1
    return {
        "eq": contains,
        "ne": not contains,
        "gt": above,
        "lt": below,
        "ge": above or contains,
        "le": below or contains,
        "sa": not overlaps and t0 >= hi,
        "eb": not overlaps and t1 <= lo,
    }[prefix]


def _stamps(db: Database, rows: dict[int, dict[str, Any]]) -> None:
    with db.session() as s:
        for rid, values in rows.items():
            s.execute(update(Referral).where(Referral.id == rid).values(**values))
        s.commit()


@pytest.fixture
def six(records: Any) -> list[int]:
    """Six referrals sent to partner ``p``."""
    return sorted(records("a").sent_referral_id for _ in range(6))


_offsets = st.sampled_from([0, 330, -480, 60, -60]).map(
    lambda m: dt.timezone(dt.timedelta(minutes=m))
)
_moments = st.integers(-3 * 86400 * 1000, 3 * 86400 * 1000).map(
    lambda ms: _PIVOT + dt.timedelta(milliseconds=ms, microseconds=ms % 7 * 100)
)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    stored=st.lists(
        st.tuples(_moments, _moments, st.one_of(st.none(), _moments)),
        min_size=6,
        max_size=6,
    ),
    queries=st.lists(
        st.tuples(
            st.sampled_from(_PREFIXES),
            st.sampled_from(["year", "month", "day", "second", "ms"]),
            st.integers(0, 5),
            st.integers(-2000, 2000),
            _offsets,
        ),
        min_size=1,
        max_size=3,
    ),
    param=st.sampled_from(_PARAMS),
    ored=st.booleans(),
)
def test_date_filters_follow_the_spec_ranges(
    client: TestClient,
    db: Database,
    systems: Any,
    six: list[int],
    stored: list[tuple[dt.datetime, dt.datetime, dt.datetime | None]],
    queries: list[tuple[str, str, int, int, dt.timezone]],
    param: tuple[str, str, str],
    ored: bool,
) -> None:
    kind, name, element = param
    _stamps(db, {
        rid: {"created_at": c, "updated_at": u, "sent_at": s}
        for rid, (c, u, s) in zip(six, stored, strict=True)
    })  # fmt: skip
    everything = client.get(f"/fhir/{kind}", params={"_count": 200},
                            headers=systems["p"]).json()  # fmt: skip
    values = {e["resource"]["id"]: _element(e["resource"], element)
              for e in everything["entry"]}  # fmt: skip
    assert set(values) == {str(r) for r in six}
    # search values near a stored one, so that boundaries are hit
    made = []
    for prefix, precision, which, ms, zone in queries:
        near = _instant(values[str(six[which])]) + dt.timedelta(milliseconds=ms)
        at = near.astimezone(zone) if precision in ("second", "ms") else near
        lo, hi = _search_range(precision, at)
        made.append((prefix, lo, hi, prefix + _render(precision, at)))
    if ored:  # one parameter, values comma-separated: ORed
        params: list[tuple[str, str]] = [(name, ",".join(m[3] for m in made))]
        wanted = {
            rid for rid, v in values.items()
            if any(_spec_match(p, lo, hi, v) for p, lo, hi, _ in made)
        }  # fmt: skip
    else:  # the parameter repeated: ANDed
        params = [(name, m[3]) for m in made]
        wanted = {
            rid for rid, v in values.items()
            if all(_spec_match(p, lo, hi, v) for p, lo, hi, _ in made)
        }  # fmt: skip
    r = client.get(f"/fhir/{kind}", params=[*params, ("_count", "200")],
                   headers=systems["p"])  # fmt: skip
    assert r.status_code == 200, r.text
    assert set(entry_ids(r.json())) == wanted, (params, values)
    assert r.json()["total"] == len(wanted)


@pytest.mark.parametrize(
    ("kind", "name", "raw", "said"),
    [
        ("Task", "authored-on", "ap2026-12-01", "ap"),
        ("Task", "authored-on", "yesterday", "yesterday"),
        ("Task", "modified", "2026-13", "2026-13"),
        ("Task", "modified", "ge2026-12-01,soon", "soon"),
        ("ServiceRequest", "authored", "xx2026", "xx2026"),
        ("ServiceRequest", "authored", "2026-12-01T10:00:00+25:00", "25:00"),
        ("Task", "_lastUpdated", "ap2026", "ap"),
    ],
)
def test_a_bad_date_is_named_unless_handling_is_lenient(
    client: TestClient,
    systems: Any,
    six: list[int],
    kind: str,
    name: str,
    raw: str,
    said: str,
) -> None:
    r = client.get(f"/fhir/{kind}", params={name: raw}, headers=systems["p"])
    text = diagnostics_400(r)
    assert name in text and said in text, text
    lenient = {**systems["p"], "Prefer": "handling=lenient"}
    r = client.get(f"/fhir/{kind}", params={name: raw}, headers=lenient)
    assert r.status_code == 200, r.text
    # search.html#errors: the self link shows what was applied
    assert raw not in self_params(r.json(), name)


def test_a_parameter_of_the_other_resource_is_not_taken_strictly(
    client: TestClient, systems: Any
) -> None:
    strict = {**systems["p"], "Prefer": "handling=strict"}
    for kind, name in (("Task", "authored"), ("ServiceRequest", "authored-on"),
                       ("ServiceRequest", "modified")):  # fmt: skip
        assert name in diagnostics_400(
            client.get(f"/fhir/{kind}", params={name: "2026"}, headers=strict)
        )
    for kind, name in (("ServiceRequest", "authored"), ("Task", "authored-on"),
                       ("Task", "modified")):  # fmt: skip
        r = client.get(f"/fhir/{kind}", params={name: "ge2000"}, headers=strict)
        assert r.status_code == 200, r.text
        assert self_params(r.json(), name) == ["ge2000"]


def _minutes(m: int) -> dt.datetime:
    return _PIVOT + dt.timedelta(minutes=m)


@pytest.mark.parametrize(
    ("kind", "key", "column"),
    [
        ("Task", "authored-on", "created_at"),
        ("Task", "modified", "updated_at"),
        ("ServiceRequest", "authored", "sent_at"),
    ],
)
def test_sort_by_a_date_with_the_id_breaking_ties_across_pages(
    client: TestClient,
    db: Database,
    systems: Any,
    six: list[int],
    kind: str,
    key: str,
    column: str,
) -> None:
    # the others move the opposite way, so that no other order passes
    other = {"created_at", "updated_at", "sent_at"} - {column}
    minutes = [30, 10, 10, 50, 20, 10]
    _stamps(db, {
        rid: {column: _minutes(m)} | {o: _minutes(-m) for o in other}
        for rid, m in zip(six, minutes, strict=True)
    })  # fmt: skip
    by = sorted(zip(minutes, six, strict=True))
    up = [str(rid) for _, rid in by]
    down = [str(rid) for _, rid in sorted(by, key=lambda p: (-p[0], -p[1]))]
    for sort, order in ((key, up), (f"-{key}", down), (f"{key},-_id", None)):
        url: str | None = f"/fhir/{kind}?_sort={sort}&_count=2"
        seen: list[str] = []
        while url:
            page = client.get(url, headers=systems["p"])
            assert page.status_code == 200, page.text
            assert self_params(page.json(), "_sort") == [sort]
            seen += entry_ids(page.json())
            url = bundle_link(page.json(), "next")
        if order is None:  # ties of the key broken by the id, descending
            order = [str(rid) for _, rid in sorted(by, key=lambda p: (p[0], -p[1]))]
        assert seen == order, sort
    back = client.get(f"/fhir/{kind}?_sort=-{key}&_count=2&_offset=2",
                      headers=systems["p"])  # fmt: skip
    previous = bundle_link(back.json(), "previous")
    assert previous is not None and f"_sort=-{key}" in previous


def test_a_date_of_the_other_resource_is_no_sort_key(
    client: TestClient, systems: Any
) -> None:
    for kind, key in (("Task", "authored"), ("ServiceRequest", "-modified")):
        text = diagnostics_400(
            client.get(f"/fhir/{kind}", params={"_sort": key}, headers=systems["p"])
        )
        assert key in text


def test_the_capability_statement_declares_the_dates(client: TestClient) -> None:
    cs = client.get("/fhir/metadata").json()
    types = {res["type"]: res for res in cs["rest"][0]["resource"]}
    base = "http://hl7.org/fhir/SearchParameter"
    for kind, name, definition in (
        ("Task", "authored-on", f"{base}/Task-authored-on"),
        ("Task", "modified", f"{base}/Task-modified"),
        ("ServiceRequest", "authored", f"{base}/ServiceRequest-authored"),
    ):
        declared = {p["name"]: p for p in types[kind]["searchParam"]}
        assert declared[name]["type"] == "date"
        assert declared[name]["definition"] == definition
        assert name in types[kind]["documentation"]  # a _sort key too


def test_date_filters_never_show_what_a_read_would_not(
    client: TestClient, world: Any, records: Any, systems: Any
) -> None:
    seen = reach(client, world, records, systems)
    callers, every, held = seen.callers, seen.every, seen.held
    searches = [
        ("Task", "authored-on", "ge2000"),
        ("Task", "modified", "ne1999"),
        ("Task", "authored-on", "sa1999,eb2999"),
        ("ServiceRequest", "authored", "lt2999"),
    ]
    for who, headers in callers.items():
        for kind, name, value in searches:
            r = client.get(f"/fhir/{kind}", params={name: value, "_count": 200},
                           headers=headers)  # fmt: skip
            assert r.status_code == 200, (who, r.text)
            for e in r.json().get("entry", []):
                rid = e["resource"]["id"]
                assert int(rid) in every
                direct = client.get(f"/fhir/{kind}/{rid}", headers=headers)
                assert direct.status_code == 200, (who, kind, rid)
                assert e["resource"] == direct.json(), (who, kind, rid)
            assert str(held) not in entry_ids(r.json()), who


def test_search_is_get_only(client: TestClient, systems: Any) -> None:
    # http.html#search: a server may answer 405 to POST [type]/_search; the
    # date parameters go on the query string (docs/interop.md says so)
    for kind in ("Task", "ServiceRequest"):
        r = client.post(f"/fhir/{kind}/_search", data={"authored": "ge2026"},
                        headers=systems["p"])  # fmt: skip
        assert r.status_code == 405, r.text
        assert r.json()["resourceType"] == "OperationOutcome"
        assert "GET" in r.headers["allow"]
