"""Population worklists for the care tests: written as CSV, imported into a
plan (synthetic members only)."""

from __future__ import annotations

import csv
import io
from typing import Any

from nowrongdoor.care.imports import import_worklist


def worklist_csv(rows: list[dict[str, Any]]) -> str:
    """``rows`` as a worklist CSV (the first row's keys are the header)."""
    out = io.StringIO()
    writer = csv.DictWriter(out, list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def import_into(
    db: Any, world: Any, text: str, *, org: str = "a", source: str = "run-1"
) -> None:
    """Import a worklist into plan ``org``'s team ``t1`` pool and commit."""
    with db.session() as s:
        import_worklist(
            s,
            cipher=db.cipher,
            actor=None,
            organization_id=world.orgs[org],
            text=text,
            name="worklist.csv",
            source=source,
            team="t1",
        )
        s.commit()
