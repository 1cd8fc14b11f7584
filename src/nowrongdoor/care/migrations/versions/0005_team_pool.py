"""Team pools: owner-less imported persons and intakes wait in a team's pool.

Create Date: 2026-12-06 19:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0003_team_pool"
down_revision: str | None = "0003_training"


def upgrade() -> None:
    """Apply this revision."""
    for table in ("person", "intake"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(
                sa.Column("pool_team", sa.String(length=100), nullable=True)
            )
            batch_op.create_index(
                f"ix_{table}_org_pool", ["organization_id", "pool_team"], unique=False
            )


def downgrade() -> None:
    """Revert this revision."""
    for table in ("intake", "person"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(f"ix_{table}_org_pool")
            batch_op.drop_column("pool_team")
