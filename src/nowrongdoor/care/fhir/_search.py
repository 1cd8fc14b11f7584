"""Searches behind the /fhir routes: referrals in reach by owner, status and
``_lastUpdated`` (FHIR R4 search prefixes ge/gt/le/lt/eq), in the ``_sort``
order asked, the resources ``_include``/``_revinclude=Task:focus`` bring, and
the lookups that build resources (private)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Query, Request
from sqlalchemy import select
from sqlalchemy.orm import Session

from nowrongdoor.care import crud
from nowrongdoor.care.errors import BadRequest
from nowrongdoor.care.fhir._access import visible_referrals, with_text
from nowrongdoor.care.fhir._call import SearchPage, SearchPageDep, handling
from nowrongdoor.care.fhir._on_behalf import on_behalf_moves
from nowrongdoor.care.fhir.mapping import (
    SERVICE_REQUEST_STATUS,
    referral_status_of_task,
)
from nowrongdoor.care.fhir.resources import (
    as_json,
    service_request_resource,
    task_resource,
)
from nowrongdoor.care.models import PartnerService, Referral, User

__all__ = [
    "FOCUS",
    "SORT_KEYS",
    "ReferralQuery",
    "ReferralQueryDep",
    "include_values",
    "included_referrals",
    "organization_id",
    "referral_query",
    "referral_resources",
    "referral_search",
    "revinclude_values",
    "service_names",
    "sort_keys",
    "taken_includes",
]

_PREFIXES = ("ge", "gt", "le", "lt", "eq")
#: Prefixes FHIR R4 defines that we do not take (search.html#prefix).
_UNTAKEN = ("ne", "sa", "eb", "ap")


def _next_month(at: dt.datetime, months: int) -> dt.datetime:
    step = at.month - 1 + months
    return at.replace(year=at.year + step // 12, month=step % 12 + 1)


def _date_range(value: str) -> tuple[dt.datetime, dt.datetime]:
    """The instants ``[lo, hi)`` a date search value covers (search.html#date:
    a value is a range as wide as its precision; an instant with fractions of
    a second is a point, ``lo == hi``).

    A year (``2026``), a month (``2026-12``) or a date (``2026-12-07``) is a
    range in UTC; a date-time to the minute or second is a range of a minute
    or a second. A date-time without a time zone is in the server's time zone,
    UTC (search.html#date: "the server's local time zone should be assumed").

    Raises:
        ValueError: not a FHIR date or date-time.
    """
    # an offset's "+" sent unencoded arrives as a space (FHIR R4
    # search.html#date asks for %2B); no instant holds a space otherwise
    value = value.replace(" ", "+")
    if len(value) == 4 and value.isdigit():
        lo = dt.datetime(int(value), 1, 1, tzinfo=dt.UTC)
        return lo, lo.replace(year=lo.year + 1)
    if len(value) == 7 and value[4] == "-":
        lo = dt.datetime.strptime(value, "%Y-%m").replace(tzinfo=dt.UTC)
        return lo, _next_month(lo, 1)
    if len(value) == 10:
        lo = dt.datetime.combine(dt.date.fromisoformat(value), dt.time(), dt.UTC)
        return lo, lo + dt.timedelta(days=1)
    if "T" not in value:
        raise ValueError("neither a date nor a date-time")
    at = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    if at.tzinfo is None:
        at = at.replace(tzinfo=dt.UTC)
    time = value.partition("T")[2]
    if "." in time:
        width = dt.timedelta(0)
    elif len(time) >= 8 and time[5] == ":":
        width = dt.timedelta(seconds=1)
    else:
        width = dt.timedelta(minutes=1)
    lo = at.astimezone(dt.UTC)
    return lo, lo + width


def _last_updated_clause(values: list[str]) -> list[Any]:
    """Conditions on ``Referral.updated_at`` from ``_lastUpdated`` values.

    FHIR R4 search.html#prefix on a range ``[lo, hi)``: ``eq`` inside it,
    ``ge`` from ``lo``, ``gt`` from ``hi`` (after the whole range), ``le``
    before ``hi``, ``lt`` before ``lo``; on a point, the plain comparisons.

    Raises:
        BadRequest: a value that is no date, or a prefix we do not take.
    """
    clauses: list[Any] = []
    col = Referral.updated_at
    for raw in values:
        prefix, value = "eq", raw
        if raw[:2] in _UNTAKEN:
            raise BadRequest(
                f"_lastUpdated={raw!r}: the prefix {raw[:2]!r} is not supported "
                f"(only {', '.join(_PREFIXES)})"
            )
        if raw[:2] in _PREFIXES:
            prefix, value = raw[:2], raw[2:]
        try:
            lo, hi = _date_range(value)
        except ValueError:
            raise BadRequest(
                f"_lastUpdated={raw!r} is not a date (YYYY, YYYY-MM, YYYY-MM-DD) "
                "or a date-time (YYYY-MM-DDThh:mm:ss, UTC unless a zone is given)"
            ) from None
        if lo == hi:
            op = {"ge": col >= lo, "gt": col > lo, "le": col <= lo, "lt": col < lo}
            clauses.append(op.get(prefix, col == lo))
            continue
        clauses += {
            "eq": [col >= lo, col < hi],
            "ge": [col >= lo],
            "gt": [col >= hi],
            "le": [col < hi],
            "lt": [col < lo],
        }[prefix]
    return clauses


def organization_id(param: str, value: str) -> int:
    """The id of an ``Organization/<id>`` search value (a bare id is taken too).

    Raises:
        BadRequest: not an organisation reference (names the parameter).
    """
    org_id = value.removeprefix("Organization/")
    if not org_id.isdigit():
        raise BadRequest(f"{param}={value!r} must be Organization/<id>")
    return int(org_id)


#: ServiceRequest.status (FHIR R4 request-status) -> the referral statuses it
#: stands for (the inverse of :data:`SERVICE_REQUEST_STATUS`).
_OF_REQUEST_STATUS: dict[str, list[str]] = {}
for _ours, _code in SERVICE_REQUEST_STATUS.items():
    _OF_REQUEST_STATUS.setdefault(_code, []).append(str(_ours))


def _referral_statuses(resource_type: str, code: str) -> list[str]:
    """The referral statuses one ``status`` search value stands for.

    On ServiceRequest, ``status`` is ServiceRequest.status (FHIR R4
    servicerequest.html#search: request-status); a Task status code is taken
    there too, as it was before. On Task it is Task.status (task-status).

    Raises:
        BadRequest: a code neither stands for (names the parameter).
    """
    if resource_type == "ServiceRequest" and code in _OF_REQUEST_STATUS:
        return _OF_REQUEST_STATUS[code]
    mapped = referral_status_of_task(code)
    if mapped is not None:
        return [str(mapped)]
    if resource_type == "ServiceRequest":
        known = ", ".join(sorted(_OF_REQUEST_STATUS))
        raise BadRequest(
            f"status={code!r} is not a ServiceRequest status we use ({known})"
        )
    raise BadRequest(f"status={code!r} is not a Task status we use")


#: The ``_sort`` keys of the Task and ServiceRequest searches (FHIR R4
#: search.html#sort, 3.1.1.4.9: a key is a search parameter the search takes,
#: ``-`` before it descending) and the column each orders by. ``authored-on``
#: and ``modified`` are not search parameters of ours, so not keys either.
SORT_KEYS: dict[str, Any] = {"_lastUpdated": Referral.updated_at, "_id": Referral.id}
#: The order without ``_sort``: the latest change first.
_DEFAULT_SORT = ("-_lastUpdated",)
#: ``Task.focus``, the one reference ``_include`` (on Task) and ``_revinclude``
#: (on ServiceRequest) follow (search.html#include, 3.1.1.5.1); the target
#: type may be named.
FOCUS = "Task:focus"
_FOCUS_SPELLINGS = (FOCUS, f"{FOCUS}:ServiceRequest")


def _taken(
    param: str,
    values: Sequence[str],
    takes: Callable[[str], bool],
    listing: str,
    *,
    lenient: bool,
) -> list[str]:
    """The values of ``param`` the search applies, each once, in order.

    A value we do not serve is refused, unless the caller asked for
    ``Prefer: handling=lenient`` (FHIR R4 search.html#errors): then it is left
    out, and so out of the ``self`` link, which shows what was applied.

    Raises:
        BadRequest: a value ``takes`` refuses, named with what ``param`` takes.
    """
    out: list[str] = []
    for value in values:
        if not takes(value):
            if lenient:
                continue
            raise BadRequest(
                f"{param}={value!r} is not supported; {param} takes {listing}"
            )
        if value not in out:
            out.append(value)
    return out


def sort_keys(raw: str | None, *, lenient: bool) -> list[str]:
    """The ``_sort`` keys applied, from its comma-separated value (a key named
    twice counts once; its second mention orders nothing).

    Raises:
        BadRequest: a key we do not sort by (unless ``lenient``).
    """
    given = [k.strip() for k in (raw or "").split(",") if k.strip()]
    listing = ", ".join(SORT_KEYS) + " (each with - before it: descending)"
    keys = _taken(
        "_sort",
        given,
        lambda k: k.removeprefix("-") in SORT_KEYS,
        listing,
        lenient=lenient,
    )
    out: list[str] = []
    for key in keys:
        if all(k.removeprefix("-") != key.removeprefix("-") for k in out):
            out.append(key)
    return out


def taken_includes(param: str, values: Sequence[str], *, lenient: bool) -> list[str]:
    """The ``_include`` or ``_revinclude`` values applied: ``Task:focus``
    (``Task:focus:ServiceRequest`` too).

    Raises:
        BadRequest: another value (unless ``lenient``).
    """
    return _taken(
        param, values, lambda v: v in _FOCUS_SPELLINGS, FOCUS, lenient=lenient
    )


def _order_by(keys: Sequence[str]) -> list[Any]:
    """ORDER BY terms for ``_sort`` keys; the id last, in the first key's
    direction, when no key names it, so that pages never overlap or skip."""
    terms = []
    for key in keys:
        col = SORT_KEYS[key.removeprefix("-")]
        terms.append(col.desc() if key.startswith("-") else col.asc())
    if all(k.removeprefix("-") != "_id" for k in keys):
        terms.append(Referral.id.desc() if keys[0].startswith("-") else Referral.id)
    return terms


def referral_search(
    session: Session,
    viewer: User,
    *,
    resource_type: str = "Task",
    owner: str | None,
    status: str | None,
    last_updated: list[str],
    count: int,
    offset: int,
    ids: str | None = None,
    sort: Sequence[str] = (),
) -> tuple[list[Referral], int]:
    """One page of the referrals ``viewer`` reaches that match the search, and
    how many match in all. ``ids`` is ``_id`` (search.html#id: the Task's or
    ServiceRequest's id, which is the referral's; comma-separated values are
    ORed; a value that is no id of ours matches nothing). ``sort`` are the
    ``_sort`` keys (:func:`sort_keys`); none: the latest change first.

    Raises:
        BadRequest: a search value we cannot read (names the parameter).
    """
    stmt = visible_referrals(session, viewer)
    if ids is not None:
        wanted = {
            int(v) for v in (i.strip() for i in ids.split(","))
            if v.isdigit() and len(v) <= 9
        }  # fmt: skip
        stmt = stmt.where(Referral.id.in_(wanted))
    if owner:
        stmt = stmt.where(
            Referral.to_organization_id == organization_id("owner", owner)
        )
    if status:
        ours: list[str] = []
        for code in status.split(","):
            ours += _referral_statuses(resource_type, code.strip())
        stmt = stmt.where(Referral.status.in_(ours))
    for clause in _last_updated_clause(last_updated):
        stmt = stmt.where(clause)
    return crud.paginate(
        session,
        stmt.order_by(*_order_by(sort or _DEFAULT_SORT)),
        limit=count,
        offset=offset,
    )


def included_referrals(
    session: Session, viewer: User, matched: Sequence[Referral]
) -> list[Referral]:
    """The referrals whose resources ``_include=Task:focus`` (a Task's
    ServiceRequest) or ``_revinclude=Task:focus`` (the Tasks of a
    ServiceRequest) bring to a page of ``matched``, in the page's order.

    A referral's Task and ServiceRequest share its id, so the focus of each
    Task is its own referral; each is looked up again under the caller's
    reach (:func:`visible_referrals`, Part 2 holds applied), never widened:
    an included resource is one the caller could read directly.
    """
    wanted = [r.id for r in matched]
    if not wanted:
        return []
    stmt = visible_referrals(session, viewer).where(Referral.id.in_(wanted))
    found = {r.id: r for r in session.scalars(stmt)}
    return [found[i] for i in wanted if i in found]


def service_names(session: Session, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    rows = session.execute(
        select(PartnerService.id, PartnerService.name).where(PartnerService.id.in_(ids))
    )
    return {row.id: row.name for row in rows}


def referral_resources(
    session: Session, viewer: User, resource_type: str, rows: Sequence[Referral]
) -> list[dict[str, Any]]:
    """The Tasks or ServiceRequests (``resource_type``) of referrals ``rows``
    as JSON, as a read by ``viewer`` answers them (free text only to roles
    that see it, :func:`with_text`)."""
    names = crud.pseudonyms_of(session, {r.person_id for r in rows})
    if resource_type == "Task":
        shown = with_text(viewer)
        moves = on_behalf_moves(session, rows)
        return [
            as_json(
                task_resource(
                    r,
                    pseudonym=names[r.person_id],
                    with_text=shown,
                    on_behalf=moves.get(r.id),
                )
            )
            for r in rows
        ]
    services = service_names(session, {r.service_id for r in rows if r.service_id})
    return [
        as_json(
            service_request_resource(
                r,
                pseudonym=names[r.person_id],
                service_name=services.get(r.service_id or 0),
            )
        )
        for r in rows
    ]


# --- the query string -----------------------------------------------------------

LastUpdated = Annotated[list[str], Query(alias="_lastUpdated", max_length=4)]
Ids = Annotated[str | None, Query(alias="_id", max_length=2000)]
Sort = Annotated[str | None, Query(alias="_sort", max_length=200)]


@dataclass(frozen=True)
class ReferralQuery:
    """The search parameters Task and ServiceRequest searches share.

    Attributes:
        status: Task status codes, comma-separated (``None``: any).
        last_updated: ``_lastUpdated`` values (FHIR prefixes ge/gt/le/lt/eq).
        page: ``_count`` and ``_offset``.
        ids: ``_id``, resource ids, comma-separated (``None``: any).
        sort: The ``_sort`` keys applied (none: the latest change first).
    """

    status: str | None
    last_updated: list[str]
    page: SearchPage
    ids: str | None = None
    sort: tuple[str, ...] = ()


def referral_query(
    request: Request,
    page: SearchPageDep,
    status: str | None = None,
    last_updated: LastUpdated = [],  # noqa: B006 - FastAPI copies defaults
    ids: Ids = None,
    sort: Sort = None,
) -> ReferralQuery:
    """The shared search parameters from the query string (a dependency).

    Raises:
        BadRequest: a ``_sort`` key we do not sort by (unless the caller
            asked for ``Prefer: handling=lenient``).
    """
    keys = sort_keys(sort, lenient=handling(request) == "lenient")
    return ReferralQuery(status, last_updated, page, ids, tuple(keys))


ReferralQueryDep = Annotated[ReferralQuery, Depends(referral_query)]


Includes = Annotated[list[str], Query(alias="_include", max_length=4)]
RevIncludes = Annotated[list[str], Query(alias="_revinclude", max_length=4)]


def include_values(
    request: Request,
    given: Includes = [],  # noqa: B006 - FastAPI copies defaults
) -> list[str]:
    """The ``_include`` values applied (a dependency of the Task search;
    :func:`taken_includes`)."""
    return taken_includes("_include", given, lenient=handling(request) == "lenient")


def revinclude_values(
    request: Request,
    given: RevIncludes = [],  # noqa: B006 - FastAPI copies defaults
) -> list[str]:
    """The ``_revinclude`` values applied (a dependency of the ServiceRequest
    search; :func:`taken_includes`)."""
    lenient = handling(request) == "lenient"
    return taken_includes("_revinclude", given, lenient=lenient)
