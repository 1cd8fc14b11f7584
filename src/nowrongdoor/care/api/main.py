"""The ``/api/v1`` routes: one router per resource, installed flat on the app."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import anyio.to_thread
from fastapi import APIRouter, FastAPI
from fastapi.routing import APIRoute

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

__all__ = ["install_api"]

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


#: The resource routers, in the order of the OpenAPI document.
_RESOURCES: tuple[APIRouter, ...] = (
    health.router,
    auth.router,
    users.router,
    persons.router,
    intakes.router,
    cases.router,
    referrals.router,
    tasks.router,
    partners.router,
    uploads.router,
    audit.router,
)


def install_api(app: FastAPI, prefix: str) -> None:
    """Add every route of the resource routers to ``app`` under ``prefix``, flat.

    Including the routers (``include_router``) would keep them nested: FastAPI
    then matches a request against each level again (the app's routes, the API
    router, the resource router, and once more to handle it), about three
    passes over the routes per request. Added one by one, each route is matched
    once. Each keeps what including it would give: its path under the prefix,
    the shared error responses before its own, its tags, models and names (the
    OpenAPI document is unchanged; ``tests/care/api/test_openapi_snapshot.py``).
    The API's lifespan (:func:`_thread_limit`) is merged into the app's by
    including a route-less router that carries it.
    """
    for router in _RESOURCES:
        for route in router.routes:
            if not isinstance(route, APIRoute):
                raise TypeError(f"{route!r} is not an API route")
            app.router.add_api_route(
                prefix + route.path,
                route.endpoint,
                response_model=route.response_model,
                status_code=route.status_code,
                tags=route.tags,
                dependencies=route.dependencies,
                summary=route.summary,
                description=route.description,
                response_description=route.response_description,
                responses={**_ERRORS, **route.responses},
                deprecated=route.deprecated,
                methods=route.methods,
                operation_id=route.operation_id,
                response_model_include=route.response_model_include,
                response_model_exclude=route.response_model_exclude,
                response_model_by_alias=route.response_model_by_alias,
                response_model_exclude_unset=route.response_model_exclude_unset,
                response_model_exclude_defaults=route.response_model_exclude_defaults,
                response_model_exclude_none=route.response_model_exclude_none,
                include_in_schema=route.include_in_schema,
                response_class=route.response_class,
                name=route.name,
                callbacks=route.callbacks,
                openapi_extra=route.openapi_extra,
                generate_unique_id_function=route.generate_unique_id_function,
            )
    app.include_router(APIRouter(lifespan=_thread_limit))
