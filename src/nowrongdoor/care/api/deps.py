"""FastAPI dependencies shared by the API and the web pages.

An API route takes one request context, named by the permission it needs
(:mod:`nowrongdoor.care.api.perms`), and its own parameters::

    @router.get("/cases/{case_id}")
    def read_case(case_id: IdPath, ctx: CaseRead) -> CasePublic: ...

- :class:`RouteCtx` (from :func:`require_permission` / :func:`signed_in`): the
  signed-in user, the request's session and unit of work (``ctx.audit``), the
  settings and the cipher.
- :data:`SessionDep`: a database session per request. Routes and pages never
  commit it themselves: :meth:`Auditor.commit` ends the unit of work (the audit
  event and the change together); an error rolls back here, in one place, and
  for a signed-in user appends a ``denied``/``failure`` audit event.
- :data:`CurrentIdentity` / :data:`CurrentUser`: the signed-in user from the
  session cookie (CSRF-checked on unsafe methods) or a bearer token; 401 if none.
- :data:`OptionalIdentity`: the same, or ``None`` (for pages that redirect).
- :data:`AuditDep`: the request's unit of work: records audit events in the
  request's transaction and commits it with them.
- :data:`SettingsDep`: the app's settings for the routes nobody is signed in to
  (it, the session and :class:`RouteCtx`, which also gives the cipher, are the
  only readers of ``app.state``).
- :func:`require_permission`: a dependency that checks the role table.
- :func:`login_allowed`, :func:`sign_in`, :func:`set_sign_in_cookie`: the one
  way the API's login route and the login page check the per-address limit,
  sign a user in (audited either way) and set a cookie of signing in.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from dataclasses import dataclass
from typing import Annotated, Any, Literal, TypedDict, TypeVar, Unpack

import anyio
from fastapi import Depends, Path, Query, Request, Response
from sqlalchemy.orm import Session

from nowrongdoor.care import crud
from nowrongdoor.care.audit import AuditEntry, append_event
from nowrongdoor.care.crypto import Cipher
from nowrongdoor.care.db import Database
from nowrongdoor.care.errors import ApiError, Forbidden, Unauthorized
from nowrongdoor.care.models import Person, User, UserSession
from nowrongdoor.care.rbac import require
from nowrongdoor.care.schemas._common import MAX_ID, MAX_OFFSET, PageOf
from nowrongdoor.care.security import (
    CSRF_FORM_FIELD,
    CSRF_HEADER,
    SESSION_COOKIE,
    Identity,
    authenticate,
    create_session,
    csrf_matches,
    resolve_bearer,
    resolve_session,
)
from nowrongdoor.settings import Settings

__all__ = [
    "AuditDep",
    "Auditor",
    "CurrentIdentity",
    "CurrentUser",
    "IdPath",
    "IdQuery",
    "OptionalIdentity",
    "Page",
    "PageDep",
    "RouteCtx",
    "SessionDep",
    "SettingsDep",
    "clear_session_cookie",
    "get_identity",
    "get_optional_identity",
    "get_session",
    "login_allowed",
    "request_id",
    "require_permission",
    "set_session_cookie",
    "set_sign_in_cookie",
    "sign_in",
    "signed_in",
]

_UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def _settings_of(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def _cipher_of(request: Request) -> Cipher:
    db: Database = request.app.state.db
    return db.cipher


async def get_settings(request: Request) -> Settings:
    """The app's settings."""
    return _settings_of(request)


#: A record id in the path (1 .. 2**31-1: larger ids answer 422 on every database).
IdPath = Annotated[int, Path(ge=1, le=MAX_ID)]
#: An optional record id filter in the query string.
IdQuery = Annotated[int | None, Query(ge=1, le=MAX_ID)]
SettingsDep = Annotated[Settings, Depends(get_settings)]


def request_id(request: Request) -> str:
    """This request's id (from ``X-Request-ID`` when sane, else a new UUID)."""
    rid = getattr(request.state, "request_id", None)
    if not rid:
        rid = uuid.uuid4().hex
        request.state.request_id = rid
    return str(rid)


def _action_of(request: Request) -> str:
    action = getattr(request.state, "audit_action", None)
    if action:
        return str(action)
    route = request.scope.get("route")
    path = getattr(route, "path", request.url.path)
    return f"{request.method} {path}"[:60]


