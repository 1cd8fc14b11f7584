"""Training records: quiz attempts, course completions, partner training leads.

Revision ID: 0003_training
Revises: 0002
Create Date: 2026-12-06 19:40:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003_training"
down_revision: str | None = "s21_audit_key"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "training_attempt",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("course_id", sa.String(length=64), nullable=False),
        sa.Column("module_id", sa.String(length=64), nullable=False),
        sa.Column("seed", sa.Integer(), nullable=False),
        sa.Column("quiz", sa.JSON(), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("submitted_at", sa.DateTime(), nullable=True),
        sa.Column("answers", sa.JSON(), nullable=True),
        sa.Column("correct", sa.Integer(), nullable=True),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("percent", sa.Integer(), nullable=True),
        sa.Column("pass_mark", sa.Integer(), nullable=False),
        sa.Column("passed", sa.Boolean(), nullable=True),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organization.id"],
            name=op.f("fk_training_attempt_organization_id_organization"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["app_user.id"],
            name=op.f("fk_training_attempt_user_id_app_user"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_training_attempt")),
    )
    op.create_index(
        "ix_training_attempt_user_module",
        "training_attempt",
        ["user_id", "course_id", "module_id", "started_at"],
        unique=False,
    )
    op.create_table(
        "training_completion",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("course_id", sa.String(length=64), nullable=False),
        sa.Column("course_title", sa.String(length=300), nullable=False),
        sa.Column("hours", sa.Double(), nullable=False),
        sa.Column("completed_at", sa.DateTime(), nullable=False),
        sa.Column("renewal_due_at", sa.DateTime(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organization.id"],
            name=op.f("fk_training_completion_organization_id_organization"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["app_user.id"],
            name=op.f("fk_training_completion_user_id_app_user"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_training_completion")),
        sa.UniqueConstraint("code", name=op.f("uq_training_completion_code")),
    )
    op.create_index(
        "ix_training_completion_org",
        "training_completion",
        ["organization_id"],
        unique=False,
    )
    op.create_index(
        "ix_training_completion_user_course",
        "training_completion",
        ["user_id", "course_id", "completed_at"],
        unique=False,
    )
    op.create_table(
        "training_lead",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("granted_by_id", sa.Integer(), nullable=True),
        sa.Column("granted_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["granted_by_id"],
            ["app_user.id"],
            name=op.f("fk_training_lead_granted_by_id_app_user"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["app_user.id"],
            name=op.f("fk_training_lead_user_id_app_user"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_training_lead")),
    )


def downgrade() -> None:
    """Revert this revision."""
    op.drop_table("training_lead")
    op.drop_index(
        "ix_training_completion_user_course", table_name="training_completion"
    )
    op.drop_index("ix_training_completion_org", table_name="training_completion")
    op.drop_table("training_completion")
    op.drop_index("ix_training_attempt_user_module", table_name="training_attempt")
    op.drop_table("training_attempt")
