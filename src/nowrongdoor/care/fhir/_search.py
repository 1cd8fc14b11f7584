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
from nowrongdoor.care.fhir.mapping import referral_status_of_task
from nowrongdoor.care.models import PartnerService, Referral, User

__all__ = ["organization_id", "referral_search", "service_names"]

_PREFIXES = ("ge", "gt", "le", "lt", "eq")


def _last_updated_clause(values: list[str]) -> list[Any]:
    clauses = []
    for raw in values:
        prefix, value = "eq", raw
        if raw[:2] in _PREFIXES:
            prefix, value = raw[:2], raw[2:]
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


def referral_search(
    session: Session,
    viewer: User,
    *,
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
        ours = []
        for code in status.split(","):
            mapped = referral_status_of_task(code.strip())
            if mapped is None:
                raise BadRequest(f"status={code.strip()!r} is not a Task status we use")
            ours.append(str(mapped))
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