def _audit_denial(request: Request, session: Session, exc: ApiError) -> None:
    """Roll back and, for a signed-in user, append a denied/failure event."""
    session.rollback()
    user = getattr(request.state, "user", None)
    if isinstance(user, User):
        append_event(
            session,
            AuditEntry(
                action=_action_of(request),
                outcome="denied" if exc.status == 403 else "failure",
                resource_type=getattr(request.state, "audit_resource", None),
                resource_id=getattr(request.state, "audit_resource_id", None),
                detail=exc.code,
            ),
            user=user,
            request_id=request_id(request),
        )
        session.commit()


async def _off_loop(func: Callable[..., object], *args: object) -> None:
    """Run ``func`` in a worker thread outside the default thread limit.

    Clean-up must never wait for a free thread: the threads may all be busy
    with requests waiting for a lock this request still holds (as FastAPI does
    for the exit of synchronous dependencies).
    """
    with anyio.CancelScope(shield=True):
        await anyio.to_thread.run_sync(func, *args, limiter=anyio.CapacityLimiter(1))


async def get_session(request: Request) -> AsyncIterator[Session]:
    """A session for this request; rolls back on error and audits denials.

    Opening a session does no I/O, so it happens on the event loop; every
    statement runs in the route's (or a dependency's) worker thread. When the
    route has committed, closing does no I/O either and stays on the loop;
    otherwise the rollback runs in a worker thread. This saves two thread hops
    per request over a synchronous generator dependency.
    """
    db: Database = request.app.state.db
    session = db.sessionmaker()
    try:
        yield session
    except ApiError as exc:
        await _off_loop(_audit_denial, request, session, exc)
        raise
    finally:
        if session.in_transaction():
            await _off_loop(session.close)
        else:
            session.close()


SessionDep = Annotated[Session, Depends(get_session)]


async def _csrf_given(request: Request) -> str | None:
    """The CSRF token a request sent (header, or form field of a form post)."""
    header = request.headers.get(CSRF_HEADER)
    if header:
        return header
    if request.method in _UNSAFE:
        ctype = request.headers.get("content-type", "")
        if ctype.startswith(
            ("application/x-www-form-urlencoded", "multipart/form-data")
        ):
            form = await request.form()
            value = form.get(CSRF_FORM_FIELD)
            return value if isinstance(value, str) else None
    return None


def _resolve(request: Request, session: Session, csrf: str | None) -> Identity | None:
    auth = request.headers.get("authorization", "")
    if auth:
        scheme, _, token = auth.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise Unauthorized("the Authorization header must be 'Bearer <token>'")
        identity = resolve_bearer(session, token.strip())
        if identity is None:
            raise Unauthorized("the bearer token is invalid, expired or revoked")
        return identity
    cookie = request.cookies.get(SESSION_COOKIE)
    if not cookie:
        return None
    identity = resolve_session(session, cookie)
    if identity is None:
        return None
    if request.method in _UNSAFE and not csrf_matches(identity.csrf_token, csrf):
        request.state.user = identity.user  # the refusal is audited as theirs
        raise Forbidden(
            "missing or wrong CSRF token (send the X-CSRF-Token header or the "
            "csrf_token form field)",
            code="csrf_failed",
        )
    return identity


def get_optional_identity(
    request: Request,
    session: SessionDep,
    csrf: Annotated[str | None, Depends(_csrf_given)],
) -> Identity | None:
    """The signed-in identity, or ``None`` when nobody is signed in."""
    identity = _resolve(request, session, csrf)
    if identity is not None:
        request.state.user = identity.user
        request.state.identity = identity
    return identity


OptionalIdentity = Annotated[Identity | None, Depends(get_optional_identity)]


async def get_identity(identity: OptionalIdentity) -> Identity:
    """The signed-in identity; 401 when nobody is signed in."""
    if identity is None:
        raise Unauthorized("sign in first (session cookie or bearer token)")
    return identity


CurrentIdentity = Annotated[Identity, Depends(get_identity)]


async def get_current_user(identity: CurrentIdentity) -> User:
    """The signed-in user; 401 when nobody is signed in."""
    return identity.user


CurrentUser = Annotated[User, Depends(get_current_user)]


