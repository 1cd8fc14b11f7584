"""Sign-in and sign-out pages (private).

Authentication, lockout and the session cookie are the care service's
(:mod:`nowrongdoor.care.security`); this module only draws the form. The login
form carries its own CSRF token (a double-submit cookie), so a third-party page
cannot sign a browser into someone else's account.
"""

from __future__ import annotations

import secrets
from urllib.parse import urlsplit

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from nowrongdoor.care.api.deps import (
    AuditDep,
    OptionalIdentity,
    SessionDep,
    SettingsDep,
    clear_session_cookie,
    login_allowed,
    set_session_cookie,
    set_sign_in_cookie,
    sign_in,
)
from nowrongdoor.care.errors import ApiError
from nowrongdoor.care.security import (
    SESSION_COOKIE,
    csrf_matches,
    revoke_session,
)
from nowrongdoor.care.web._session import ViewerDep, viewer_of
from nowrongdoor.care.web._templating import ANONYMOUS, render
from nowrongdoor.settings import Settings

router = APIRouter()

LOGIN_CSRF_COOKIE = "nwd_login_csrf"

#: Where each role lands after signing in.
HOME_BY_ROLE: dict[str, str] = {
    "care_manager": "/work",
    "supervisor": "/work",
    "admin": "/admin",
    "analyst": "/dashboard",
    "partner_user": "/inbox",
    "investigator": "/investigate",
}


def safe_next(raw: str | None, role: str) -> str:
    """A same-site path to go to after login (never an external URL)."""
    if raw:
        parts = urlsplit(raw)
        if (
            not parts.scheme
            and not parts.netloc
            and raw.startswith("/")
            and not raw.startswith("//")
            and not raw.startswith("/login")
        ):
            return raw
    return HOME_BY_ROLE.get(role, "/glossary")


@router.get("/", include_in_schema=False)
def home(identity: OptionalIdentity) -> RedirectResponse:
    """Send a visitor to their start page, or to sign in."""
    if identity is None:
        return RedirectResponse("/login", status_code=303)
    return RedirectResponse(HOME_BY_ROLE.get(identity.user.role, "/glossary"), 303)


def _login_page(
    request: Request,
    settings: Settings,
    *,
    status_code: int = 200,
    error: str | None = None,
    username: str = "",
    next_url: str = "",
    message: str | None = None,
) -> HTMLResponse:
    token = secrets.token_urlsafe(24)
    response = render(
        request,
        "login.html",
        ANONYMOUS,
        status_code=status_code,
        error=error,
        username=username,
        next_url=next_url,
        login_csrf=token,
        message=message,
    )
    set_sign_in_cookie(
        response, settings, LOGIN_CSRF_COOKIE, token, max_age=3600, path="/login"
    )
    return response


@router.get("/login", name="login")
def login_form(
    request: Request, viewer: ViewerDep, settings: SettingsDep, next: str = ""
) -> Response:
    """The sign-in form (signed-in users go straight to their start page)."""
    if viewer.signed_in:
        return RedirectResponse(safe_next(next, viewer.role), status_code=303)
    message = "You are signed out." if request.query_params.get("out") else None
    return _login_page(request, settings, next_url=next, message=message)


@router.post("/login")
async def login_submit(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    audit: AuditDep,
) -> Response:
    """Check the password (with rate limit and lockout) and open a session."""
    form = await request.form()
    username = str(form.get("username") or "").strip()
    password = str(form.get("password") or "")
    next_url = str(form.get("next") or "")
    if not csrf_matches(
        request.cookies.get(LOGIN_CSRF_COOKIE), str(form.get("csrf_token") or "")
    ):
        return _login_page(
            request,
            settings,
            status_code=403,
            error="The form expired. Please sign in again.",
            username=username,
            next_url=next_url,
        )
    if not username or not password:
        return _login_page(
            request,
            settings,
            status_code=422,
            error="Enter your username and password.",
            username=username,
            next_url=next_url,
        )
    if not login_allowed(request):
        return _login_page(
            request,
            settings,
            status_code=429,
            error="Too many sign-in attempts from this address. Wait a minute.",
            username=username,
            next_url=next_url,
        )
    try:
        user, token, _row = sign_in(
            request, session, settings, audit, username=username, password=password
        )
    except ApiError as exc:
        return _login_page(
            request,
            settings,
            status_code=exc.status,
            error=(
                "This account is locked after repeated failed sign-ins. "
                "Try again later or ask an administrator."
                if exc.code == "account_locked"
                else "Wrong username or password."
            ),
            username=username,
            next_url=next_url,
        )
    response = RedirectResponse(safe_next(next_url, user.role), status_code=303)
    set_session_cookie(response, token, settings)
    response.delete_cookie(LOGIN_CSRF_COOKIE, path="/login")
    return response


@router.post("/logout")
def logout(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    identity: OptionalIdentity,
    audit: AuditDep,
) -> Response:
    """End the session and clear the cookie."""
    cookie = request.cookies.get(SESSION_COOKIE)
    if identity is not None and cookie:
        revoke_session(session, cookie)
        audit.commit("auth.logout", resource_type="user", resource_id=identity.user.id)
    response = RedirectResponse("/login?out=1", status_code=303)
    clear_session_cookie(response, settings)
    return response


__all__ = ["HOME_BY_ROLE", "LOGIN_CSRF_COOKIE", "router", "safe_next", "viewer_of"]
