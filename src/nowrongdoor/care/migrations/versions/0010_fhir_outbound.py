"""Referrals exchanged with partners' FHIR servers: endpoints, outbound sends
and inbound identifiers (idempotent receipt); bulk exports (``$export``);
partner systems' public keys for private-key JWT client authentication and the
assertion ids already used (replay protection).

Create Date: 2026-12-06 22:50:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from nowrongdoor.care.migrations import _ops

revision: str = "0005_fhir_outbound"
down_revision: str | None = "s23_partner_search"

PARTNER_CLIENT_JTI = _ops.Table(
    "partner_client_jti",
    [
        _ops.ref("client_id", "partner_client", ondelete="CASCADE"),
        _ops.string("jti", 200),
        _ops.stamp("expires_at"),
    ],
    unique=[("uq_partner_client_jti", ["client_id", "jti"])],
)

FHIR_ENDPOINT = _ops.Table(
    "fhir_endpoint",
    [
        _ops.ref("organization_id", "organization", unique=True),
        _ops.string("base_url", 500),
        _ops.string("token_url", 500),
        _ops.string("client_id", 200),
        _ops.text("client_secret"),
        _ops.string("owner_reference", 200),
        _ops.ref("user_id", "app_user"),
        _ops.stamp("created_at"),
        _ops.stamp("disabled_at", null=True),
    ],
)

FHIR_OUTBOUND = _ops.Table(
    "fhir_outbound",
    [
        _ops.ref("referral_id", "referral", unique=True, ondelete="CASCADE"),
        _ops.ref("endpoint_id", "fhir_endpoint", index=True, ondelete="CASCADE"),
        _ops.string("state", 16),
        _ops.integer("attempts"),
        _ops.stamp("next_attempt_at"),
        _ops.string("last_error", 500, null=True),
        _ops.string("remote_task", 200, null=True),
        _ops.string("remote_status", 32, null=True),
        _ops.stamp("created_at"),
        _ops.stamp("sent_at", null=True),
        _ops.stamp("polled_at", null=True),
    ],
)

FHIR_INBOUND = _ops.Table(
    "fhir_inbound",
    [
        _ops.ref("sender_organization_id", "organization"),
        _ops.string("identifier", 300),
        _ops.ref("referral_id", "referral", index=True, ondelete="CASCADE"),
        _ops.stamp("created_at"),
    ],
    unique=[("uq_fhir_inbound", ["sender_organization_id", "identifier"])],
)

FHIR_EXPORT = _ops.Table(
    "fhir_export",
    [
        _ops.string("key", 64, unique=True),
        _ops.ref("requested_by_id", "app_user", index=True),
        _ops.string("request_url", 2000),
        _ops.stamp("transaction_time"),
        _ops.text("files"),
        _ops.stamp("expires_at"),
    ],
)


_TABLES = (PARTNER_CLIENT_JTI, FHIR_ENDPOINT, FHIR_OUTBOUND, FHIR_INBOUND, FHIR_EXPORT)


def upgrade() -> None:
    """Apply this revision."""
    with op.batch_alter_table("partner_client") as batch:
        batch.add_column(sa.Column("jwks", sa.Text(), nullable=True))
    _ops.create(*_TABLES)


def downgrade() -> None:
    """Revert this revision."""
    _ops.drop(*_TABLES)
    with op.batch_alter_table("partner_client") as batch:
        batch.drop_column("jwks")
