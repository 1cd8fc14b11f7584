"""Closed-loop referrals to partner services and their status history (private)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from nowrongdoor.care.models._base import Base, EncryptedText, utcnow
from nowrongdoor.care.models._case import Case


class Referral(Base):
    """A referral from a case to a partner organisation's service."""

    __tablename__ = "referral"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("care_case.id"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    from_organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id"))
    to_organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id"))
    service_id: Mapped[int | None] = mapped_column(ForeignKey("partner_service.id"))
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    status: Mapped[str] = mapped_column(String(16), default="draft")
    need_category: Mapped[str | None] = mapped_column(String(40))
    reason: Mapped[str | None] = mapped_column(EncryptedText)
    do_not_contact: Mapped[bool] = mapped_column(default=False)
    consent_id: Mapped[int | None] = mapped_column(ForeignKey("consent.id"))
    override_reason: Mapped[str | None] = mapped_column(EncryptedText)
    override_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    response_note: Mapped[str | None] = mapped_column(EncryptedText)
    #: The partner system's own status text (FHIR Task.businessStatus).
    business_status: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[dt.datetime | None] = mapped_column()
    accepted_at: Mapped[dt.datetime | None] = mapped_column()
    declined_at: Mapped[dt.datetime | None] = mapped_column()
    in_progress_at: Mapped[dt.datetime | None] = mapped_column()
    completed_at: Mapped[dt.datetime | None] = mapped_column()
    cancelled_at: Mapped[dt.datetime | None] = mapped_column()
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    case: Mapped[Case] = relationship(lazy="raise")


class ReferralEvent(Base):
    """One status change of a referral: from, to, who, when, why."""

    __tablename__ = "referral_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    referral_id: Mapped[int] = mapped_column(
        ForeignKey("referral.id", ondelete="CASCADE"), index=True
    )
    from_status: Mapped[str | None] = mapped_column(String(16))
    to_status: Mapped[str] = mapped_column(String(16))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    reason: Mapped[str | None] = mapped_column(EncryptedText)
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)


Index("ix_referral_to_org_status", Referral.to_organization_id, Referral.status)
Index("ix_referral_from_org_owner", Referral.from_organization_id, Referral.owner_id)
Index(
    "ix_referral_from_org_updated", Referral.from_organization_id, Referral.updated_at
)
