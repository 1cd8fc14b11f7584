"""Auth, users and organisations (private)."""

from __future__ import annotations

import datetime as dt

from pydantic import Field

from nowrongdoor.care.enums import OrgKind, Role
from nowrongdoor.care.schemas._common import Id, Public, Strict

USERNAME = r"^[a-z0-9][a-z0-9._@-]{1,149}$"


class LoginRequest(Strict):
    """Sign in with a username and password."""

    username: str = Field(min_length=1, max_length=150)
    password: str = Field(min_length=1, max_length=1000)


class TokenCreate(Strict):
    """Issue a bearer token for integrations (acts as the issuing user)."""

    name: str = Field(min_length=1, max_length=100)
    days: int = Field(
        90,
        ge=1,
        le=3650,
        description="Lifetime in days; at most the token_max_days setting.",
    )


class TokenPublic(Public):
    """A new bearer token; the token text is shown once."""

    id: int
    name: str
    token: str
    expires_at: dt.datetime


class TokenInfo(Public):
    """A bearer token of the signed-in user (never the token text)."""

    id: int
    name: str
    created_at: dt.datetime
    expires_at: dt.datetime | None
    revoked_at: dt.datetime | None = None
    last_used_at: dt.datetime | None = None


class Revoked(Public):
    """How many login sessions and API tokens were revoked."""

    revoked: int


class OrganizationBase(Strict):
    """Fields of an organisation."""

    name: str = Field(min_length=1, max_length=300)
    kind: OrgKind = OrgKind.PARTNER
    description: str | None = Field(None, max_length=5000)


class OrganizationCreate(OrganizationBase):
    """Create an organisation."""


class OrganizationPublic(Public):
    """An organisation."""

    id: int
    name: str
    kind: str
    hsds_id: str | None = None
    description: str | None = None


class UserBase(Strict):
    """Fields of a user."""

    display_name: str = Field(min_length=1, max_length=200)
    role: Role
    team: str | None = Field(None, max_length=100)


class UserCreate(UserBase):
    """Create a user (admins)."""

    username: str = Field(pattern=USERNAME)
    password: str = Field(min_length=12, max_length=1000)
    organization_id: Id


class UserUpdate(Strict):
    """Change a user (admins); omitted fields stay as they are."""

    display_name: str | None = Field(None, min_length=1, max_length=200)
    role: Role | None = None
    team: str | None = Field(None, max_length=100)
    is_active: bool | None = None
    password: str | None = Field(None, min_length=12, max_length=1000)
    unlock: bool = False


class UserPublic(Public):
    """A user (never the password hash)."""

    id: int
    username: str
    display_name: str
    role: str
    team: str | None
    organization_id: int
    is_active: bool
    locked_until: dt.datetime | None = None
    last_login_at: dt.datetime | None = None


class Me(Public):
    """The signed-in user and, for cookie sessions, the CSRF token to send back."""

    user: UserPublic
    organization: OrganizationPublic
    csrf_token: str | None = None
    permissions: list[str]
    scope: str
