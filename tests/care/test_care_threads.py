"""The API's worker-thread limit: ``api_threads`` on PostgreSQL, AnyIO's default
on SQLite (where a request may hold the write lock across its thread hops)."""

from __future__ import annotations

import anyio.to_thread
from fastapi import APIRouter
from fastapi.testclient import TestClient

from nowrongdoor.care.app import create_app
from nowrongdoor.care.db import Database


def test_thread_limit_follows_the_backend(db: Database) -> None:
    app = create_app(db.settings, database=db, include_web=False)
    seen: list[float] = []
    probe = APIRouter()

    @probe.get("/_threads")
    async def threads() -> dict[str, float]:
        tokens = anyio.to_thread.current_default_thread_limiter().total_tokens
        seen.append(tokens)
        return {"tokens": tokens}

    app.include_router(probe)
    with TestClient(app) as client:
        assert client.get("/_threads").status_code == 200
        # a real route still works with the limit in place
        assert client.get("/api/v1/health").status_code == 200
    expected = db.settings.api_threads if db.engine.dialect.name != "sqlite" else 40
    assert seen == [expected]
