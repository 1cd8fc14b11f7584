"""What every ``/fhir`` router shares (private): its route class and router,
the authenticated call (caller, session, audit trail), the answers (FHIR JSON,
OperationOutcome, a searchset page) and the search page parameters.

The routers themselves (:mod:`.routes`, :mod:`.clinical_routes`,
:mod:`.bulk_routes`, :mod:`.exchange`) hold only their endpoints.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Coroutine, Mapping
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Depends, FastAPI, Query, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute, iter_route_contexts
from sqlalchemy.orm import Session
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import compile_path
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from nowrongdoor.care.api.deps import AuditDep, Auditor, SessionDep
from nowrongdoor.care.errors import ApiError, BadRequest, NotFound
from nowrongdoor.care.fhir._elements import (
    elements_type,
    subset_answer,
    wanted_elements,
)
from nowrongdoor.care.fhir._format import FHIR_JSON, Wanted, dress, wanted_format
from nowrongdoor.care.fhir.clients import resolve_client_token
from nowrongdoor.care.fhir.resources import as_json, operation_outcome, searchset
from nowrongdoor.care.models import Referral, User
from nowrongdoor.care.security import resolve_bearer
from nowrongdoor.errors import first_error

__all__ = [
    "FHIR_JSON",
    "FhirAudit",
    "FhirCall",
    "FhirCallDep",
    "FhirRoute",
    "FhirUser",
    "MAX_COUNT",
    "SearchPage",
    "SearchPageDep",
    "base_url",
    "fhir_answer",
    "fhir_call",
    "fhir_router",
    "fhir_user",
    "handling",
    "install_fhir_errors",
    "numeric_id",
    "outcome",
    "search_answer",
    "search_page",
]

_ISSUE = {
    400: "invalid",
    401: "login",
    403: "forbidden",
    404: "not-found",
    405: "not-supported",
    406: "not-supported",
    409: "conflict",
    412: "conflict",
    413: "too-costly",
    415: "not-supported",
    422: "processing",
    429: "throttled",
}


def outcome(status: int, message: str, headers: dict[str, str] | None = None) -> Any:
    """An error answer: an OperationOutcome with the issue code of ``status``."""
    body = as_json(operation_outcome(_ISSUE.get(status, "exception"), message))
    return JSONResponse(body, status_code=status, media_type=FHIR_JSON, headers=headers)


def _is_fhir(path: str) -> bool:
    return path == "/fhir" or path.startswith("/fhir/")


class _FhirHead:
    """``HEAD`` on a ``/fhir`` URL is its ``GET`` without the content (RFC 9110
    section 9.3.2: same status and header fields): the status, ``ETag`` and
    ``Content-Length`` a client checks before it reads or updates."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            return await self.app(scope, receive, send)
        if not _is_fhir(scope["path"]):
            return await self.app(scope, receive, send)

        async def headless(message: Message) -> None:
            if message["type"] == "http.response.body":
                message = {**message, "body": b""}
            await send(message)

        await self.app({**scope, "method": "GET"}, receive, headless)


def _allowed_methods(request: Request) -> list[str]:
    """Every method some route takes at the request's path (RFC 9110 section
    15.5.6: a 405's ``Allow`` lists them all, not the first route's), with
    ``HEAD`` wherever ``GET`` is (:class:`_FhirHead`)."""
    methods: set[str] = set()
    for route in iter_route_contexts(request.app.routes):
        path, takes = getattr(route, "path", None), getattr(route, "methods", None)
        if path and takes and compile_path(str(path))[0].match(request.url.path):
            methods |= set(takes)
    if "GET" in methods:
        methods.add("HEAD")
    return sorted(methods)


def install_fhir_errors(app: FastAPI) -> None:
    """What no ``/fhir`` route answered - an unknown resource type or id, a
    method a resource does not take - comes out as an OperationOutcome too, as
    a FHIR client reads every error (FHIR R4 http.html: "the server SHOULD
    return an OperationOutcome"); elsewhere the app's handler answers. ``HEAD``
    on a ``/fhir`` URL answers as its ``GET`` without the content.
    """
    app.add_middleware(_FhirHead)
    base = app.exception_handlers[StarletteHTTPException]

    async def _http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StarletteHTTPException)
        if _is_fhir(request.url.path):
            headers = dict(exc.headers) if exc.headers else {}
            message = str(exc.detail)
            if exc.status_code == 405:
                allowed = _allowed_methods(request)
                headers["Allow"] = ", ".join(allowed)
                message = (
                    f"{message}: {request.method} is not supported on "
                    f"{request.url.path}; "
                    f"it takes {', '.join(allowed)}"
                )
            elif exc.status_code == 404 and "/_history" in request.url.path:
                message = (
                    "no version history is kept (no history or vread): read the "
                    "resource; its meta.versionId and ETag name the current version"
                )
            return outcome(exc.status_code, message, headers or None)
        answer = base(request, exc)
        done: Response = await answer if inspect.isawaitable(answer) else answer
        return done

    app.add_exception_handler(StarletteHTTPException, _http_error)


