"""What operations sees of the care service: probes, JSON logs and metrics.

* ``/healthz`` answers while the process serves requests; ``/readyz`` also
  checks that the database answers and its schema is at the code's migration
  head (503 otherwise), so a load balancer only sends traffic to ready workers.
* :class:`JsonFormatter` writes one JSON object per log line with the request
  id, the user id and the route *template* (``/api/v1/persons/{person_id}``),
  never the raw path or query string (a search may carry a name), never SQL
  parameters or exception messages (they can carry person data).
* Prometheus metrics at ``/metrics`` (prometheus-client): request latency by
  route template, connections checked out of the database pool, audit append
  time and failed logins. With several workers, ``nowrongdoor serve`` points
  prometheus-client's multiprocess mode at ``settings.metrics_dir`` and the
  endpoint merges every worker's files. The endpoint answers only to addresses
  in ``settings.metrics_allow`` or to ``Authorization: Bearer <metrics_token>``.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import hmac
import ipaddress
import json
import logging
import os
import sys
import time
import traceback
from functools import lru_cache
from typing import IO, Any

from fastapi import FastAPI, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, Response
from sqlalchemy import event, text
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from nowrongdoor.settings import Settings

__all__ = [
    "JsonFormatter",
    "MetricsMiddleware",
    "configure_logging",
    "install_observability",
    "mark_worker_gone",
    "metrics_text",
    "observe_audit_append",
    "readiness",
]

ACCESS_LOG = logging.getLogger("nowrongdoor.access")

#: The ASGI scope of the request being served (read by the log formatter).
_SCOPE: contextvars.ContextVar[Scope | None] = contextvars.ContextVar(
    "nowrongdoor_request_scope", default=None
)

#: Routes whose failed POSTs are failed sign-ins (API and web page).
LOGIN_ROUTES = frozenset({"/api/v1/auth/login", "/login", "/login/oidc/callback"})
_LOGIN_FAILURE = {
    401: "invalid_credentials",
    423: "account_locked",
    429: "rate_limited",
    403: "refused",
}

#: Loggers held at WARNING: below it they print SQL parameters or full URLs.
_QUIET = ("sqlalchemy", "httpx", "httpcore")

#: Extra ``LogRecord`` attributes copied into the JSON line (all non-personal).
_EXTRA_KEYS = ("method", "status", "duration_ms", "event", "outcome", "count")


# --- logging ------------------------------------------------------------------


def _route_of(scope: Scope) -> str | None:
    """The matched route's template with the prefixes of the routers above it.

    The route in the scope knows only its own part (``/persons/{person_id}``);
    the prefix is the part of the request path before the suffix it matched.
    """
    route = scope.get("route")
    template = getattr(route, "path_format", None) or getattr(route, "path", None)
    regex = getattr(route, "path_regex", None)
    if not isinstance(template, str):
        return None
    path = scope.get("path", "")
    root = scope.get("root_path", "")
    if root and path.startswith(root):
        path = path[len(root) :]
    if regex is None or regex.match(path):
        return template
    for at in range(1, len(path)):
        if path[at] == "/" and regex.match(path[at:]):
            return path[:at] + template
    return template


def _user_id_of(scope: Scope) -> int | None:
    state = scope.get("state") or {}
    user = state.get("user") if isinstance(state, dict) else None
    uid = getattr(user, "id", None)
    return uid if isinstance(uid, int) else None


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, request context.

    Exceptions are reduced to their class and stack frames: their messages can
    quote SQL parameters, that is person data.
    """

    def format(self, record: logging.LogRecord) -> str:
        """Render ``record`` as a JSON line."""
        line: dict[str, Any] = {
            "ts": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        scope = _SCOPE.get()
        if scope is not None:
            state = scope.get("state") or {}
            line["request_id"] = state.get("request_id")
            line["user_id"] = _user_id_of(scope)
            line["route"] = _route_of(scope)
        for key in _EXTRA_KEYS:
            if hasattr(record, key):
                line[key] = getattr(record, key)
        if record.exc_info and record.exc_info[0] is not None:
            line["exc_type"] = record.exc_info[0].__name__
            line["stack"] = "".join(traceback.format_tb(record.exc_info[2]))
        return json.dumps(line, default=str)


def configure_logging(settings: Settings, stream: IO[str] | None = None) -> None:
    """Send every log record to ``stream`` (stderr) as JSON lines.

    Replaces the root logger's handlers and makes uvicorn's loggers propagate
    to it, so a worker writes one format only. SQLAlchemy's loggers stay at
    WARNING whatever the level (so do httpx's, which print full URLs).

    Args:
        settings: ``log_level`` is applied to the root logger.
        stream: Where the lines go (a test passes a buffer).
    """
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(settings.log_level)
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        logger = logging.getLogger(name)
        logger.handlers.clear()
        logger.propagate = True
    # At INFO, SQLAlchemy logs statements with their parameters and httpx logs
    # full URLs with query strings (a FHIR search carries a name): never wanted.
    for name in _QUIET:
        logging.getLogger(name).setLevel(logging.WARNING)


# --- metrics ------------------------------------------------------------------


class _Metrics:
    """The service's metrics, created once per process."""

    def __init__(self) -> None:
        from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

        self.registry = CollectorRegistry(auto_describe=True)
        self.latency = Histogram(
            "nowrongdoor_http_request_duration_seconds",
            "Time to answer a request, by route template.",
            ["method", "route", "status"],
            registry=self.registry,
            buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
        )
        self.pool_in_use = Gauge(
            "nowrongdoor_db_pool_connections_in_use",
            "Database connections checked out of the pool.",
            registry=self.registry,
            multiprocess_mode="livesum",
        )
        self.pool_size = Gauge(
            "nowrongdoor_db_pool_size",
            "Configured size of the database connection pool.",
            registry=self.registry,
            multiprocess_mode="livesum",
        )
        self.audit_append = Histogram(
            "nowrongdoor_audit_append_seconds",
            "Time to append one event to the audit chain.",
            registry=self.registry,
            buckets=(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5),
        )
        self.login_failures = Counter(
            "nowrongdoor_login_failures",
            "Failed sign-ins, by reason.",
            ["reason"],
            registry=self.registry,
        )


@lru_cache(maxsize=1)
def _metrics() -> _Metrics:
    return _Metrics()


def observe_audit_append(seconds: float) -> None:
    """Record the time one audit append took."""
    _metrics().audit_append.observe(seconds)


def _watch_pool(engine: Any) -> None:
    """Count checked-out connections of ``engine``'s pool (once per engine)."""
    if getattr(engine, "_nowrongdoor_watched", False):
        return
    engine._nowrongdoor_watched = True
    metrics = _metrics()
    size = getattr(engine.pool, "size", None)
    if callable(size):
        metrics.pool_size.inc(size())

    @event.listens_for(engine, "checkout")
    def _checkout(*_args: Any) -> None:
        metrics.pool_in_use.inc()

    @event.listens_for(engine, "checkin")
    def _checkin(*_args: Any) -> None:
        metrics.pool_in_use.dec()


def metrics_text(settings: Settings) -> tuple[bytes, str]:
    """The metrics exposition and its content type.

    With ``settings.metrics_dir`` set (several workers), every worker's files
    in that directory are merged; otherwise this process's registry is used.
    """
    from prometheus_client import (
        CONTENT_TYPE_LATEST,
        CollectorRegistry,
        generate_latest,
    )
    from prometheus_client.multiprocess import MultiProcessCollector

    if settings.metrics_dir is not None:
        registry = CollectorRegistry()
        MultiProcessCollector(registry, path=str(settings.metrics_dir))
    else:
        registry = _metrics().registry
    return generate_latest(registry), CONTENT_TYPE_LATEST


def _may_scrape(request: Request, settings: Settings) -> bool:
    token = settings.metrics_token
    if token is not None:
        given = request.headers.get("authorization", "")
        expected = f"Bearer {token.get_secret_value()}"
        if hmac.compare_digest(given.encode(), expected.encode()):
            return True
    host = request.client.host if request.client else ""
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return any(
        address in ipaddress.ip_network(net, strict=False)
        for net in settings.metrics_allow
    )


class MetricsMiddleware:
    """Time each request by route template, count failed sign-ins, log access.

    The access line carries method, route template, status and duration; the
    formatter adds request and user ids. Install it inside the request-id
    middleware so the id is known.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        metrics = _metrics()
        token = _SCOPE.set(scope)
        started = time.perf_counter()
        status = 500

        async def _send(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, _send)
        finally:
            seconds = time.perf_counter() - started
            route = _route_of(scope) or "unmatched"
            method = scope.get("method", "")
            metrics.latency.labels(method, route, str(status)).observe(seconds)
            if route in LOGIN_ROUTES and method != "HEAD" and status in _LOGIN_FAILURE:
                metrics.login_failures.labels(_LOGIN_FAILURE[status]).inc()
            ACCESS_LOG.info(
                "%s %s %s",
                method,
                route,
                status,
                extra={
                    "method": method,
                    "status": status,
                    "duration_ms": round(seconds * 1000, 2),
                },
            )
            _SCOPE.reset(token)


# --- probes and routes --------------------------------------------------------


@lru_cache(maxsize=1)
def _code_heads() -> frozenset[str]:
    from alembic.script import ScriptDirectory

    from nowrongdoor.care.migrate import MIGRATIONS_DIR

    return frozenset(ScriptDirectory(str(MIGRATIONS_DIR)).get_heads())


def readiness(engine: Any) -> str | None:
    """Why the service is not ready (``None`` when it is).

    Args:
        engine: The care database engine.

    Returns:
        ``None``, or one sentence: the database does not answer, or its schema
        is not at the code's migration head.
    """
    from alembic.runtime.migration import MigrationContext

    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
            current = set(MigrationContext.configure(conn).get_current_heads())
    except Exception as exc:  # any driver error means "not ready"
        return f"database unreachable ({type(exc).__name__})"
    heads = _code_heads()
    if current != heads:
        have = ", ".join(sorted(current)) or "empty"
        return f"schema at {have}, code expects {', '.join(sorted(heads))}"
    return None


def install_observability(app: FastAPI) -> None:
    """Add ``/healthz``, ``/readyz``, ``/metrics`` and the metrics middleware.

    ``app.state.settings`` and ``app.state.db`` must be set.
    """
    settings: Settings = app.state.settings
    _watch_pool(app.state.db.engine)
    app.add_middleware(MetricsMiddleware)

    @app.get("/healthz", include_in_schema=False)
    async def healthz() -> JSONResponse:
        return JSONResponse({"status": "ok"})

    @app.get("/readyz", include_in_schema=False)
    async def readyz(request: Request) -> JSONResponse:
        problem = await run_in_threadpool(readiness, request.app.state.db.engine)
        if problem is not None:
            return JSONResponse({"status": "unavailable", "reason": problem}, 503)
        return JSONResponse({"status": "ready"})

    @app.get("/metrics", include_in_schema=False)
    async def metrics(request: Request) -> Response:
        if not _may_scrape(request, settings):
            return JSONResponse(
                {
                    "error": {
                        "code": "forbidden",
                        "message": "metrics are served to allowed addresses or "
                        "with the metrics token",
                        "field": None,
                    }
                },
                403,
            )
        body, content_type = await run_in_threadpool(metrics_text, settings)
        return Response(body, media_type=content_type)


def mark_worker_gone(settings: Settings) -> None:
    """Drop this worker's live gauges from the shared metrics directory."""
    if settings.metrics_dir is not None:
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(os.getpid(), str(settings.metrics_dir))
