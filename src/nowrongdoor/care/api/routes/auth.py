"""Sign in and out, who am I, bearer tokens."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Request, Response
from sqlalchemy import select

from nowrongdoor.care.api.deps import (
    AuditDep,
    CurrentIdentity,
    SessionDep,
    SettingsDep,
    clear_session_cookie,
    set_session_cookie,
)
from nowrongdoor.care.errors import ApiError
from nowrongdoor.care.models import Organization, User, utcnow
from nowrongdoor.care.rbac import PERMISSIONS, scope_of
from nowrongdoor.care.schemas import (
    LoginRequest,
    Me,
    OrganizationPublic,
    TokenCreate,
    TokenPublic,
    UserPublic,
)
from nowrongdoor.care.security import (
    SESSION_COOKIE,
    Identity,
    authenticate,
    create_api_token,
    create_session,
    revoke_session,
)

__all__ = ["router"]

router = APIRouter(prefix="/auth", tags=["auth"])


def _me(identity: Identity, org: Organization, csrf: str | None) -> Me:
    user = identity.user
    return Me(
        user=UserPublic.model_validate(user),
        organization=OrganizationPublic.model_validate(org),
        csrf_token=csrf,
        permissions=sorted(PERMISSIONS.get(user.role, frozenset())),
        scope=str(scope_of(user)),
    )


@router.post("/login", response_model=Me)
def login(
    body: LoginRequest,
    request: Request,
    response: Response,
    session: SessionDep,
    settings: SettingsDep,
    audit: AuditDep,
) -> Me:
    """Sign in; sets the session cookie and returns the CSRF token."""
    client = request.client.host if request.client else "unknown"
    if not request.app.state.login_limiter.hit(client):
        raise ApiError(
            "too many login attempts from this address; wait a minute",
            code="too_many_requests",
            status=429,
        )
    try:
        user = authenticate(
            session, settings, username=body.username, password=body.password
        )
    except ApiError as exc:
        known = session.scalar(
            select(User).where(User.username == body.username.lower())
        )
        request.state.user = known
        audit.record("auth.login", outcome="failure", detail=exc.code)
        session.commit()
        request.state.user = None
        raise
    token, row = create_session(session, settings, user=user)
    request.state.user = user
    audit.commit("auth.login", resource_type="user", resource_id=user.id)
    set_session_cookie(response, token, settings)
    return _me(Identity(user=user, via="session"), user.organization, row.csrf_token)


@router.post("/logout", status_code=204)
def logout(
    request: Request,
    response: Response,
    session: SessionDep,
    settings: SettingsDep,
    identity: CurrentIdentity,
    audit: AuditDep,
) -> Response:
    """End the session (the cookie is cleared)."""
    cookie = request.cookies.get(SESSION_COOKIE)
    if cookie:
        revoke_session(session, cookie)
    audit.commit("auth.logout", resource_type="user", resource_id=identity.user.id)
    out = Response(status_code=204)
    clear_session_cookie(out, settings)
    return out


@router.get("/me", response_model=Me)
def me(identity: CurrentIdentity) -> Me:
    """The signed-in user, their permissions and scope."""
    return _me(identity, identity.user.organization, identity.csrf_token)


@router.post("/tokens", response_model=TokenPublic, status_code=201)
def create_token(
    body: TokenCreate,
    session: SessionDep,
    identity: CurrentIdentity,
    audit: AuditDep,
) -> TokenPublic:
    """Issue a bearer token acting as the signed-in user."""
    expires = utcnow() + dt.timedelta(days=body.days) if body.days else None
    token, row = create_api_token(
        session, user=identity.user, name=body.name, expires_at=expires
    )
    audit.commit("auth.token_create", resource_type="api_token", resource_id=row.id)
    return TokenPublic(id=row.id, name=row.name, token=token, expires_at=expires)
