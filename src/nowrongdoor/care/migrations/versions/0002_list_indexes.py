"""Indexes for the case, referral and task lists (newest first, by due date).

Create Date: 2026-11-28 17:34:45.186886
"""

from __future__ import annotations

from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"


def upgrade() -> None:
    """Apply this revision."""
    with op.batch_alter_table("care_case", schema=None) as batch_op:
        batch_op.create_index(
            "ix_care_case_org_opened",
            ["organization_id", "opened_at", "id"],
            unique=False,
        )

    with op.batch_alter_table("referral", schema=None) as batch_op:
        batch_op.create_index(
            "ix_referral_from_org_updated",
            ["from_organization_id", "updated_at"],
            unique=False,
        )

    with op.batch_alter_table("task", schema=None) as batch_op:
        batch_op.create_index(
            "ix_task_org_due", ["organization_id", "due_at"], unique=False
        )


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table("task", schema=None) as batch_op:
        batch_op.drop_index("ix_task_org_due")

    with op.batch_alter_table("referral", schema=None) as batch_op:
        batch_op.drop_index("ix_referral_from_org_updated")

    with op.batch_alter_table("care_case", schema=None) as batch_op:
        batch_op.drop_index("ix_care_case_org_opened")
