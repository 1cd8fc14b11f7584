"""Authentication: argon2, session cookies, CSRF, bearer tokens, rate limit, lockout."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select

from nowrongdoor.care.models import User, UserSession
from nowrongdoor.care.security import hash_password, verify_password

PASSWORD = "correct horse battery staple"


def _login(client: TestClient, username: str, password: str = PASSWORD) -> Any:
    return client.post(
        "/api/v1/auth/login", json={"username": username, "password": password}
    )


def test_argon2_hashes_verify_and_differ() -> None:
    first, second = (
        hash_password("s3cret-passphrase"),
        hash_password("s3cret-passphrase"),
    )
    assert first.startswith("$argon2id$") and first != second
    assert verify_password(first, "s3cret-passphrase")
    assert not verify_password(first, "wrong")
    assert not verify_password("not-a-hash", "s3cret-passphrase")


def test_session_cookie_flags_and_csrf(
    db: Any, world: Any, settings_for: Any, make_test_app: Any, tmp_path: Any
) -> None:
    secure = db.settings.model_copy(update={"cookie_secure": True})
    from nowrongdoor.care.app import create_app

    client = TestClient(
        create_app(secure, database=db, include_web=False),
        base_url="https://testserver",
    )
    response = _login(client, "cm.a")
    assert response.status_code == 200, response.text
    cookie = response.headers["set-cookie"].lower()
    assert "nwd_session=" in cookie
    assert "httponly" in cookie and "secure" in cookie and "samesite=lax" in cookie
    csrf = response.json()["csrf_token"]
    assert client.get("/api/v1/auth/me").status_code == 200
    body = {"given_name": "Tess"}
    refused = client.post("/api/v1/persons", json=body)
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "csrf_failed"
    wrong = client.post(
        "/api/v1/persons", json=body, headers={"X-CSRF-Token": "x" * 40}
    )
    assert wrong.status_code == 403
    ok = client.post("/api/v1/persons", json=body, headers={"X-CSRF-Token": csrf})
    assert ok.status_code == 201
    out = client.post("/api/v1/auth/logout", headers={"X-CSRF-Token": csrf})
    assert out.status_code == 204
    client.cookies.clear()
    assert client.get("/api/v1/auth/me").status_code == 401
    with db.session() as s:
        rows = s.scalars(select(UserSession)).all()
        assert rows and all(r.revoked_at is not None for r in rows)
        assert all(len(r.token_hash) == 64 for r in rows)  # only the hash is stored


def test_form_posts_carry_csrf_in_a_field(
    db: Any, world: Any, make_test_app: Any
) -> None:
    client = TestClient(make_test_app(db))
    csrf = _login(client, "analyst.a").json()["csrf_token"]
    content = "member_id,age,tier,score,pathway,reasons\nM1,15,high,70,prevent,[]\n"
    files = {"file": ("worklist.csv", content, "text/csv")}
    denied = client.post("/api/v1/imports/worklist", files=files, data={"source": "s1"})
    assert denied.status_code == 403
    allowed = client.post(
        "/api/v1/imports/worklist",
        files=files,
        data={"source": "s1", "csrf_token": csrf},
    )
    assert allowed.status_code == 200, allowed.text
    assert allowed.json()["created"] == 1


def test_bearer_tokens_need_no_csrf_and_bad_ones_fail(
    client: TestClient, world: Any
) -> None:
    ok = client.post(
        "/api/v1/persons", json={"given_name": "Ira"}, headers=world.headers("cm_a")
    )
    assert ok.status_code == 201
    for header in ("Bearer nwd_not-a-real-token", "Basic abc", "Bearer "):
        r = client.get("/api/v1/auth/me", headers={"Authorization": header})
        assert r.status_code == 401
        assert r.json()["error"]["code"] == "unauthorized"
    issued = client.post(
        "/api/v1/auth/tokens",
        json={"name": "etl", "days": 1},
        headers=world.headers("admin_a"),
    ).json()
    me = client.get(
        "/api/v1/auth/me", headers={"Authorization": f"Bearer {issued['token']}"}
    )
    assert me.json()["user"]["username"] == "admin.a"


def test_wrong_password_then_lockout(db: Any, world: Any, make_test_app: Any) -> None:
    client = TestClient(make_test_app(db))
    assert _login(client, "nobody").status_code == 401
    limit = db.settings.login_max_failures
    for _ in range(limit):
        r = _login(client, "cm2.a", "wrong password")
        assert r.status_code == 401
        assert r.json()["error"]["code"] == "invalid_credentials"
    locked = _login(client, "cm2.a")  # the right password, but locked now
    assert locked.status_code == 423
    assert locked.json()["error"]["code"] == "account_locked"
    with db.session() as s:
        user = s.scalar(select(User).where(User.username == "cm2.a"))
        assert user is not None and user.locked_until is not None
    unlock = client.patch(
        f"/api/v1/users/{world.users['cm2_a'].id}",
        json={"unlock": True},
        headers=world.headers("admin_a"),
    )
    assert unlock.status_code == 200
    assert _login(client, "cm2.a").status_code == 200


def test_login_rate_limit_per_client(db: Any, world: Any) -> None:
    from nowrongdoor.care.app import create_app

    tight = db.settings.model_copy(update={"login_rate_per_minute": 3})
    client = TestClient(create_app(tight, database=db, include_web=False))
    codes = [_login(client, "nobody", "x").status_code for _ in range(5)]
    assert codes[:3] == [401, 401, 401]
    assert codes[3:] == [429, 429]


def test_inactive_user_cannot_use_token(client: TestClient, world: Any) -> None:
    admin = world.headers("admin_a")
    cm3 = world.users["cm3_a"]
    assert (
        client.get("/api/v1/auth/me", headers=world.headers("cm3_a")).status_code == 200
    )
    r = client.patch(
        f"/api/v1/users/{cm3.id}", json={"is_active": False}, headers=admin
    )
    assert r.status_code == 200
    assert (
        client.get("/api/v1/auth/me", headers=world.headers("cm3_a")).status_code == 401
    )


def test_team_scope(client: TestClient, world: Any, records: Any) -> None:
    rec = records("a")  # owned by cm_a, team t1
    same_team = client.get(
        f"/api/v1/cases/{rec.case_id}", headers=world.headers("cm2_a")
    )
    other_team = client.get(
        f"/api/v1/cases/{rec.case_id}", headers=world.headers("cm3_a")
    )
    assert same_team.status_code == 200
    assert other_team.status_code == 403
    listed = client.get("/api/v1/cases", headers=world.headers("cm3_a")).json()
    assert rec.case_id not in {c["id"] for c in listed["items"]}
