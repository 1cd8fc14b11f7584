"""Aggregate counts of purged records, kept for program reports (private)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from nowrongdoor.care.models._base import Base, utcnow
from nowrongdoor.care.models._columns import IdKey

__all__ = ["PurgeTally"]


class PurgeTally(IdKey, Base):
    """How many records of one kind one purge removed (no ids, no person data).

    Reports that count the program's work over years add these to the live
    rows, so a retention purge does not make past activity disappear.
    """

    __tablename__ = "purge_tally"

    purged_at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)
    kind: Mapped[str] = mapped_column(String(32))
    count: Mapped[int] = mapped_column()
