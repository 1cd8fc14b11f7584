"""Key rotation: re-encrypt every encrypted column with the newest key.

Put the new key first in ``encryption_keys`` (keep the old ones after it), run
``nowrongdoor care rotate-keys``, then the old keys can be removed. Blind
indexes are rebuilt too, so a changed ``secret_key`` is picked up.
"""

from __future__ import annotations

from sqlalchemy import column, select, table, update
from sqlalchemy.orm import Session

from nowrongdoor.care.crypto import Cipher
from nowrongdoor.care.models import Base, EncryptedJSON, EncryptedText, Person

__all__ = ["encrypted_columns", "rotate_keys"]


def encrypted_columns() -> list[tuple[str, str]]:
    """(table, column) of every encrypted column."""
    out = []
    for tbl in Base.metadata.sorted_tables:
        for col in tbl.columns:
            if isinstance(col.type, EncryptedText | EncryptedJSON):
                out.append((tbl.name, col.name))
    return out


def rotate_keys(
    session: Session, *, cipher: Cipher, batch: int = 500
) -> dict[str, int]:
    """Re-encrypt all values under the newest key (the caller commits).

    Args:
        session: Database session.
        cipher: The key ring (newest key first).
        batch: Rows per round trip.

    Returns:
        Values re-encrypted per ``table.column``.
    """
    counts: dict[str, int] = {}
    for tname, cname in encrypted_columns():
        raw = table(tname, column("id"), column(cname))
        done = 0
        last = 0
        while True:
            rows = session.execute(
                select(raw.c.id, raw.c[cname])
                .where(raw.c.id > last, raw.c[cname].is_not(None))
                .order_by(raw.c.id)
                .limit(batch)
            ).all()
            if not rows:
                break
            for rid, token in rows:
                session.execute(
                    update(raw)
                    .where(raw.c.id == rid)
                    .values({cname: cipher.rotate(token)})
                )
            done += len(rows)
            last = rows[-1][0]
        counts[f"{tname}.{cname}"] = done
    for person in session.scalars(select(Person)):
        person.given_name_bidx = cipher.blind_index(person.given_name)
        person.family_name_bidx = cipher.blind_index(person.family_name)
        person.member_id_bidx = cipher.blind_index(person.member_id)
    session.flush()
    return counts
