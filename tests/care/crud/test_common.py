"""Helpers shared by the data-access functions (care.crud._common)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from nowrongdoor.care.crud._common import paginate
from nowrongdoor.care.models import Organization


def test_paginate_answers_models_or_column_tuples_with_or_without_the_total(
    db: Any, world: Any
) -> None:
    by_id = select(Organization).order_by(Organization.id)
    with db.session() as s:
        every = list(s.scalars(by_id).all())
        assert len(every) == 4
        rows, total = paginate(s, by_id, limit=2, offset=1)
        assert (rows, total) == (every[1:3], 4)
        named = select(Organization.id, Organization.name).order_by(Organization.id)
        rows, total = paginate(s, named, limit=2, offset=3, tuples=True)
        assert ([tuple(r) for r in rows], total) == ([(every[3].id, every[3].name)], 4)
        rows, total = paginate(s, by_id, limit=1, offset=0, count=False)
        assert (rows, total) == (every[:1], -1)
        assert paginate(s, by_id, limit=5, offset=9) == ([], 4)
