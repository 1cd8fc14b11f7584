"""Investigators' notes on operations (private; see care.investigate).

A note is keyed to the organisation and the operation's stable ``OP-...`` key
(not its row id), so it stays with the operation across re-imports of a
relinked corpus. The text is encrypted at rest like every free text of care.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from nowrongdoor.care.models._base import Base, EncryptedText, utcnow

__all__ = ["InvOperationNote"]


class InvOperationNote(Base):
    """A note an investigator wrote on an operation (encrypted text)."""

    __tablename__ = "inv_op_note"
    __table_args__ = (Index("ix_inv_op_note_org_op", "organization_id", "op_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id"))
    op_key: Mapped[str] = mapped_column(String(64))
    text: Mapped[str] = mapped_column(EncryptedText)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
