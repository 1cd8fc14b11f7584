"""Audit events record the id of the key whose HMAC chains them.

Events written before this revision keep ``key_id`` NULL and their plain
SHA-256; new events are keyed (see ``nowrongdoor.care.audit``).

Create Date: 2026-12-06 19:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "s21_audit_key"
down_revision: str | None = "0002"


def upgrade() -> None:
    """Apply this revision."""
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.add_column(sa.Column("key_id", sa.String(length=16), nullable=True))


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.drop_column("key_id")
