"""The ``/api/v1`` router: one router per resource."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import anyio.to_thread
from fastapi import APIRouter, FastAPI

from nowrongdoor.care.api.routes import (
    audit,
    auth,
    cases,
    health,
    intakes,
    partners,
    persons,
    referrals,
    tasks,
    uploads,
    users,
)
from nowrongdoor.care.schemas import ErrorResponse

__all__ = ["api_router"]

_ERRORS: dict[int | str, dict[str, object]] = {
    code: {"model": ErrorResponse} for code in (400, 401, 403, 404, 409, 413, 422)
}


@asynccontextmanager
async def _thread_limit(app: FastAPI) -> AsyncIterator[None]:
    """On a server database, run route code on ``settings.api_threads`` threads.

    Every request hops to a worker thread twice (identity, route); with AnyIO's
    default of 40 threads per process, a loaded process spends much of its CPU
    handing the GIL between them. On SQLite the default stays: a request may
    hold the write lock from its identity lookup to its route, so it must not
    wait for a free thread behind requests that wait for that lock.
    """
    db = getattr(app.state, "db", None)
    if db is not None and db.engine.dialect.name != "sqlite":
        limiter = anyio.to_thread.current_default_thread_limiter()
        limiter.total_tokens = app.state.settings.api_threads
    yield


api_router = APIRouter(responses=_ERRORS, lifespan=_thread_limit)
for _module in (
    health,
    auth,
    users,
    persons,
    intakes,
    cases,
    referrals,
    tasks,
    partners,
    uploads,
    audit,
):
    api_router.include_router(_module.router)
