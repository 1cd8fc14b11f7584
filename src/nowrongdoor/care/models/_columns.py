"""Column factories for the column groups the care tables repeat (private):
foreign keys to a parent row or another record, insert and update timestamps.

Each returns a ``mapped_column`` whose type comes from the attribute's
``Mapped[...]`` annotation, as a ``mapped_column`` written in place would.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ForeignKey
from sqlalchemy.orm import MappedColumn, mapped_column

from nowrongdoor.care.models._base import utcnow

__all__ = ["child_of", "created_now", "ref", "updated_now"]


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
