"""Partner systems' OAuth2 client credentials and access tokens (FHIR API), and
the partner's own status text of a referral (FHIR Task.businessStatus).

Create Date: 2026-12-06 20:20:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from nowrongdoor.care.migrations import _ops

revision: str = "0004_fhir_clients"
down_revision: str | None = "s21_encrypt_fields"

PARTNER_CLIENT = _ops.Table(
    "partner_client",
    [
        _ops.string("client_id", 64, unique=True),
        _ops.string("name", 200),
        _ops.string("secret_hash", 300),
        _ops.organization(),
        _ops.ref("user_id", "app_user"),
        _ops.integer("token_minutes"),
        _ops.stamp("created_at"),
        _ops.stamp("revoked_at", null=True),
    ],
)

PARTNER_CLIENT_TOKEN = _ops.Table(
    "partner_client_token",
    [
        _ops.string("token_hash", 64, unique=True),
        _ops.ref("client_id", "partner_client", index=True, ondelete="CASCADE"),
        _ops.stamp("created_at"),
        _ops.stamp("expires_at"),
        _ops.stamp("revoked_at", null=True),
    ],
)


_TABLES = (PARTNER_CLIENT, PARTNER_CLIENT_TOKEN)


def upgrade() -> None:
    """Apply this revision."""
    with op.batch_alter_table("referral") as batch:
        batch.add_column(sa.Column("business_status", sa.String(length=200)))
    _ops.create(*_TABLES)


def downgrade() -> None:
    """Revert this revision."""
    _ops.drop(*_TABLES)
    with op.batch_alter_table("referral") as batch:
        batch.drop_column("business_status")
