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


def _last_updated_clause(values: list[str]) -> list[Any]:
    clauses = []
    for raw in values:
        prefix, value = "eq", raw
        if raw[:2] in _PREFIXES:
            prefix, value = raw[:2], raw[2:]
        # an offset's "+" sent unencoded arrives as a space (FHIR R4
        # search.html#date asks for %2B); no instant holds a space otherwise
        value = value.replace(" ", "+")
        try:
            if len(value) == 10:
                at = dt.datetime.combine(dt.date.fromisoformat(value), dt.time())
                at = at.replace(tzinfo=dt.UTC)
            else:
                at = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
                if at.tzinfo is None:
                    raise ValueError("no time zone")
        except ValueError:
            raise BadRequest(
                f"_lastUpdated={raw!r} is not a date or an instant with a time zone"
            ) from None
        at = at.astimezone(dt.UTC)
        col = Referral.updated_at
        if prefix == "eq" and len(value) == 10:
            clauses += [col >= at, col < at + dt.timedelta(days=1)]
        else:
            op = {"ge": col >= at, "gt": col > at, "le": col <= at, "lt": col < at}
            clauses.append(op.get(prefix, col == at))
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
) -> tuple[list[Referral], int]:
    stmt = visible_referrals(session, viewer)
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
