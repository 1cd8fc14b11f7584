"""Tables of the investigator workspace (``inv_*``, see care.investigate) (private).

Operation and ad keys (``OP-…``, the ad's own id) and poster case ids are the
ids the ``ads`` commands write; they are the stable keys re-imports upsert on,
so a decision on a lead survives a re-import of a relinked corpus. Ad text,
titles, contacts, names, linking evidence and poster details are encrypted at
rest (:class:`EncryptedText`, :class:`EncryptedJSON`); phone search goes
through :class:`InvContact`'s keyed blind index of E.164 numbers.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Float, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from nowrongdoor.care.models._base import Base, EncryptedJSON, EncryptedText
from nowrongdoor.care.models._columns import IdKey, child_of, created_now, ref

__all__ = [
    "LEAD_DECISIONS",
    "InvAd",
    "InvContact",
    "InvEdge",
    "InvImage",
    "InvLead",
    "InvOperation",
]

#: Decisions an investigator records on a lead (``new`` until one is made).
LEAD_DECISIONS = ("confirmed", "ruled_out", "needs_more")


class InvOperation(IdKey, Base):
    """One operation of ``ads link`` (ads joined by shared contacts, text, photos)."""

    __tablename__ = "inv_operation"
    __table_args__ = (
        UniqueConstraint("organization_id", "op_key"),
        # the list's first page (most ads first, ties by id) read from the
        # index backwards, without sorting every operation (docs/benchmarks.md)
        Index("ix_inv_operation_list", "organization_id", "current", "size", "op_key"),
    )

    organization_id: Mapped[int] = ref("organization")
    op_key: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(default=0)
    #: phones, emails, handles, names (lists), controller signals: encrypted.
    contacts: Mapped[dict[str, Any] | None] = mapped_column(EncryptedJSON)
    contact_count: Mapped[int] = mapped_column(default=0)
    #: ``|City, ST|City, ST|``: filterable with LIKE.
    cities: Mapped[str] = mapped_column(Text, default="")
    city_count: Mapped[int] = mapped_column(default=0)
    route: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)
    #: ``|code|code|``: filterable with LIKE.
    indicator_codes: Mapped[str] = mapped_column(Text, default="")
    indicator_mix: Mapped[dict[str, int] | None] = mapped_column(JSON)
    min_claimed_age: Mapped[int | None] = mapped_column()
    estimated_revenue: Mapped[float | None] = mapped_column(Float)
    first_seen: Mapped[dt.datetime | None] = mapped_column()
    last_seen: Mapped[dt.datetime | None] = mapped_column()
    #: False when the latest import's link output no longer has this operation.
    current: Mapped[bool] = mapped_column(default=True)
    imported_at: Mapped[dt.datetime] = created_now()


class InvAd(IdKey, Base):
    """One scanned ad: its text and contacts encrypted, its facts for filters."""

    __tablename__ = "inv_ad"
    __table_args__ = (
        UniqueConstraint("organization_id", "ad_key"),
        Index("ix_inv_ad_operation_posted", "operation_id", "posted_at"),
    )

    organization_id: Mapped[int] = ref("organization")
    ad_key: Mapped[str] = mapped_column(String(200))
    operation_id: Mapped[int | None] = mapped_column(
        ForeignKey("inv_operation.id", ondelete="SET NULL")
    )
    posted_at: Mapped[dt.datetime | None] = mapped_column()
    city: Mapped[str | None] = mapped_column(String(120))
    state: Mapped[str | None] = mapped_column(String(8))
    site: Mapped[str | None] = mapped_column(String(120))
    ad_kind: Mapped[str | None] = mapped_column(String(16))
    score: Mapped[float] = mapped_column(Float, default=0.0)
    indicator_codes: Mapped[str] = mapped_column(Text, default="")
    title: Mapped[str | None] = mapped_column(EncryptedText)
    text: Mapped[str | None] = mapped_column(EncryptedText)
    #: The scan record (contacts, names, ages, rates, descriptors, indicators)
    #: and ``images``, the SHA-256 of each of the ad's pictures (:class:`InvImage`).
    facts: Mapped[dict[str, Any] | None] = mapped_column(EncryptedJSON)
    #: First import (a re-import keeps it): the retention clock of an undated ad.
    imported_at: Mapped[dt.datetime] = created_now()
    #: When the retention purge (or an import past retention) dropped the text.
    text_purged_at: Mapped[dt.datetime | None] = mapped_column()


class InvContact(IdKey, Base):
    """A contact of an ad as a keyed blind index only (phone search)."""

    __tablename__ = "inv_contact"

    ad_id: Mapped[int] = child_of("inv_ad")
    kind: Mapped[str] = mapped_column(String(16))
    value_bidx: Mapped[str] = mapped_column(String(64), index=True)


class InvEdge(IdKey, Base):
    """Why two ads were linked: ``ads link``'s merge, its evidence and weights."""

    __tablename__ = "inv_edge"

    operation_id: Mapped[int] = child_of("inv_operation")
    source_key: Mapped[str] = mapped_column(String(200))
    target_key: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(32))
    #: The linker's sentence (it names the shared phone): encrypted.
    evidence: Mapped[str | None] = mapped_column(EncryptedText)
    weight: Mapped[float] = mapped_column(Float, default=0.0)
    #: Comparison -> level (``contact: share a contact``, ...).
    levels: Mapped[dict[str, str] | None] = mapped_column(JSON)
    match_weight: Mapped[float | None] = mapped_column(Float)


