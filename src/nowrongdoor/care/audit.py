"""Append-only audit log, chained with a keyed hash (HMAC) and anchored outside.

Each event stores the hash of the previous one and an HMAC-SHA256 over its own
fields under an *audit key* held outside the database (``Settings.audit_keys``,
newest first). The event records its key's id, so a key can be rotated without
rebuilding the chain (old keys stay configured to verify old events). Without
the key, someone with write access to the database cannot recompute a hash that
verifies, so an edited, inserted or reordered event is detected. Deleting rows
in the middle breaks the next row's link and the sequence; deleting rows at the
end no longer matches the chain head.

The head lives in the same database, so deleting the tail *and* rewriting the
head (or deleting everything) needs a witness outside it: a *checkpoint* (the
head's sequence number and hash, the time, signed with the audit key) appended
to a file (``Settings.audit_checkpoint_file``, opened append-only, 0600) by
``nowrongdoor audit verify --checkpoint`` or ``nowrongdoor audit checkpoint``
(for cron). Verification compares the chain with every checkpoint in the file.
docs/care.md lists each tamper case and what is and is not detected.

Appending locks the head row (``SELECT ... FOR UPDATE``; SQLite serialises
writers itself), so concurrent requests still form one chain. Sessions made by
:class:`nowrongdoor.care.db.Database` carry the key ring in ``session.info``.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
import os
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from sqlalchemy import Table, bindparam, insert, select, update
from sqlalchemy.orm import Session

from nowrongdoor.care.models import AuditEvent, AuditHead, User, utcnow
from nowrongdoor.care.observability import observe_audit_append
from nowrongdoor.errors import UserInputError
from nowrongdoor.settings import Settings

__all__ = [
    "GENESIS",
    "KEYRING_INFO",
    "AuditEntry",
    "AuditKeyring",
    "ChainReport",
    "Checkpoint",
    "append_event",
    "dev_audit_key",
    "event_hash",
    "keyring_from_settings",
    "read_checkpoints",
    "verify_chain",
    "write_checkpoint",
]

#: The ``prev_hash`` of the first event.
GENESIS = "0" * 64

#: Key of the :class:`AuditKeyring` in ``Session.info``.
KEYRING_INFO = "nowrongdoor_audit_keyring"


class AuditKeyring:
    """The audit keys, newest first: the first signs, all verify.

    Args:
        secrets: Key material (any text of at least 32 characters, e.g. from
            ``nowrongdoor care new-key``), newest first.
    """

    def __init__(self, secrets: Sequence[str]) -> None:
        if not secrets:
            raise ValueError("at least one audit key is needed")
        self._keys: dict[str, bytes] = {}
        for secret in secrets:
            raw = secret.encode("utf-8")
            self._keys.setdefault(self.key_id_of(raw), raw)
        self.current = next(iter(self._keys))

    @staticmethod
    def key_id_of(raw: bytes) -> str:
        """A key's public id: 16 hex digits of SHA-256 over a label and the key."""
        return hashlib.sha256(b"nowrongdoor audit key id\x00" + raw).hexdigest()[:16]

    def knows(self, key_id: str) -> bool:
        """Whether ``key_id`` is one of the configured keys."""
        return key_id in self._keys

    def sign(self, key_id: str, label: bytes, blob: bytes) -> str:
        """HMAC-SHA256 (hex) of ``blob`` under key ``key_id``, domain ``label``.

        Raises:
            KeyError: ``key_id`` is not configured.
        """
        return hmac.new(
            self._keys[key_id], label + b"\x00" + blob, "sha256"
        ).hexdigest()


def keyring_from_settings(settings: Settings) -> AuditKeyring:
    """The audit key ring of ``settings``.

    Outside production, with no ``audit_keys`` configured, one key is derived
    from ``secret_key`` (HKDF-SHA256, its own label), so the demo needs none.

    Raises:
        UserInputError: production without audit keys, or a key that is too short.
    """
    secrets = [k.get_secret_value() for k in settings.audit_keys]
    for i, secret in enumerate(secrets):
        if len(secret) < 32:
            raise UserInputError(
                f"setting audit_keys[{i}] is shorter than 32 characters "
                "(make one with `nowrongdoor care new-key`)"
            )
    if not secrets:
        if settings.environment == "production":
            raise UserInputError(
                "setting audit_keys is empty; production needs an audit key held "
                "outside the database (make one with `nowrongdoor care new-key`)"
            )
        secrets = [dev_audit_key(settings.secret_key.get_secret_value())]
    return AuditKeyring(secrets)