#: Routes whose answers are not FHIR resources, so not negotiated: the OAuth2
#: token endpoint (RFC 6749 JSON) and a bulk export's NDJSON files.
_NOT_NEGOTIATED = ("/fhir/auth/token", "/fhir/$export-file/{key}/{name}")


def _query_names(dependant: Any) -> set[str]:
    """The query parameters a route takes (its own and its dependencies')."""
    names = {str(p.alias) for p in dependant.query_params}
    for sub in dependant.dependencies:
        names |= _query_names(sub)
    return names


def handling(request: Request) -> str | None:
    """The ``Prefer: handling=`` the caller asked for (FHIR R4
    search.html#errors: ``strict`` or ``lenient``), ``None`` when it asked
    for neither."""
    prefer = request.headers.get("prefer", "").replace(" ", "").lower()
    for token in prefer.replace(";", ",").split(","):
        if token in ("handling=strict", "handling=lenient"):
            return token.partition("=")[2]
    return None


def _strictly_unknown(request: Request, known: set[str]) -> str | None:
    """Why a request is refused under ``Prefer: handling=strict`` (FHIR R4
    search.html#errors: a server SHOULD ignore a parameter it does not take,
    and the ``self`` link shows what it applied, unless the client asks for
    strict handling); ``None`` when it is not refused."""
    if handling(request) != "strict":
        return None
    unknown = sorted(set(request.query_params) - known)
    if not unknown:
        return None
    takes = ", ".join(sorted(known))
    return (
        f"parameter {', '.join(unknown)} is not taken here (Prefer: "
        f"handling=strict); this URL takes: {takes}"
    )


class FhirRoute(APIRoute):
    """A route whose errors come out as OperationOutcome, in the format the
    caller asked for (:mod:`._format`: 406 when it accepts no JSON); a read or
    search answers ``_elements`` (:mod:`._elements`)."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        """Wrap FastAPI's handler: negotiate the format, turn errors into
        OperationOutcome."""
        handler = super().get_route_handler()
        negotiated = self.path not in _NOT_NEGOTIATED
        known = _query_names(self.dependant) | {"_format", "_pretty"}
        subsettable = elements_type(self.path, set(self.methods or ()))
        if subsettable:
            known.add("_elements")

        async def answer(request: Request) -> Response:
            try:
                return await handler(request)
            except ApiError as exc:
                headers = {"WWW-Authenticate": "Bearer"} if exc.status == 401 else None
                return outcome(exc.status, exc.message, headers)
            except RequestValidationError as exc:
                where, message = first_error(exc) if exc.errors() else ("", "invalid")
                return outcome(400, f"{where}: {message}")
            except StarletteHTTPException as exc:
                return outcome(exc.status_code, str(exc.detail))

        async def wrapped(request: Request) -> Response:
            if not negotiated:
                return await answer(request)
            unknown = _strictly_unknown(request, known)
            if unknown:
                return outcome(400, unknown)
            try:
                wanted: Wanted = wanted_format(request)
                names = None
                if subsettable:  # checked before the call is made and audited
                    lenient = handling(request) == "lenient"
                    names = wanted_elements(request, subsettable, lenient=lenient)
            except ApiError as exc:
                return outcome(exc.status, exc.message)
            response = await answer(request)
            if subsettable and names is not None:
                response = subset_answer(response, subsettable, names)
            return dress(response, wanted)

        return wrapped


def fhir_router() -> APIRouter:
    """A router of ``/fhir`` routes (errors as OperationOutcome).

    Not in the /api/v1 OpenAPI document: the FHIR API's contract is its
    CapabilityStatement (``/fhir/metadata``) and docs/interop.md.
    """
    return APIRouter(
        prefix="/fhir", route_class=FhirRoute, tags=["fhir"], include_in_schema=False
    )


def fhir_answer(
    body: dict[str, Any], status: int = 200, **headers: str
) -> JSONResponse:
    """``body`` (a resource as JSON-ready data) as the answer, in FHIR JSON."""
    return JSONResponse(body, status_code=status, media_type=FHIR_JSON, headers=headers)


def base_url(request: Request) -> str:
    """The FHIR base of this server as the caller reached it (``.../fhir``)."""
    return str(request.base_url).rstrip("/") + "/fhir"


def numeric_id(raw: str, resource_type: str) -> int:
    """The row id a resource id in the URL names; 404 unless it is one.

    Raises:
        NotFound: ``raw`` is not a number of at most nine digits.
    """
    if not raw.isdigit() or len(raw) > 9:
        raise NotFound(f"{resource_type}/{raw} is not known")
    return int(raw)


# --- the caller -------------------------------------------------------------------


def fhir_user(request: Request, session: SessionDep) -> User:
    """The caller: a partner system's client token, or a staff API token."""
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise ApiError(
            "send 'Authorization: Bearer <token>' (get one from POST /fhir/auth/token)",
            status=401,
            code="unauthorized",
        )
    client = resolve_client_token(session, token.strip())
    if client is not None:
        user = client.user
        request.state.fhir_client = client.client_id
    else:
        identity = resolve_bearer(session, token.strip())
        if identity is None:
            raise ApiError(
                "the bearer token is invalid, expired or revoked",
                status=401,
                code="unauthorized",
            )
        user = identity.user
        request.state.fhir_client = None
    request.state.user = user
    return user


