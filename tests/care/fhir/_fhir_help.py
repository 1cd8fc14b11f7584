"""Helpers of the FHIR tests: partner-system clients and their tokens."""

from __future__ import annotations

from fastapi.testclient import TestClient

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
