"""The authorisation matrix of /fhir and /hsds: every route x every actor x own/other.

Same reading as ``tests/care/test_authz_matrix.py``: for each route, whether
each actor reaches a record of its own side (first letter) and of the other
side (second letter). Actors: plan ``a``'s admin, supervisor, care manager and
analyst (staff API tokens), partner ``p``'s user (API token), and ``X``, a
partner system of ``p`` (OAuth2 client credentials). "Own" records belong to
plan ``a`` and are referred to ``p``; "other" records to plan ``b``, referred to
``q``. A denied read answers 404 or leaves the record out of a search; a denied
write answers 403 or 404; nothing answers 500, and errors are OperationOutcome.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from _fhir_help import get_token, new_client
from fastapi.testclient import TestClient
from fhir.resources.R4B.operationoutcome import OperationOutcome

ACTORS = {
    "A": "admin_a",
    "S": "supervisor_a",
    "C": "cm_a",
    "N": "analyst_a",
    "P": "partner_p",
    "X": "system_p",
}
REFERRAL_READ = "A:TT S:TF C:TF N:TF P:TF X:TF"
EVERYONE = "A:TT S:TT C:TT N:TT P:TT X:TT"
CASE_READ = "A:TT S:TF C:TF N:TF P:FF X:FF"


@dataclass(frozen=True)
class Route:
    """One row of the matrix."""

    method: str
    path: str
    expect: str
    contains: str | None = None
    mutates: bool = False


ROUTES = [
    Route("GET", "/fhir/metadata", EVERYONE),
    Route("GET", "/fhir/Task", REFERRAL_READ, contains="sent_referral_id"),
    Route("GET", "/fhir/Task/{sent_referral_id}", REFERRAL_READ),
    Route("GET", "/fhir/ServiceRequest", REFERRAL_READ, contains="sent_referral_id"),
    Route("GET", "/fhir/ServiceRequest/{sent_referral_id}", REFERRAL_READ),
    Route("GET", "/fhir/Patient/{pseudonym}", REFERRAL_READ),
    Route("GET", "/fhir/Consent/{consent_id}", REFERRAL_READ),
    # needs and goals: staff in scope; a partner only the need a referral to it
    # addresses (these referrals name no need category: nothing)
    Route("GET", "/fhir/Condition", CASE_READ, contains="need_id"),
    Route("GET", "/fhir/Condition/{need_id}", CASE_READ),
    Route("GET", "/fhir/Goal", CASE_READ, contains="goal_id"),
    Route("GET", "/fhir/Goal/{goal_id}", CASE_READ),
    Route("GET", "/fhir/Organization/{org_id}", EVERYONE),
    Route("GET", "/fhir/HealthcareService/{service_id}", EVERYONE),
    # the HSDS directory is public: everyone (signed in or not) reads it
    Route("GET", "/hsds/services", EVERYONE, contains="hsds"),
    Route("GET", "/hsds/organizations", EVERYONE, contains="hsds"),
    # acknowledging a referral is the receiving partner's move only
    Route(
        "PUT",
        "/fhir/Task/{sent_referral_id}",
        "A:FF S:FF C:FF N:FF P:TF X:TF",
        mutates=True,
    ),
    Route(
        "PATCH",
        "/fhir/Task/{sent_referral_id}",
        "A:FF S:FF C:FF N:FF P:TF X:TF",
        mutates=True,
    ),
]
CASES = [
    pytest.param(
        route, actor, side, id=f"{route.method} {route.path}|{ACTORS[actor]}|{side}"
    )
    for route in ROUTES
    for actor in ACTORS
    for side in ("own", "other")
]


def _expected(route: Route, actor: str, side: str) -> bool:
    table = dict(part.split(":") for part in route.expect.split())
    return table[actor][0 if side == "own" else 1] == "T"


@pytest.fixture(scope="module")
def env(database: Any, request: pytest.FixtureRequest) -> Iterator[dict[str, Any]]:
    """World, client, a partner system's token and cached records, per backend."""
    build_world = request.getfixturevalue("build_world_fn")
    make_records = request.getfixturevalue("make_records_fn")
    make_app = request.getfixturevalue("make_app_fn")
    wipe = request.getfixturevalue("wipe_fn")
    wipe(database)
    world = build_world(database)
    client = TestClient(make_app(database), raise_server_exceptions=False)
    token = get_token(client, new_client(database, world.orgs["p"]))
    headers = {key: world.headers(key) for key in world.tokens}
    headers["system_p"] = {"Authorization": f"Bearer {token}"}
    cache: dict[str, Any] = {}

    def records(org: str, fresh: bool) -> Any:
        if fresh:
            return make_records(database, world, org)
        if org not in cache:
            cache[org] = make_records(database, world, org)
        return cache[org]

    yield {"world": world, "client": client, "records": records, "headers": headers}
    wipe(database)


@pytest.mark.parametrize(("route", "actor", "side"), CASES)
def test_fhir_matrix(env: dict[str, Any], route: Route, actor: str, side: str) -> None:
    world, client = env["world"], env["client"]
    org = "a" if side == "own" else "b"
    rec = env["records"](org, route.mutates)
    names = {
        **vars(rec),
        "service_id": world.services["p" if org == "a" else "q"],
        "org_id": world.orgs[org],
    }
    path = route.path.format(**names)
    headers = env["headers"][ACTORS[actor]]
    if route.method == "PUT":
        # the body is the Task as its own side reads it (admin_a reads both)
        task = client.get(path, headers=env["headers"]["admin_a"]).json()
        task["status"] = "received"
        response = client.put(path, json=task, headers=headers)
    elif route.method == "PATCH":
        patch = [{"op": "replace", "path": "/status", "value": "received"}]
        response = client.patch(path, json=patch, headers=headers)
    else:
        response = client.get(path, headers=headers)
    assert response.status_code < 500, response.text
    assert response.status_code != 401, response.text
    if response.status_code >= 400 and path.startswith("/fhir"):
        OperationOutcome.model_validate(response.json())
    granted = 200 <= response.status_code < 300
    if granted and route.contains == "hsds":
        granted = response.json()["total_items"] > 0
    elif granted and route.contains:
        wanted = str(names[route.contains])
        ids = {e["resource"]["id"] for e in response.json().get("entry", [])}
        granted = wanted in ids
    assert granted == _expected(route, actor, side), (
        f"{route.method} {path} as {ACTORS[actor]} ({side}): "
        f"{response.status_code} {response.text[:300]}"
    )
