"""Aggregate counts of purged records (``purge_tally``) for program reports.

Create Date: 2026-12-06 20:10:00
"""

from __future__ import annotations

from nowrongdoor.care.migrations import _ops

revision: str = "s22_purge_tally"
down_revision: str | None = "0003_team_pool"

PURGE_TALLY = _ops.Table(
    "purge_tally",
    [
        _ops.stamp("purged_at", index=True),
        _ops.string("kind", 32),
        _ops.integer("count"),
    ],
)


upgrade, downgrade = _ops.tables(PURGE_TALLY)
