"""Which referrals' current status the referring team recorded on the
receiving partner's behalf (private).

A partner that is not on the system (:func:`nowrongdoor.care.crud.partner_on_system`)
tells the referring team its move (by phone, email...), and the team records
it (``referral_event.told_via``, migration 0019). The Task then says so
(:func:`nowrongdoor.care.fhir.resources.task_resource`). Only the columns the
Task shows are read: ``told_by`` (who at the partner said it, encrypted) never
leaves the database here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy.orm import Session

from nowrongdoor.care import crud
from nowrongdoor.care.models import Referral

__all__ = ["OnBehalfMove", "on_behalf_move", "on_behalf_moves"]


@dataclass(frozen=True)
class OnBehalfMove:
    """The move to a referral's current status, recorded on the partner's behalf.

    Attributes:
        to_status: The status it moved to (the referral's current one).
        at: When the referring team recorded it.
        told_via: How the partner told the team (``phone``, ``email``,
            ``in_person``, ``letter``).
    """

    to_status: str
    at: dt.datetime
    told_via: str


def on_behalf_moves(
    session: Session, referrals: Iterable[Referral]
) -> dict[int, OnBehalfMove]:
    """Referral id -> its :class:`OnBehalfMove`, for the referrals whose last
    move (the one to their current status) was recorded on the partner's
    behalf; a move the referring team made as itself, or the partner through
    the system, has no ``told_via`` (:func:`crud.latest_referral_changes`)."""
    rows = list(referrals)
    changes = crud.latest_referral_changes(session, rows)
    return {
        r.id: OnBehalfMove(to_status=r.status, at=change.moved_at,
                           told_via=change.told_via)
        for r in rows
        if (change := changes[r.id]).told_via and change.status == r.status
    }  # fmt: skip


def on_behalf_move(session: Session, referral: Referral) -> OnBehalfMove | None:
    """The :class:`OnBehalfMove` of one referral, ``None`` when its current
    status is not one recorded on the partner's behalf."""
    return on_behalf_moves(session, [referral]).get(referral.id)
