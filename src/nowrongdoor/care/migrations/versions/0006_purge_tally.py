"""Aggregate counts of purged records (``purge_tally``) for program reports.

Revision ID: s22_purge_tally
Revises: s21_audit_key
Create Date: 2026-12-06 20:10:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "s22_purge_tally"
down_revision: str | None = "0003_team_pool"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "purge_tally",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("purged_at", sa.DateTime(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_purge_tally")),
    )
    with op.batch_alter_table("purge_tally", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_purge_tally_purged_at"), ["purged_at"], unique=False
        )


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table("purge_tally", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_purge_tally_purged_at"))
    op.drop_table("purge_tally")
