"""`care import-worklist` on a `population diff --out` file: only changes are
reviewed."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from nowrongdoor.care.imports import import_worklist
from nowrongdoor.care.models import Intake
from nowrongdoor.errors import UserInputError

CHANGES = (
    "member_id,change,tier,score,old_tier,old_score,pathway,age,why,reasons\n"
    "D-1,new,high,12,none,0,prevent,15,on the worklist for the first time: runaway,[]\n"
    "D-2,up,high,18,elevated,6,prevent,16,elevated -> high; gained sti,[]\n"
    "D-3,same,elevated,6,elevated,6,monitor,30,same reasons,[]\n"
    "D-4,dropped,none,0,elevated,8,,17,turned 18,[]\n"
)


def _import(db: Any, world: Any, text: str):
    with db.session() as s:
        counts = import_worklist(
            s,
            cipher=db.cipher,
            actor=None,
            organization_id=world.orgs["a"],
            text=text,
            name="changes.csv",
            source="2025-12",
        )
        s.commit()
    return counts


def test_only_new_and_moved_members_are_imported(db: Any, world: Any) -> None:
    counts = _import(db, world, CHANGES)
    assert (counts.rows, counts.created, counts.skipped) == (4, 2, 2)
    with db.session() as s:
        # source_ref is encrypted at rest: filter after decryption
        summaries = sorted(
            i.summary
            for i in s.scalars(select(Intake))
            if (i.source_ref or "").startswith("worklist:2025-12:")
        )
    assert summaries == [
        "Population worklist 2025-12: tier high, score 12 (new)",
        "Population worklist 2025-12: tier high, score 18 (up)",
    ]


def test_unknown_change_names_row_and_field(db: Any, world: Any) -> None:
    text = CHANGES.replace("D-2,up,", "D-2,sideways,")
    with pytest.raises(UserInputError, match=r"changes.csv, row 3: change 'sideways'"):
        _import(db, world, text)
