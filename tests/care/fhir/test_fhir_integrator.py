"""What a partner's developer gets wrong when integrating over FHIR, and what
the server must answer: paging links that keep every search parameter, 415 for
a body in a format the server does not take, and transition errors that name
the Task element and its FHIR codes."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import parse_qs, urlsplit

from fastapi.testclient import TestClient
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.operationoutcome import OperationOutcome


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
