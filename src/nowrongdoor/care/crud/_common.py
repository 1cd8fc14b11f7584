"""Helpers shared by the data-access functions (private)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypeVar

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from nowrongdoor.care.errors import NotFound

__all__ = ["get_or_404", "inserted", "paginate"]

T = TypeVar("T")


def get_or_404(session: Session, model: type[T], record_id: int, label: str) -> T:
    """Load a row by id or raise :class:`NotFound` naming ``label``."""
    row = session.get(model, record_id)
    if row is None:
        raise NotFound(f"no {label} with id {record_id}", field=f"{label}_id")
    return row


def inserted(session: Session, row: T) -> T:
    """Add ``row`` and flush it (its id and defaults filled in); return it."""
    session.add(row)
    session.flush()
    return row


def paginate(
    session: Session,
    stmt: Select[*tuple[Any, ...]],
    *,
    limit: int,
    offset: int,
    count: bool = True,
    tuples: bool = False,
) -> tuple[list[Any], int]:
    """Run ``stmt`` for one page; returns (rows, total count).

    Args:
        session: Database session.
        stmt: The ordered query, without a page.
        limit: Page size.
        offset: Rows to skip.
        count: Also count every row ``stmt`` selects (otherwise the total is -1).
        tuples: Each row as the tuple of its columns (a query of several
            columns); otherwise its first column (the model).
    """
    result = session.execute(stmt.limit(limit).offset(offset))
    rows = list(result.all() if tuples else result.scalars().all())
    return rows, count_of(session, stmt) if count else -1


def count_of(session: Session, stmt: Select[*tuple[Any, ...]]) -> int:
    """How many rows ``stmt`` selects (without its order and page)."""
    total = session.scalar(
        select(func.count()).select_from(stmt.order_by(None).subquery())
    )
    return int(total or 0)


def labels_of(
    session: Session, key: Any, label: Any, ids: Iterable[int | None]
) -> dict[int, Any]:
    """``key`` value -> ``label`` value for the rows whose ``key`` is in ``ids``
    (``None`` and 0 skipped), e.g. user id -> display name."""
    wanted = {i for i in ids if i}
    if not wanted:
        return {}
    rows = session.execute(select(key, label).where(key.in_(wanted))).all()
    return {k: v for k, v in rows}
