"""person.gender and intake.source_ref encrypted at rest; source_ref found by a
keyed exact index (source_ref_bidx, unique) instead of a unique plaintext column.

Existing values are encrypted here with the key ring bound to the migrating
engine (``nowrongdoor db upgrade`` builds it from the settings); a database
with values to convert and no key ring stops with one sentence.

Create Date: 2026-12-06 20:30:00
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op

from nowrongdoor.care.migrations import _ops

revision: str = "s21_encrypt_fields"
down_revision: str | None = "s22_purge_tally"


def _encrypt_ref(cipher: Any, ref: str) -> dict[str, Any]:
    return {
        "source_ref": cipher.encrypt(ref),
        "source_ref_bidx": str(cipher.exact_index(ref)),
    }


def upgrade() -> None:
    """Apply this revision."""
    with op.batch_alter_table("intake", schema=None) as batch_op:
        batch_op.drop_constraint("uq_intake_source_ref", type_="unique")
        batch_op.alter_column(
            "source_ref", existing_type=sa.String(length=200), type_=sa.Text()
        )
        batch_op.add_column(
            sa.Column("source_ref_bidx", sa.String(length=64), nullable=True)
        )
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.alter_column(
            "gender", existing_type=sa.String(length=40), type_=sa.Text()
        )
    _ops.rewrite_values(
        [
            ("intake", "source_ref", _encrypt_ref),
            ("person", "gender", lambda cipher, v: {"gender": cipher.encrypt(v)}),
        ],
    )
    with op.batch_alter_table("intake", schema=None) as batch_op:
        batch_op.create_unique_constraint(
            "uq_intake_source_ref_bidx", ["source_ref_bidx"]
        )


def downgrade() -> None:
    """Revert this revision (values are decrypted back)."""
    _ops.rewrite_values(
        [
            ("intake", "source_ref", lambda c, v: {"source_ref": c.decrypt(v)[:200]}),
            ("person", "gender", lambda c, v: {"gender": c.decrypt(v)[:40]}),
        ],
    )
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.alter_column(
            "gender", existing_type=sa.Text(), type_=sa.String(length=40)
        )
    with op.batch_alter_table("intake", schema=None) as batch_op:
        batch_op.drop_constraint("uq_intake_source_ref_bidx", type_="unique")
        batch_op.drop_column("source_ref_bidx")
        batch_op.alter_column(
            "source_ref", existing_type=sa.Text(), type_=sa.String(length=200)
        )
        batch_op.create_unique_constraint("uq_intake_source_ref", ["source_ref"])
