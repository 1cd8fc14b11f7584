"""Investigators' notes on operations, keyed to the stable operation key.

Revision ID: 0008_op_notes
Revises: 0007_queue_sort
Create Date: 2026-12-07 01:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008_op_notes"
down_revision: str | None = "0007_queue_sort"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "inv_op_note",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("op_key", sa.String(length=64), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["app_user.id"],
            name=op.f("fk_inv_op_note_author_id_app_user"),
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organization.id"],
            name=op.f("fk_inv_op_note_organization_id_organization"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inv_op_note")),
    )
    with op.batch_alter_table("inv_op_note", schema=None) as batch_op:
        batch_op.create_index(
            "ix_inv_op_note_org_op", ["organization_id", "op_key"], unique=False
        )


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table("inv_op_note", schema=None) as batch_op:
        batch_op.drop_index("ix_inv_op_note_org_op")
    op.drop_table("inv_op_note")