class AuditFields(TypedDict, total=False):
    """What an audit event says besides its action (see :meth:`Auditor.record`)."""

    resource_type: str | None
    resource_id: int | str | None
    person_id: int | None
    detail: str | None
    outcome: str


class Auditor:
    """Appends audit events for the current request inside its transaction."""

    def __init__(self, request: Request, session: Session) -> None:
        self._request = request
        self._session = session

    def record(
        self,
        action: str,
        *,
        resource_type: str | None = None,
        resource_id: int | str | None = None,
        person_id: int | None = None,
        detail: str | None = None,
        outcome: str = "success",
    ) -> None:
        """Append one event (written when the route commits)."""
        self._append(
            AuditEntry(
                action=action,
                outcome=outcome,
                resource_type=resource_type,
                resource_id=None if resource_id is None else str(resource_id),
                person_id=person_id,
                detail=detail,
            )
        )

    def _append(self, entry: AuditEntry) -> None:
        """Append ``entry`` as the signed-in user's, with this request's id."""
        user = getattr(self._request.state, "user", None)
        append_event(
            self._session,
            entry,
            user=user if isinstance(user, User) else None,
            request_id=request_id(self._request),
        )

    def commit(self, action: str, **event: Unpack[AuditFields]) -> None:
        """Append one event (the keywords of :meth:`record`) and commit the
        request's transaction with it.

        This is the one way a route or page ends a unit of work: the change and
        its audit event are written together, or (on an error) neither is.
        """
        self.record(action, **event)
        self._session.commit()

    def commit_on(self, action: str, record: Any, *, detail: str | None = None) -> None:
        """:meth:`commit` for an action on one record about a person.

        ``action`` is ``<resource>.<verb>`` (``case.update``): the event names
        the resource, the record's id and its person (the record itself when it
        is a :class:`~nowrongdoor.care.models.Person`).
        """
        self.commit(
            action,
            resource_type=action.partition(".")[0],
            resource_id=record.id,
            person_id=record.id if isinstance(record, Person) else record.person_id,
            detail=detail,
        )

    def commit_all(self, entries: Iterable[AuditEntry]) -> None:
        """Append one event per entry and commit them with the request's changes.

        For an action on several records at once (bulk assignment); with no
        entries the transaction is still committed.
        """
        for entry in entries:
            self._append(entry)
        self._session.commit()

    def discard(self) -> None:
        """Roll back the request's uncommitted changes (to answer a refused form).

        Raising an :class:`~nowrongdoor.care.errors.ApiError` does this by
        itself (:func:`get_session`); this is for a page that catches the
        error and answers with a page of its own.
        """
        self._session.rollback()

    def target(self, resource_type: str, resource_id: int | str | None) -> None:
        """Name the record a request is about (used if it is then denied)."""
        self._request.state.audit_resource = resource_type
        self._request.state.audit_resource_id = (
            None if resource_id is None else str(resource_id)
        )


async def get_auditor(request: Request, session: SessionDep) -> Auditor:
    """An :class:`Auditor` bound to this request's session."""
    return Auditor(request, session)


AuditDep = Annotated[Auditor, Depends(get_auditor)]


@dataclass(slots=True)
class RouteCtx:
    """What a signed-in API route works with (the API's form of the pages' ctx).

    Attributes:
        request: The request.
        identity: The signed-in identity (user, and how they signed in).
        session: Database session of the request, for reads and crud calls;
            routes never commit it themselves.
        audit: The request's unit of work: ``ctx.audit.commit(action, ...)``
            appends the audit event and commits the transaction with it.
    """

    request: Request
    identity: Identity
    session: Session
    audit: Auditor

    @property
    def user(self) -> User:
        """The signed-in user (a database row)."""
        return self.identity.user

    @property
    def settings(self) -> Settings:
        """The app's settings."""
        return _settings_of(self.request)

    @property
    def cipher(self) -> Cipher:
        """The app's cipher (blind indexes of names and contacts)."""
        return _cipher_of(self.request)


async def signed_in(
    request: Request, session: SessionDep, identity: CurrentIdentity
) -> RouteCtx:
    """The route context of any signed-in user; 401 when nobody is signed in."""
    return RouteCtx(request, identity, session, Auditor(request, session))