FhirUser = Annotated[User, Depends(fhir_user)]


@dataclass(frozen=True)
class FhirAudit:
    """The FHIR API's audit trail: ``fhir:<action>`` with the calling client's id.

    Attributes:
        auditor: The request's unit of work (records the event, commits).
        client: The partner system's client id (``None`` for a staff token).
    """

    auditor: Auditor
    client: str | None

    def commit(self, action: str, **kw: Any) -> None:
        """Record ``fhir:<action>`` (``detail`` after the client id) and commit."""
        detail = kw.pop("detail", None)
        who = f"client={self.client}" if self.client else None
        parts = [p for p in (who, detail) if p]
        self.auditor.commit(f"fhir:{action}", detail="; ".join(parts) or None, **kw)

    def commit_on(
        self, action: str, referral: Referral, detail: str | None = None
    ) -> None:
        """Audit a call on one referral (its Task or ServiceRequest), and commit."""
        self.commit(action, resource_type="referral", resource_id=referral.id,
                    person_id=referral.person_id, detail=detail)  # fmt: skip


@dataclass(frozen=True)
class FhirCall:
    """One authenticated FHIR call: its request, session, caller and audit trail.

    Attributes:
        request: The HTTP request.
        session: The request's database session.
        viewer: The calling user (a partner system's or a staff API token's).
        audit: Records the call's audit event and commits.
    """

    request: Request
    session: Session
    viewer: User
    audit: FhirAudit


def fhir_call(
    request: Request, session: SessionDep, auditor: AuditDep, viewer: FhirUser
) -> FhirCall:
    """The authenticated call's context (a FastAPI dependency)."""
    client = getattr(request.state, "fhir_client", None)
    return FhirCall(request, session, viewer, FhirAudit(auditor, client))


FhirCallDep = Annotated[FhirCall, Depends(fhir_call)]


# --- searches ---------------------------------------------------------------------

#: The largest page: a larger ``_count`` is served this many (FHIR R4
#: search.html#count: the server may return fewer than asked, never more).
MAX_COUNT = 200
Count = Annotated[int, Query(alias="_count", ge=1, le=2_000_000_000)]
Offset = Annotated[int, Query(alias="_offset", ge=0, le=10_000_000)]
Summary = Annotated[str | None, Query(alias="_summary", max_length=20)]
#: ``_summary`` values (FHIR R4 search.html#summary). ``count`` answers the
#: total only; ``true``, ``text``, ``data`` and ``false`` are taken and the
#: whole resources returned (our resources carry no narrative and no element
#: we would leave out of a summary to spare).
_SUMMARIES = ("true", "text", "data", "count", "false")


@dataclass(frozen=True)
class SearchPage:
    """Which results of a search one Bundle holds.

    Attributes:
        count: ``_count``, results a page (at most :data:`MAX_COUNT`).
        offset: ``_offset``, results skipped.
        count_only: ``_summary=count``: the total, no entries.
    """

    count: int
    offset: int
    count_only: bool = False


def search_page(
    count: Count = 50, offset: Offset = 0, summary: Summary = None
) -> SearchPage:
    """``_count``, ``_offset`` and ``_summary`` from the query string (a
    dependency).

    Raises:
        BadRequest: a ``_summary`` value FHIR does not define.
    """
    if summary is not None and summary not in _SUMMARIES:
        raise BadRequest(f"_summary={summary!r} is not one of {', '.join(_SUMMARIES)}")
    return SearchPage(min(count, MAX_COUNT), offset, summary == "count")


#: The page every search takes.
SearchPageDep = Annotated[SearchPage, Depends(search_page)]


def search_answer(
    call: FhirCall,
    resource_type: str,
    resources: list[Any],
    *,
    total: int,
    query: Mapping[str, str | list[str]],
    page: SearchPage,
    included: list[Any] | None = None,
) -> JSONResponse:
    """One page of a search as the answer: a searchset Bundle of ``resources``
    (JSON-ready, out of ``total`` found) and the ``included`` resources
    (``_include``/``_revinclude``), its paging links carrying ``query``;
    audited as ``search <resource_type>`` with the number of results (and of
    included resources), and committed."""
    included = included or []
    if page.count_only:
        resources, included = [], []
        query = {**query, "_summary": "count"}
    bundle = searchset(
        base_url(call.request), resource_type, resources, total=total, query=query,
        count=page.count, offset=page.offset, included=included,
    )  # fmt: skip
    if page.count_only:  # no pages to walk: a next link would loop on nothing
        bundle.link = [link for link in bundle.link or [] if link.relation == "self"]
    detail = f"{len(resources)} results"
    if included:
        detail += f", {len(included)} included"
    call.audit.commit(f"search {resource_type}", detail=detail)
    return fhir_answer(as_json(bundle))
