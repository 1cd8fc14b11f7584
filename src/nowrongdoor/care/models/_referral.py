"""Closed-loop referrals to partner services and their status history (private)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from nowrongdoor.care.models._base import Base, EncryptedText
from nowrongdoor.care.models._case import Case
from nowrongdoor.care.models._columns import (
    IdKey,
    child_of,
    created_now,
    ref,
    updated_now,
)

__all__ = ["Referral", "ReferralEvent"]


class Referral(IdKey, Base):
    """A referral from a case to a partner organisation's service."""

    __tablename__ = "referral"

    case_id: Mapped[int] = ref("care_case", index=True)
    person_id: Mapped[int] = ref("person", index=True)
    from_organization_id: Mapped[int] = ref("organization")
    to_organization_id: Mapped[int] = ref("organization")
    service_id: Mapped[int | None] = ref("partner_service")
    owner_id: Mapped[int | None] = ref("app_user")
    status: Mapped[str] = mapped_column(String(16), default="draft")
    need_category: Mapped[str | None] = mapped_column(String(40))
    reason: Mapped[str | None] = mapped_column(EncryptedText)
    do_not_contact: Mapped[bool] = mapped_column(default=False)
    consent_id: Mapped[int | None] = ref("consent")
    override_reason: Mapped[str | None] = mapped_column(EncryptedText)
    override_by_id: Mapped[int | None] = ref("app_user")
    response_note: Mapped[str | None] = mapped_column(EncryptedText)
    #: The partner system's own status text (FHIR Task.businessStatus).
    business_status: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = created_now()
    sent_at: Mapped[dt.datetime | None] = mapped_column()
    accepted_at: Mapped[dt.datetime | None] = mapped_column()
    declined_at: Mapped[dt.datetime | None] = mapped_column()
    in_progress_at: Mapped[dt.datetime | None] = mapped_column()
    completed_at: Mapped[dt.datetime | None] = mapped_column()
    cancelled_at: Mapped[dt.datetime | None] = mapped_column()
    updated_at: Mapped[dt.datetime] = updated_now()

    case: Mapped[Case] = relationship(lazy="raise")


class ReferralEvent(IdKey, Base):
    """One status change of a referral: from, to, who, when, why."""

    __tablename__ = "referral_event"

    referral_id: Mapped[int] = child_of("referral")
    from_status: Mapped[str | None] = mapped_column(String(16))
    to_status: Mapped[str] = mapped_column(String(16))
    actor_id: Mapped[int | None] = ref("app_user")
    reason: Mapped[str | None] = mapped_column(EncryptedText)
    at: Mapped[dt.datetime] = created_now()
    #: How the partner told us, when the actor recorded the receiving
    #: partner's move on its behalf (it is not on the system); else ``None``.
    told_via: Mapped[str | None] = mapped_column(String(16))
    #: Who at the partner said it (optional, with ``told_via``).
    told_by: Mapped[str | None] = mapped_column(EncryptedText)


Index("ix_referral_to_org_status", Referral.to_organization_id, Referral.status)
Index("ix_referral_from_org_owner", Referral.from_organization_id, Referral.owner_id)
Index(
    "ix_referral_from_org_updated", Referral.from_organization_id, Referral.updated_at
)
