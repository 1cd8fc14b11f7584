"""Organisations, users, login sessions and API tokens (private)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from nowrongdoor.care.models._base import Base
from nowrongdoor.care.models._columns import (
    IdKey,
    IssuedToken,
    child_of,
    created_now,
    ref,
)

__all__ = ["ApiToken", "Organization", "User", "UserSession"]


class Organization(IdKey, Base):
    """The plan or provider running the program, or a community partner.

    Partners imported from an Open Referral HSDS 3 file keep their HSDS id.
    """

    __tablename__ = "organization"

    name: Mapped[str] = mapped_column(String(300))
    kind: Mapped[str] = mapped_column(String(16), default="partner")
    hsds_id: Mapped[str | None] = mapped_column(String(64), unique=True)
    alternate_name: Mapped[str | None] = mapped_column(String(300))
    description: Mapped[str | None] = mapped_column(Text)
    email: Mapped[str | None] = mapped_column(String(300))
    website: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[dt.datetime] = created_now()

    users: Mapped[list[User]] = relationship(back_populates="organization")


class User(IdKey, Base):
    """A person who signs in: staff of an organisation, with one role."""

    __tablename__ = "app_user"

    organization_id: Mapped[int] = ref("organization")
    username: Mapped[str] = mapped_column(String(150), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(32))
    team: Mapped[str | None] = mapped_column(String(100))
    password_hash: Mapped[str] = mapped_column(String(300))
    is_active: Mapped[bool] = mapped_column(default=True)
    failed_logins: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[dt.datetime | None] = mapped_column()
    last_login_at: Mapped[dt.datetime | None] = mapped_column()
    created_at: Mapped[dt.datetime] = created_now()

    organization: Mapped[Organization] = relationship(
        back_populates="users", lazy="joined"
    )


class UserSession(IssuedToken, Base):
    """A browser login session; the cookie holds a token, the row its hash."""

    __tablename__ = "user_session"

    csrf_token: Mapped[str] = mapped_column(String(64))
    user_id: Mapped[int] = child_of("app_user")

    user: Mapped[User] = relationship(lazy="joined")


class ApiToken(IdKey, Base):
    """A bearer token for an integration, owned by a user (acts with their role)."""

    __tablename__ = "api_token"

    name: Mapped[str] = mapped_column(String(100))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = child_of("app_user")
    created_at: Mapped[dt.datetime] = created_now()
    expires_at: Mapped[dt.datetime | None] = mapped_column()
    revoked_at: Mapped[dt.datetime | None] = mapped_column()
    last_used_at: Mapped[dt.datetime | None] = mapped_column()

    user: Mapped[User] = relationship(lazy="joined")


Index("ix_app_user_org_role", User.organization_id, User.role)