def dev_audit_key(secret_key: str) -> str:
    """The development audit key derived from ``secret_key`` (HKDF-SHA256).

    To move such a chain to a real key, configure ``[new_key,
    dev_audit_key(secret)]``: old events keep verifying under the old key id.
    """
    raw = HKDF(
        algorithm=hashes.SHA256(),
        length=32,
        salt=b"nowrongdoor",
        info=b"nowrongdoor audit dev",
    ).derive(secret_key.encode("utf-8"))
    return base64.urlsafe_b64encode(raw).decode("ascii")


def _keyring(session: Session) -> AuditKeyring:
    ring = session.info.get(KEYRING_INFO)
    if not isinstance(ring, AuditKeyring):
        raise RuntimeError(
            "this session has no audit key ring; make sessions with "
            "nowrongdoor.care.db.Database"
        )
    return ring


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


def _payload(event: AuditEvent) -> bytes:
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
    if event.key_id is not None:
        payload.append(event.key_id)
    blob = json.dumps(payload, separators=(",", ":"), ensure_ascii=True)
    return blob.encode("ascii")


def event_hash(event: AuditEvent, keyring: AuditKeyring) -> str:
    """The hash of an event: HMAC-SHA256 under its key over its fields.

    Events written before the chain was keyed (``key_id`` is ``None``) keep
    their plain SHA-256.

    Args:
        event: The event (its ``key_id`` names the key).
        keyring: The audit keys.

    Raises:
        KeyError: the event's key is not configured.
    """
    if event.key_id is None:
        return hashlib.sha256(_payload(event)).hexdigest()
    return keyring.sign(event.key_id, b"event", _payload(event))


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
    .values(last_seq=bindparam("new_seq"), last_hash=bindparam("new_hash"))
)
#: PostgreSQL: the event's insert and the head's move in one statement (a
#: data-modifying CTE), one round trip fewer per audited request. Other
#: databases run the two statements one after the other.
_INSERT_AND_MOVE = _INSERT_EVENT.add_cte(
    _MOVE_HEAD.returning(_HEAD.c.last_seq).cte("moved_head")
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
    started = time.perf_counter()
    ring = _keyring(session)
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
        key_id=ring.current,
        hash="",
    )
    event.hash = event_hash(event, ring)
    conn = session.connection()
    values = {key: getattr(event, key) for key in _COLUMNS}
    if conn.dialect.name == "postgresql":
        conn.execute(
            _INSERT_AND_MOVE, {**values, "new_seq": event.seq, "new_hash": event.hash}
        )
    else:
        conn.execute(_INSERT_EVENT, values)
        conn.execute(_MOVE_HEAD, {"new_seq": event.seq, "new_hash": event.hash})
    observe_audit_append(time.perf_counter() - started)
    return event


@dataclass(frozen=True)
class Checkpoint:
    """A signed witness of the chain head, kept outside the database.

    Attributes:
        seq: Sequence number of the last event (0: empty chain).
        hash: That event's hash.
        at: When the checkpoint was taken (ISO 8601, UTC).
        key_id: The audit key that signed it.
        sig: HMAC-SHA256 over the other fields.
    """

    seq: int
    hash: str
    at: str
    key_id: str
    sig: str = ""

    def blob(self) -> bytes:
        """The signed bytes."""
        text = json.dumps(
            [self.seq, self.hash, self.at, self.key_id], separators=(",", ":")
        )
        return text.encode("ascii")


@dataclass
class ChainReport:
    """Result of verifying the chain.

    Attributes:
        checked: Number of events read.
        problems: ``(seq, description)`` for each break found.
        unkeyed: Events from before the chain was keyed (plain SHA-256).
        checkpoints: Valid checkpoints the chain was compared with.
        written: The checkpoint appended after verifying, if one was.
    """

    checked: int = 0
    problems: list[tuple[int, str]] = field(default_factory=list)
    unkeyed: int = 0
    checkpoints: int = 0
    written: Checkpoint | None = None

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


def read_checkpoints(
    path: Path, keyring: AuditKeyring
) -> tuple[list[Checkpoint], list[str]]:
    """The checkpoints in ``path`` whose signature verifies, and the problems.

    Args:
        path: The checkpoint file (JSON lines); a missing file has none.
        keyring: The audit keys.

    Returns:
        ``(valid checkpoints, one sentence per bad line)``.
    """
    if not path.exists():
        return [], []
    good: list[Checkpoint] = []
    bad: list[str] = []
    raw = path.read_bytes()
    for number, line in enumerate(raw.splitlines(), start=1):
        if not line.strip():
            continue
        where = f"checkpoint file {path} line {number}"
        try:
            data = json.loads(line)
            cp = Checkpoint(
                seq=int(data["seq"]),
                hash=str(data["hash"]),
                at=str(data["at"]),
                key_id=str(data["key_id"]),
                sig=str(data["sig"]),
            )
        except (ValueError, KeyError, TypeError):
            bad.append(f"{where} is not a checkpoint (edited?)")
            continue
        if not keyring.knows(cp.key_id):
            bad.append(f"{where} is signed with key {cp.key_id}, not configured")
            continue
        expected = keyring.sign(cp.key_id, b"checkpoint", cp.blob())
        if not hmac.compare_digest(expected, cp.sig):
            bad.append(f"{where}: signature does not verify (edited)")
            continue
        good.append(cp)
    return good, bad


