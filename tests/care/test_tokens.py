"""Token lifecycle: bounded lifetime, revocation, no minting from a token,
password reset and role change revoke sessions and tokens."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from nowrongdoor.care.app import create_app

PASSWORD = "correct horse battery staple"


def _session_client(db: Any, username: str) -> tuple[TestClient, str]:
    client = TestClient(
        create_app(db.settings, database=db, include_web=False),
        raise_server_exceptions=False,
    )
    r = client.post(
        "/api/v1/auth/login", json={"username": username, "password": PASSWORD}
    )
    assert r.status_code == 200, r.text
    return client, r.json()["csrf_token"]


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_no_never_expiring_token_and_max_lifetime(db: Any, world: Any) -> None:
    client, csrf = _session_client(db, "cm.a")
    h = {"X-CSRF-Token": csrf}
    never = client.post(
        "/api/v1/auth/tokens", json={"name": "x", "days": None}, headers=h
    )
    assert never.status_code == 422
    too_long = client.post(
        "/api/v1/auth/tokens",
        json={"name": "x", "days": db.settings.token_max_days + 1},
        headers=h,
    )
    assert too_long.status_code == 422
    assert too_long.json()["error"]["field"] == "days"
    schema = client.get("/api/v1/openapi.json").json()
    days = schema["components"]["schemas"]["TokenCreate"]["properties"]["days"]
    assert days["maximum"] == db.settings.token_max_days
    ok = client.post("/api/v1/auth/tokens", json={"name": "etl"}, headers=h)
    assert ok.status_code == 201 and ok.json()["expires_at"] is not None


def test_a_token_cannot_mint_a_token_but_a_session_can(
    client: TestClient, db: Any, world: Any
) -> None:
    refused = client.post(
        "/api/v1/auth/tokens", json={"name": "x"}, headers=world.headers("cm_a")
    )
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "token_needs_session"
    session_client, csrf = _session_client(db, "cm.a")
    ok = session_client.post(
        "/api/v1/auth/tokens", json={"name": "x"}, headers={"X-CSRF-Token": csrf}
    )
    assert ok.status_code == 201


def test_revoke_one_token(client: TestClient, world: Any) -> None:
    listed = client.get("/api/v1/auth/tokens", headers=world.headers("cm_a")).json()
    assert [t["name"] for t in listed] == ["test"] and "token" not in listed[0]
    other_users = client.get("/api/v1/auth/tokens", headers=world.headers("cm_b"))
    foreign = other_users.json()[0]["id"]
    assert (
        client.delete(f"/api/v1/auth/tokens/{foreign}", headers=world.headers("cm_a"))
    ).status_code == 404
    own = listed[0]["id"]
    gone = client.delete(f"/api/v1/auth/tokens/{own}", headers=world.headers("cm_a"))
    assert gone.status_code == 204
    assert (
        client.get("/api/v1/auth/me", headers=world.headers("cm_a")).status_code == 401
    )
    assert (
        client.get("/api/v1/auth/me", headers=world.headers("cm_b")).status_code == 200
    )


def test_revoke_all_keeps_the_current_session(
    client: TestClient, db: Any, world: Any
) -> None:
    other_browser, _ = _session_client(db, "cm.a")
    session_client, csrf = _session_client(db, "cm.a")
    r = session_client.post("/api/v1/auth/revoke-all", headers={"X-CSRF-Token": csrf})
    assert r.status_code == 200 and r.json()["revoked"] == 2  # a token, a session
    assert session_client.get("/api/v1/auth/me").status_code == 200
    assert other_browser.get("/api/v1/auth/me").status_code == 401
    assert (
        client.get("/api/v1/auth/me", headers=world.headers("cm_a")).status_code == 401
    )


@pytest.mark.parametrize(
    "change",
    [{"password": "a brand new passphrase"}, {"role": "supervisor"}],
    ids=["password-reset", "role-change"],
)
def test_password_reset_and_role_change_revoke_sessions_and_tokens(
    client: TestClient, db: Any, world: Any, change: dict[str, str]
) -> None:
    browser, _ = _session_client(db, "cm.a")
    target = world.users["cm_a"].id
    r = client.patch(
        f"/api/v1/users/{target}", json=change, headers=world.headers("admin_a")
    )
    assert r.status_code == 200, r.text
    assert browser.get("/api/v1/auth/me").status_code == 401
    assert (
        client.get("/api/v1/auth/me", headers=world.headers("cm_a")).status_code == 401
    )
    # a change of display name alone revokes nothing
    client.patch(
        f"/api/v1/users/{world.users['cm_b'].id}",
        json={"display_name": "B"},
        headers=world.headers("admin_a"),
    )
    assert (
        client.get("/api/v1/auth/me", headers=world.headers("cm_b")).status_code == 200
    )


def test_users_revoke_command(
    runner: Any, client: TestClient, db: Any, world: Any
) -> None:
    from nowrongdoor.cli import app

    env = {
        "NOWRONGDOOR_DATABASE_URL": db.settings.resolved_database_url,
        "NOWRONGDOOR_SECRET_KEY": db.settings.secret_key.get_secret_value(),
    }
    missing = runner.invoke(app, ["users", "revoke", "nobody.here"], env=env)
    assert missing.exit_code != 0 and "Traceback" not in missing.output
    out = runner.invoke(app, ["users", "revoke", "cm.a"], env=env)
    assert out.exit_code == 0, out.output
    assert (
        client.get("/api/v1/auth/me", headers=world.headers("cm_a")).status_code == 401
    )
    assert (
        client.get("/api/v1/auth/me", headers=world.headers("cm_b")).status_code == 200
    )
