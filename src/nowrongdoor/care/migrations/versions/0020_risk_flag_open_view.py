"""A risk flag keeps its open view: the tier, score and reasons of the flag
without its 42 CFR Part 2 reasons (substance use disorder records, 42 CFR 2.11,
2.12), shown to viewers whom no Part 2 consent covers (42 CFR 2.32) instead of
withholding the whole flag. ``risk_flag.open_tier`` and ``open_score`` come
from the worklist's columns of the same names; ``open_reasons`` (encrypted,
like ``reasons``) holds the reasons that are not Part 2. All NULL on a flag
without Part 2 reasons, and on one imported from a worklist written before the
columns existed (that flag stays withheld whole).

Create Date: 2026-12-07 19:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0020_open_view"
down_revision: str | None = "0019_on_behalf"


def upgrade() -> None:
    """Apply this revision."""
    with op.batch_alter_table("risk_flag") as batch:
        batch.add_column(sa.Column("open_tier", sa.String(length=32), nullable=True))
        batch.add_column(sa.Column("open_score", sa.Double(), nullable=True))
        batch.add_column(sa.Column("open_reasons", sa.Text(), nullable=True))


def downgrade() -> None:
    """Revert this revision (the open views are dropped; the flags stay)."""
    with op.batch_alter_table("risk_flag") as batch:
        batch.drop_column("open_reasons")
        batch.drop_column("open_score")
        batch.drop_column("open_tier")
