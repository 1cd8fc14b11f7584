"""One error format for every failure, and the request-level middlewares.

Every error response is ``{"error": {"code", "message", "field"}}``. Validation
errors name the field (``body.pathway``, ``query.limit``); malformed JSON,
oversized bodies, unknown routes and database conflicts become 4xx in the same
format; a database whose connections are all busy answers 503 with
``Retry-After``; anything unexpected is a 500 with no internal detail.
"""

from __future__ import annotations

import logging
import re
import uuid
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DataError, IntegrityError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from nowrongdoor.care.errors import ApiError

__all__ = [
    "BUSY_RETRY_AFTER",
    "BodySizeLimit",
    "RequestIdMiddleware",
    "error_body",
    "install_error_handlers",
]

log = logging.getLogger("nowrongdoor.care")
_RID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "validation_error",
    423: "account_locked",
    429: "too_many_requests",
}
#: Seconds a client is asked to wait (``Retry-After``) when every database
#: connection is busy.
BUSY_RETRY_AFTER = 2


def error_body(code: str, message: str, field: str | None = None) -> dict[str, Any]:
    """The error document."""
    return {"error": {"code": code, "message": message, "field": field}}


def _field(loc: Any) -> str | None:
    parts = [str(p) for p in loc]
    return ".".join(parts) if parts else None


async def _api_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ApiError)
    headers = {"WWW-Authenticate": "Bearer"} if exc.status == 401 else None
    return JSONResponse(
        error_body(exc.code, exc.message, exc.field), exc.status, headers=headers
    )


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = exc.errors()
    first = errors[0] if errors else {"loc": (), "msg": "invalid request"}
    kind = str(first.get("type", ""))
    if kind == "json_invalid":
        return JSONResponse(
            error_body("malformed_json", "the request body is not valid JSON", "body"),
            400,
        )
    field = _field(first.get("loc", ()))
    message = str(first.get("msg", "invalid value"))
    if len(errors) > 1:
        message += f" (and {len(errors) - 1} more problem(s))"
    return JSONResponse(
        error_body("validation_error", f"{field}: {message}", field), 422
    )


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    if getattr(request.state, "body_too_large", False):
        return JSONResponse(
            error_body(
                "payload_too_large", "the request body is larger than allowed", "body"
            ),
            413,
        )
    code = _CODES.get(exc.status_code, "error")
    return JSONResponse(
        error_body(code, str(exc.detail)),
        exc.status_code,
        headers=getattr(exc, "headers", None),
    )


async def _integrity_error(request: Request, exc: Exception) -> JSONResponse:
    return JSONResponse(
        error_body(
            "conflict", "the change conflicts with existing data (duplicate or link)"
        ),
        409,
    )


async def _data_error(request: Request, exc: Exception) -> JSONResponse:
    return JSONResponse(
        error_body(
            "validation_error", "a value is too long or of the wrong kind for storage"
        ),
        422,
    )


async def _busy(request: Request, exc: Exception) -> JSONResponse:
    # every pooled connection stayed busy for Settings.database_pool_timeout
    log.warning(
        "database connection pool exhausted in %s %s (request %s)",
        request.method,
        request.url.path,
        getattr(request.state, "request_id", "-"),
    )
    return JSONResponse(
        error_body(
            "service_busy",
            f"the service is busy; try again in {BUSY_RETRY_AFTER} seconds",
        ),
        503,
        headers={"Retry-After": str(BUSY_RETRY_AFTER)},
    )


async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    log.error(
        "unhandled error %s in %s %s (request %s)",
        type(exc).__name__,
        request.method,
        request.url.path,
        getattr(request.state, "request_id", "-"),
    )
    return JSONResponse(
        error_body("internal_error", "something went wrong; the change was not saved"),
        500,
    )


def install_error_handlers(app: FastAPI) -> None:
    """Register the handlers that produce the one error format."""
    app.add_exception_handler(ApiError, _api_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(IntegrityError, _integrity_error)
    app.add_exception_handler(DataError, _data_error)
    app.add_exception_handler(PoolTimeout, _busy)
    # sqlite3 refuses integers beyond 64 bits before SQLAlchemy sees them
    app.add_exception_handler(OverflowError, _data_error)
    app.add_exception_handler(Exception, _unexpected)


class RequestIdMiddleware:
    """Give each request an id (``X-Request-ID``) and add security headers.

    ``Strict-Transport-Security`` is added when the request came over HTTPS:
    directly, or through a trusted proxy that said so (``X-Forwarded-Proto``,
    applied to the scope by uvicorn's ``ProxyHeadersMiddleware`` for the
    addresses in ``Settings.trusted_proxies`` only).
    """

    def __init__(self, app: ASGIApp, hsts_seconds: int = 0) -> None:
        self.app = app
        self.hsts = (
            f"max-age={hsts_seconds}; includeSubDomains".encode("ascii")
            if hsts_seconds
            else b""
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = ""
        for key, value in scope.get("headers", []):
            if key == b"x-request-id":
                given = value.decode("latin-1")
                break
        rid = given if _RID.match(given) else uuid.uuid4().hex
        scope.setdefault("state", {})["request_id"] = rid

        async def _send(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers += [
                    (b"x-request-id", rid.encode("latin-1")),
                    (b"x-content-type-options", b"nosniff"),
                    (b"referrer-policy", b"no-referrer"),
                    (b"x-frame-options", b"DENY"),
                    (b"cache-control", b"no-store"),
                ]
                if self.hsts and scope.get("scheme") == "https":
                    headers.append((b"strict-transport-security", self.hsts))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, _send)


class _TooLarge(Exception):
    pass


class BodySizeLimit:
    """Refuse request bodies over ``max_bytes`` with 413 (declared or streamed)."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def _reject(self, scope: Scope, send: Send) -> None:
        """Answer 413: the API's JSON error, or a short HTML page when a
        browser sent it (a form or an upload on a page asks for HTML)."""
        import json

        accept = dict(scope.get("headers", [])).get(b"accept", b"")
        if b"text/html" in accept:
            limit = f"{self.max_bytes / 1_000_000:g} MB"
            body = (
                '<!doctype html><html lang="en"><meta charset="utf-8">'
                "<title>Too large - nowrongdoor</title><main><h1>Too large</h1>"
                f"<p>What was sent is larger than allowed (at most {limit}). "
                "Nothing was saved; go back and send less, or a smaller file.</p>"
                "</main></html>"
            ).encode()
            kind = b"text/html; charset=utf-8"
        else:
            body = json.dumps(
                error_body(
                    "payload_too_large",
                    f"the request body is larger than {self.max_bytes} bytes",
                    "body",
                )
            ).encode()
            kind = b"application/json"
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [
                    (b"content-type", kind),
                    (b"content-length", str(len(body)).encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for key, value in scope.get("headers", []):
            if key == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    declared = 0
                if declared > self.max_bytes:
                    await self._reject(scope, send)
                    return
        seen = 0
        started = False

        async def _receive() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:
                    scope.setdefault("state", {})["body_too_large"] = True
                    raise _TooLarge
            return message

        async def _send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, _receive, _send)
        except _TooLarge:
            if not started:
                await self._reject(scope, send)
