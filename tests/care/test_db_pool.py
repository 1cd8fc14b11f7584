"""A full database connection pool answers 503 with Retry-After quickly, on
both backends, for the API and the pages, and the service recovers."""

from __future__ import annotations

import time
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import text

from nowrongdoor.care.app import create_app
from nowrongdoor.care.db import Database

PASSWORD = "correct horse battery staple"


def test_full_pool_answers_503_with_retry_after(db: Any, world: Any) -> None:
    settings = db.settings.model_copy(
        update={"database_pool_size": 1, "database_pool_timeout": 0.5}
    )
    small = Database(settings)
    try:
        client = TestClient(
            create_app(settings, database=small), raise_server_exceptions=False
        )
        signed_in = client.post(
            "/api/v1/auth/login", json={"username": "cm.a", "password": PASSWORD}
        )
        assert signed_in.status_code == 200, signed_in.text
        headers = world.headers("cm_a")
        assert client.get("/api/v1/persons", headers=headers).status_code == 200
        # the error page's template compiled before the clock starts
        assert client.get("/cases/999999").status_code == 404
        # pool_size 1 and as many again under load: two connections in all
        held = [small.engine.raw_connection() for _ in range(2)]
        try:
            started = time.monotonic()
            api = client.get("/api/v1/persons", headers=headers)
            api_seconds = time.monotonic() - started
            started = time.monotonic()
            page = client.get("/queue")
            page_seconds = time.monotonic() - started
        finally:
            for conn in held:
                conn.close()
        assert api.status_code == 503, api.text
        assert api.headers["Retry-After"] == "2"
        assert api.json()["error"]["code"] == "service_busy"
        assert api_seconds < 2.0, api_seconds
        assert page.status_code == 503, page.text[:300]
        assert page.headers["Retry-After"] == "2"
        assert "The service is busy" in page.text
        assert page_seconds < 2.0, page_seconds
        # connections back in the pool: the service answers again
        assert client.get("/api/v1/persons", headers=headers).status_code == 200
        assert client.get("/queue").status_code == 200
    finally:
        small.dispose()


def test_pool_settings_reach_the_engine(db: Any) -> None:
    settings = db.settings.model_copy(
        update={"database_pool_size": 3, "database_pool_timeout": 0.25}
    )
    small = Database(settings)
    try:
        pool: Any = small.engine.pool
        assert (pool.size(), pool._max_overflow, pool._timeout) == (3, 3, 0.25)
    finally:
        small.dispose()


def _server_only(db: Database) -> None:
    import pytest

    if db.engine.dialect.name == "sqlite":
        pytest.skip("pooled server connections only (SQLite has no server)")


def test_recently_used_connection_is_not_pinged(db: Any, monkeypatch: Any) -> None:
    """The liveness check costs no round trip for a connection in steady use."""
    _server_only(db)
    small = Database(db.settings, pool_size=1)
    pings: list[object] = []
    real_ping = small.engine.dialect.do_ping
    monkeypatch.setattr(
        small.engine.dialect,
        "do_ping",
        lambda conn: pings.append(conn) or real_ping(conn),
    )
    try:
        for _ in range(5):
            with small.session() as s:
                assert s.execute(text("SELECT 1")).scalar() == 1
        assert pings == []
        # idle longer than ping_after: pinged once before use
        monkeypatch.setattr("nowrongdoor.care.db.time.monotonic", lambda: 1e12)
        with small.session() as s:
            assert s.execute(text("SELECT 1")).scalar() == 1
        assert len(pings) == 1
    finally:
        small.dispose()


def test_connection_closed_by_the_server_is_replaced(db: Any) -> None:
    """A pooled connection the server ended is discarded on checkout, not used."""
    _server_only(db)
    small = Database(db.settings, pool_size=1)
    try:
        with small.session() as s:
            pid = s.execute(text("SELECT pg_backend_pid()")).scalar()
        with db.engine.connect() as admin:
            admin.execute(text("SELECT pg_terminate_backend(:p)"), {"p": pid})
            admin.commit()
        time.sleep(0.2)  # the server's goodbye reaches the pooled socket
        with small.session() as s:
            new_pid = s.execute(text("SELECT pg_backend_pid()")).scalar()
        assert new_pid != pid
    finally:
        small.dispose()
