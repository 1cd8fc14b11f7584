"""Helpers shared by the data-access functions (private)."""

from __future__ import annotations

from typing import Any, TypeVar

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from nowrongdoor.care.errors import NotFound

T = TypeVar("T")


def get_or_404(session: Session, model: type[T], record_id: int, label: str) -> T:
    """Load a row by id or raise :class:`NotFound` naming ``label``."""
    row = session.get(model, record_id)
    if row is None:
        raise NotFound(f"no {label} with id {record_id}", field=f"{label}_id")
    return row


def paginate(
    session: Session, stmt: Select[Any], *, limit: int, offset: int
) -> tuple[list[Any], int]:
    """Run ``stmt`` for one page; returns (rows, total count)."""
    total = session.scalar(
        select(func.count()).select_from(stmt.order_by(None).subquery())
    )
    rows = list(session.scalars(stmt.limit(limit).offset(offset)).all())
    return rows, int(total or 0)
