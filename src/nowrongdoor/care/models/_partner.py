"""The partner directory, from Open Referral HSDS 3 (private).

Partner organisations are :class:`Organization` rows of kind ``partner``.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from nowrongdoor.care.models._base import Base
from nowrongdoor.care.models._columns import IdKey, child_of, created_now, ref

__all__ = ["PartnerLocation", "PartnerPhone", "PartnerService", "ServiceAtLocation"]


class PartnerService(IdKey, Base):
    """An HSDS service offered by a partner organisation."""

    __tablename__ = "partner_service"

    hsds_id: Mapped[str | None] = mapped_column(String(64), unique=True)
    organization_id: Mapped[int] = ref("organization", index=True)
    name: Mapped[str] = mapped_column(String(300))
    alternate_name: Mapped[str | None] = mapped_column(String(300))
    description: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(32), default="active")
    url: Mapped[str | None] = mapped_column(String(500))
    email: Mapped[str | None] = mapped_column(String(300))
    eligibility: Mapped[str | None] = mapped_column(Text)
    minimum_age: Mapped[int | None] = mapped_column()
    maximum_age: Mapped[int | None] = mapped_column()
    service_types: Mapped[str] = mapped_column(Text, default="")
    imported_at: Mapped[dt.datetime] = created_now()


class PartnerLocation(IdKey, Base):
    """An HSDS location (with its first physical or postal address)."""

    __tablename__ = "partner_location"

    hsds_id: Mapped[str | None] = mapped_column(String(64), unique=True)
    organization_id: Mapped[int | None] = ref("organization", index=True)
    name: Mapped[str | None] = mapped_column(String(300))
    address_1: Mapped[str | None] = mapped_column(String(300))
    city: Mapped[str | None] = mapped_column(String(120))
    state_province: Mapped[str | None] = mapped_column(String(120))
    postal_code: Mapped[str | None] = mapped_column(String(40))
    country: Mapped[str | None] = mapped_column(String(8))
    latitude: Mapped[float | None] = mapped_column()
    longitude: Mapped[float | None] = mapped_column()


class ServiceAtLocation(IdKey, Base):
    """Where a service is delivered (HSDS service_at_location)."""

    __tablename__ = "service_at_location"

    hsds_id: Mapped[str | None] = mapped_column(String(64), unique=True)
    service_id: Mapped[int] = child_of("partner_service")
    location_id: Mapped[int] = child_of("partner_location")
    description: Mapped[str | None] = mapped_column(Text)


class PartnerPhone(IdKey, Base):
    """An HSDS phone of an organisation, service or location."""

    __tablename__ = "partner_phone"

    hsds_id: Mapped[str | None] = mapped_column(String(64))
    organization_id: Mapped[int | None] = ref("organization", index=True)
    service_id: Mapped[int | None] = child_of("partner_service", index=False)
    location_id: Mapped[int | None] = child_of("partner_location", index=False)
    number: Mapped[str] = mapped_column(String(60))
    extension: Mapped[str | None] = mapped_column(String(20))
    phone_type: Mapped[str | None] = mapped_column(String(20))
    description: Mapped[str | None] = mapped_column(Text)
