"""Referrals exchanged with other FHIR servers (private).

* :class:`FhirEndpoint`: a partner organisation that runs its own FHIR server;
  referrals sent to it are POSTed there and its Task is polled.
* :class:`FhirOutbound`: one referral on its way to (or held at) such a server.
* :class:`FhirInbound`: one referral another server sent us, by its identifier,
  so a retried POST finds the referral it already created.
* :class:`FhirExport`: one bulk export (``$export``) and its NDJSON files.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from nowrongdoor.care.models._base import Base, EncryptedJSON, EncryptedText
from nowrongdoor.care.models._columns import IdKey, child_of, created_now, ref
from nowrongdoor.care.models._org import User

__all__ = ["FhirEndpoint", "FhirExport", "FhirInbound", "FhirOutbound"]


class FhirEndpoint(IdKey, Base):
    """A partner organisation's FHIR server and our client credentials there."""

    __tablename__ = "fhir_endpoint"

    organization_id: Mapped[int] = ref("organization", unique=True)
    base_url: Mapped[str] = mapped_column(String(500))
    token_url: Mapped[str] = mapped_column(String(500))
    client_id: Mapped[str] = mapped_column(String(200))
    client_secret: Mapped[str] = mapped_column(EncryptedText)
    #: The receiving organisation as the partner's server names it (Task.owner).
    owner_reference: Mapped[str] = mapped_column(String(200))
    #: The partner system's account here: status changes read from its server
    #: are recorded as this user's.
    user_id: Mapped[int] = ref("app_user")
    created_at: Mapped[dt.datetime] = created_now()
    disabled_at: Mapped[dt.datetime | None] = mapped_column()

    user: Mapped[User] = relationship(lazy="joined")


class FhirOutbound(IdKey, Base):
    """A referral sent (or to be sent) to a partner's FHIR server."""

    __tablename__ = "fhir_outbound"

    referral_id: Mapped[int] = child_of("referral", unique=True)
    endpoint_id: Mapped[int] = child_of("fhir_endpoint")
    #: ``pending`` (not yet accepted by the server), ``sent``, ``failed``
    #: (gave up after the last retry) or ``closed`` (nothing more to poll).
    state: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[dt.datetime] = created_now()
    last_error: Mapped[str | None] = mapped_column(String(500))
    remote_task: Mapped[str | None] = mapped_column(String(200))
    remote_status: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[dt.datetime] = created_now()
    sent_at: Mapped[dt.datetime | None] = mapped_column()
    polled_at: Mapped[dt.datetime | None] = mapped_column()


class FhirInbound(IdKey, Base):
    """A referral another FHIR server created here, by its Task identifier."""

    __tablename__ = "fhir_inbound"
    __table_args__ = (
        UniqueConstraint(
            "sender_organization_id", "identifier", name="uq_fhir_inbound"
        ),
    )

    sender_organization_id: Mapped[int] = ref("organization")
    identifier: Mapped[str] = mapped_column(String(300))
    referral_id: Mapped[int] = child_of("referral")
    created_at: Mapped[dt.datetime] = created_now()


class FhirExport(IdKey, Base):
    """A bulk export (FHIR Bulk Data ``$export``): its files, encrypted at rest."""

    __tablename__ = "fhir_export"

    #: The opaque id in the status and file URLs.
    key: Mapped[str] = mapped_column(String(64), unique=True)
    requested_by_id: Mapped[int] = ref("app_user", index=True)
    request_url: Mapped[str] = mapped_column(String(2000))
    transaction_time: Mapped[dt.datetime] = created_now()
    #: resource type -> NDJSON text (one resource a line).
    files: Mapped[dict[str, Any]] = mapped_column(EncryptedJSON)
    expires_at: Mapped[dt.datetime] = mapped_column()
