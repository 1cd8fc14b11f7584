"""The investigator workspace's search columns hold their whole value: an
operation's ``cities`` (was VARCHAR(4000)) and ``indicator_codes`` (was
VARCHAR(400)) and an ad's ``indicator_codes`` become TEXT, so a city or an
indicator past the old cut is found by the filters again. A referral's
``business_status`` (the partner's own words, was VARCHAR(200)) becomes TEXT
too, stored whole.

A downgrade cuts longer values to the old lengths (what the importer and the
FHIR sync did before this revision).

Create Date: 2026-12-07 16:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0012_search_text"
down_revision: str | None = "0011_tier_ranks"

#: (table, column, length before this revision, nullable)
_WIDENED = (
    ("inv_operation", "cities", 4000, False),
    ("inv_operation", "indicator_codes", 400, False),
    ("inv_ad", "indicator_codes", 400, False),
    ("referral", "business_status", 200, True),
)


def _tables() -> list[str]:
    return list(dict.fromkeys(table for table, *_ in _WIDENED))


def _retype(*, to_text: bool) -> None:
    """Every widened column to TEXT (``to_text``) or back to its old VARCHAR."""
    for table in _tables():
        with op.batch_alter_table(table) as batch:
            for column, before, nullable in [
                (c, n, z) for t, c, n, z in _WIDENED if t == table
            ]:
                old = sa.String(length=before)
                batch.alter_column(
                    column,
                    existing_type=sa.Text() if not to_text else old,
                    type_=sa.Text() if to_text else old,
                    existing_nullable=nullable,
                )


def upgrade() -> None:
    """Apply this revision."""
    _retype(to_text=True)


def downgrade() -> None:
    """Revert this revision (values longer than the old columns are cut)."""
    for table, name, before, _ in _WIDENED:
        column = sa.column(name, sa.Text)
        op.execute(
            sa.table(table, column)
            .update()
            .where(sa.func.length(column) > before)
            .values({name: sa.func.substr(column, 1, before)})
        )
    _retype(to_text=False)
