"""Searches behind the /fhir routes: referrals in reach by owner, status and
``_lastUpdated`` (FHIR R4 search prefixes ge/gt/le/lt/eq), and the lookups that
build resources (private)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from nowrongdoor.care import crud
from nowrongdoor.care.errors import BadRequest
from nowrongdoor.care.fhir._access import visible_referrals
from nowrongdoor.care.fhir.mapping import (
    SERVICE_REQUEST_STATUS,
    referral_status_of_task,
)
from nowrongdoor.care.models import PartnerService, Referral, User

__all__ = ["organization_id", "referral_search", "service_names"]

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
) -> tuple[list[Referral], int]:
    """One page of the referrals ``viewer`` reaches that match the search, and
    how many match in all. ``ids`` is ``_id`` (search.html#id: the Task's or
    ServiceRequest's id, which is the referral's; comma-separated values are
    ORed; a value that is no id of ours matches nothing).

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
        stmt.order_by(Referral.updated_at.desc(), Referral.id.desc()),
        limit=count,
        offset=offset,
    )


def service_names(session: Session, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    rows = session.execute(
        select(PartnerService.id, PartnerService.name).where(PartnerService.id.in_(ids))
    )
    return {row.id: row.name for row in rows}
