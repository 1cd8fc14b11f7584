"""Searches behind the /fhir routes: referrals in reach by owner, status and
their dates (``_lastUpdated``; Task ``authored-on`` and ``modified``,
ServiceRequest ``authored``; FHIR R4 search prefixes eq/ne/lt/gt/le/ge/sa/eb),
in the ``_sort`` order asked, the resources ``_include``/``_revinclude=Task:focus``
bring, and the lookups that build resources (private)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Query, Request
from sqlalchemy import and_, func, or_, select
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
    "DATE_PARAMS",
    "FOCUS",
    "SORT_KEYS",
    "ReferralQuery",
    "ServiceRequestQueryDep",
    "TaskQueryDep",
    "include_values",
    "included_referrals",
    "organization_id",
    "referral_resources",
    "referral_search",
    "revinclude_values",
    "service_names",
    "service_request_query",
    "sort_keys",
    "taken_includes",
    "task_query",
]

#: The date prefixes taken (FHIR R4 search.html#prefix); ``ap``
#: (approximately, a server-chosen margin) is the one refused.
_PREFIXES = ("eq", "ne", "lt", "gt", "le", "ge", "sa", "eb")
#: The date search parameters of each resource type and the column each
#: searches: ``_lastUpdated`` (meta.lastUpdated, search.html#lastUpdated),
#: Task ``authored-on`` (Task.authoredOn) and ``modified`` (Task.lastModified),
#: task.html#search; ServiceRequest ``authored`` (ServiceRequest.authoredOn,
#: servicerequest.html#search: when sent, else when drafted, as
#: :func:`.resources.service_request_resource` fills it).
DATE_PARAMS: dict[str, dict[str, Any]] = {
    "Task": {
        "_lastUpdated": Referral.updated_at,
        "authored-on": Referral.created_at,
        "modified": Referral.updated_at,
    },
    "ServiceRequest": {
        "_lastUpdated": Referral.updated_at,
        "authored": func.coalesce(Referral.sent_at, Referral.created_at),
    },
}


def _next_month(at: dt.datetime, months: int) -> dt.datetime:
    step = at.month - 1 + months
    return at.replace(year=at.year + step // 12, month=step % 12 + 1)


def _date_range(value: str) -> tuple[dt.datetime, dt.datetime]:
    """The instants ``[lo, hi)`` a date search value covers (search.html#date:
    a value is a range as wide as its precision, fractions of a second too:
    ``.123`` is a millisecond, the precision our instants are shown in).

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
        digits = len(time.partition(".")[2].rstrip("Z").split("+")[0].split("-")[0])
        width = dt.timedelta(microseconds=10 ** max(6 - digits, 0))
    elif len(time) >= 8 and time[5] == ":":
        width = dt.timedelta(seconds=1)
    else:
        width = dt.timedelta(minutes=1)
    lo = at.astimezone(dt.UTC)
    return lo, lo + width


def _date_clause(col: Any, prefix: str, lo: dt.datetime, hi: dt.datetime) -> Any:
    """The condition on ``col`` of one prefixed date search value, its range
    ``[lo, hi)``. FHIR R4 search.html#prefix compares the search range with
    the element's (an instant to the millisecond): ``eq`` inside it, ``ne``
    outside it, ``ge`` from ``lo``, ``gt`` and ``sa`` from ``hi`` (after the
    whole range), ``le`` before ``hi``, ``lt`` and ``eb`` before ``lo``."""
    return {
        "eq": and_(col >= lo, col < hi),
        "ne": or_(col < lo, col >= hi),
        "ge": col >= lo,
        "gt": col >= hi,
        "sa": col >= hi,
        "le": col < hi,
        "lt": col < lo,
        "eb": col < lo,
    }[prefix]


def _date_value(param: str, value: str) -> tuple[str, dt.datetime, dt.datetime]:
    """The prefix and range of one date search value of ``param``.

    Raises:
        BadRequest: ``ap``, or no date (names the parameter and the value).
    """
    prefix, rest = "eq", value
    if value[:2] == "ap":
        raise BadRequest(
            f"{param}={value!r}: the prefix 'ap' (approximately) is not supported "
            f"(only {', '.join(_PREFIXES)})"
        )
    if value[:2] in _PREFIXES:
        prefix, rest = value[:2], value[2:]
    try:
        lo, hi = _date_range(rest)
    except ValueError:
        raise BadRequest(
            f"{param}={value!r} is not a date (YYYY, YYYY-MM, YYYY-MM-DD) or a "
            "date-time (YYYY-MM-DDThh:mm:ss with a time zone, UTC if none), "
            f"with an optional prefix ({', '.join(_PREFIXES)})"
        ) from None
    return prefix, lo, hi


def date_values(param: str, given: Sequence[str], *, lenient: bool) -> list[str]:
    """The values of date parameter ``param`` the search applies: each
    occurrence (occurrences are ANDed) with the comma-separated values it ORs
    (search.html#combining) that are dates; one that is not is refused, or
    left out under ``Prefer: handling=lenient`` (search.html#errors).

    Raises:
        BadRequest: a value that is no date (unless ``lenient``).
    """
    out: list[str] = []
    for occurrence in given:
        kept = []
        for value in (v.strip() for v in occurrence.split(",")):
            try:
                _date_value(param, value)
            except BadRequest:
                if not lenient:
                    raise
                continue
            kept.append(value)
        if kept:
            out.append(",".join(kept))
    return out


