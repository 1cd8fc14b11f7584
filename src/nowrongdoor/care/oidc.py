"""Single sign-on for the web pages: OpenID Connect with Authlib.

The authorisation-code flow with PKCE (S256) and a nonce: ``GET /login/oidc``
sends the browser to the plan's identity provider (Entra ID, Okta, Keycloak...)
with a state, a nonce and a code challenge, kept in a short-lived, signed,
HttpOnly cookie; ``GET /login/oidc/callback`` exchanges the code (with the code
verifier), validates the ID token (signature from the provider's JWKS, issuer,
audience, expiry, nonce), maps the user and opens the same login session as a
password sign-in.

Mapping: the ``oidc_username_claim`` names a *pre-registered* user (an admin
creates users; just-in-time creation only with ``oidc_create_users``). A
disabled user is refused. The role comes from the groups in
``oidc_groups_claim`` through ``oidc_role_map`` (the first configured group the
user is in wins), the organisation likewise through ``oidc_org_map``; both are
written to the user on every sign-in, so the identity provider stays the source
of truth. No mapped role: refused. Local passwords keep working for the demo
and for break-glass admin access; API bearer tokens are unchanged.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import secrets
import time
from typing import Any

import httpx
from fastapi import APIRouter, FastAPI, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from nowrongdoor.settings import Settings

#: Why the provider refused a sign-in, for the IT team (the person sees one
#: sentence; no token, code or secret is ever logged).
log = logging.getLogger(__name__)

__all__ = [
    "FLOW_COOKIE",
    "OidcRefused",
    "install_oidc",
    "map_identity",
]

#: Cookie holding the state, nonce and code verifier of one sign-in attempt.
FLOW_COOKIE = "nwd_oidc_flow"
_FLOW_SECONDS = 600


class OidcRefused(Exception):
    """A sign-in through the identity provider is refused (message for the page)."""


# --- the flow cookie ------------------------------------------------------------


def _sign(settings: Settings, blob: bytes) -> str:
    key = hashlib.sha256(
        b"nowrongdoor oidc flow\x00" + settings.secret_key.get_secret_value().encode()
    ).digest()
    return hmac.new(key, blob, "sha256").hexdigest()


def _pack(settings: Settings, flow: dict[str, Any]) -> str:
    blob = base64.urlsafe_b64encode(json.dumps(flow).encode()).decode()
    return f"{blob}.{_sign(settings, blob.encode())}"


def _unpack(settings: Settings, raw: str | None) -> dict[str, Any] | None:
    if not raw or "." not in raw:
        return None
    blob, sig = raw.rsplit(".", 1)
    if not hmac.compare_digest(sig, _sign(settings, blob.encode())):
        return None
    try:
        flow = json.loads(base64.urlsafe_b64decode(blob.encode()))
    except ValueError:
        return None
    if not isinstance(flow, dict) or flow.get("exp", 0) < time.time():
        return None
    return flow


# --- provider metadata and tokens -------------------------------------------------


async def _metadata(app: FastAPI, settings: Settings) -> dict[str, Any]:
    cached = getattr(app.state, "oidc_metadata", None)
    if isinstance(cached, dict):
        return cached
    issuer = str(settings.oidc_issuer).rstrip("/")
    async with httpx.AsyncClient(timeout=10) as http:
        response = await http.get(f"{issuer}/.well-known/openid-configuration")
        response.raise_for_status()
        meta = response.json()
        jwks = await http.get(meta["jwks_uri"])
        jwks.raise_for_status()
    meta["_jwks"] = jwks.json()
    app.state.oidc_metadata = meta
    return meta


def _client(settings: Settings, redirect_uri: str) -> Any:
    from authlib.integrations.httpx_client import AsyncOAuth2Client

    secret = settings.oidc_client_secret
    return AsyncOAuth2Client(
        client_id=settings.oidc_client_id,
        client_secret=secret.get_secret_value() if secret else None,
        scope=settings.oidc_scopes,
        redirect_uri=redirect_uri,
        code_challenge_method="S256",
        token_endpoint_auth_method=("client_secret_post" if secret else "none"),
        timeout=10,
    )


def _id_claims(
    meta: dict[str, Any], settings: Settings, id_token: str, nonce: str
) -> dict[str, Any]:
    """Validate the ID token (signature, iss, aud, exp, nonce); its claims."""
    from joserfc import jwt
    from joserfc.errors import JoseError
    from joserfc.jwk import KeySet

    try:
        token = jwt.decode(id_token, KeySet.import_key_set(meta["_jwks"]))
        registry = jwt.JWTClaimsRegistry(
            iss={"essential": True, "value": meta["issuer"]},
            aud={"essential": True, "value": settings.oidc_client_id or ""},
            exp={"essential": True},
            nonce={"essential": True, "value": nonce},
        )
        registry.validate(token.claims)
    except (JoseError, ValueError) as exc:
        raise OidcRefused(
            "The identity provider's answer could not be verified."
        ) from exc
    return dict(token.claims)


# --- mapping --------------------------------------------------------------------


def _groups(claims: dict[str, Any], settings: Settings) -> list[str]:
    raw = claims.get(settings.oidc_groups_claim)
    if isinstance(raw, str):
        return [raw]
    if isinstance(raw, list):
        return [str(g) for g in raw]
    return []


def _first_mapped(groups: list[str], mapping: dict[str, str]) -> str | None:
    for group, value in mapping.items():
        if group in groups:
            return value
    return None


def map_identity(session: Session, settings: Settings, claims: dict[str, Any]) -> Any:
    """The user for verified ID-token ``claims`` (role and org updated).

    Args:
        session: Database session (the caller commits).
        settings: The claim names and maps.
        claims: Verified ID-token claims.

    Returns:
        The user (:class:`~nowrongdoor.care.models.User`).

    Raises:
        OidcRefused: no username claim, an unknown user (with just-in-time
            creation off), a disabled user, or no role for the user's groups.
    """
    from nowrongdoor.care.models import Organization, User

    name = claims.get(settings.oidc_username_claim)
    if not isinstance(name, str) or not name.strip():
        raise OidcRefused("The identity provider did not say who you are.")
    username = name.strip().lower()
    groups = _groups(claims, settings)
    role = _first_mapped(groups, settings.oidc_role_map)
    org_name = _first_mapped(groups, settings.oidc_org_map)
    org = None
    if org_name is not None:
        org = session.scalar(select(Organization).where(Organization.name == org_name))
        if org is None:  # a mistyped map: say so, or it never takes effect
            log.warning(
                "single sign-on: oidc_org_map names organisation %r, which is not "
                "in the database; the user's organisation is left as it was",
                org_name[:80],
            )
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        if not settings.oidc_create_users:
            raise OidcRefused(
                "Your account is not registered here. Ask an administrator to add you."
            )
        if role is None or org is None:
            raise OidcRefused(
                "Your groups give you no role or organisation here. Ask an "
                "administrator."
            )
        user = User(
            organization_id=org.id,
            username=username,
            display_name=str(claims.get("name") or username)[:200],
            role=role,
            password_hash="!oidc",  # no local password: never verifies
        )
        session.add(user)
        session.flush()
        return user
    if not user.is_active:
        raise OidcRefused("This account is disabled. Ask an administrator.")
    if role is None:
        raise OidcRefused("Your groups give you no role here. Ask an administrator.")
    user.role = role
    if org is not None:
        user.organization_id = org.id
    return user


# --- routes ---------------------------------------------------------------------


def _refused(request: Request, message: str) -> HTMLResponse:
    from nowrongdoor.care.web._templating import ANONYMOUS, render

    response = render(
        request,
        "error.html",
        ANONYMOUS,
        status_code=403,
        heading="Sign-in refused",
        message=message,
        back_url="/login",
        back_text="Back to sign in",
    )
    response.delete_cookie(FLOW_COOKIE, path="/login/oidc")
    return response


def _router(settings: Settings) -> APIRouter:
    router = APIRouter(include_in_schema=False)

    @router.get("/login/oidc")
    async def oidc_start(request: Request, next: str = "") -> Response:
        from nowrongdoor.care.api.deps import set_sign_in_cookie

        meta = await _metadata(request.app, settings)
        verifier = secrets.token_urlsafe(48)
        state, nonce = secrets.token_urlsafe(24), secrets.token_urlsafe(24)
        callback = str(request.url_for("oidc_callback"))
        client = _client(settings, callback)
        url, _ = client.create_authorization_url(
            meta["authorization_endpoint"],
            state=state,
            nonce=nonce,
            code_verifier=verifier,
        )
        flow = {
            "state": state,
            "nonce": nonce,
            "verifier": verifier,
            "next": next,
            "exp": time.time() + _FLOW_SECONDS,
        }
        response = RedirectResponse(url, status_code=303)
        # Lax: the identity provider's redirect back is a cross-site navigation
        set_sign_in_cookie(
            response,
            settings,
            FLOW_COOKIE,
            _pack(settings, flow),
            max_age=_FLOW_SECONDS,
            path="/login/oidc",
            samesite="lax",
        )
        return response

    @router.get("/login/oidc/callback", name="oidc_callback")
    async def oidc_callback(request: Request) -> Response:
        from nowrongdoor.care.api.deps import set_session_cookie
        from nowrongdoor.care.audit import AuditEntry, append_event
        from nowrongdoor.care.security import create_session
        from nowrongdoor.care.web._auth_pages import safe_next

        flow = _unpack(settings, request.cookies.get(FLOW_COOKIE))
        params = request.query_params
        if flow is None or not hmac.compare_digest(
            str(params.get("state", "")), str(flow["state"])
        ):
            return _refused(request, "The sign-in expired. Please start again.")
        if params.get("error") or not params.get("code"):
            log.warning(
                "single sign-on refused by the identity provider: %s",
                str(params.get("error") or "no code")[:80],
            )
            return _refused(request, "The identity provider did not sign you in.")
        meta = await _metadata(request.app, settings)
        client = _client(settings, str(request.url_for("oidc_callback")))
        try:
            token = await client.fetch_token(
                meta["token_endpoint"],
                code=params["code"],
                code_verifier=flow["verifier"],
            )
        except Exception as exc:  # any transport or OAuth error: refuse, log why
            code = getattr(exc, "error", None)  # authlib's OAuthError: the code
            log.warning(
                "single sign-on: the identity provider's token endpoint refused "
                "the code (%s%s); check oidc_client_id and oidc_client_secret",
                type(exc).__name__,
                f": {str(code)[:80]}" if code else "",
            )
            return _refused(request, "The identity provider did not sign you in.")
        try:
            claims = _id_claims(
                meta, settings, str(token.get("id_token")), flow["nonce"]
            )
        except OidcRefused as exc:
            return _refused(request, str(exc))

        def _sign_in() -> tuple[str, str] | str:
            db = request.app.state.db
            with db.session() as session:

                def audit(user: Any, **entry: Any) -> None:
                    append_event(
                        session,
                        AuditEntry("auth.login", detail="oidc", **entry),
                        user=user,
                        request_id=getattr(request.state, "request_id", None),
                    )

                try:
                    user = map_identity(session, settings, claims)
                except OidcRefused as exc:
                    audit(None, outcome="failure")
                    return str(exc)
                cookie, _row = create_session(session, settings, user=user)
                request.state.user = user
                audit(user, resource_type="user", resource_id=str(user.id))
                return cookie, safe_next(str(flow.get("next") or ""), user.role)

        outcome = await run_in_threadpool(_sign_in)
        if isinstance(outcome, str):
            return _refused(request, outcome)
        cookie, target = outcome
        response = RedirectResponse(target, status_code=303)
        set_session_cookie(response, cookie, settings)
        response.delete_cookie(FLOW_COOKIE, path="/login/oidc")
        return response

    return router


def install_oidc(app: FastAPI) -> None:
    """Add the single sign-on routes when ``settings.oidc_issuer`` is set."""
    settings: Settings = app.state.settings
    if not settings.oidc_issuer:
        return
    if not settings.oidc_client_id:
        from nowrongdoor.errors import UserInputError

        raise UserInputError("setting oidc_client_id is needed with oidc_issuer")
    _check_role_map(settings.oidc_role_map)
    app.include_router(_router(settings))


def _check_role_map(role_map: dict[str, str]) -> None:
    """Refuse a group mapped to a word that is not a role (it would be stored
    as the user's role at sign-in, and match no permission).

    Raises:
        UserInputError: one sentence naming the group and the word.
    """
    from nowrongdoor.care.enums import Role
    from nowrongdoor.errors import UserInputError

    roles = [r.value for r in Role]
    for group, role in role_map.items():
        if role not in roles:
            raise UserInputError(
                f"setting oidc_role_map: group {group[:80]!r} maps to "
                f"{role[:80]!r}, which is not a role ({', '.join(roles)})"
            )