def require_permission(permission: str) -> Callable[..., Awaitable[RouteCtx]]:
    """A dependency that returns the route context if the signed-in user's role
    grants ``permission`` (401 if nobody is signed in, 403 if the role does not).

    Args:
        permission: A permission from :data:`nowrongdoor.care.rbac.PERMISSIONS`.

    Returns:
        The dependency callable.
    """

    async def _dep(
        request: Request, session: SessionDep, identity: CurrentIdentity
    ) -> RouteCtx:
        request.state.audit_action = permission
        require(identity.user, permission)
        return RouteCtx(request, identity, session, Auditor(request, session))

    _dep.__name__ = f"require_{permission.replace(':', '_')}"
    return _dep


T = TypeVar("T")


class Page:
    """Pagination parameters (``limit``, ``offset``)."""

    def __init__(self, limit: int = 50, offset: int = 0) -> None:
        self.limit = limit
        self.offset = offset

    def of(self, model: Any, items: list[T], total: int) -> PageOf[T]:
        """This page of ``items`` (of ``total`` matching rows) as ``PageOf[model]``
        (``model``: the item schema, or a union of schemas)."""
        return PageOf[model](  # type: ignore[valid-type]
            items=items, total=total, limit=self.limit, offset=self.offset
        )


async def get_page(
    limit: Annotated[int, Query(ge=1, le=200, description="Page size.")] = 50,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET, description="Rows to skip.")] = 0,
) -> Page:
    """Pagination parameters from the query string."""
    return Page(limit=limit, offset=offset)


PageDep = Annotated[Page, Depends(get_page)]


def login_allowed(request: Request) -> bool:
    """Whether the request's address may try to sign in now (the app's
    per-address limit of login attempts; each call counts as one)."""
    client = request.client.host if request.client else "unknown"
    allowed: bool = request.app.state.login_limiter.hit(client)
    return allowed


def sign_in(
    request: Request,
    session: Session,
    settings: Settings,
    audit: Auditor,
    *,
    username: str,
    password: str,
) -> tuple[User, str, UserSession]:
    """Check a username and password and open a login session, audited.

    The ``auth.login`` event is committed either way: on success for the user,
    on failure (``detail``: the error code) for the account named, if any.

    Args:
        request: The request (its ``state.user`` becomes the user signed in).
        session: The request's database session.
        settings: The app's settings (lockout, session length).
        audit: The request's unit of work.
        username: The username typed.
        password: The password typed.

    Returns:
        The user, the session cookie's token and the session row.

    Raises:
        ApiError: wrong username or password (401) or a locked account.
    """
    try:
        user = authenticate(session, settings, username=username, password=password)
    except ApiError as exc:
        request.state.user = crud.user_by_username(session, username)
        audit.commit("auth.login", outcome="failure", detail=exc.code)
        request.state.user = None
        raise
    token, row = create_session(session, settings, user=user)
    request.state.user = user
    audit.commit("auth.login", resource_type="user", resource_id=user.id)
    return user, token, row


def set_sign_in_cookie(
    response: Response,
    settings: Settings,
    name: str,
    value: str,
    *,
    max_age: int,
    path: str,
    samesite: Literal["lax", "strict"] = "strict",
) -> None:
    """Set a cookie of signing in (the one cookie policy of the care service).

    HttpOnly, sent only to ``path``, Secure unless ``settings.cookie_secure``
    is off (local runs).

    Args:
        response: The response to set it on.
        settings: The app's settings.
        name: The cookie's name.
        value: Its value.
        max_age: Seconds it lives.
        path: The path it is sent to.
        samesite: ``strict`` unless a cross-site navigation must carry it.
    """
    response.set_cookie(
        name,
        value,
        max_age=max_age,
        httponly=True,
        secure=settings.cookie_secure,
        samesite=samesite,
        path=path,
    )


def set_session_cookie(response: Response, token: str, settings: Settings) -> None:
    """Set the login session cookie (Secure, HttpOnly, SameSite=Lax)."""
    set_sign_in_cookie(
        response,
        settings,
        SESSION_COOKIE,
        token,
        max_age=settings.session_minutes * 60,
        path="/",
        samesite="lax",
    )


def clear_session_cookie(response: Response, settings: Settings) -> None:
    """Remove the login session cookie."""
    response.delete_cookie(
        SESSION_COOKIE,
        httponly=True,
        secure=settings.cookie_secure,
        samesite="lax",
        path="/",
    )
