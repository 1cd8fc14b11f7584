"""Ids and offsets beyond 64 bits answer 422 on every database, never 500."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

HUGE = 2**63
MAX_ID = 2**31 - 1
PATHS = [
    "/api/v1/persons/{n}",
    "/api/v1/cases/{n}",
    "/api/v1/referrals/{n}",
    "/api/v1/tasks/{n}",
    "/api/v1/users/{n}",
    "/api/v1/partners/services/{n}",
    "/api/v1/cases?offset={n}",
    "/api/v1/audit?offset={n}",
    "/api/v1/audit?person_id={n}",
]


@pytest.mark.parametrize("path", PATHS)
def test_huge_ids_answer_422(client: TestClient, world: Any, path: str) -> None:
    for value in (HUGE, 2**70):
        r = client.get(path.format(n=value), headers=world.headers("admin_a"))
        assert r.status_code == 422, (path, r.status_code, r.text)
        assert r.json()["error"]["code"] == "validation_error"
    largest = MAX_ID if "offset" not in path else HUGE - 1
    r = client.get(path.format(n=largest), headers=world.headers("admin_a"))
    assert r.status_code in (200, 404), r.text
    if "offset" not in path:
        over = client.get(path.format(n=MAX_ID + 1), headers=world.headers("admin_a"))
        assert over.status_code == 422, over.text


def test_huge_ids_in_bodies_answer_422(client: TestClient, world: Any) -> None:
    for body in ({"person_id": HUGE}, {"person_id": 2**70}):
        r = client.post("/api/v1/cases", json=body, headers=world.headers("cm_a"))
        assert r.status_code == 422, r.text
