"""Partner systems' OAuth2 client credentials and their access tokens (private).

A partner system acts through a service account (a ``partner_user`` of its
organisation), so it reaches exactly the records that organisation's staff
reach on the web pages.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from nowrongdoor.care.models._base import Base
from nowrongdoor.care.models._columns import (
    IdKey,
    IssuedToken,
    child_of,
    created_now,
    ref,
)
from nowrongdoor.care.models._org import User

__all__ = ["PartnerClient", "PartnerClientJti", "PartnerClientToken"]


class PartnerClient(IdKey, Base):
    """A partner system's client credentials (the secret is stored hashed)."""

    __tablename__ = "partner_client"

    client_id: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    secret_hash: Mapped[str] = mapped_column(String(300))
    organization_id: Mapped[int] = ref("organization")
    user_id: Mapped[int] = ref("app_user")
    token_minutes: Mapped[int] = mapped_column(default=60)
    #: Public keys (a JWK Set, JSON) of a client that authenticates with a
    #: signed JWT (private-key JWT, RFC 7523) instead of a secret.
    jwks: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = created_now()
    revoked_at: Mapped[dt.datetime | None] = mapped_column()

    user: Mapped[User] = relationship(lazy="joined")


class PartnerClientToken(IssuedToken, Base):
    """An access token issued to a :class:`PartnerClient` (stored hashed)."""

    __tablename__ = "partner_client_token"

    client_id: Mapped[int] = child_of("partner_client")

    client: Mapped[PartnerClient] = relationship(lazy="joined")


class PartnerClientJti(IdKey, Base):
    """A client assertion id already used (a replayed JWT is refused)."""

    __tablename__ = "partner_client_jti"
    __table_args__ = (
        UniqueConstraint("client_id", "jti", name="uq_partner_client_jti"),
    )

    client_id: Mapped[int] = child_of("partner_client", index=False)
    jti: Mapped[str] = mapped_column(String(200))
    expires_at: Mapped[dt.datetime] = mapped_column()
