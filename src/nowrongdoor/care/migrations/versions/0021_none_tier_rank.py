"""The work queue ranks the population model's ``none`` tier (a member scored
below every tier) with unflagged items, last. Before, it ranked as an unknown
tier, just after ``low``; this re-ranks the stored priority of the items that
carry it (the minor rank, the priority's last bit, is kept).

Create Date: 2026-12-08 01:20:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0021_none_tier"
down_revision: str | None = "0020_open_view"

# the rank of "none" in nowrongdoor.care.crud._queue_keys before (an unknown
# tier) and after (no tier) this revision
_UNKNOWN_TIER, _NO_TIER = 5, 9


def _rerank(rank: int) -> None:
    intake = sa.table(
        "intake", sa.column("q_tier", sa.String), sa.column("q_priority", sa.Integer)
    )
    op.execute(
        intake.update()
        .where(intake.c.q_tier == "none")
        .values(q_priority=rank * 2 + intake.c.q_priority % 2)
    )


def upgrade() -> None:
    """Apply this revision."""
    _rerank(_NO_TIER)


def downgrade() -> None:
    """Revert this revision."""
    _rerank(_UNKNOWN_TIER)
