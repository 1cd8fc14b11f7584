"""Authentication: argon2 passwords, login sessions, bearer tokens, CSRF, lockout.

- Passwords are hashed with argon2id (argon2-cffi).
- A browser session is a random token in a ``Secure; HttpOnly; SameSite=Lax``
  cookie; the database keeps only its SHA-256 and the session's CSRF token.
  Unsafe requests (POST, PUT, PATCH, DELETE) made with the cookie must send the
  CSRF token back (``X-CSRF-Token`` header or ``csrf_token`` form field).
- Integrations use bearer tokens (``Authorization: Bearer nwd_...``), also stored
  hashed; they need no CSRF token. Every token expires (at most
  ``token_max_days``), can be revoked one by one or all at once, and is revoked
  with the user's sessions when an admin resets the password or changes the role.
- Logins are rate limited per client address (in Redis, shared by every
  worker, when ``rate_limit_url`` is set; per process otherwise), and an
  account is locked for a while after repeated failures.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import logging
import secrets
import threading
import time
from collections import deque
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session

from nowrongdoor.care.errors import ApiError, Unauthorized
from nowrongdoor.care.models import ApiToken, User, UserSession, utcnow
from nowrongdoor.settings import Settings

__all__ = [
    "CSRF_FORM_FIELD",
    "CSRF_HEADER",
    "SESSION_COOKIE",
    "Identity",
    "LoginRateLimiter",
    "SharedLoginRateLimiter",
    "authenticate",
    "create_api_token",
    "create_session",
    "csrf_matches",
    "hash_password",
    "login_limiter_from_settings",
    "resolve_bearer",
    "resolve_session",
    "list_api_tokens",
    "revoke_api_token",
    "revoke_credentials",
    "revoke_session",
    "user_by_username",
    "verify_password",
]

SESSION_COOKIE = "nwd_session"
CSRF_HEADER = "X-CSRF-Token"
CSRF_FORM_FIELD = "csrf_token"
TOKEN_PREFIX = "nwd_"

log = logging.getLogger(__name__)

_hasher = PasswordHasher()
_DUMMY_HASH = _hasher.hash("nowrongdoor-dummy-password")


def hash_password(password: str) -> str:
    """Hash ``password`` with argon2id."""
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """Whether ``password`` matches ``password_hash`` (constant-time)."""
    try:
        return _hasher.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class LoginRateLimiter:
    """Sliding one-minute window of login attempts per client address."""

    def __init__(self, per_minute: int) -> None:
        self.per_minute = per_minute
        self._hits: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def hit(self, client: str) -> bool:
        """Record an attempt; ``False`` when the client is over the limit."""
        now = time.monotonic()
        with self._lock:
            hits = self._hits.setdefault(client, deque())
            while hits and now - hits[0] > 60.0:
                hits.popleft()
            if len(hits) >= self.per_minute:
                return False
            hits.append(now)
            if len(self._hits) > 10_000:
                stale = [k for k, v in self._hits.items() if not v]
                for key in stale:
                    del self._hits[key]
            return True


class SharedLoginRateLimiter:
    """Login attempts per client in the last minute, counted in Redis for
    every worker.

    Each client's attempts are a sorted set of their times; one transaction
    drops those older than a minute, adds this one and counts them (a sliding
    window, like :class:`LoginRateLimiter`: a fixed clock-minute counter let
    twice the limit through across a minute's turn). N workers allow the limit
    once, not N times; attempts over the limit count too, so a client that
    keeps trying stays refused until it stops for a minute. If Redis does
    not answer, the limiter falls back to a per-process
    :class:`LoginRateLimiter`, logs a warning, and tries Redis again after
    ``retry_seconds``: it never fails open.

    Args:
        per_minute: Attempts allowed per client per minute.
        url: Redis URL (``redis://127.0.0.1:6379/0``).
        prefix: Key prefix (tests use their own).
        retry_seconds: How long to use the fallback before trying Redis again.
    """

    def __init__(
        self,
        per_minute: int,
        url: str,
        *,
        prefix: str = "nwd:login:",
        retry_seconds: float = 30.0,
    ) -> None:
        import redis

        self.per_minute = per_minute
        self.prefix = prefix
        self.retry_seconds = retry_seconds
        self.fallback = LoginRateLimiter(per_minute)
        self._redis = redis.Redis.from_url(
            url, socket_timeout=0.5, socket_connect_timeout=0.5
        )
        self._errors: tuple[type[BaseException], ...] = (redis.RedisError, OSError)
        self._down_until = 0.0

    @property
    def degraded(self) -> bool:
        """Whether the per-process fallback is in use now."""
        return time.monotonic() < self._down_until

    def hit(self, client: str) -> bool:
        """Record an attempt; ``False`` when the client is over the limit."""
        if self.degraded:
            return self.fallback.hit(client)
        now = time.time()
        key = f"{self.prefix}{client}"
        try:
            pipe = self._redis.pipeline(transaction=True)
            pipe.zremrangebyscore(key, "-inf", now - 60.0)
            pipe.zadd(key, {f"{now!r}:{secrets.token_hex(4)}": now})
            pipe.zcard(key)
            pipe.expire(key, 61)
            count = int(pipe.execute()[2])
        except self._errors as exc:
            self._down_until = time.monotonic() + self.retry_seconds
            log.warning(
                "login rate limit store unavailable (%s); limiting per process "
                "for %.0f s",
                type(exc).__name__,
                self.retry_seconds,
            )
            return self.fallback.hit(client)
        return count <= self.per_minute


def login_limiter_from_settings(
    settings: Settings,
) -> LoginRateLimiter | SharedLoginRateLimiter:
    """The login limiter: shared in Redis when ``rate_limit_url`` is set."""
    if settings.rate_limit_url:
        return SharedLoginRateLimiter(
            settings.login_rate_per_minute, settings.rate_limit_url
        )
    return LoginRateLimiter(settings.login_rate_per_minute)


def user_by_username(session: Session, username: str) -> User | None:
    """The user signing in as ``username`` (case-insensitive), if one exists."""
    return session.scalar(select(User).where(User.username == username.lower()))


def authenticate(
    session: Session, settings: Settings, *, username: str, password: str
) -> User:
    """Check a username and password, applying the lockout rule.

    Args:
        session: Database session (the caller commits).
        settings: Lockout thresholds.
        username: Login name (case-insensitive).
        password: The password.

    Returns:
        The user.

    Raises:
        Unauthorized: unknown user, wrong password or inactive account.
        ApiError: (423 ``account_locked``) too many failures; try again later.
    """
    user = user_by_username(session, username)
    now = utcnow()
    if user is None:
        verify_password(_DUMMY_HASH, password)  # same cost as a real check
        raise Unauthorized("wrong username or password", code="invalid_credentials")
    if user.locked_until is not None and user.locked_until > now:
        raise ApiError(
            "this account is locked after repeated failed logins; try again later",
            code="account_locked",
            status=423,
        )
    if not verify_password(user.password_hash, password) or not user.is_active:
        user.failed_logins += 1
        if user.failed_logins >= settings.login_max_failures:
            user.locked_until = now + dt.timedelta(
                minutes=settings.login_lockout_minutes
            )
            user.failed_logins = 0
        raise Unauthorized("wrong username or password", code="invalid_credentials")
    user.failed_logins = 0
    user.locked_until = None
    user.last_login_at = now
    return user


@dataclass(frozen=True)
class Identity:
    """Who made a request and how.

    Attributes:
        user: The user.
        via: ``session`` (cookie) or ``token`` (bearer).
        csrf_token: The session's CSRF token (``None`` for bearer tokens).
        session_id: The login session row id, if any.
    """

    user: User
    via: str
    csrf_token: str | None = None
    session_id: int | None = None


def create_session(
    session: Session, settings: Settings, *, user: User
) -> tuple[str, UserSession]:
    """Open a login session for ``user``; returns the cookie token and the row."""
    token = secrets.token_urlsafe(32)
    row = UserSession(
        token_hash=_digest(token),
        csrf_token=secrets.token_urlsafe(32),
        user_id=user.id,
        expires_at=utcnow() + dt.timedelta(minutes=settings.session_minutes),
    )
    session.add(row)
    session.flush()
    return token, row


def resolve_session(session: Session, token: str) -> Identity | None:
    """The identity for a session cookie token, or ``None`` if invalid/expired."""
    row = session.scalar(
        select(UserSession).where(UserSession.token_hash == _digest(token))
    )
    if row is None or row.revoked_at is not None or row.expires_at <= utcnow():
        return None
    if not row.user.is_active:
        return None
    return Identity(
        user=row.user, via="session", csrf_token=row.csrf_token, session_id=row.id
    )


def revoke_session(session: Session, token: str) -> None:
    """End the login session whose cookie token is ``token`` (if any)."""
    row = session.scalar(
        select(UserSession).where(UserSession.token_hash == _digest(token))
    )
    if row is not None and row.revoked_at is None:
        row.revoked_at = utcnow()


def create_api_token(
    session: Session,
    *,
    user: User,
    name: str,
    expires_at: dt.datetime | None = None,
) -> tuple[str, ApiToken]:
    """Issue a bearer token for ``user``; the plain token is returned only here."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    row = ApiToken(
        name=name, token_hash=_digest(token), user_id=user.id, expires_at=expires_at
    )
    session.add(row)
    session.flush()
    return token, row


def list_api_tokens(
    session: Session, *, user: User, limit: int = 200
) -> list[ApiToken]:
    """The user's API tokens, newest first (rows; the token text is never kept)."""
    return list(
        session.scalars(
            select(ApiToken)
            .where(ApiToken.user_id == user.id)
            .order_by(ApiToken.id.desc())
            .limit(limit)
        ).all()
    )


def revoke_api_token(session: Session, *, token_id: int, user_id: int) -> bool:
    """Revoke token ``token_id`` of ``user_id``; ``False`` if no such live token."""
    row = session.get(ApiToken, token_id)
    if row is None or row.user_id != user_id or row.revoked_at is not None:
        return False
    row.revoked_at = utcnow()
    return True


def revoke_credentials(
    session: Session,
    *,
    user_id: int,
    sessions: bool = True,
    tokens: bool = True,
    keep_session_id: int | None = None,
) -> int:
    """Revoke every live login session and/or API token of ``user_id``.

    Used on sign-out-everywhere, password reset and role change.

    Args:
        session: Database session (the caller commits).
        user_id: Whose credentials.
        sessions: Revoke login sessions.
        tokens: Revoke API tokens.
        keep_session_id: A session to leave open (the one making the request).

    Returns:
        How many sessions and tokens were revoked.
    """
    now = utcnow()
    count = 0
    if sessions:
        stmt = update(UserSession).where(
            UserSession.user_id == user_id, UserSession.revoked_at.is_(None)
        )
        if keep_session_id is not None:
            stmt = stmt.where(UserSession.id != keep_session_id)
        count += session.execute(stmt.values(revoked_at=now)).rowcount or 0  # type: ignore[attr-defined]
    if tokens:
        result = session.execute(
            update(ApiToken)
            .where(ApiToken.user_id == user_id, ApiToken.revoked_at.is_(None))
            .values(revoked_at=now)
        )
        count += result.rowcount or 0  # type: ignore[attr-defined]
    return count


#: The user of a bearer token with the token's state, built once: every API
#: request runs it, so no statement is constructed (nor its cache key computed)
#: per request, and only the user (with its organisation) becomes an ORM object.
_USER_BY_TOKEN = (
    select(User, ApiToken.revoked_at, ApiToken.expires_at)
    .join(ApiToken, ApiToken.user_id == User.id)
    .where(ApiToken.token_hash == bindparam("token_hash"))
)


def resolve_bearer(session: Session, token: str) -> Identity | None:
    """The identity for a bearer token, or ``None`` if invalid/expired/revoked."""
    if not token.startswith(TOKEN_PREFIX):
        return None
    row = session.execute(_USER_BY_TOKEN, {"token_hash": _digest(token)}).first()
    now = utcnow()
    if row is None:
        return None
    user, revoked_at, expires_at = row
    if revoked_at is not None:
        return None
    if expires_at is not None and expires_at <= now:
        return None
    if not user.is_active:
        return None
    return Identity(user=user, via="token")


def csrf_matches(expected: str | None, given: str | None) -> bool:
    """Constant-time comparison of CSRF tokens."""
    if not expected or not given:
        return False
    return hmac.compare_digest(expected.encode(), given.encode())
