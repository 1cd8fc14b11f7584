"""`care import-worklist` on a `population diff --out` file: only changes are
reviewed."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from nowrongdoor.care.imports import import_worklist
from nowrongdoor.care.models import Intake, Person, RiskFlag
from nowrongdoor.errors import UserInputError
from nowrongdoor.population._diff import diff_rows, write_changes

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


_SUD = {
    "indicator": "substance_use",
    "code": "F10.20",
    "date": "2025-04-01",
    "points": 6,
    "sensitivity": "42-cfr-part-2",
}
_RUNAWAY = {
    "indicator": "runaway",
    "code": "Z62.892",
    "date": "2025-04-01",
    "points": 12,
    "sensitivity": "youth",
}


def _run_row(tier: str, score: int, open_tier: str, open_score: int, *reasons):
    return {
        "age": "15",
        "tier": tier,
        "score": str(score),
        "pathway": "prevent" if tier == "high" else "monitor",
        "reasons": json.dumps(list(reasons), separators=(",", ":")),
        "open_tier": open_tier,
        "open_score": str(open_score),
    }


def _diff_text(tmp_path: Path, old: dict, new: dict) -> str:
    path = tmp_path / "changes.csv"
    write_changes(path, diff_rows(old, new, date(2025, 12, 31)))
    return path.read_text(encoding="utf-8")


def _flag(db: Any, member: str) -> RiskFlag:
    with db.session() as s:
        person = s.scalar(
            select(Person).where(Person.member_id_bidx == db.cipher.blind_index(member))
        )
        flag = s.scalar(select(RiskFlag).where(RiskFlag.person_id == person.id))
        assert flag is not None
        s.expunge(flag)
        return flag


def test_a_diff_file_imports_the_open_view(db: Any, world: Any, tmp_path: Path) -> None:
    """A Part 2 flag from a diff keeps its open view (not withheld whole)."""
    text = _diff_text(
        tmp_path,
        {},
        {"P-1": _run_row("high", 18, "high", 12, _RUNAWAY, _SUD)},
    )
    _import(db, world, text)
    flag = _flag(db, "P-1")
    assert (flag.sensitivity, flag.open_tier, flag.open_score) == ("part2", "high", 12)
    assert json.loads(flag.open_reasons or "") == [_RUNAWAY]


def test_a_same_tier_row_whose_open_tier_moved_updates_the_flag(
    db: Any, world: Any, tmp_path: Path
) -> None:
    """The whole tier stayed, the open tier rose: the stored open view would be
    stale if the row were skipped as "same"."""
    old = {"P-2": _run_row("high", 12, "elevated", 6, _SUD, {**_RUNAWAY, "points": 6})}
    new = {"P-2": _run_row("high", 18, "high", 12, _SUD, _RUNAWAY)}
    _import(db, world, _diff_text(tmp_path, {}, old))
    assert _flag(db, "P-2").open_tier == "elevated"
    counts = _import(db, world, _diff_text(tmp_path, old, new))
    assert (counts.skipped, counts.updated) == (0, 1)
    assert (_flag(db, "P-2").open_tier, _flag(db, "P-2").open_score) == ("high", 12)
    # nothing moved: still skipped
    counts = _import(db, world, _diff_text(tmp_path, new, new))
    assert counts.skipped == 1


def test_unknown_open_change_names_row_and_field(db: Any, world: Any) -> None:
    text = CHANGES.replace("why,reasons\n", "why,reasons,open_change\n").replace(
        "gained sti,[]\n", "gained sti,[],sideways\n"
    )
    with pytest.raises(UserInputError, match=r"row 3: open_change 'sideways'"):
        _import(db, world, text)
