"""Retention periods and the purge of records past them.

Each record kind has a retention period in the settings; :func:`plan_purge`
lists what is past it and why, :func:`purge` deletes it. A purged record takes
the rows that depend on it (a case's needs, goals, notes, referrals and their
events...) along; audit events stay (they carry ids, never person data), and
the purge appends one audit event with the counts per kind and keeps those
counts in ``purge_tally`` for reports (a restore puts them back from the
ledger).

Before the deletion is committed, the ids purged are appended to the *purge
ledger*, a JSON-lines file kept outside the database (``purge_ledger_file``).
A restore of an older backup applies every purge recorded since that backup
again (:func:`reapply_purges`), so a restore never brings a purged record back.

Kinds and their rules:

* ``closed_case``: a case closed more than ``retention_closed_case_days`` ago;
  when the person has no case left, no intake still to review and no other
  referral, the person record (intakes, consents, screenings, risk flags) goes
  with it (kind ``person``).
* ``declined_referral``: a referral declined more than
  ``retention_declined_referral_days`` ago.
* ``ad_match_lead``: an ad-match lead dismissed, or never reviewed, received
  more than ``retention_ad_match_lead_days`` ago.
* ``note``: a case note older than ``retention_note_days`` on a closed case.
* ``ad_text``: the text and title of an ad imported into the investigator
  workspace, ``retention_ad_text_days`` after it was posted (an undated ad:
  after its first import). The ad row stays (its contacts' blind indexes,
  indicators and links); only the free text is cleared and the time noted in
  ``text_purged_at``.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine, Table, delete, exists, func, or_, select, update
from sqlalchemy.orm import Session

from nowrongdoor.care.audit import KEYRING_INFO, AuditEntry, AuditKeyring, append_event
from nowrongdoor.care.db import CareSession
from nowrongdoor.care.models import (
    AuditEvent,
    Base,
    Case,
    Intake,
    InvAd,
    Note,
    PurgeTally,
    Referral,
    utcnow,
)
from nowrongdoor.settings import Settings

__all__ = [
    "KINDS",
    "PurgeItem",
    "PurgePlan",
    "plan_purge",
    "purge",
    "reapply_purges",
]

#: Record kinds with a retention period, in purge order.
KINDS = (
    "note",
    "declined_referral",
    "ad_match_lead",
    "closed_case",
    "person",
    "ad_text",
)

#: Kinds whose records stay, with these columns cleared (not deleted).
_CLEARED: dict[str, dict[str, None]] = {"ad_text": {"text": None, "title": None}}

#: (table, FK column) of rows that outlive the record they point to: the
#: reference is cleared instead (an investigator's lead and decision stay when
#: the care intake its confirmation gave is purged).
_NULLED = frozenset({("inv_lead", "intake_id")})

#: Tables never deleted from by a purge.
_KEEP = frozenset({AuditEvent.__tablename__, "audit_head", PurgeTally.__tablename__})


@dataclass(frozen=True)
class PurgeItem:
    """One record past its retention period.

    Attributes:
        kind: Record kind (see :data:`KINDS`).
        table: Its table.
        id: Its primary key.
        reason: Why it goes (no person data).
    """

    kind: str
    table: str
    id: int
    reason: str


@dataclass
class PurgePlan:
    """What a purge removes, as of ``now``.

    Attributes:
        now: The reference time.
        items: Records past their period, in purge order.
    """

    now: dt.datetime
    items: list[PurgeItem] = field(default_factory=list)

    def add(self, kind: str, table: str, ids: Iterable[int], reason: str) -> None:
        """Add the records ``ids`` of ``table``, each going for ``reason``."""
        self.items.extend(PurgeItem(kind, table, i, reason) for i in ids)

    def counts(self) -> dict[str, int]:
        """Records per kind (every kind, zeros included)."""
        out = dict.fromkeys(KINDS, 0)
        for item in self.items:
            out[item.kind] += 1
        return out


def _cutoff(now: dt.datetime, days: int) -> dt.datetime:
    return now - dt.timedelta(days=days)


def plan_purge(
    session: Session, settings: Settings, *, now: dt.datetime | None = None
) -> PurgePlan:
    """List the records past their retention period (reads only).

    Args:
        session: Database session.
        settings: The retention periods.
        now: Reference time (default: now, UTC).

    Returns:
        The plan.
    """
    now = now or dt.datetime.now(dt.UTC)
    plan = PurgePlan(now=now)

    note_days = settings.retention_note_days
    notes = session.execute(
        select(Note.id)
        .join(Case, Case.id == Note.case_id)
        .where(Case.status == "closed", Note.created_at < _cutoff(now, note_days))
        .order_by(Note.id)
    ).scalars()
    plan.add("note", "note", notes, f"note on a closed case, > {note_days} d")

    ref_days = settings.retention_declined_referral_days
    refs = session.execute(
        select(Referral.id)
        .where(
            Referral.status == "declined",
            Referral.declined_at < _cutoff(now, ref_days),
        )
        .order_by(Referral.id)
    ).scalars()
    plan.add("declined_referral", "referral", refs, f"declined > {ref_days} d ago")

    lead_days = settings.retention_ad_match_lead_days
    leads = session.execute(
        select(Intake.id, Intake.status)
        .where(
            Intake.door == "ad_match",
            Intake.status.in_(["new", "dismissed"]),
            Intake.received_at < _cutoff(now, lead_days),
        )
        .order_by(Intake.id)
    ).all()
    for iid, status in leads:
        why = "dismissed" if status == "dismissed" else "never reviewed"
        plan.add(
            "ad_match_lead", "intake", [iid], f"{why}, received > {lead_days} d ago"
        )

    case_days = settings.retention_closed_case_days
    cases = session.execute(
        select(Case.id, Case.person_id)
        .where(Case.status == "closed", Case.closed_at < _cutoff(now, case_days))
        .order_by(Case.id)
    ).all()
    plan.add(
        "closed_case", "care_case", (c for c, _ in cases), f"closed > {case_days} d ago"
    )

    going_cases = {cid for cid, _ in cases}
    going_intakes = {iid for iid, _ in leads}
    going_refs = {item.id for item in plan.items if item.table == "referral"}
    for pid in sorted({pid for _cid, pid in cases}):
        other_cases = session.execute(
            select(Case.id).where(Case.person_id == pid)
        ).scalars()
        open_intakes = session.execute(
            select(Intake.id).where(Intake.person_id == pid, Intake.status == "new")
        ).scalars()
        referrals = session.execute(
            select(Referral.id).where(
                Referral.person_id == pid, Referral.case_id.not_in(going_cases)
            )
        ).scalars()
        if (
            set(other_cases) <= going_cases
            and set(open_intakes) <= going_intakes
            and set(referrals) <= going_refs
        ):
            why = "every case purged; no open intake or other referral"
            plan.add("person", "person", [pid], why)

    text_days = settings.retention_ad_text_days
    ads = session.execute(
        select(InvAd.id)
        .where(
            or_(InvAd.text.is_not(None), InvAd.title.is_not(None)),
            func.coalesce(InvAd.posted_at, InvAd.imported_at) < _cutoff(now, text_days),
        )
        .order_by(InvAd.id)
    ).scalars()
    plan.add("ad_text", "inv_ad", ads, f"ad text, posted > {text_days} d ago")
    return plan


# --- deletion -------------------------------------------------------------------


def _tables() -> dict[str, Table]:
    return {t.name: t for t in Base.metadata.sorted_tables}


def _children(name: str) -> list[tuple[Table, str]]:
    """(child table, FK column) of every table referencing ``name``."""
    out = []
    for child in Base.metadata.sorted_tables:
        if child.name in _KEEP:
            continue
        for fk in child.foreign_keys:
            if fk.column.table.name == name and fk.parent.table is child:
                out.append((child, fk.parent.name))
    return out


def _delete_tree(session: Session, name: str, ids: set[int]) -> int:
    """Delete rows ``ids`` of table ``name`` and every row depending on them."""
    if not ids or name in _KEEP:
        return 0
    tables = _tables()
    removed = 0
    for child, col in _children(name):
        if child.name == name:  # self reference
            continue
        if (child.name, col) in _NULLED:
            session.execute(
                update(child).where(child.c[col].in_(ids)).values({col: None})
            )
            continue
        if "id" not in child.c:
            result = session.execute(delete(child).where(child.c[col].in_(ids)))
            removed += int(getattr(result, "rowcount", 0) or 0)
            continue
        child_ids = set(
            session.execute(select(child.c.id).where(child.c[col].in_(ids))).scalars()
        )
        removed += _delete_tree(session, child.name, child_ids)
    table = tables[name]
    result = session.execute(delete(table).where(table.c.id.in_(ids)))
    removed += int(getattr(result, "rowcount", 0) or 0)
    return removed


def _clear(session: Session, items: list[PurgeItem]) -> int:
    """Clear the columns of the kinds that keep their rows (``ad_text``)."""
    cleared = 0
    for kind, values in _CLEARED.items():
        ids = sorted({i.id for i in items if i.kind == kind})
        table = _tables()[InvAd.__tablename__]
        for start in range(0, len(ids), 1000):
            result = session.execute(
                update(table)
                .where(table.c.id.in_(ids[start : start + 1000]))
                .values(**values, text_purged_at=utcnow())
            )
            cleared += int(getattr(result, "rowcount", 0) or 0)
    return cleared


def _apply(session: Session, items: Iterable[PurgeItem]) -> int:
    items = list(items)
    removed = _clear(session, items)
    by_table: dict[str, set[int]] = {}
    order: list[str] = []
    for item in items:
        if item.kind in _CLEARED:
            continue
        if item.table not in by_table:
            order.append(item.table)
        by_table.setdefault(item.table, set()).add(item.id)
    for name in order:
        table = _tables()[name]
        present = set(
            session.execute(
                select(table.c.id).where(table.c.id.in_(by_table[name]))
            ).scalars()
        )
        removed += _delete_tree(session, name, present)
    session.flush()
    return removed


def _append_ledger(ledger: Path, plan: PurgePlan) -> None:
    ledger.parent.mkdir(parents=True, exist_ok=True)
    line = json.dumps(
        {
            "at": plan.now.isoformat(),
            "counts": plan.counts(),
            "items": [[i.kind, i.table, i.id] for i in plan.items],
        },
        separators=(",", ":"),
    )
    with ledger.open("a", encoding="utf-8") as fh:
        fh.write(line + "\n")
        fh.flush()
        os.fsync(fh.fileno())


def purge(session: Session, plan: PurgePlan, *, ledger: Path) -> int:
    """Delete the records of ``plan`` (the caller commits).

    The plan's ids are appended to ``ledger`` first, then the records and their
    dependent rows are deleted and one ``retention.purge`` audit event with the
    counts per kind is appended.

    Returns:
        Rows deleted, dependent rows included.
    """
    if plan.items:
        _append_ledger(ledger, plan)
    removed = _apply(session, plan.items)
    _tally(session, plan.now, plan.counts())
    detail = " ".join(f"{k}={v}" for k, v in plan.counts().items())
    append_event(
        session,
        AuditEntry(action="retention.purge", detail=f"{detail} rows={removed}"),
        user=None,
        request_id=None,
    )
    return removed


def _tally(session: Session, at: dt.datetime, counts: dict[str, int]) -> None:
    """Keep the counts per kind for reports (``purge_tally``)."""
    for kind, count in counts.items():
        if count:
            session.add(PurgeTally(purged_at=at, kind=kind, count=count))
    session.flush()


def _ledger_entries(ledger: Path) -> list[dict[str, object]]:
    """The purge ledger's records (none when it does not exist yet).

    Raises:
        UserInputError: the ledger is not a file, not UTF-8 text, or a line
            is not a purge record (its ``at``, ``counts`` and ``items``).
    """
    from nowrongdoor.errors import UserInputError

    if not ledger.exists():
        return []
    try:
        text = ledger.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise UserInputError(
            f"purge ledger {ledger} is not UTF-8 text (byte {exc.start})"
        ) from None
    except OSError as exc:
        raise UserInputError(
            f"purge ledger {ledger} cannot be read ({exc.strerror})"
        ) from None
    entries = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            entry = json.loads(line)
            dt.datetime.fromisoformat(entry["at"])
            _check_record(entry)
        except (ValueError, KeyError, TypeError, AttributeError):
            raise UserInputError(
                f"{ledger} line {number} is not a purge record"
            ) from None
        entries.append(entry)
    return entries


def _check_record(entry: dict[str, object]) -> None:
    """Raise ``TypeError``/``ValueError`` unless the ledger record's counts
    are whole numbers and its items ``[kind, table, id]`` triples."""
    counts = entry.get("counts")
    if counts is not None and not isinstance(counts, dict):
        raise TypeError("counts")
    for value in (counts or {}).values():
        int(value)
    items = entry.get("items") or []
    if not isinstance(items, list):
        raise TypeError("items")
    for _kind, _table, row_id in items:
        int(row_id)


def reapply_purges(
    engine: Engine, keys: AuditKeyring, ledger: Path, *, since: dt.datetime
) -> int:
    """Apply again every purge recorded in ``ledger`` after ``since``.

    Args:
        engine: The (restored) care database.
        keys: Audit keys, to append the ``retention.reapply`` event.
        ledger: The purge ledger file.
        since: When the restored backup was taken.

    Returns:
        Records purged again (roots, not dependent rows).
    """
    items: list[PurgeItem] = []
    tallies: list[tuple[dt.datetime, dict[str, int]]] = []
    for entry in _ledger_entries(ledger):
        at = dt.datetime.fromisoformat(str(entry["at"]))
        if at <= since:
            continue
        counts = entry.get("counts")
        if isinstance(counts, dict):
            tallies.append((at, {str(k): int(v) for k, v in counts.items()}))
        raw = entry.get("items") or []
        assert isinstance(raw, list)
        items += [PurgeItem(str(k), str(t), int(i), "ledger") for k, t, i in raw]
    if not items:
        return 0
    tables = _tables()
    with CareSession(engine, info={KEYRING_INFO: keys}) as session:
        present = 0
        for item in items:
            table = tables[item.table]
            present += int(
                session.execute(
                    select(exists().where(table.c.id == item.id))
                ).scalar_one()
            )
        _apply(session, items)
        for at, counts in tallies:
            _tally(session, at, counts)
        append_event(
            session,
            AuditEntry(
                action="retention.reapply",
                detail=f"{present} records purged again after restore",
            ),
            user=None,
            request_id=None,
        )
        session.commit()
    return present
