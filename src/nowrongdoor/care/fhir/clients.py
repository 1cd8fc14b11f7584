"""Partner systems' OAuth2 client credentials (RFC 6749 section 4.4).

Each client belongs to one organisation and acts through its own service
account, a ``partner_user`` of that organisation: the FHIR API then reaches
exactly what that organisation's staff reach on the web pages (referrals
addressed to it, minimum necessary person fields). The client secret is hashed
with argon2id; access tokens are random, stored as SHA-256 digests, expire after
the client's own lifetime, and die with the client when it is revoked.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from nowrongdoor.care.enums import Role
from nowrongdoor.care.models import (
    Organization,
    PartnerClient,
    PartnerClientToken,
    User,
    utcnow,
)
from nowrongdoor.care.security import hash_password, verify_password

__all__ = [
    "MAX_TOKEN_MINUTES",
    "MIN_TOKEN_MINUTES",
    "IssuedToken",
    "NewClient",
    "create_client",
    "issue_token",
    "resolve_client_token",
    "revoke_client",
]

MIN_TOKEN_MINUTES = 5
MAX_TOKEN_MINUTES = 24 * 60
_DUMMY = hash_password("nowrongdoor-dummy-client-secret")


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class NewClient:
    """A client just created: the secret is shown once and never stored."""

    client_id: str
    client_secret: str
    organization_id: int
    token_minutes: int


@dataclass(frozen=True)
class IssuedToken:
    """An access token and its lifetime in seconds."""

    access_token: str
    expires_in: int


def create_client(
    session: Session, *, organization: Organization, name: str, token_minutes: int = 60
) -> NewClient:
    """Register a partner system of ``organization`` and its service account.

    Raises:
        ValueError: ``token_minutes`` is outside 5 .. 1440 or ``name`` is empty.
    """
    if not MIN_TOKEN_MINUTES <= token_minutes <= MAX_TOKEN_MINUTES:
        raise ValueError(
            f"token lifetime must be {MIN_TOKEN_MINUTES} to {MAX_TOKEN_MINUTES} "
            f"minutes, not {token_minutes}"
        )
    if not name.strip():
        raise ValueError("a client needs a name")
    client_id = f"nwd-{secrets.token_hex(8)}"
    secret = secrets.token_urlsafe(32)
    account = User(
        organization_id=organization.id,
        username=f"client:{client_id}",
        display_name=f"{name.strip()[:150]} (system)",
        role=str(Role.PARTNER_USER),
        # nobody knows this password: the account cannot sign in to the pages
        password_hash=hash_password(secrets.token_urlsafe(32)),
    )
    session.add(account)
    session.flush()
    session.add(
        PartnerClient(
            client_id=client_id,
            name=name.strip()[:200],
            secret_hash=hash_password(secret),
            organization_id=organization.id,
            user_id=account.id,
            token_minutes=token_minutes,
        )
    )
    session.flush()
    return NewClient(client_id, secret, organization.id, token_minutes)


def revoke_client(session: Session, client_id: str) -> bool:
    """Revoke a client, its tokens and its service account; ``False`` if unknown."""
    client = session.scalar(
        select(PartnerClient).where(PartnerClient.client_id == client_id)
    )
    if client is None:
        return False
    now = utcnow()
    client.revoked_at = client.revoked_at or now
    client.user.is_active = False
    session.execute(
        update(PartnerClientToken)
        .where(
            PartnerClientToken.client_id == client.id,
            PartnerClientToken.revoked_at.is_(None),
        )
        .values(revoked_at=now)
    )
    session.flush()
    return True


def issue_token(
    session: Session, *, client_id: str, client_secret: str
) -> IssuedToken | None:
    """An access token for valid, unrevoked client credentials, else ``None``.

    An unknown client id costs the same argon2 check as a wrong secret.
    """
    client = session.scalar(
        select(PartnerClient).where(PartnerClient.client_id == client_id)
    )
    if client is None:
        verify_password(_DUMMY, client_secret)
        return None
    if not verify_password(client.secret_hash, client_secret):
        return None
    if client.revoked_at is not None or not client.user.is_active:
        return None
    token = secrets.token_urlsafe(32)
    now = utcnow()
    session.add(
        PartnerClientToken(
            token_hash=_digest(token),
            client_id=client.id,
            created_at=now,
            expires_at=now + dt.timedelta(minutes=client.token_minutes),
        )
    )
    session.flush()
    return IssuedToken(token, client.token_minutes * 60)


def resolve_client_token(session: Session, token: str) -> PartnerClient | None:
    """The client an access token belongs to, if it is live; else ``None``."""
    row = session.scalar(
        select(PartnerClientToken).where(
            PartnerClientToken.token_hash == _digest(token)
        )
    )
    if row is None or row.revoked_at is not None or row.expires_at <= utcnow():
        return None
    client = row.client
    if client.revoked_at is not None or not client.user.is_active:
        return None
    return client
