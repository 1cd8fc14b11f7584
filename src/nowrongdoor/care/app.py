"""The care service's FastAPI application factory.

Nothing is built at import time: :func:`create_app` takes the settings (or a
ready :class:`~nowrongdoor.care.db.Database`) and wires the engine, the API
routers, the error format, the middlewares and - when available - the web pages.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any, TypedDict

from fastapi import FastAPI

from nowrongdoor import __version__
from nowrongdoor.care.api.errors import (
    BodySizeLimit,
    RequestIdMiddleware,
    install_error_handlers,
)
from nowrongdoor.care.api.main import install_api
from nowrongdoor.care.db import Database
from nowrongdoor.care.fhir._call import install_fhir_errors
from nowrongdoor.care.fhir.bulk_routes import router as fhir_bulk_router
from nowrongdoor.care.fhir.clinical_routes import router as fhir_clinical_router
from nowrongdoor.care.fhir.exchange import router as fhir_exchange_router
from nowrongdoor.care.fhir.routes import router as fhir_router
from nowrongdoor.care.hsds_api import router as hsds_router
from nowrongdoor.care.observability import (
    configure_logging,
    install_observability,
    mark_worker_gone,
)
from nowrongdoor.care.oidc import install_oidc
from nowrongdoor.care.security import login_limiter_from_settings
from nowrongdoor.settings import Settings

__all__ = [
    "PLUGIN_GROUP",
    "app_from_environment",
    "create_app",
    "installed_plugins",
]

API_PREFIX = "/api/v1"

#: Entry-point group of app plugins: callables that take the app and add routes.
#: Higher layers (``nowrongdoor.reports``) extend the service this way, so ``care``
#: never imports them.
PLUGIN_GROUP = "nowrongdoor.web"

Plugin = Callable[[FastAPI], None]


def installed_plugins() -> list[Plugin]:
    """The app plugins registered under :data:`PLUGIN_GROUP`, sorted by name."""
    found = sorted(entry_points(group=PLUGIN_GROUP), key=lambda ep: ep.name)
    return [ep.load() for ep in found]


def create_app(
    settings: Settings,
    *,
    database: Database | None = None,
    include_web: bool = True,
    plugins: Sequence[Plugin] | None = None,
) -> FastAPI:
    """Build the care service.

    Args:
        settings: Application settings (database URL, keys, limits).
        database: An existing :class:`Database` to use (tests, benchmarks);
            by default one is built from ``settings`` and disposed on shutdown.
        include_web: Also install the server-rendered pages
            (``nowrongdoor.care.web``) and the app plugins.
        plugins: Callables that add routes to the app (with the pages); by
            default those registered under the ``nowrongdoor.web`` entry-point
            group, e.g. the program reports.

    Returns:
        The FastAPI application. The schema must exist (``nowrongdoor db
        upgrade``).
    """
    db = database if database is not None else Database(settings)
    owns_db = database is None

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        mark_worker_gone(settings)
        if owns_db:
            db.dispose()

    app = FastAPI(
        title="nowrongdoor care",
        version=__version__,
        summary=("Case management and closed-loop referrals: there is no wrong door."),
        openapi_url=f"{API_PREFIX}/openapi.json",
        docs_url=None,
        redoc_url=None,
        lifespan=lifespan,
    )
    _document_settings(app, settings)
    install_api_docs(app)
    app.state.settings = settings
    app.state.db = db
    app.state.login_limiter = login_limiter_from_settings(settings)
    install_error_handlers(app)
    install_fhir_errors(app)
    install_observability(app)
    app.add_middleware(BodySizeLimit, max_bytes=settings.max_request_bytes)
    app.add_middleware(RequestIdMiddleware, hsts_seconds=settings.hsts_seconds)
    if settings.trusted_proxies:
        from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

        # outermost: the scheme and client address are fixed before anything reads
        app.add_middleware(
            ProxyHeadersMiddleware, trusted_hosts=list(settings.trusted_proxies)
        )
    install_api(app, API_PREFIX)
    app.include_router(fhir_router)
    app.include_router(fhir_exchange_router)
    app.include_router(fhir_clinical_router)
    app.include_router(fhir_bulk_router)
    app.include_router(hsds_router)
    if include_web:
        from nowrongdoor.care.web import install_web

        install_web(app)
        install_oidc(app)
        for plugin in installed_plugins() if plugins is None else plugins:
            plugin(app)
    return app


def _document_settings(app: FastAPI, settings: Settings) -> None:
    """State the limits that come from settings in the OpenAPI document.

    The token lifetime's maximum is ``token_max_days``, so clients (and
    schemathesis) see exactly what the service accepts.
    """

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = FastAPI.openapi(app)
            props = schema["components"]["schemas"]["TokenCreate"]["properties"]
            props["days"]["maximum"] = settings.token_max_days
            props["days"]["default"] = min(
                int(props["days"].get("default", 90)), settings.token_max_days
            )
        return app.openapi_schema  # type: ignore[return-value]

    app.openapi = openapi  # type: ignore[method-assign]


#: Swagger UI and ReDoc assets, served from the fastapi-offline package (no CDN).
DOCS_ASSETS = f"{API_PREFIX}/docs-assets"


class _DocsPage(TypedDict):
    """What the Swagger UI and ReDoc pages both show."""

    openapi_url: str
    title: str


def install_api_docs(app: FastAPI) -> None:
    """Serve ``/api/v1/docs`` (Swagger UI) and ``/api/v1/redoc`` from this site.

    The JavaScript, CSS and favicon come from the ``fastapi-offline`` package
    (which ships the Swagger UI and ReDoc distributions), so the API docs work
    on a machine without internet access.

    Args:
        app: The care app.
    """
    import fastapi_offline
    from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
    from fastapi.responses import HTMLResponse
    from fastapi.staticfiles import StaticFiles

    assets = Path(fastapi_offline.__file__).resolve().parent / "static"
    app.mount(DOCS_ASSETS, StaticFiles(directory=assets), name="docs-assets")
    page: _DocsPage = {
        "openapi_url": f"{API_PREFIX}/openapi.json",
        "title": f"{app.title} - API",
    }

    @app.get(f"{API_PREFIX}/docs", include_in_schema=False)
    def swagger_ui() -> HTMLResponse:
        return get_swagger_ui_html(
            **page,
            swagger_js_url=f"{DOCS_ASSETS}/swagger-ui-bundle.js",
            swagger_css_url=f"{DOCS_ASSETS}/swagger-ui.css",
            swagger_favicon_url=f"{DOCS_ASSETS}/favicon.png",
        )

    @app.get(f"{API_PREFIX}/redoc", include_in_schema=False)
    def redoc() -> HTMLResponse:
        return get_redoc_html(
            **page,
            redoc_js_url=f"{DOCS_ASSETS}/redoc.standalone.js",
            redoc_favicon_url=f"{DOCS_ASSETS}/favicon.png",
            with_google_fonts=False,
        )


def app_from_environment(
    config_file: Path | None = None, *, include_web: bool = True
) -> FastAPI:
    """An app from the settings file and ``NOWRONGDOOR_*`` variables (the entry
    point of uvicorn workers).

    ``nowrongdoor serve --workers N`` has each of its N worker processes call
    this factory with the ``--config`` path (``care._worker.WorkerApp``), so the
    workers build the same settings as a single process would: the file, with
    ``NOWRONGDOOR_*`` variables winning. Called without arguments (``uvicorn
    --factory nowrongdoor.care.app:app_from_environment``) it reads the
    variables only.

    Args:
        config_file: The TOML settings file given to ``--config``, if any.
        include_web: Also serve the web pages (``serve --no-web``: False).
    """
    from nowrongdoor.settings import build_settings

    settings = build_settings(config_file=config_file)
    configure_logging(settings)
    return create_app(settings, include_web=include_web)
