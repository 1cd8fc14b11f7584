"""The append-only, hash-chained audit log (private)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from nowrongdoor.care.models._base import Base
from nowrongdoor.care.models._columns import IdKey, created_now

__all__ = ["AuditEvent", "AuditHead"]

_BIGINT = BigInteger().with_variant(Integer(), "sqlite")


class AuditEvent(Base):
    """One audited request or action; ``hash`` chains it to the previous event.

    ``key_id`` names the audit key whose HMAC ``hash`` is (``None``: an event
    from before the chain was keyed, plain SHA-256).
    """

    __tablename__ = "audit_event"

    seq: Mapped[int] = mapped_column(_BIGINT, primary_key=True, autoincrement=False)
    at: Mapped[dt.datetime] = created_now()
    request_id: Mapped[str | None] = mapped_column(String(64))
    user_id: Mapped[int | None] = mapped_column()
    username: Mapped[str | None] = mapped_column(String(150))
    role: Mapped[str | None] = mapped_column(String(32))
    action: Mapped[str] = mapped_column(String(60))
    resource_type: Mapped[str | None] = mapped_column(String(40))
    resource_id: Mapped[str | None] = mapped_column(String(64))
    person_id: Mapped[int | None] = mapped_column(index=True)
    outcome: Mapped[str] = mapped_column(String(16))
    detail: Mapped[str | None] = mapped_column(String(300))
    prev_hash: Mapped[str] = mapped_column(String(64))
    key_id: Mapped[str | None] = mapped_column(String(16))
    hash: Mapped[str] = mapped_column(String(64))


class AuditHead(IdKey, Base):
    """The chain's head (one row): last sequence number and hash.

    Appending locks this row, which serialises writers and lets verification
    notice events deleted from the end of the chain.
    """

    __tablename__ = "audit_head"

    last_seq: Mapped[int] = mapped_column(_BIGINT, default=0)
    last_hash: Mapped[str] = mapped_column(String(64))
