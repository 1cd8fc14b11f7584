"""The work queue ranks the population model's tiers: ``identified`` (coded
confirmed exploitation) first, beside ``critical``, and ``low`` after
``medium``. Before, both ranked as unknown tiers (after ``medium``); this
re-ranks the stored priority of the items that carry them.

Create Date: 2026-12-07 13:20:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0011_tier_ranks"
down_revision: str | None = "0010_form_keys"

# the tier ranks of nowrongdoor.care.crud._queue_keys.TIER_RANK before and
# after this revision (unknown tiers rank 5, no tier 9)
_BEFORE = {"critical": 0, "high": 1, "elevated": 2, "medium": 3, "moderate": 3}
_AFTER = {**_BEFORE, "identified": 0, "low": 4}
_CHANGED = ("identified", "low")


def _rerank(ranks: dict[str, int]) -> None:
    intake = sa.table(
        "intake",
        sa.column("q_tier", sa.String),
        sa.column("q_birth_year", sa.Integer),
        sa.column("q_flag_age", sa.Integer),
        sa.column("q_year", sa.Integer),
        sa.column("q_priority", sa.Integer),
    )
    tier = intake.c.q_tier
    rank = sa.case(*((tier == t, r) for t, r in ranks.items()), else_=5)
    # the age the stored priority was computed with: in the stored year
    age = sa.func.coalesce(intake.c.q_year - intake.c.q_birth_year, intake.c.q_flag_age)
    minor = sa.case((sa.and_(age.is_not(None), age < 18), 0), else_=1)
    op.execute(
        intake.update().where(tier.in_(_CHANGED)).values(q_priority=rank * 2 + minor)
    )


def upgrade() -> None:
    """Apply this revision."""
    _rerank(_AFTER)


def downgrade() -> None:
    """Revert this revision."""
    _rerank(_BEFORE)
