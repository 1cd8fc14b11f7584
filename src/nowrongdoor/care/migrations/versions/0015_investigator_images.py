"""Investigator images by content hash; when an ad's text was purged; the
operations list's index.

Revision ID: 0009_inv_images
Revises: 0008_op_notes
Create Date: 2026-12-07 01:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009_inv_images"
down_revision: str | None = "0008_op_notes"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "inv_image",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("phash", sa.String(length=16), nullable=False),
        sa.Column("media_type", sa.String(length=32), nullable=False),
        sa.Column("minor", sa.Boolean(), nullable=False),
        sa.Column("stored", sa.Boolean(), nullable=False),
        sa.Column("imported_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organization.id"],
            name=op.f("fk_inv_image_organization_id_organization"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inv_image")),
        sa.UniqueConstraint(
            "organization_id", "sha256", name=op.f("uq_inv_image_organization_id")
        ),
    )
    with op.batch_alter_table("inv_ad") as batch:
        batch.add_column(sa.Column("text_purged_at", sa.DateTime(), nullable=True))
    op.create_index(
        "ix_inv_operation_list",
        "inv_operation",
        ["organization_id", "current", "size", "op_key"],
    )


def downgrade() -> None:
    """Revert this revision."""
    op.drop_index("ix_inv_operation_list", table_name="inv_operation")
    with op.batch_alter_table("inv_ad") as batch:
        batch.drop_column("text_purged_at")
    op.drop_table("inv_image")