def _date_clauses(resource_type: str, dates: Mapping[str, Sequence[str]]) -> list[Any]:
    """The conditions of the date parameters ``dates`` (applied values, as
    :func:`date_values` keeps them) on ``resource_type``'s columns."""
    clauses = []
    for param, values in dates.items():
        col = DATE_PARAMS[resource_type][param]
        for occurrence in values:
            ors = [_date_clause(col, *_date_value(param, v))
                   for v in occurrence.split(",")]  # fmt: skip
            clauses.append(or_(*ors))
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
#: ``-`` before it descending) and the column each orders by: ``_id`` and the
#: date parameters of each (:data:`DATE_PARAMS`).
SORT_KEYS: dict[str, dict[str, Any]] = {
    kind: {"_lastUpdated": Referral.updated_at, "_id": Referral.id, **dates}
    for kind, dates in DATE_PARAMS.items()
}
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


def sort_keys(raw: str | None, resource_type: str, *, lenient: bool) -> list[str]:
    """The ``_sort`` keys of a ``resource_type`` search applied, from its
    comma-separated value (a key named twice counts once; its second mention
    orders nothing).

    Raises:
        BadRequest: a key we do not sort by (unless ``lenient``).
    """
    given = [k.strip() for k in (raw or "").split(",") if k.strip()]
    known = SORT_KEYS[resource_type]
    listing = ", ".join(known) + " (each with - before it: descending)"
    keys = _taken(
        "_sort",
        given,
        lambda k: k.removeprefix("-") in known,
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


def _order_by(resource_type: str, keys: Sequence[str]) -> list[Any]:
    """ORDER BY terms for ``_sort`` keys; the id last, in the first key's
    direction, when no key names it, so that pages never overlap or skip."""
    terms = []
    for key in keys:
        col = SORT_KEYS[resource_type][key.removeprefix("-")]
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
    dates: Mapping[str, Sequence[str]],
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
    ``dates`` are the date parameters' applied values (:func:`date_values`).

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
    for clause in _date_clauses(resource_type, dates):
        stmt = stmt.where(clause)
    return crud.paginate(
        session,
        stmt.order_by(*_order_by(resource_type, sort or _DEFAULT_SORT)),
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

#: A date parameter's occurrences (each may hold comma-separated values).
LastUpdated = Annotated[list[str], Query(alias="_lastUpdated", max_length=4)]
AuthoredOn = Annotated[list[str], Query(alias="authored-on", max_length=4)]
Modified = Annotated[list[str], Query(alias="modified", max_length=4)]
Authored = Annotated[list[str], Query(alias="authored", max_length=4)]
Ids = Annotated[str | None, Query(alias="_id", max_length=2000)]
Sort = Annotated[str | None, Query(alias="_sort", max_length=200)]


@dataclass(frozen=True)
class ReferralQuery:
    """The search parameters Task and ServiceRequest searches share.

    Attributes:
        status: Task status codes, comma-separated (``None``: any).
        dates: The date parameters' applied values (:func:`date_values`).
        page: ``_count`` and ``_offset``.
        ids: ``_id``, resource ids, comma-separated (``None``: any).
        sort: The ``_sort`` keys applied (none: the latest change first).
    """

    status: str | None
    dates: dict[str, list[str]]
    page: SearchPage
    ids: str | None = None
    sort: tuple[str, ...] = ()


def _referral_query(
    request: Request,
    resource_type: str,
    page: SearchPage,
    status: str | None,
    dates: dict[str, list[str]],
    ids: str | None,
    sort: str | None,
) -> ReferralQuery:
    """The search parameters of a ``resource_type`` search.

    Raises:
        BadRequest: a date or ``_sort`` key we do not take (unless the caller
            asked for ``Prefer: handling=lenient``).
    """
    lenient = handling(request) == "lenient"
    keys = sort_keys(sort, resource_type, lenient=lenient)
    applied = {
        name: kept
        for name, given in dates.items()
        if (kept := date_values(name, given, lenient=lenient))
    }
    return ReferralQuery(status, applied, page, ids, tuple(keys))


def task_query(
    request: Request,
    page: SearchPageDep,
    status: str | None = None,
    last_updated: LastUpdated = [],  # noqa: B006 - FastAPI copies defaults
    authored_on: AuthoredOn = [],  # noqa: B006
    modified: Modified = [],  # noqa: B006
    ids: Ids = None,
    sort: Sort = None,
) -> ReferralQuery:
    """The Task search's parameters from the query string (a dependency)."""
    dates = {"_lastUpdated": last_updated, "authored-on": authored_on,
             "modified": modified}  # fmt: skip
    return _referral_query(request, "Task", page, status, dates, ids, sort)


def service_request_query(
    request: Request,
    page: SearchPageDep,
    status: str | None = None,
    last_updated: LastUpdated = [],  # noqa: B006 - FastAPI copies defaults
    authored: Authored = [],  # noqa: B006
    ids: Ids = None,
    sort: Sort = None,
) -> ReferralQuery:
    """The ServiceRequest search's parameters from the query string (a
    dependency)."""
    dates = {"_lastUpdated": last_updated, "authored": authored}
    return _referral_query(request, "ServiceRequest", page, status, dates, ids, sort)


TaskQueryDep = Annotated[ReferralQuery, Depends(task_query)]
ServiceRequestQueryDep = Annotated[ReferralQuery, Depends(service_request_query)]


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
