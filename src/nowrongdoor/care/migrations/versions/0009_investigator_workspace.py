"""The investigator workspace: operations, ads, contact blind indexes, link
evidence and missing-person leads imported from the ``ads`` commands' files.

Revision ID: 0005_investigator
Revises: 0004_fhir_clients
Create Date: 2026-12-06 22:29:20.352977
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005_investigator"
down_revision: str | None = "0004_fhir_clients"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "inv_operation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("op_key", sa.String(length=64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("contacts", sa.Text(), nullable=True),
        sa.Column("contact_count", sa.Integer(), nullable=False),
        sa.Column("cities", sa.String(length=4000), nullable=False),
        sa.Column("city_count", sa.Integer(), nullable=False),
        sa.Column("route", sa.JSON(), nullable=True),
        sa.Column("indicator_codes", sa.String(length=400), nullable=False),
        sa.Column("indicator_mix", sa.JSON(), nullable=True),
        sa.Column("min_claimed_age", sa.Integer(), nullable=True),
        sa.Column("estimated_revenue", sa.Float(), nullable=True),
        sa.Column("first_seen", sa.DateTime(), nullable=True),
        sa.Column("last_seen", sa.DateTime(), nullable=True),
        sa.Column("current", sa.Boolean(), nullable=False),
        sa.Column("imported_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organization.id"],
            name=op.f("fk_inv_operation_organization_id_organization"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inv_operation")),
        sa.UniqueConstraint(
            "organization_id", "op_key", name=op.f("uq_inv_operation_organization_id")
        ),
    )
    op.create_table(
        "inv_ad",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("ad_key", sa.String(length=200), nullable=False),
        sa.Column("operation_id", sa.Integer(), nullable=True),
        sa.Column("posted_at", sa.DateTime(), nullable=True),
        sa.Column("city", sa.String(length=120), nullable=True),
        sa.Column("state", sa.String(length=8), nullable=True),
        sa.Column("site", sa.String(length=120), nullable=True),
        sa.Column("ad_kind", sa.String(length=16), nullable=True),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("indicator_codes", sa.String(length=400), nullable=False),
        sa.Column("title", sa.Text(), nullable=True),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("facts", sa.Text(), nullable=True),
        sa.Column("imported_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["operation_id"],
            ["inv_operation.id"],
            name=op.f("fk_inv_ad_operation_id_inv_operation"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organization.id"],
            name=op.f("fk_inv_ad_organization_id_organization"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inv_ad")),
        sa.UniqueConstraint(
            "organization_id", "ad_key", name=op.f("uq_inv_ad_organization_id")
        ),
    )
    with op.batch_alter_table("inv_ad", schema=None) as batch_op:
        batch_op.create_index(
            "ix_inv_ad_operation_posted", ["operation_id", "posted_at"], unique=False
        )

    op.create_table(
        "inv_edge",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("operation_id", sa.Integer(), nullable=False),
        sa.Column("source_key", sa.String(length=200), nullable=False),
        sa.Column("target_key", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("evidence", sa.Text(), nullable=True),
        sa.Column("weight", sa.Float(), nullable=False),
        sa.Column("levels", sa.JSON(), nullable=True),
        sa.Column("match_weight", sa.Float(), nullable=True),
        sa.ForeignKeyConstraint(
            ["operation_id"],
            ["inv_operation.id"],
            name=op.f("fk_inv_edge_operation_id_inv_operation"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inv_edge")),
    )
    with op.batch_alter_table("inv_edge", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_inv_edge_operation_id"), ["operation_id"], unique=False
        )

    op.create_table(
        "inv_lead",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("case_key", sa.String(length=64), nullable=False),
        sa.Column("ad_key", sa.String(length=200), nullable=False),
        sa.Column("op_key", sa.String(length=64), nullable=True),
        sa.Column("rank", sa.Integer(), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("probability", sa.Float(), nullable=True),
        sa.Column("evidence", sa.Text(), nullable=True),
        sa.Column("fields_used", sa.JSON(), nullable=True),
        sa.Column("fields_missing", sa.JSON(), nullable=True),
        sa.Column("poster", sa.Text(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(), nullable=True),
        sa.Column("current", sa.Boolean(), nullable=False),
        sa.Column("imported_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["decided_by_id"],
            ["app_user.id"],
            name=op.f("fk_inv_lead_decided_by_id_app_user"),
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organization.id"],
            name=op.f("fk_inv_lead_organization_id_organization"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inv_lead")),
        sa.UniqueConstraint(
            "organization_id",
            "case_key",
            "ad_key",
            name=op.f("uq_inv_lead_organization_id"),
        ),
    )
    op.create_table(
        "inv_contact",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ad_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("value_bidx", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["ad_id"],
            ["inv_ad.id"],
            name=op.f("fk_inv_contact_ad_id_inv_ad"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inv_contact")),
    )
    with op.batch_alter_table("inv_contact", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_inv_contact_ad_id"), ["ad_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_inv_contact_value_bidx"), ["value_bidx"], unique=False
        )


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table("inv_contact", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_inv_contact_value_bidx"))
        batch_op.drop_index(batch_op.f("ix_inv_contact_ad_id"))

    op.drop_table("inv_contact")
    op.drop_table("inv_lead")
    with op.batch_alter_table("inv_edge", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_inv_edge_operation_id"))

    op.drop_table("inv_edge")
    with op.batch_alter_table("inv_ad", schema=None) as batch_op:
        batch_op.drop_index("ix_inv_ad_operation_posted")

    op.drop_table("inv_ad")
    op.drop_table("inv_operation")
