"""Login rate limit shared by workers in Redis; per-process fallback, logged."""

from __future__ import annotations

import logging
import uuid
from typing import Any

import pytest
from fastapi.testclient import TestClient

from nowrongdoor.care.app import create_app
from nowrongdoor.care.security import LoginRateLimiter, SharedLoginRateLimiter

REDIS = "redis://127.0.0.1:6379/0"


def test_the_limit_holds_across_workers() -> None:
    prefix = f"nwd:test:{uuid.uuid4().hex}:"
    workers = [SharedLoginRateLimiter(4, REDIS, prefix=prefix) for _ in range(3)]
    allowed = [w.hit("203.0.113.7") for _ in range(3) for w in workers]
    assert sum(allowed) == 4  # not 3 x 4
    assert not any(w.degraded for w in workers)
    assert workers[0].hit("203.0.113.8")  # other clients are counted apart
    # per-process limiters (the SQLite demo) would have allowed 3 x 4
    local = [LoginRateLimiter(4) for _ in range(3)]
    assert sum(w.hit("203.0.113.7") for _ in range(5) for w in local) == 12


def test_the_window_slides_across_a_minutes_turn(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Attempts just before and just after a clock minute turns are one window:
    a limit of 3 lets 3 through, not 3 on each side."""
    from nowrongdoor.care import security

    clock = [1_800_000_059.5]  # half a second before a minute turns
    monkeypatch.setattr(security.time, "time", lambda: clock[0])
    limiter = SharedLoginRateLimiter(3, REDIS, prefix=f"nwd:test:{uuid.uuid4().hex}:")
    allowed = []
    for step in (0.0, 0.1, 0.2, 0.6, 0.7, 0.8):  # the last three in the next minute
        clock[0] = 1_800_000_059.5 + step
        allowed.append(limiter.hit("203.0.113.9"))
    assert allowed == [True, True, True, False, False, False]
    clock[0] += 61.0  # a minute with no attempt: allowed again
    assert limiter.hit("203.0.113.9")


def test_store_down_falls_back_per_process_and_logs(
    caplog: pytest.LogCaptureFixture,
) -> None:
    limiter = SharedLoginRateLimiter(2, "redis://127.0.0.1:1/0", retry_seconds=60)
    with caplog.at_level(logging.WARNING, logger="nowrongdoor.care.security"):
        results = [limiter.hit("198.51.100.1") for _ in range(4)]
    assert results == [True, True, False, False]  # never fails open
    assert limiter.degraded
    assert any("limiting per process" in r.getMessage() for r in caplog.records)
    assert sum("unavailable" in r.getMessage() for r in caplog.records) == 1


def test_the_service_uses_the_shared_store(db: Any, world: Any) -> None:
    settings = db.settings.model_copy(
        update={"rate_limit_url": REDIS, "login_rate_per_minute": 3}
    )
    apps = [create_app(settings, database=db, include_web=False) for _ in range(2)]
    for app in apps:
        app.state.login_limiter.prefix = f"nwd:test:{uuid.uuid4().hex}:"
    apps[1].state.login_limiter.prefix = apps[0].state.login_limiter.prefix
    clients = [TestClient(app, raise_server_exceptions=False) for app in apps]
    body = {"username": "nobody", "password": "x"}
    codes = [c.post("/api/v1/auth/login", json=body).status_code for c in clients * 3]
    assert codes.count(429) == 3 and codes.count(401) == 3
