"""Who is looking at a page, and the rules pages share (private).

Identity comes from the care service's own dependencies
(:mod:`nowrongdoor.care.api.deps`): the session cookie, CSRF-checked on every
unsafe request. Pages that need a signed-in user raise :class:`LoginRequired`,
which :func:`install_error_pages` turns into a redirect to ``/login``.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Collection, Iterable, Mapping
from contextlib import suppress
from dataclasses import dataclass
from typing import Annotated, Any, TypedDict
from urllib.parse import quote

from fastapi import Depends, FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.exc import DataError, IntegrityError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.exceptions import HTTPException as StarletteHTTPException

from nowrongdoor.care.api.deps import (
    AuditDep,
    Auditor,
    OptionalIdentity,
    RouteCtx,
    SessionDep,
)
from nowrongdoor.care.db import Database
from nowrongdoor.care.errors import (
    ApiError,
    BadRequest,
    Conflict,
    Forbidden,
    Unauthorized,
)
from nowrongdoor.care.rbac import can
from nowrongdoor.care.security import SESSION_COOKIE, Identity, resolve_session
from nowrongdoor.care.web import _form_key
from nowrongdoor.care.web._forms import plain_message
from nowrongdoor.care.web._templating import ANONYMOUS, Viewer, is_htmx, render


class LoginRequired(Exception):
    """The page needs a signed-in user."""


def viewer_of(identity: Identity | None) -> Viewer:
    """The template view of an identity (anonymous when ``None``)."""
    if identity is None:
        return ANONYMOUS
    user = identity.user
    return Viewer(
        user_id=user.id,
        username=user.username,
        display_name=user.display_name,
        role=user.role,
        organisation_id=user.organization_id,
        csrf_token=identity.csrf_token or "",
    )


def current_viewer(request: Request, identity: OptionalIdentity) -> Viewer:
    """The viewer for this request (anonymous when nobody is signed in)."""
    viewer = viewer_of(identity)
    request.state.viewer = viewer
    return viewer


ViewerDep = Annotated[Viewer, Depends(current_viewer)]


@dataclass(frozen=True, slots=True)
class Read:
    """The audit event of a page that shows records: what it read.

    A page passes one to :meth:`PageCtx.render` (``read=``), which appends it
    and commits it before rendering: recording a read is part of the one call
    that shows the page.

    Attributes:
        action: The event's action (``user.list``, ``case.read``).
        on: The one record read, or ``None``: the event then names the
            record's resource, id and person
            (:meth:`~nowrongdoor.care.api.deps.Auditor.commit_on`), and
            ``resource_type``, ``resource_id`` and ``person_id`` are not used.
        resource_type: What was read (without ``on``).
        resource_id: Which one (without ``on``).
        person_id: Whose (without ``on``).
        detail: What else the event says (how many rows, which page).
    """

    action: str
    on: Any = None
    resource_type: str | None = None
    resource_id: int | str | None = None
    person_id: int | None = None
    detail: str | None = None

    def commit(self, audit: Auditor) -> None:
        """Append the event and commit the request's transaction with it."""
        if self.on is not None:
            audit.commit_on(self.action, self.on, detail=self.detail)
            return
        audit.commit(
            self.action,
            resource_type=self.resource_type,
            resource_id=self.resource_id,
            person_id=self.person_id,
            detail=self.detail,
        )


