"""Sign in and out, who am I, bearer tokens."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Request, Response

from nowrongdoor.care.api.deps import (
    AuditDep,
    IdPath,
    SessionDep,
    SettingsDep,
    clear_session_cookie,
    login_allowed,
    set_session_cookie,
    sign_in,
)
from nowrongdoor.care.api.perms import SignedIn
from nowrongdoor.care.enums import Role
from nowrongdoor.care.errors import ApiError, Forbidden, NotFound
from nowrongdoor.care.models import Organization, utcnow
from nowrongdoor.care.rbac import PERMISSIONS, scope_of
from nowrongdoor.care.schemas import (
    LoginRequest,
    Me,
    OrganizationPublic,
    Revoked,
    TokenCreate,
    TokenInfo,
    TokenPublic,
    UserPublic,
)
from nowrongdoor.care.security import (
    SESSION_COOKIE,
    Identity,
    create_api_token,
    list_api_tokens,
    revoke_api_token,
    revoke_credentials,
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
    if not login_allowed(request):
        raise ApiError(
            "too many login attempts from this address; wait a minute",
            code="too_many_requests",
            status=429,
        )
    user, token, row = sign_in(
        request,
        session,
        settings,
        audit,
        username=body.username,
        password=body.password,
    )
    set_session_cookie(response, token, settings)
    return _me(Identity(user=user, via="session"), user.organization, row.csrf_token)


@router.post("/logout", status_code=204)
def logout(ctx: SignedIn) -> Response:
    """End the session (the cookie is cleared)."""
    cookie = ctx.request.cookies.get(SESSION_COOKIE)
    if cookie:
        revoke_session(ctx.session, cookie)
    ctx.audit.commit("auth.logout", resource_type="user", resource_id=ctx.user.id)
    out = Response(status_code=204)
    clear_session_cookie(out, ctx.settings)
    return out


@router.get("/me", response_model=Me)
def me(ctx: SignedIn) -> Me:
    """The signed-in user, their permissions and scope."""
    return _me(ctx.identity, ctx.user.organization, ctx.identity.csrf_token)


@router.post("/tokens", response_model=TokenPublic, status_code=201)
def create_token(body: TokenCreate, ctx: SignedIn) -> TokenPublic:
    """Issue a bearer token acting as the signed-in user.

    Only from an interactive (cookie) session, or by an admin: a token cannot
    mint further tokens. The lifetime is at most the ``token_max_days`` setting.
    """
    identity, settings = ctx.identity, ctx.settings
    if identity.via != "session" and identity.user.role != Role.ADMIN:
        raise Forbidden(
            "API tokens are issued from a signed-in browser session (or by an admin)",
            code="token_needs_session",
        )
    days = body.days
    if "days" not in body.model_fields_set:
        days = min(days, settings.token_max_days)
    if days > settings.token_max_days:
        raise ApiError(
            f"days: must be at most {settings.token_max_days} (setting token_max_days)",
            code="validation_error",
            status=422,
            field="days",
        )
    expires = utcnow() + dt.timedelta(days=days)
    token, row = create_api_token(
        ctx.session, user=identity.user, name=body.name, expires_at=expires
    )
    ctx.audit.commit("auth.token_create", resource_type="api_token", resource_id=row.id)
    return TokenPublic(id=row.id, name=row.name, token=token, expires_at=expires)


@router.get("/tokens", response_model=list[TokenInfo])
def list_tokens(ctx: SignedIn) -> list[TokenInfo]:
    """The signed-in user's API tokens, newest first (never the token text)."""
    rows = list_api_tokens(ctx.session, user=ctx.user)
    ctx.audit.commit(
        "auth.token_list", resource_type="api_token", detail=f"{len(rows)}"
    )
    return [TokenInfo.model_validate(r) for r in rows]


@router.delete("/tokens/{token_id}", status_code=204)
def revoke_token(token_id: IdPath, ctx: SignedIn) -> Response:
    """Revoke one of the signed-in user's API tokens."""
    ctx.audit.target("api_token", token_id)
    if not revoke_api_token(ctx.session, token_id=token_id, user_id=ctx.user.id):
        raise NotFound("no such live token of yours", code="not_found")
    ctx.audit.commit(
        "auth.token_revoke", resource_type="api_token", resource_id=token_id
    )
    return Response(status_code=204)


@router.post("/revoke-all", response_model=Revoked)
def revoke_all(ctx: SignedIn) -> Revoked:
    """Revoke every API token and every other login session of the signed-in user."""
    count = revoke_credentials(
        ctx.session, user_id=ctx.user.id, keep_session_id=ctx.identity.session_id
    )
    ctx.audit.commit("auth.revoke_all", resource_type="user", resource_id=ctx.user.id)
    return Revoked(revoked=count)
