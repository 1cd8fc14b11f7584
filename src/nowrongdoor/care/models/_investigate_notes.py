"""Investigators' notes on operations (private; see care.investigate).

A note is keyed to the organisation and the operation's stable ``OP-...`` key
(not its row id), so it stays with the operation across re-imports of a
relinked corpus. The text is encrypted at rest like every free text of care.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Index, String
from sqlalchemy.orm import Mapped, mapped_column

from nowrongdoor.care.models._base import Base, EncryptedText
from nowrongdoor.care.models._columns import IdKey, created_now, ref

__all__ = ["InvOperationNote"]


class InvOperationNote(IdKey, Base):
    """A note an investigator wrote on an operation (encrypted text)."""

    __tablename__ = "inv_op_note"
    __table_args__ = (Index("ix_inv_op_note_org_op", "organization_id", "op_key"),)

    organization_id: Mapped[int] = ref("organization")
    op_key: Mapped[str] = mapped_column(String(64))
    text: Mapped[str] = mapped_column(EncryptedText)
    author_id: Mapped[int | None] = ref("app_user")
    created_at: Mapped[dt.datetime] = created_now()
