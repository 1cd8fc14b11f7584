"""Column factories for the column groups the care tables repeat (private):
foreign keys to a parent row or another record, insert and update timestamps.

Each returns a ``mapped_column`` whose type comes from the attribute's
``Mapped[...]`` annotation, as a ``mapped_column`` written in place would.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, MappedColumn, mapped_column

from nowrongdoor.care.models._base import utcnow

__all__ = [
    "CaseChild",
    "IdKey",
    "IssuedToken",
    "TrainingRecord",
    "child_of",
    "created_now",
    "ref",
    "sensitivity_mark",
    "updated_now",
]


def child_of(table: str, **kw: Any) -> MappedColumn[Any]:
    """A foreign key to ``table.id`` deleted with its parent row (``ON DELETE
    CASCADE``); indexed unless ``unique`` or ``index=False`` is given."""
    if not kw.get("unique"):
        kw.setdefault("index", True)
    return mapped_column(ForeignKey(f"{table}.id", ondelete="CASCADE"), **kw)


def ref(table: str, **kw: Any) -> MappedColumn[Any]:
    """A foreign key to ``table.id`` (nullable as its ``Mapped`` type says)."""
    return mapped_column(ForeignKey(f"{table}.id"), **kw)


def created_now() -> MappedColumn[Any]:
    """A timestamp set to now (UTC) when the row is inserted."""
    return mapped_column(default=utcnow)


def updated_now() -> MappedColumn[Any]:
    """A timestamp set to now (UTC) on insert and on every update."""
    return mapped_column(default=utcnow, onupdate=utcnow)


def sensitivity_mark() -> MappedColumn[Any]:
    """The record's sensitivity mark: ``normal``, or ``part2`` (42 CFR Part 2)."""
    return mapped_column(String(16), default="normal")


# A mixin's columns follow the class's own unless ordered: these sort first.


class IdKey:
    """An integer surrogate primary key ``id``, the table's first column."""

    id: Mapped[int] = mapped_column(primary_key=True, sort_order=-100)


class CaseChild(IdKey):
    """A record that belongs to a case: ``id``, then ``case_id`` (indexed,
    deleted with the case)."""

    case_id: Mapped[int] = child_of("care_case", sort_order=-99)


class TrainingRecord(IdKey):
    """A user's training record: ``id``, ``user_id`` (deleted with the user),
    ``organization_id``, ``course_id``."""

    user_id: Mapped[int] = child_of("app_user", index=False, sort_order=-99)
    organization_id: Mapped[int] = ref("organization", sort_order=-98)
    course_id: Mapped[str] = mapped_column(String(64), sort_order=-97)


class IssuedToken(IdKey):
    """A token handed out and stored hashed: ``id``, ``token_hash`` (unique),
    then after the class's own columns ``created_at``, ``expires_at``,
    ``revoked_at``."""

    token_hash: Mapped[str] = mapped_column(String(64), unique=True, sort_order=-99)
    created_at: Mapped[dt.datetime] = created_now()
    expires_at: Mapped[dt.datetime] = mapped_column()
    revoked_at: Mapped[dt.datetime | None] = mapped_column()
