"""Helpers of the FHIR tests: partner-system clients and their tokens."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlsplit

from fastapi.testclient import TestClient
from fhir.resources.R4B.operationoutcome import OperationOutcome

from nowrongdoor.care.db import Database
from nowrongdoor.care.fhir.clients import NewClient, create_client
from nowrongdoor.care.models import Organization


def new_client(db: Database, org_id: int, minutes: int = 60) -> NewClient:
    """A partner-system client of organisation ``org_id``."""
    with db.session() as s:
        org = s.get(Organization, org_id)
        assert org is not None
        return create_client(
            s, organization=org, name="Shelter EHR", token_minutes=minutes
        )


def get_token(client: TestClient, made: NewClient) -> str:
    """An access token for ``made`` from the token endpoint."""
    r = client.post(
        "/fhir/auth/token",
        data={
            "grant_type": "client_credentials",
            "client_id": made.client_id,
            "client_secret": made.client_secret,
        },
    )
    assert r.status_code == 200, r.text
    token: str = r.json()["access_token"]
    return token


def substance_use_referral(client: TestClient, world: Any, rec: Any) -> tuple[int, int]:
    """A substance-use referral of ``rec``'s case sent to partner ``p`` under
    a Part 2 disclosure consent naming ``p`` (42 CFR 2.31, 2.33); its id and
    the consent's id."""
    cm = world.headers("cm_a")
    sud = client.post(
        "/api/v1/referrals",
        json={"case_id": rec.case_id, "service_id": world.services["p"],
              "need_category": "substance_use"},
        headers=cm,
    ).json()  # fmt: skip
    part2 = client.post(
        f"/api/v1/persons/{rec.person_id}/consents",
        json={"consent_type": "part2_disclosure", "scope": "organisation",
              "scope_organization_id": world.orgs["p"]},
        headers=cm,
    ).json()  # fmt: skip
    sent = client.post(f"/api/v1/referrals/{sud['id']}/status", json={"status": "sent"},
                       headers=cm)  # fmt: skip
    assert sent.status_code == 200, sent.text
    return int(sud["id"]), int(part2["id"])


def held_back_referral(client: TestClient, world: Any, rec: Any) -> int:
    """A substance-use referral sent to ``p`` whose Part 2 consent was then
    revoked (42 CFR 2.31: it no longer leaves over FHIR)."""
    rid, part2 = substance_use_referral(client, world, rec)
    revoked = client.post(
        f"/api/v1/persons/{rec.person_id}/consents/{part2}/revoke",
        headers=world.headers("cm_a"),
    )
    assert revoked.status_code == 200, revoked.text
    return rid


@dataclass(frozen=True)
class Reach:
    """The callers and referrals of the tests that a search or a read never
    shows more than the caller's direct read.

    Attributes:
        callers: Bearer headers by who calls: partners p and q's systems, care
            managers of plans a (two teams) and b, a pseudonymous analyst.
        every: The ids of the referrals: sent and draft of plans a and b, and
            ``held``.
        held: A substance-use referral to ``p`` whose Part 2 consent was
            revoked (:func:`held_back_referral`).
        noted: Plan a's sent referral, with the partner's note and
            businessStatus on its Task.
    """

    callers: dict[str, dict[str, str]]
    every: set[int]
    held: int
    noted: int


def reach(client: TestClient, world: Any, records: Any, systems: Any) -> Reach:
    """Records of plans a and b, a held-back referral, partner text on plan
    a's Task, and the callers (:class:`Reach`)."""
    rec_a, rec_b = records("a"), records("b")
    held = held_back_referral(client, world, rec_a)
    rid = rec_a.sent_referral_id
    task = client.get(f"/fhir/Task/{rid}", headers=systems["p"])
    noted = {**task.json(), "note": [{"text": "Call after 5pm."}],
             "businessStatus": {"text": "waiting list"}}  # fmt: skip
    put = client.put(f"/fhir/Task/{rid}", json=noted, headers=systems["p"])
    assert put.status_code == 200, put.text
    callers = {
        "partner p": systems["p"],
        "partner q": systems["q"],
        "care manager a": world.headers("cm_a"),
        "other team's care manager": world.headers("cm3_a"),
        "analyst (pseudonymous)": world.headers("analyst_a"),
        "care manager b": world.headers("cm_b"),
    }
    every = {rid, rec_b.sent_referral_id, held,
             rec_a.draft_referral_id, rec_b.draft_referral_id}  # fmt: skip
    return Reach(callers, every, held, rid)


def _path(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}"


def bundle_link(bundle: dict[str, Any], relation: str) -> str | None:
    """The path and query of a Bundle's ``relation`` link (``None``: none)."""
    for link in bundle.get("link", []):
        if link["relation"] == relation:
            return _path(link["url"])
    return None


def entry_ids(bundle: dict[str, Any], mode: str = "match") -> list[str]:
    """The ids of a Bundle's entries of search ``mode``, in order."""
    return [
        e["resource"]["id"]
        for e in bundle.get("entry", [])
        if e["search"]["mode"] == mode
    ]


def self_params(bundle: dict[str, Any], name: str) -> list[str]:
    """The values of parameter ``name`` in a Bundle's ``self`` link."""
    return parse_qs(urlsplit(bundle_link(bundle, "self") or "").query).get(name, [])


def diagnostics_400(r: Any) -> str:
    """The diagnostics of a 400 OperationOutcome answer (asserts the 400)."""
    assert r.status_code == 400, r.text
    return str(OperationOutcome.model_validate(r.json()).issue[0].diagnostics)


def serve(app: Any) -> Iterator[str]:
    """Run ``app`` under uvicorn on a free loopback port; yield its base URL."""
    import uvicorn

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = int(sock.getsockname()[1])
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
