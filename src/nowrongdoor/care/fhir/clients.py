"""Partner systems' OAuth2 client credentials (RFC 6749 section 4.4).

Each client belongs to one organisation and acts through its own service
account, a ``partner_user`` of that organisation: the FHIR API then reaches
exactly what that organisation's staff reach on the web pages (referrals
addressed to it, minimum necessary person fields). The client secret is hashed
with argon2id; access tokens are random, stored as SHA-256 digests, expire after
the client's own lifetime, and die with the client when it is revoked.

Instead of a secret, a client may authenticate with a JWT signed by its own
private key (``private_key_jwt``, RFC 7523 section 2.2, as the SMART Backend
Services profile uses it, https://hl7.org/fhir/smart-app-launch/backend-services.html):
we keep its public JWK Set, check the signature (RS384/ES384, and RS256/ES256),
``iss`` = ``sub`` = the client id, ``aud`` = our token endpoint, an ``exp`` at
most five minutes ahead, and refuse a ``jti`` seen before.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import secrets
from dataclasses import dataclass
from typing import Any

from joserfc import jws, jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet
from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from nowrongdoor.care._lengths import fitted
from nowrongdoor.care.enums import Role
from nowrongdoor.care.models import (
    Organization,
    PartnerClient,
    PartnerClientJti,
    PartnerClientToken,
    User,
    utcnow,
)
from nowrongdoor.care.security import hash_password, verify_password
from nowrongdoor.errors import UserInputError

__all__ = [
    "ASSERTION_TYPE",
    "JWT_ALGORITHMS",
    "MAX_TOKEN_MINUTES",
    "MIN_TOKEN_MINUTES",
    "IssuedToken",
    "NewClient",
    "create_client",
    "issue_token",
    "issue_token_for_assertion",
    "public_key_set",
    "resolve_client_token",
    "revoke_client",
    "system_account",
]

ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
#: SMART Backend Services asks servers for RS384 and ES384.
JWT_ALGORITHMS = ["RS384", "ES384", "RS256", "ES256"]
_MAX_ASSERTION_AHEAD = dt.timedelta(minutes=5)
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


#: JWK members that hold secret material: an RSA/EC/OKP private key's
#: (RFC 7518 6.2.2, 6.3.2; RFC 8037) and a symmetric key's ``k`` (6.4.1).
_SECRET_MEMBERS = frozenset({"d", "p", "q", "dp", "dq", "qi", "oth", "k"})


def public_key_set(jwks: Any) -> str:
    """The JSON of a JWK Set holding public keys only.

    Raises:
        ValueError: not a JWK Set, a key we cannot read, or private key material.
    """
    if not isinstance(jwks, dict) or not isinstance(jwks.get("keys"), list):
        raise ValueError('a JWK Set is a JSON object with a "keys" list')
    if not jwks["keys"]:
        raise ValueError("the JWK Set has no keys")
    for i, key in enumerate(jwks["keys"]):
        if not isinstance(key, dict):
            raise ValueError(f"key {i} of the JWK Set is not a JSON object")
        if _SECRET_MEMBERS & key.keys() or key.get("kty") == "oct":
            raise ValueError(
                f"key {i} of the JWK Set holds private key material (a private "
                "or shared secret key); give the public keys only"
            )
    try:
        KeySet.import_key_set(jwks)  # type: ignore[arg-type]
    except (JoseError, ValueError, TypeError, KeyError) as exc:
        raise ValueError(f"the JWK Set cannot be read: {exc}") from None
    return json.dumps(jwks, separators=(",", ":"))


def system_account(
    session: Session, organization: Organization, *, username: str, display_name: str
) -> User:
    """A partner system's user account: what its FHIR calls act as.

    Args:
        session: Database session (flushed, not committed).
        organization: The partner organisation the system belongs to.
        username: The account's login name (never used to sign in).
        display_name: Name shown in audit views.

    Returns:
        The new account, a partner user nobody can sign in as (its password
        is random and never shown).
    """
    account = User(
        organization_id=organization.id,
        username=username,
        display_name=display_name,
        role=str(Role.PARTNER_USER),
        password_hash=hash_password(secrets.token_urlsafe(32)),
    )
    session.add(account)
    session.flush()
    return account


def create_client(
    session: Session,
    *,
    organization: Organization,
    name: str,
    token_minutes: int = 60,
    jwks: Any = None,
) -> NewClient:
    """Register a partner system of ``organization`` and its service account.

    With ``jwks`` (a JWK Set of public keys) the client authenticates with
    private-key JWTs and gets no secret (``client_secret`` is empty).

    Raises:
        ValueError: ``jwks`` is not a public JWK Set.
        UserInputError: ``token_minutes`` is outside 5 .. 1440, or ``name`` is
            empty or longer than its column (the message names the option).
    """
    if not MIN_TOKEN_MINUTES <= token_minutes <= MAX_TOKEN_MINUTES:
        raise UserInputError(
            "--token-minutes: the token lifetime must be "
            f"{MIN_TOKEN_MINUTES} to {MAX_TOKEN_MINUTES} minutes, not {token_minutes}"
        )
    name = name.strip()
    if not name:
        raise UserInputError("--name: a client needs a name")
    fitted(name, PartnerClient.name, "--name")  # kept whole or refused
    keys = public_key_set(jwks) if jwks is not None else None
    client_id = f"nwd-{secrets.token_hex(8)}"
    secret = secrets.token_urlsafe(32)
    account = system_account(
        session,
        organization,
        username=f"client:{client_id}",
        display_name=f"{name[:150]} (system)",  # a label; the name is kept whole
    )
    session.add(
        PartnerClient(
            client_id=client_id,
            name=name,
            secret_hash=hash_password(secret),
            organization_id=organization.id,
            user_id=account.id,
            token_minutes=token_minutes,
            jwks=keys,
        )
    )
    session.flush()
    shown = "" if keys else secret  # a JWT client's secret is never usable
    return NewClient(client_id, shown, organization.id, token_minutes)


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
    if not verify_password(client.secret_hash, client_secret) or client.jwks:
        return None
    return _grant(session, client)


def _grant(session: Session, client: PartnerClient) -> IssuedToken | None:
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


def _unverified_issuer(assertion: str) -> str | None:
    try:
        payload = json.loads(jws.extract_compact(assertion.encode("ascii")).payload)
    except (JoseError, ValueError, UnicodeError):
        return None
    iss = payload.get("iss") if isinstance(payload, dict) else None
    return iss if isinstance(iss, str) else None


def issue_token_for_assertion(
    session: Session, *, assertion: str, audience: str
) -> tuple[str | None, IssuedToken | None]:
    """An access token for a valid private-key JWT client assertion.

    Args:
        session: The care database session (the caller commits).
        assertion: The compact JWT the client signed.
        audience: Our token endpoint's URL (the assertion's ``aud``).

    Returns:
        The client id the assertion names (for the audit log, even when it
        fails) and the token, or ``None`` when the assertion is refused.
    """
    client_id = _unverified_issuer(assertion)
    if client_id is None:
        return None, None
    client = session.scalar(
        select(PartnerClient).where(PartnerClient.client_id == client_id[:64])
    )
    if client is None or not client.jwks:
        return client_id, None
    now = utcnow()
    try:
        token = jwt.decode(
            assertion, KeySet.import_key_set(json.loads(client.jwks)),
            algorithms=JWT_ALGORITHMS,
        )  # fmt: skip
        jwt.JWTClaimsRegistry(
            now=int(now.timestamp()),
            iss={"essential": True, "value": client_id},
            sub={"essential": True, "value": client_id},
            aud={"essential": True, "value": audience},
            exp={"essential": True},
            jti={"essential": True},
        ).validate(token.claims)
    except (JoseError, ValueError, TypeError):
        return client_id, None
    expires = dt.datetime.fromtimestamp(int(token.claims["exp"]), dt.UTC)
    jti = str(token.claims["jti"])[:200]
    if expires > now + _MAX_ASSERTION_AHEAD or not jti:
        return client_id, None
    session.execute(delete(PartnerClientJti).where(PartnerClientJti.expires_at <= now))
    seen = session.scalar(
        select(PartnerClientJti.id).where(
            PartnerClientJti.client_id == client.id, PartnerClientJti.jti == jti
        )
    )
    if seen is not None:
        return client_id, None
    try:
        with session.begin_nested():
            session.add(
                PartnerClientJti(client_id=client.id, jti=jti, expires_at=expires)
            )
    except IntegrityError:  # the same assertion raced in twice
        return client_id, None
    return client_id, _grant(session, client)
