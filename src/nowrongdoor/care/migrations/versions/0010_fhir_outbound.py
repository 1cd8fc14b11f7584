"""Referrals exchanged with partners' FHIR servers: endpoints, outbound sends
and inbound identifiers (idempotent receipt); bulk exports (``$export``);
partner systems' public keys for private-key JWT client authentication and the
assertion ids already used (replay protection).

Revision ID: 0005_fhir_outbound
Revises: s23_partner_search
Create Date: 2026-12-06 22:50:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005_fhir_outbound"
down_revision: str | None = "s23_partner_search"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    with op.batch_alter_table("partner_client") as batch:
        batch.add_column(sa.Column("jwks", sa.Text(), nullable=True))
    op.create_table(
        "partner_client_jti",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("jti", sa.String(length=200), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["partner_client.id"],
            name=op.f("fk_partner_client_jti_client_id_partner_client"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_partner_client_jti")),
        sa.UniqueConstraint("client_id", "jti", name="uq_partner_client_jti"),
    )
    op.create_table(
        "fhir_endpoint",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("base_url", sa.String(length=500), nullable=False),
        sa.Column("token_url", sa.String(length=500), nullable=False),
        sa.Column("client_id", sa.String(length=200), nullable=False),
        sa.Column("client_secret", sa.Text(), nullable=False),
        sa.Column("owner_reference", sa.String(length=200), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("disabled_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organization.id"],
            name=op.f("fk_fhir_endpoint_organization_id_organization"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["app_user.id"], name=op.f("fk_fhir_endpoint_user_id_app_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fhir_endpoint")),
        sa.UniqueConstraint(
            "organization_id", name=op.f("uq_fhir_endpoint_organization_id")
        ),
    )
    op.create_table(
        "fhir_outbound",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("referral_id", sa.Integer(), nullable=False),
        sa.Column("endpoint_id", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(), nullable=False),
        sa.Column("last_error", sa.String(length=500), nullable=True),
        sa.Column("remote_task", sa.String(length=200), nullable=True),
        sa.Column("remote_status", sa.String(length=32), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("sent_at", sa.DateTime(), nullable=True),
        sa.Column("polled_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["endpoint_id"],
            ["fhir_endpoint.id"],
            name=op.f("fk_fhir_outbound_endpoint_id_fhir_endpoint"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["referral_id"],
            ["referral.id"],
            name=op.f("fk_fhir_outbound_referral_id_referral"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fhir_outbound")),
        sa.UniqueConstraint("referral_id", name=op.f("uq_fhir_outbound_referral_id")),
    )
    op.create_index(
        op.f("ix_fhir_outbound_endpoint_id"),
        "fhir_outbound",
        ["endpoint_id"],
        unique=False,
    )
    op.create_table(
        "fhir_inbound",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sender_organization_id", sa.Integer(), nullable=False),
        sa.Column("identifier", sa.String(length=300), nullable=False),
        sa.Column("referral_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["referral_id"],
            ["referral.id"],
            name=op.f("fk_fhir_inbound_referral_id_referral"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["sender_organization_id"],
            ["organization.id"],
            name=op.f("fk_fhir_inbound_sender_organization_id_organization"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fhir_inbound")),
        sa.UniqueConstraint(
            "sender_organization_id", "identifier", name="uq_fhir_inbound"
        ),
    )
    op.create_index(
        op.f("ix_fhir_inbound_referral_id"),
        "fhir_inbound",
        ["referral_id"],
        unique=False,
    )
    op.create_table(
        "fhir_export",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("requested_by_id", sa.Integer(), nullable=False),
        sa.Column("request_url", sa.String(length=2000), nullable=False),
        sa.Column("transaction_time", sa.DateTime(), nullable=False),
        sa.Column("files", sa.Text(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["requested_by_id"],
            ["app_user.id"],
            name=op.f("fk_fhir_export_requested_by_id_app_user"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fhir_export")),
        sa.UniqueConstraint("key", name=op.f("uq_fhir_export_key")),
    )
    op.create_index(
        op.f("ix_fhir_export_requested_by_id"),
        "fhir_export",
        ["requested_by_id"],
        unique=False,
    )


def downgrade() -> None:
    """Revert this revision."""
    op.drop_index(op.f("ix_fhir_export_requested_by_id"), table_name="fhir_export")
    op.drop_table("fhir_export")
    op.drop_index(op.f("ix_fhir_inbound_referral_id"), table_name="fhir_inbound")
    op.drop_table("fhir_inbound")
    op.drop_index(op.f("ix_fhir_outbound_endpoint_id"), table_name="fhir_outbound")
    op.drop_table("fhir_outbound")
    op.drop_table("fhir_endpoint")
    op.drop_table("partner_client_jti")
    with op.batch_alter_table("partner_client") as batch:
        batch.drop_column("jwks")