def write_checkpoint(
    path: Path, keyring: AuditKeyring, *, seq: int, head_hash: str
) -> Checkpoint:
    """Append a signed checkpoint of the head to ``path`` (created 0600).

    The file is opened with ``O_APPEND`` and synced; an external sink (a
    write-once bucket, a log shipper) can tail it.
    """
    at = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    unsigned = Checkpoint(seq=seq, hash=head_hash, at=at, key_id=keyring.current)
    cp = Checkpoint(
        seq=seq,
        hash=head_hash,
        at=at,
        key_id=keyring.current,
        sig=keyring.sign(keyring.current, b"checkpoint", unsigned.blob()),
    )
    line = json.dumps(
        {
            "seq": cp.seq,
            "hash": cp.hash,
            "at": cp.at,
            "key_id": cp.key_id,
            "sig": cp.sig,
        },
        separators=(",", ":"),
    )
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(fd, (line + "\n").encode("ascii"))
        os.fsync(fd)
    finally:
        os.close(fd)
    return cp


def _check_event(
    event: AuditEvent, ring: AuditKeyring, report: ChainReport, keyed: bool
) -> bool:
    """Check one event's own hash; returns whether the chain is keyed so far."""
    if event.key_id is None:
        report.unkeyed += 1
        if keyed:
            report.problems.append(
                (event.seq, "event is unkeyed after keyed events (rewritten)")
            )
    elif not ring.knows(event.key_id):
        report.problems.append(
            (event.seq, f"event is signed with key {event.key_id}, not configured")
        )
        return True
    if event_hash(event, ring) != event.hash:
        report.problems.append((event.seq, "event content was changed (edited)"))
    return keyed or event.key_id is not None


def verify_chain(
    session: Session,
    *,
    checkpoint_file: Path | None = None,
    write: bool = False,
    batch: int = 5000,
) -> ChainReport:
    """Walk the chain and report every edited, deleted or reordered event.

    Args:
        session: Database session (read only).
        checkpoint_file: Checkpoints to compare the chain with (deleted or
            truncated events, rewritten heads); ``None`` compares with none.
        write: Append a new checkpoint of the head when the chain is intact.
        batch: Events read per query.

    Returns:
        A :class:`ChainReport`.
    """
    ring = _keyring(session)
    report = ChainReport()
    witnessed: dict[int, Checkpoint] = {}
    if checkpoint_file is not None:
        good, bad = read_checkpoints(checkpoint_file, ring)
        report.problems.extend((0, problem) for problem in bad)
        report.checkpoints = len(good)
        for cp in good:
            witnessed[cp.seq] = cp
    expected_seq = 1
    prev = GENESIS
    keyed = False
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
        keyed = _check_event(event, ring, report, keyed)
        seen = witnessed.pop(event.seq) if event.seq in witnessed else None
        if seen is not None and seen.hash != event.hash:
            report.problems.append(
                (
                    event.seq,
                    f"event differs from the checkpoint of {seen.at} (rewritten)",
                )
            )
        prev = event.hash
        expected_seq = event.seq + 1
    last_seq = expected_seq - 1
    for cp in sorted(witnessed.values(), key=lambda c: c.seq):
        if cp.seq > 0:
            report.problems.append(
                (
                    cp.seq,
                    f"the checkpoint of {cp.at} witnessed {cp.seq} events but "
                    f"{report.checked} remain (events deleted or the chain truncated)",
                )
            )
    head = session.execute(
        select(AuditHead.last_seq, AuditHead.last_hash).where(AuditHead.id == 1)
    ).first()
    if head is not None and (head.last_seq != last_seq or head.last_hash != prev):
        report.problems.append(
            (
                last_seq,
                f"chain head says {head.last_seq} events but {last_seq} remain "
                "(events deleted from the end, or head edited)",
            )
        )
    if write and report.ok and checkpoint_file is not None:
        report.written = write_checkpoint(
            checkpoint_file, ring, seq=last_seq, head_hash=prev
        )
    return report