@dataclass(slots=True)
class PageCtx(RouteCtx):
    """What a signed-in page works with: the API's route context (request,
    identity, user, db session, audit, settings, cipher) and the viewer.

    Attributes:
        viewer: The template view of the user.
    """

    viewer: Viewer

    def render(
        self,
        template: str,
        status_code: int = 200,
        *,
        read: Read | None = None,
        **context: Any,
    ) -> Any:
        """Render ``template`` for this viewer.

        Args:
            template: The template's name.
            status_code: The response's status.
            read: The audit event of a page that shows records: appended and
                committed first (the one way a page records a read).
            **context: The template's values.
        """
        if read is not None:
            read.commit(self.audit)
        return render(
            self.request, template, self.viewer, status_code=status_code, **context
        )

    def on_form_error(
        self,
        form_id: str,
        form: Mapping[str, Any],
        page: Callable[[dict[str, Any]], Response],
        fields: Iterable[str] = (),
    ) -> None:
        """Answer a refused form with its own page again, not an error page.

        When the route later raises :class:`BadRequest`, the error handler
        rolls back and calls ``page`` with ``form_error``: the form's id, the
        field at fault (``"form"`` when it is not one of ``fields``), the
        message in plain words and the values typed (so nothing is lost).

        Args:
            form_id: The ``id`` of the ``<form>`` on the page.
            form: The posted form.
            page: Renders the page (status 400) from the ``form_error`` value.
            fields: Names of the form's visible fields.
        """
        shown = set(fields)
        values = {
            k: v for k, v in form.items() if isinstance(v, str) and k != "csrf_token"
        }

        def _hook(exc: ApiError) -> Response:
            # The request's session may already be closed by its dependency;
            # the page reads in a fresh transaction, ended here (nothing kept).
            self.session.rollback()
            field = exc.field if exc.field in shown else "form"
            try:
                return page(
                    {
                        "form": form_id,
                        "field": field,
                        "message": exc.message,
                        "values": values,
                    }
                )
            finally:
                self.session.rollback()
                self.session.close()

        self.request.state.form_rerender = _hook

    def repeated(self, form: Mapping[str, Any]) -> Response | None:
        """Claim the posted form's one-time key (:mod:`._form_key`) before the
        record it creates, or answer a repeat of it.

        A create page calls this first and, when it returns ``None``, ends with
        :meth:`created` before its audit commit (which commits the claim with
        the record; a refusal rolls both back).

        Args:
            form: The posted form (without a ``form_key``: not protected).

        Returns:
            ``None`` to go on; or, the key already claimed by this user, a 303
            to the address the first submission went to (the repeat is audited
            as ``form.repeat``, and nothing is created).

        Raises:
            BadRequest: the key has the wrong shape.
            Conflict: another user claimed the key.
        """
        posted = form.get(_form_key.FIELD)
        if posted is None or posted == "":
            return None
        row, new = _form_key.claim(self.session, self.user, _form_key.valid_key(posted))
        if new:
            self.request.state.form_key = row
            return None
        if row.user_id != self.user.id:
            raise Conflict(
                "This form was already sent from another account. Nothing was "
                "saved; open the page again.",
                field=_form_key.FIELD,
            )
        route = self.request.scope.get("route")
        self.audit.commit(
            "form.repeat",
            resource_type="form",
            detail=f"{self.request.method} {getattr(route, 'path', '?')}: "
            "a repeated submission was ignored",
        )
        return RedirectResponse(row.redirect_to or "/", status_code=303)

    def created(self, target: str) -> RedirectResponse:
        """The 303 to ``target`` that answers a create form, kept with the
        form's claimed key (:meth:`repeated`) so a repeat goes there too.

        Call it before the audit commit: the address is written with the
        record.

        Args:
            target: The page of the record made (a path on this site).
        """
        row = getattr(self.request.state, "form_key", None)
        if row is not None:
            row.redirect_to = target
        return RedirectResponse(target, status_code=303)

    async def posted_form(
        self,
        form_id: str,
        page: Callable[[dict[str, Any]], Response],
        fields: Iterable[str] = (),
    ) -> FormData:
        """The posted form, its page armed to answer a refusal
        (:meth:`on_form_error`, for a page that needs nothing from the form
        to render itself again).

        Args:
            form_id: The ``id`` of the ``<form>`` on the page.
            page: Renders the page (status 400) from the ``form_error`` value.
            fields: Names of the form's visible fields.

        Returns:
            The form.
        """
        form = await self.request.form()
        self.on_form_error(form_id, form, page, fields)
        return form


def page_ctx(
    request: Request, identity: OptionalIdentity, session: SessionDep, audit: AuditDep
) -> PageCtx:
    """The page context; redirects to the login page when nobody is signed in."""
    if identity is None:
        raise LoginRequired()
    return PageCtx(request, identity, session, audit, current_viewer(request, identity))


PageDep = Annotated[PageCtx, Depends(page_ctx)]


def page_number(page: Annotated[str, Query(max_length=6)] = "") -> int:
    """A paged list's ``page`` query parameter: a whole number from 1, else 1."""
    return int(page) if page.isdigit() and int(page) > 0 else 1


class Window(TypedDict):
    """The rows of one page: what a paged crud list takes."""

    limit: int
    offset: int


