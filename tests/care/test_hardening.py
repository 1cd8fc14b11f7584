"""Smaller findings of the security review: owner changes need case:assign,
CSRF refusals are audited."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select

from nowrongdoor.care.app import create_app
from nowrongdoor.care.models import AuditEvent

PASSWORD = "correct horse battery staple"


def test_moving_a_person_to_another_owner_needs_case_assign(
    client: TestClient, world: Any, records: Any
) -> None:
    colleague = world.users["cm2_a"].id
    body = {"given_name": "Rae", "owner_id": colleague}
    refused = client.post("/api/v1/persons", json=body, headers=world.headers("cm_a"))
    assert refused.status_code == 403, refused.text
    mine = client.post(
        "/api/v1/persons",
        json={"given_name": "Rae", "owner_id": world.users["cm_a"].id},
        headers=world.headers("cm_a"),
    )
    assert mine.status_code == 201
    rec = records("a")
    moved = client.patch(
        f"/api/v1/persons/{rec.person_id}",
        json={"owner_id": colleague},
        headers=world.headers("cm_a"),
    )
    assert moved.status_code == 403
    ok = client.post(
        "/api/v1/persons", json=body, headers=world.headers("supervisor_a")
    )
    assert ok.status_code == 201
    reassigned = client.patch(
        f"/api/v1/persons/{rec.person_id}",
        json={"owner_id": colleague},
        headers=world.headers("supervisor_a"),
    )
    assert reassigned.status_code == 200


def test_a_post_refused_for_csrf_is_audited(db: Any, world: Any) -> None:
    client = TestClient(
        create_app(db.settings, database=db, include_web=False),
        raise_server_exceptions=False,
    )
    login = client.post(
        "/api/v1/auth/login", json={"username": "cm.a", "password": PASSWORD}
    )
    assert login.status_code == 200
    refused = client.post("/api/v1/persons", json={"given_name": "Ira"})
    assert refused.status_code == 403
    with db.session() as s:
        events = list(
            s.scalars(select(AuditEvent).where(AuditEvent.outcome == "denied"))
        )
    assert [(e.username, e.detail) for e in events] == [("cm.a", "csrf_failed")]


def test_hsts_over_https_and_from_trusted_proxies_only(
    db: Any, settings_for: Any, tmp_path: Any
) -> None:
    plain = TestClient(create_app(db.settings, database=db, include_web=False))
    assert "strict-transport-security" not in plain.get("/api/v1/health").headers
    direct = TestClient(
        create_app(db.settings, database=db, include_web=False),
        base_url="https://testserver",
    )
    hsts = direct.get("/api/v1/health").headers["strict-transport-security"]
    assert hsts.startswith("max-age=63072000")
    forwarded = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9"}
    # the TestClient connects from "testclient": untrusted unless listed
    untrusted = plain.get("/api/v1/health", headers=forwarded)
    assert "strict-transport-security" not in untrusted.headers
    proxied = db.settings.model_copy(update={"trusted_proxies": ["testclient"]})
    behind = TestClient(create_app(proxied, database=db, include_web=False))
    assert (
        "strict-transport-security"
        in behind.get("/api/v1/health", headers=forwarded).headers
    )
    assert "strict-transport-security" not in behind.get("/api/v1/health").headers


def test_the_sqlite_database_is_private(settings_for: Any, tmp_path: Any) -> None:
    from nowrongdoor.care.db import Database
    from nowrongdoor.care.migrate import upgrade

    url = f"sqlite:///{(tmp_path / 'new' / 'care.db').as_posix()}"
    db = Database(settings_for(tmp_path, url))
    try:
        upgrade(db.engine)
        with db.session() as s:
            s.execute(select(AuditEvent)).all()
    finally:
        db.dispose()
    assert (tmp_path / "new").stat().st_mode & 0o777 == 0o700
    for path in (tmp_path / "new").iterdir():
        assert path.stat().st_mode & 0o777 == 0o600, path
