"""Bad input: always 4xx in the one error format, never 500, nothing half-written."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from nowrongdoor.care.models import Person, Referral, ReferralEvent


def _error(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "field"}
    assert body["error"]["message"]
    return dict(body["error"])


def test_malformed_json(client: TestClient, world: Any) -> None:
    headers = {**world.headers("cm_a"), "content-type": "application/json"}
    err = _error(
        client.post("/api/v1/persons", content=b'{"given_name": ', headers=headers), 400
    )
    assert err["code"] == "malformed_json" and err["field"] == "body"


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        (
            "/api/v1/cases",
            {"person_id": "seven", "pathway": "survive"},
            "body.person_id",
        ),
        ("/api/v1/cases", {"person_id": 1, "pathway": "rescue"}, "body.pathway"),
        ("/api/v1/cases", {"person_id": 1}, "body.pathway"),
        ("/api/v1/persons", {"birth_date": "31/02/2010"}, "body.birth_date"),
        ("/api/v1/persons", {"given_name": "A", "favourite": 1}, "body.favourite"),
        ("/api/v1/persons", [1, 2], "body"),
        ("/api/v1/tasks", {"title": ""}, "body.title"),
    ],
)
def test_wrong_types_name_the_field(
    client: TestClient, world: Any, path: str, body: Any, field: str
) -> None:
    err = _error(client.post(path, json=body, headers=world.headers("cm_a")), 422)
    assert err["code"] == "validation_error"
    assert err["field"] == field
    assert field in err["message"]


def test_bad_query_and_path_values(client: TestClient, world: Any) -> None:
    cm = world.headers("cm_a")
    assert (
        _error(client.get("/api/v1/cases?limit=0", headers=cm), 422)["field"]
        == "query.limit"
    )
    assert (
        _error(client.get("/api/v1/cases?status=lost", headers=cm), 422)["field"]
        == "query.status"
    )
    assert (
        _error(client.get("/api/v1/cases/abc", headers=cm), 422)["field"]
        == "path.case_id"
    )


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/cases/999999",
        "/api/v1/persons/999999",
        "/api/v1/referrals/999999",
        "/api/v1/tasks/999999",
        "/api/v1/intakes/999999",
        "/api/v1/partners/services/999999",
    ],
)
def test_unknown_ids_are_404(client: TestClient, world: Any, path: str) -> None:
    err = _error(client.get(path, headers=world.headers("admin_a")), 404)
    assert err["code"] == "not_found"


def test_unknown_route_and_method(client: TestClient, world: Any) -> None:
    assert _error(
        client.get("/api/v1/nothing-here", headers=world.headers("cm_a")), 404
    )
    assert _error(client.delete("/api/v1/cases", headers=world.headers("cm_a")), 405)


def test_oversized_body_is_413(client: TestClient, world: Any, db: Any) -> None:
    huge = {"given_name": "x" * (db.settings.max_request_bytes + 10)}
    err = _error(
        client.post("/api/v1/persons", json=huge, headers=world.headers("cm_a")), 413
    )
    assert err["code"] == "payload_too_large"
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(Person)) == 0


def test_streamed_oversized_body_is_413(client: TestClient, world: Any) -> None:
    def chunks() -> Any:
        for _ in range(200):
            yield b"x" * 10_000  # no Content-Length: the limit is counted as it streams

    headers = {**world.headers("cm_a"), "content-type": "application/json"}
    r = client.post("/api/v1/persons", content=chunks(), headers=headers)
    assert _error(r, 413)["code"] == "payload_too_large"


def test_oversized_upload_from_a_page_is_an_html_page(
    client: TestClient, db: Any
) -> None:
    """A browser posting too much (a partner file on the admin page) gets a
    page in words, with the limit, not the API's JSON."""
    big = b"x" * (db.settings.max_request_bytes + 10)
    r = client.post(
        "/admin/partners",
        files={"file": ("partners.json", big, "application/json")},
        headers={"accept": "text/html,application/xhtml+xml"},
    )
    assert r.status_code == 413
    assert r.headers["content-type"].startswith("text/html")
    assert "larger than allowed (at most" in r.text and "Nothing was saved" in r.text
    assert '"code"' not in r.text


def test_unauthenticated_is_401(client: TestClient) -> None:
    err = _error(client.get("/api/v1/cases"), 401)
    assert err["code"] == "unauthorized"


def test_failed_transition_writes_nothing(
    client: TestClient, world: Any, records: Any, db: Any
) -> None:
    rec = records("a")
    cm = world.headers("cm_a")
    revoke = client.post(
        f"/api/v1/persons/{rec.person_id}/consents/{rec.consent_id}/revoke", headers=cm
    )
    assert revoke.status_code == 200
    with db.session() as s:
        events_before = s.scalar(select(func.count()).select_from(ReferralEvent))
    r = client.post(
        f"/api/v1/referrals/{rec.draft_referral_id}/status",
        json={"status": "sent"},
        headers=cm,
    )
    assert _error(r, 409)["code"] == "consent_required"
    with db.session() as s:
        referral = s.get(Referral, rec.draft_referral_id)
        assert referral is not None and referral.status == "draft"
        assert referral.sent_at is None
        assert (
            s.scalar(select(func.count()).select_from(ReferralEvent)) == events_before
        )


def test_import_with_a_bad_row_writes_nothing(
    client: TestClient, world: Any, db: Any
) -> None:
    content = (
        "member_id,age,tier,score,pathway,reasons\n"
        "M-1,15,high,70,prevent,[]\n"
        "M-2,16,high,lots,prevent,[]\n"
    )
    r = client.post(
        "/api/v1/imports/worklist",
        files={"file": ("worklist.csv", content, "text/csv")},
        data={"source": "bad"},
        headers=world.headers("analyst_a"),
    )
    err = _error(r, 400)
    assert "row 3" in err["message"] and "score" in err["message"]
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(Person)) == 0


def test_illegal_moves_are_409(client: TestClient, world: Any, records: Any) -> None:
    rec = records("a")
    cm = world.headers("cm_a")
    r = client.post(
        f"/api/v1/referrals/{rec.draft_referral_id}/status",
        json={"status": "completed"},
        headers=cm,
    )
    assert _error(r, 409)["field"] == "status"
    r = client.post(
        f"/api/v1/cases/{rec.case_id}/status", json={"status": "open"}, headers=cm
    )
    assert _error(r, 409)["code"] == "conflict"
    r = client.post(
        f"/api/v1/cases/{rec.case_id}/status", json={"status": "closed"}, headers=cm
    )
    assert _error(r, 400)["field"] == "reason"
