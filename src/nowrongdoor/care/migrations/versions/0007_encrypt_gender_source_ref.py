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

revision: str = "s21_encrypt_fields"
down_revision: str | None = "s22_purge_tally"

#: The attribute on the engine's dialect that holds its key ring.
_CIPHER_ATTR = "nowrongdoor_cipher"


def _cipher(bind: Any, pending: int) -> Any:
    cipher = getattr(bind.dialect, _CIPHER_ATTR, None)
    if cipher is None and pending:
        raise RuntimeError(
            f"{pending} value(s) must be encrypted but the migrating engine has no "
            "key ring; run `nowrongdoor db upgrade`"
        )
    return cipher


def _exact_index(cipher: Any, value: str) -> str:
    return str(cipher.exact_index(value))


def upgrade() -> None:
    """Apply this revision."""
    bind = op.get_bind()
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
    refs = bind.execute(
        sa.text("SELECT id, source_ref FROM intake WHERE source_ref IS NOT NULL")
    ).all()
    genders = bind.execute(
        sa.text("SELECT id, gender FROM person WHERE gender IS NOT NULL")
    ).all()
    cipher = _cipher(bind, len(refs) + len(genders))
    for row_id, ref in refs:
        bind.execute(
            sa.text(
                "UPDATE intake SET source_ref = :v, source_ref_bidx = :b WHERE id = :i"
            ),
            {"v": cipher.encrypt(ref), "b": _exact_index(cipher, ref), "i": row_id},
        )
    for row_id, gender in genders:
        bind.execute(
            sa.text("UPDATE person SET gender = :v WHERE id = :i"),
            {"v": cipher.encrypt(gender), "i": row_id},
        )
    with op.batch_alter_table("intake", schema=None) as batch_op:
        batch_op.create_unique_constraint(
            "uq_intake_source_ref_bidx", ["source_ref_bidx"]
        )


def downgrade() -> None:
    """Revert this revision (values are decrypted back)."""
    bind = op.get_bind()
    refs = bind.execute(
        sa.text("SELECT id, source_ref FROM intake WHERE source_ref IS NOT NULL")
    ).all()
    genders = bind.execute(
        sa.text("SELECT id, gender FROM person WHERE gender IS NOT NULL")
    ).all()
    cipher = _cipher(bind, len(refs) + len(genders))
    for row_id, token in refs:
        bind.execute(
            sa.text("UPDATE intake SET source_ref = :v WHERE id = :i"),
            {"v": cipher.decrypt(token)[:200], "i": row_id},
        )
    for row_id, token in genders:
        bind.execute(
            sa.text("UPDATE person SET gender = :v WHERE id = :i"),
            {"v": cipher.decrypt(token)[:40], "i": row_id},
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
