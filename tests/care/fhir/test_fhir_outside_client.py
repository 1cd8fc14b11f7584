"""A client we did not write - the PyPI ``fhirclient`` package (SMART on FHIR
Python client, R4 models) - reads the CapabilityStatement, searches Tasks and
updates one against a live uvicorn server on loopback."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import requests
from _fhir_help import new_client, serve
from fhirclient.models.task import Task
from fhirclient.server import FHIRServer, FHIRUnauthorizedException

from nowrongdoor.care.db import Database


@pytest.fixture
def live(db: Database) -> Iterator[str]:
    """The care API (with /fhir) served by uvicorn."""
    from nowrongdoor.care.app import create_app

    yield from serve(create_app(db.settings, database=db, include_web=False))


def test_fhirclient_reads_searches_and_updates(
    live: str, db: Database, world: Any, records: Any
) -> None:
    rec = records("a")
    made = new_client(db, world.orgs["p"])
    grant = requests.post(
        f"{live}/fhir/auth/token",
        data={"grant_type": "client_credentials"},
        auth=(made.client_id, made.client_secret),
        timeout=10,
    )
    assert grant.status_code == 200, grant.text
    server = FHIRServer(None, base_uri=f"{live}/fhir/")
    server.get_capability()
    statement = server.capabilityStatement
    assert statement.fhirVersion == "4.0.1"
    assert "Task" in {r.type for r in statement.rest[0].resource}
    with pytest.raises(FHIRUnauthorizedException):
        Task.where(struct={"status": "requested"}).perform(server)
    server.session.headers["Authorization"] = f"Bearer {grant.json()['access_token']}"
    found = Task.where(struct={"status": "requested"}).perform_resources(server)
    assert [t.id for t in found] == [str(rec.sent_referral_id)]
    task = Task.read(found[0].id, server)
    assert task.focus.reference == f"ServiceRequest/{rec.sent_referral_id}"
    task.status = "received"
    task.update(server)
    again = Task.read(task.id, server)
    assert again.status == "received"
    history = requests.get(
        f"{live}/api/v1/referrals/{rec.sent_referral_id}",
        headers=world.headers("cm_a"),
        timeout=10,
    ).json()
    assert history["status"] == "received"
