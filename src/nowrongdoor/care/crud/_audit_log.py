"""Reading the audit log (private); appending is :mod:`nowrongdoor.care.audit`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from nowrongdoor.care.crud._common import paginate
from nowrongdoor.care.enums import Role
from nowrongdoor.care.models import AuditEvent, Person, User
from nowrongdoor.care.rbac import require

__all__ = [
    "OVERSIGHT_KINDS",
    "OversightFilters",
    "list_audit_events",
    "oversight_events",
]


def list_audit_events(
    session: Session,
    *,
    viewer: User | None = None,
    user_id: int | None = None,
    username: str | None = None,
    person_id: int | None = None,
    action: str | None = None,
    action_prefix: bool = False,
    outcome: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[AuditEvent], int]:
    """Audit events, newest first; empty filters are ignored.

    Args:
        session: Database session.
        viewer: Who reads the log: their role must grant ``audit:read``
            (``None``: the caller checked it).
        user_id: Only this user's events.
        username: Only events of this username (any case).
        person_id: Only events about this person.
        action: Only this action (``person.read``), or every action starting
            with it when ``action_prefix`` (``person.`` for all person events).
        action_prefix: Match ``action`` as a prefix.
        outcome: Only this outcome (``success``, ``denied``...).
        limit: Page size.
        offset: Rows to skip.

    Returns:
        ``(events, total)``.
    """
    if viewer is not None:
        require(viewer, "audit:read")
    stmt = select(AuditEvent).order_by(AuditEvent.seq.desc())
    if user_id is not None:
        stmt = stmt.where(AuditEvent.user_id == user_id)
    if username:
        stmt = stmt.where(AuditEvent.username == username.lower())
    if person_id is not None:
        stmt = stmt.where(AuditEvent.person_id == person_id)
    if action:
        stmt = stmt.where(
            AuditEvent.action.like(f"{action}%")
            if action_prefix
            else AuditEvent.action == action
        )
    if outcome:
        stmt = stmt.where(AuditEvent.outcome == outcome)
    return paginate(session, stmt, limit=limit, offset=offset)


#: What a supervisor looks for in oversight, as (label, condition on the event).
OVERSIGHT_KINDS: dict[str, tuple[str, Any]] = {
    "reads": (
        "Who looked at which person",
        and_(AuditEvent.person_id.is_not(None), AuditEvent.action.like("%.read")),
    ),
    "failed_logins": (
        "Failed sign-ins",
        and_(AuditEvent.action == "auth.login", AuditEvent.outcome != "success"),
    ),
    "denied": ("Refused access", AuditEvent.outcome == "denied"),
    "overrides": (
        "Sent without consent (override)",
        AuditEvent.detail.like("%override%"),
    ),
}


@dataclass(frozen=True)
class OversightFilters:
    """What the oversight view is narrowed to (empty: no narrowing).

    Attributes:
        kind: One of :data:`OVERSIGHT_KINDS` (anything else: all of them).
        username: Only this staff username.
        pseudonym: Only events about this person.
    """

    kind: str = ""
    username: str = ""
    pseudonym: str = ""


def oversight_events(
    session: Session,
    *,
    viewer: User,
    filters: OversightFilters,
    limit: int = 50,
    offset: int = 0,
    count: bool = True,
    before_seq: int | None = None,
) -> tuple[list[tuple[AuditEvent, str | None]], int]:
    """Oversight events with the person's pseudonym, newest first.

    Limited to events by users of the viewer's organisation (an admin: every
    organisation's).

    Args:
        session: Database session (the caller checked ``audit:oversee``).
        viewer: Who is looking.
        filters: The kind of event, staff username and person.
        limit: Page size.
        offset: Rows to skip.
        count: Also count every matching event (otherwise the total is -1).
        before_seq: Only events older than this one (a keyset for reading a
            long list in batches while new events are appended).

    Returns:
        ``([(event, pseudonym or None), ...], total)``.
    """
    stmt = (
        select(AuditEvent, Person.pseudonym)
        .outerjoin(Person, Person.id == AuditEvent.person_id)
        .order_by(AuditEvent.seq.desc())
    )
    if viewer.role != Role.ADMIN:
        staff = select(User.username).where(
            User.organization_id == viewer.organization_id
        )
        stmt = stmt.where(AuditEvent.username.in_(staff.scalar_subquery()))
    kind, username, pseudonym = filters.kind, filters.username, filters.pseudonym
    if kind in OVERSIGHT_KINDS:
        stmt = stmt.where(OVERSIGHT_KINDS[kind][1])
    else:
        stmt = stmt.where(or_(*(cond for _label, cond in OVERSIGHT_KINDS.values())))
    if username:
        stmt = stmt.where(AuditEvent.username == username.strip().lower())
    if pseudonym:
        stmt = stmt.where(Person.pseudonym == pseudonym.strip().upper())
    if before_seq is not None:
        stmt = stmt.where(AuditEvent.seq < before_seq)
    rows, total = paginate(
        session, stmt, limit=limit, offset=offset, count=count, tuples=True
    )
    return [(event, person) for event, person in rows], total
