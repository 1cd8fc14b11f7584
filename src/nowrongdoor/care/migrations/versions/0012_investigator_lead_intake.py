"""The care intake a confirmed investigator lead gave the care team.

Create Date: 2026-12-06 23:45:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0006_inv_lead_intake"
down_revision: str | None = "0005_investigator"


def upgrade() -> None:
    """Apply this revision."""
    with op.batch_alter_table("inv_lead") as batch:
        batch.add_column(sa.Column("intake_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            op.f("fk_inv_lead_intake_id_intake"), "intake", ["intake_id"], ["id"]
        )


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table("inv_lead") as batch:
        batch.drop_constraint(op.f("fk_inv_lead_intake_id_intake"), type_="foreignkey")
        batch.drop_column("intake_id")
