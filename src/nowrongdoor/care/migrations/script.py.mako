"""${message}

Create Date: ${create_date}
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
${imports if imports else ""}
from nowrongdoor.care.migrations import _ops

revision: str = ${repr(up_revision)}
down_revision: str | None = ${repr(down_revision)}

# New tables: declare each once with _ops.Table and create/drop them with
# _ops.create / _ops.drop (or `upgrade, downgrade = _ops.tables(...)`).


def upgrade() -> None:
    """Apply this revision."""
    ${upgrades if upgrades else "pass"}


def downgrade() -> None:
    """Revert this revision."""
    ${downgrades if downgrades else "pass"}