@dataclass(frozen=True)
class Page:
    """One page of a paged list.

    Attributes:
        number: Which page (from 1; see :func:`paged`).
        size: Rows a page.
    """

    number: int
    size: int

    @property
    def window(self) -> Window:
        """The page's rows, as the crud lists take them (``**page.window``)."""
        return {"limit": self.size, "offset": (self.number - 1) * self.size}

    def count(self, total: int) -> int:
        """How many pages ``total`` rows fill (at least one)."""
        return max(1, -(-total // self.size))

    def fields(self, total: int) -> dict[str, int]:
        """What the pager macro (``_pager.html``) reads of a list of ``total``
        rows: ``total``, this ``page`` and the number of ``pages``."""
        return {"total": total, "page": self.number, "pages": self.count(total)}


def paged(size: int) -> Any:
    """A dependency: the page of a paged list the ``page`` query parameter asks
    for, ``size`` rows a page. A list page declares
    ``Annotated[Page, paged(SIZE)]`` and hands ``page.window`` to its crud list.
    """

    def dependency(number: Annotated[int, Depends(page_number)]) -> Page:
        return Page(number, size)

    return Depends(dependency)


def text_query(**limits: int) -> Any:
    """A dependency: a page's optional text query parameters, each bounded.

    One table per page (name -> most characters) instead of one ``Query``
    declaration per parameter; FastAPI validates each as it would a declared
    ``Annotated[str, Query(max_length=n)] = ""`` (too long: the 400 page
    naming the parameter).

    Args:
        **limits: The parameter names and their most characters.

    Returns:
        The ``Depends`` marker; the route gets ``{name: value}`` (``""`` when
        absent), in the table's order.
    """

    def read(**values: str) -> dict[str, str]:
        return values

    read.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
        [
            inspect.Parameter(
                name,
                inspect.Parameter.KEYWORD_ONLY,
                default="",
                annotation=Annotated[str, Query(max_length=most)],
            )
            for name, most in limits.items()
        ]
    )
    return Depends(read)


def needs(*permissions: str) -> Callable[[PageCtx], PageCtx]:
    """A dependency: the page context, if the role has every permission.

    Args:
        *permissions: Permissions from :data:`nowrongdoor.care.rbac.PERMISSIONS`.

    Returns:
        The dependency callable (403 page otherwise; the denial is audited).
    """

    def _dep(ctx: PageDep) -> PageCtx:
        for permission in permissions:
            if not can(ctx.user, permission):
                ctx.request.state.audit_action = f"page {permission}"
                # the page speaks to a person, not a program: no permission code
                role = str(ctx.user.role).replace("_", " ")
                raise Forbidden(
                    f"This page is not part of your role ({role}). Your start "
                    "page and the menu above have what your role does."
                )
        return ctx

    return _dep


def _wants_html(request: Request) -> bool:
    return not request.url.path.startswith("/api/")


async def _answer(handler: Any, request: Request, exc: Exception) -> Response:
    """The API's own (JSON) answer from ``handler``, sync or async."""
    result = handler(request, exc)
    if hasattr(result, "__await__"):
        result = await result
    response: Response = result
    return response


#: How a page heads an error answer of each status (otherwise "Please check
#: your request").
_HEADINGS = {
    403: "You do not have access to this",
    404: "Not found",
    405: "Not found",
    409: "That cannot be done now",
    413: "The file is too large",
    500: "Something went wrong",
}

#: A page's sentence for an error whose JSON answer speaks to programs.
_PAGE_MESSAGES = {
    404: "There is no page at this address.",
    405: "There is no page at this address.",
    409: (
        "That change conflicts with a record already there (a duplicate?). "
        "Nothing was saved."
    ),
    413: "What was sent is larger than allowed. Nothing was saved.",
    422: (
        "A number or a text in the address or the form is too large to be "
        "stored. Nothing was saved."
    ),
    500: "Something went wrong on our side. Nothing was saved; try again.",
}


def _is_page(request: Request, pages: Collection[Any]) -> bool:
    """Whether ``request`` is for a page (HTML), not for a program.

    A request that reached a route is a page's when the route's endpoint is
    one of ``pages``; one that reached none (an unknown address) is, outside
    ``/api/``, when a browser sent it (it accepts HTML).
    """
    if not _wants_html(request):
        return False
    route = request.scope.get("route")
    if route is not None:
        return getattr(route, "endpoint", None) in pages
    return "text/html" in request.headers.get("accept", "")


def _form_again(request: Request, exc: BadRequest) -> Response | None:
    """The refused form's own page again (:meth:`PageCtx.on_form_error`), or
    ``None``: no form was armed, or its page cannot be shown (the address
    names a record out of reach or a number too large to store)."""
    rerender = getattr(request.state, "form_rerender", None)
    if rerender is None:
        return None
    with suppress(ApiError, OverflowError, DataError):
        again: Response = rerender(exc)
        return again
    return None


def _cookie_viewer(request: Request) -> Viewer:
    """Who is signed in by the session cookie, for an error page no route's
    dependencies drew (an unknown address, a wrong method): its navigation is
    the user's own, not "Sign in"."""
    cookie = request.cookies.get(SESSION_COOKIE)
    if not cookie:
        return ANONYMOUS
    db: Database = request.app.state.db
    with db.sessionmaker() as session:
        return viewer_of(resolve_session(session, cookie))


def _error_page(
    request: Request,
    status: int,
    message: str,
    field: str | None,
    viewer: Viewer | None = None,
) -> HTMLResponse:
    """The error page: a heading for ``status`` and ``message`` in words, for
    ``viewer`` (by default the one the route's dependencies found)."""
    if viewer is None:
        viewer = getattr(request.state, "viewer", None)
    page: HTMLResponse = render(
        request,
        "error.html",
        viewer if isinstance(viewer, Viewer) else ANONYMOUS,
        status_code=status,
        heading=_HEADINGS.get(status, "Please check your request"),
        message=message,
        field=field,
    )
    return page


def install_error_pages(app: FastAPI, pages: Collection[Any] = ()) -> None:
    """Errors on pages become HTML pages; API errors keep the JSON format.

    Args:
        app: The app whose ``ApiError`` handler (the JSON one) is wrapped.
        pages: The page routes' endpoints: any other error they end in
            (an unknown address, a number too large to store, a conflict,
            an unexpected failure) is answered by an HTML page too, with the
            JSON answer's status.
    """
    api_handler = app.exception_handlers.get(ApiError)

    async def _login_required(request: Request, exc: Exception) -> Response:
        if is_htmx(request):
            return Response(status_code=204, headers={"HX-Redirect": "/login"})
        if request.method != "GET":
            # A form posted after the session ended: sign in, then start over.
            return RedirectResponse("/login", status_code=303)
        target = request.url.path
        if request.url.query:
            target += "?" + request.url.query
        return RedirectResponse(f"/login?next={quote(target)}", status_code=303)

    async def _api_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, ApiError)
        if not _wants_html(request) and api_handler is not None:
            return await _answer(api_handler, request, exc)
        if isinstance(exc, Unauthorized):
            return await _login_required(request, exc)
        again = _form_again(request, exc) if isinstance(exc, BadRequest) else None
        if again is not None:
            return again
        return _error_page(request, exc.status, exc.message, exc.field)

    validation_handler = app.exception_handlers.get(RequestValidationError)

    async def _bad_query(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, RequestValidationError)
        if not _wants_html(request) and validation_handler is not None:
            return await _answer(validation_handler, request, exc)
        errors = exc.errors()
        first = dict(errors[0]) if errors else {}
        # "query.age" -> "age": the page names the field, not where it came from
        first["loc"] = [p for p in first.get("loc", ()) if p not in ("query", "path")]
        viewer = getattr(request.state, "viewer", None)
        page: HTMLResponse = render(
            request,
            "error.html",
            viewer if isinstance(viewer, Viewer) else ANONYMOUS,
            status_code=400,
            heading="Please check your request",
            message=plain_message(first),
            back_url=request.url.path,
            back_text="Start again",
        )
        return page

    busy_handler = app.exception_handlers[PoolTimeout]

    async def _busy(request: Request, exc: Exception) -> Response:
        # the JSON handler logs it and says when to retry
        result = busy_handler(request, exc)
        if hasattr(result, "__await__"):
            result = await result
        if not _wants_html(request):
            response: Response = result
            return response
        page: HTMLResponse = render(
            request,
            "error.html",
            ANONYMOUS,
            status_code=503,
            heading="The service is busy",
            message=(
                "Too many requests at once. Nothing was saved; try again in a "
                "few seconds."
            ),
        )
        page.headers["Retry-After"] = result.headers["Retry-After"]
        return page

    def _as_page(handler: Any) -> Callable[[Request, Exception], Any]:
        async def _answer_page(request: Request, exc: Exception) -> Response:
            response = await _answer(handler, request, exc)
            if not _is_page(request, pages):
                return response
            status = response.status_code
            message = _PAGE_MESSAGES.get(status, _PAGE_MESSAGES[500])
            # a form's value too large to store: the form again, kept
            again = _form_again(request, BadRequest(message)) if status == 422 else None
            if again is not None:
                return again
            viewer = getattr(request.state, "viewer", None)
            if viewer is None and status < 500:  # no route's dependencies ran
                viewer = await run_in_threadpool(_cookie_viewer, request)
            return _error_page(request, status, message, None, viewer)

        return _answer_page

    for kind in (StarletteHTTPException, IntegrityError, DataError, OverflowError):
        app.add_exception_handler(kind, _as_page(app.exception_handlers[kind]))
    app.add_exception_handler(Exception, _as_page(app.exception_handlers[Exception]))
    app.add_exception_handler(PoolTimeout, _busy)
    app.add_exception_handler(LoginRequired, _login_required)
    app.add_exception_handler(ApiError, _api_error)
    app.add_exception_handler(RequestValidationError, _bad_query)