class InvLead(IdKey, Base):
    """A missing-person poster beside an ad ``ads match`` ranked for it.

    Keyed by (organisation, poster case id, ad key): a re-import updates the
    evidence and keeps the decision.
    """

    __tablename__ = "inv_lead"
    __table_args__ = (UniqueConstraint("organization_id", "case_key", "ad_key"),)

    organization_id: Mapped[int] = ref("organization")
    case_key: Mapped[str] = mapped_column(String(64))
    ad_key: Mapped[str] = mapped_column(String(200))
    op_key: Mapped[str | None] = mapped_column(String(64))
    rank: Mapped[int] = mapped_column(default=0)
    score: Mapped[float] = mapped_column(Float, default=0.0)
    probability: Mapped[float | None] = mapped_column(Float)
    #: field -> {level, detail, log2_bayes_factor}: encrypted (names, places).
    evidence: Mapped[dict[str, Any] | None] = mapped_column(EncryptedJSON)
    fields_used: Mapped[list[str] | None] = mapped_column(JSON)
    fields_missing: Mapped[list[str] | None] = mapped_column(JSON)
    #: The poster (name, birth date, description, missing date and place).
    poster: Mapped[dict[str, Any] | None] = mapped_column(EncryptedJSON)
    status: Mapped[str] = mapped_column(String(16), default="new")
    reason: Mapped[str | None] = mapped_column(EncryptedText)
    decided_by_id: Mapped[int | None] = ref("app_user")
    decided_at: Mapped[dt.datetime | None] = mapped_column()
    #: The care team's ``ad_match`` intake a confirmation created (or found).
    intake_id: Mapped[int | None] = ref("intake")
    current: Mapped[bool] = mapped_column(default=True)
    imported_at: Mapped[dt.datetime] = created_now()


class InvImage(IdKey, Base):
    """A picture of an ad or a poster, by content: SHA-256 and perceptual hash.

    The picture itself is a file named by its SHA-256 in the image folder, and
    only while ``stored`` (the ``investigate_store_images`` setting allows it and
    it is no matched minor's picture). A minor's picture is never stored: only
    its hashes are kept, for the comparison in words.
    """

    __tablename__ = "inv_image"
    __table_args__ = (UniqueConstraint("organization_id", "sha256"),)

    organization_id: Mapped[int] = ref("organization")
    sha256: Mapped[str] = mapped_column(String(64))
    #: 64-bit pHash as 16 hex digits.
    phash: Mapped[str] = mapped_column(String(16))
    media_type: Mapped[str] = mapped_column(String(32))
    #: A matched minor's picture (or an ad's claiming an age under 18): never stored.
    minor: Mapped[bool] = mapped_column(default=False)
    stored: Mapped[bool] = mapped_column(default=False)
    imported_at: Mapped[dt.datetime] = created_now()
