"""Investigator images by content hash; when an ad's text was purged; the
operations list's index.

Create Date: 2026-12-07 01:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from nowrongdoor.care.migrations import _ops

revision: str = "0009_inv_images"
down_revision: str | None = "0008_op_notes"

INV_IMAGE = _ops.Table(
    "inv_image",
    [
        _ops.organization(),
        _ops.string("sha256", 64),
        _ops.string("phash", 16),
        _ops.string("media_type", 32),
        _ops.flag("minor"),
        _ops.flag("stored"),
        _ops.stamp("imported_at"),
    ],
    unique=[(None, ["organization_id", "sha256"])],
)


def upgrade() -> None:
    """Apply this revision."""
    _ops.create(INV_IMAGE)
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
    _ops.drop(INV_IMAGE)
