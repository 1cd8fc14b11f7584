"""Partner systems' OAuth2 client credentials and access tokens (FHIR API), and
the partner's own status text of a referral (FHIR Task.businessStatus).

Revision ID: 0004_fhir_clients
Revises: 0003_training
Create Date: 2026-12-06 20:20:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004_fhir_clients"
down_revision: str | None = "s21_encrypt_fields"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    with op.batch_alter_table("referral") as batch:
        batch.add_column(sa.Column("business_status", sa.String(length=200)))
    op.create_table(
        "partner_client",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("secret_hash", sa.String(length=300), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("token_minutes", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("revoked_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organization.id"],
            name=op.f("fk_partner_client_organization_id_organization"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["app_user.id"],
            name=op.f("fk_partner_client_user_id_app_user"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_partner_client")),
        sa.UniqueConstraint("client_id", name=op.f("uq_partner_client_client_id")),
    )
    op.create_table(
        "partner_client_token",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("revoked_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["partner_client.id"],
            name=op.f("fk_partner_client_token_client_id_partner_client"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_partner_client_token")),
        sa.UniqueConstraint(
            "token_hash", name=op.f("uq_partner_client_token_token_hash")
        ),
    )
    op.create_index(
        op.f("ix_partner_client_token_client_id"),
        "partner_client_token",
        ["client_id"],
        unique=False,
    )


def downgrade() -> None:
    """Revert this revision."""
    op.drop_index(
        op.f("ix_partner_client_token_client_id"), table_name="partner_client_token"
    )
    op.drop_table("partner_client_token")
    op.drop_table("partner_client")
    with op.batch_alter_table("referral") as batch:
        batch.drop_column("business_status")
