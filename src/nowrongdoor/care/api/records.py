"""Loading the record a route names, and answering a list, for every route.

A route that names a record in its path loads it with :func:`in_scope` (or its
typed forms :func:`person_in_scope` and :func:`case_in_scope`): the record is
named as the request's audit target first, so a refusal's audit event says what
was refused, then loaded in the viewer's scope (404 unknown, 403 out of scope).
A list route answers with :func:`list_page`: the crud list function with its
query bound, the page's window, the ``<kind>.list`` audit event and the page of
presented rows in one place. A route whose answer is already built as its
response schema returns it with :func:`answer_json`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from fastapi import Response
from pydantic import BaseModel

from nowrongdoor.care import crud
from nowrongdoor.care.api.deps import Page, RouteCtx
from nowrongdoor.care.models import Case, Person
from nowrongdoor.care.schemas import PageOf

__all__ = [
    "answer_json",
    "case_in_scope",
    "in_scope",
    "list_page",
    "person_in_scope",
]

T = TypeVar("T")


def in_scope(
    ctx: RouteCtx,
    kind: str,
    record_id: int,
    load: Callable[..., T],
    **options: Any,
) -> T:
    """Name the record as the request's target, then load it in scope.

    Args:
        ctx: The route's context (its unit of work's target is set first, for
            the audit event of a refusal; its user is the viewer).
        kind: The record's audit resource type (``task``); ``load`` takes its
            id as ``<kind>_id``.
        record_id: The id from the path.
        load: The crud loader (``crud.get_task``): 404 unknown, 403 out of scope.
        **options: More keywords for ``load``.

    Returns:
        The record.
    """
    ctx.audit.target(kind, record_id)
    return load(ctx.session, viewer=ctx.user, **{f"{kind}_id": record_id}, **options)


def person_in_scope(ctx: RouteCtx, person_id: int) -> Person:
    """:func:`in_scope` for a person."""
    return in_scope(ctx, "person", person_id, crud.get_person)


def case_in_scope(ctx: RouteCtx, case_id: int, *, with_person: bool = False) -> Case:
    """:func:`in_scope` for a case (``with_person``: its person loaded too)."""
    return in_scope(ctx, "case", case_id, crud.get_case, with_person=with_person)


def list_page(
    ctx: RouteCtx,
    page: Page,
    kind: str,
    public: Any,
    lister: Callable[..., tuple[Sequence[T], int]],
    present: Callable[[T], Any] | None = None,
    **query: Any,
) -> PageOf[Any]:
    """Answer a list route with one page of rows.

    Args:
        ctx: The route's context: its session and user are the crud list
            function's, its unit of work commits the list's audit event.
        page: The requested window.
        kind: The rows' audit resource type: the ``<kind>.list`` event is
            committed with the number of rows on the page.
        public: The item schema (or a union of schemas) of the page.
        lister: The crud list function (``crud.list_tasks``); it is called
            with the session, ``viewer``, the ``query`` and the page's
            ``limit`` and ``offset``, and returns the rows and the total.
        present: Turns a row into its schema (default ``public.model_validate``),
            called after the commit.
        **query: The route's filters, as the list function's keywords.

    Returns:
        The page.
    """
    rows, total = lister(
        ctx.session, viewer=ctx.user, limit=page.limit, offset=page.offset, **query
    )
    ctx.audit.commit(f"{kind}.list", resource_type=kind, detail=f"{len(rows)} rows")
    show = present or public.model_validate
    return page.of(public, [show(r) for r in rows], total)


def answer_json(body: BaseModel) -> Response:
    """``body``, already built as the route's response schema, serialised once
    (FastAPI would validate and serialise a returned model again)."""
    return Response(body.model_dump_json(), media_type="application/json")
