"""FHIR fixtures: partner-system clients for the test world's partners."""

from __future__ import annotations

from typing import Any

import pytest
from _fhir_help import get_token, new_client
from fastapi.testclient import TestClient

from nowrongdoor.care.db import Database


@pytest.fixture
def systems(db: Database, world: Any, client: TestClient) -> dict[str, dict[str, str]]:
    """Bearer headers of a client of partner ``p`` and one of partner ``q``."""
    out = {}
    for key in ("p", "q"):
        made = new_client(db, world.orgs[key])
        out[key] = {"Authorization": f"Bearer {get_token(client, made)}"}
    return out
