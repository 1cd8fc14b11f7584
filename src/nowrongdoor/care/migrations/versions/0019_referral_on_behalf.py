"""A referral's history records a partner's move made on its behalf: when the
receiving organisation is not on the system (no active account, no partner
client, no FHIR endpoint) the referring team records what the partner told
it. ``referral_event.told_via`` is how the partner told (phone, email, in
person, letter or fax; NULL for a move the actor made as themselves) and
``told_by`` who at the partner said it (encrypted, optional).

Create Date: 2026-12-07 19:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0019_on_behalf"
down_revision: str | None = "0012_search_text"


def upgrade() -> None:
    """Apply this revision."""
    with op.batch_alter_table("referral_event") as batch:
        batch.add_column(sa.Column("told_via", sa.String(length=16), nullable=True))
        batch.add_column(sa.Column("told_by", sa.Text(), nullable=True))


def downgrade() -> None:
    """Revert this revision (the on-behalf details are dropped; the moves stay)."""
    with op.batch_alter_table("referral_event") as batch:
        batch.drop_column("told_by")
        batch.drop_column("told_via")
