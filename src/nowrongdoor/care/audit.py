"""Append-only, hash-chained audit log.

Each event stores the hash of the previous one and its own hash over its fields,
so editing a row breaks its hash, deleting a row breaks the next row's link (and
the sequence), and deleting rows at the end no longer matches the chain head.
Appending locks the head row (``SELECT ... FOR UPDATE``; SQLite serialises
writers itself), so concurrent requests still form one chain.

``nowrongdoor audit verify`` runs :func:`verify_chain`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass, field

from sqlalchemy import Table, bindparam, insert, select, update
from sqlalchemy.orm import Session

from nowrongdoor.care.models import AuditEvent, AuditHead, User, utcnow

__all__ = [
    "GENESIS",
    "AuditEntry",
    "ChainReport",
    "append_event",
    "event_hash",
    "verify_chain",
]

#: The ``prev_hash`` of the first event.
GENESIS = "0" * 64


@dataclass(frozen=True)
class AuditEntry:
    """What to record about one action.

    Attributes:
        action: Verb in ``resource.verb`` form (``person.read``, ``referral.send``).
        outcome: ``success``, ``denied``, ``failure`` or ``error``.
        resource_type: The kind of record (``person``, ``case``, ...).
        resource_id: The record's id, if one.
        person_id: The person the record is about, if any.
        detail: Short non-identifying detail (a count, a status change).
    """

    action: str
    outcome: str = "success"
    resource_type: str | None = None
    resource_id: str | None = None
    person_id: int | None = None
    detail: str | None = None


def _iso(at: dt.datetime) -> str:
    return at.astimezone(dt.UTC).replace(tzinfo=None).isoformat(timespec="microseconds")


def event_hash(event: AuditEvent) -> str:
    """SHA-256 over an event's fields and its ``prev_hash``."""
    payload = [
        event.seq,
        _iso(event.at),
        event.request_id,
        event.user_id,
        event.username,
        event.role,
        event.action,
        event.resource_type,
        event.resource_id,
        event.person_id,
        event.outcome,
        event.detail,
        event.prev_hash,
    ]
    blob = json.dumps(payload, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(blob.encode("ascii")).hexdigest()


_EVENTS: Table = AuditEvent.__table__  # type: ignore[assignment]
_HEAD: Table = AuditHead.__table__  # type: ignore[assignment]
_COLUMNS = tuple(c.key for c in _EVENTS.columns)
# Built once: Core statements on the session's connection skip the ORM's
# per-call statement construction and flush machinery.
_SELECT_HEAD = (
    select(_HEAD.c.last_seq, _HEAD.c.last_hash).where(_HEAD.c.id == 1).with_for_update()
)
_INSERT_EVENT = insert(_EVENTS)
_MOVE_HEAD = (
    update(_HEAD)
    .where(_HEAD.c.id == 1)
    .values(last_seq=bindparam("seq"), last_hash=bindparam("hash"))
)


def _lock_head(session: Session) -> tuple[int, str]:
    """Lock the chain head row; returns (last sequence number, last hash)."""
    row = session.connection().execute(_SELECT_HEAD).first()
    if row is None:
        session.connection().execute(
            insert(_HEAD).values(id=1, last_seq=0, last_hash=GENESIS)
        )
        return 0, GENESIS
    return int(row.last_seq), str(row.last_hash)


def append_event(
    session: Session,
    entry: AuditEntry,
    *,
    user: User | None,
    request_id: str | None,
) -> AuditEvent:
    """Append one event to the chain inside the caller's transaction.

    Args:
        session: Database session; the event is written when it commits.
        entry: What happened.
        user: Who did it (``None`` for anonymous or system actions).
        request_id: The request's id, to join with access logs.

    Returns:
        The new event (a detached copy of the row written).
    """
    last_seq, last_hash = _lock_head(session)
    event = AuditEvent(
        seq=last_seq + 1,
        at=utcnow(),
        request_id=request_id,
        user_id=user.id if user is not None else None,
        username=user.username if user is not None else None,
        role=user.role if user is not None else None,
        action=entry.action,
        resource_type=entry.resource_type,
        resource_id=entry.resource_id,
        person_id=entry.person_id,
        outcome=entry.outcome,
        detail=entry.detail[:300] if entry.detail else None,
        prev_hash=last_hash,
        hash="",
    )
    event.hash = event_hash(event)
    conn = session.connection()
    conn.execute(_INSERT_EVENT, {key: getattr(event, key) for key in _COLUMNS})
    conn.execute(_MOVE_HEAD, {"seq": event.seq, "hash": event.hash})
    return event


@dataclass
class ChainReport:
    """Result of verifying the chain.

    Attributes:
        checked: Number of events read.
        problems: ``(seq, description)`` for each break found.
    """

    checked: int = 0
    problems: list[tuple[int, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Whether the chain is intact."""
        return not self.problems


def _events(session: Session, batch: int) -> Iterator[AuditEvent]:
    last = 0
    while True:
        rows = session.scalars(
            select(AuditEvent)
            .where(AuditEvent.seq > last)
            .order_by(AuditEvent.seq)
            .limit(batch)
        ).all()
        if not rows:
            return
        yield from rows
        last = rows[-1].seq
        session.expunge_all()


def verify_chain(session: Session, *, batch: int = 5000) -> ChainReport:
    """Walk the chain and report every edited, deleted or reordered event.

    Args:
        session: Database session (read only).
        batch: Events read per query.

    Returns:
        A :class:`ChainReport`.
    """
    report = ChainReport()
    expected_seq = 1
    prev = GENESIS
    for event in _events(session, batch):
        report.checked += 1
        if event.seq != expected_seq:
            report.problems.append(
                (
                    event.seq,
                    f"events {expected_seq}..{event.seq - 1} are missing (deleted)",
                )
            )
        if event.prev_hash != prev:
            report.problems.append(
                (event.seq, "link to the previous event is broken (row deleted?)")
            )
        if event_hash(event) != event.hash:
            report.problems.append((event.seq, "event content was changed (edited)"))
        prev = event.hash
        expected_seq = event.seq + 1
    head = session.execute(
        select(AuditHead.last_seq, AuditHead.last_hash).where(AuditHead.id == 1)
    ).first()
    last_seq = expected_seq - 1
    if head is not None and (head.last_seq != last_seq or head.last_hash != prev):
        report.problems.append(
            (
                last_seq,
                f"chain head says {head.last_seq} events but {last_seq} remain "
                "(events deleted from the end, or head edited)",
            )
        )
    return report
