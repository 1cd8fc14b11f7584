"""The signed-in user's API tokens: issue, list, revoke one or all (private).

The rules are the care service's (:mod:`nowrongdoor.care.security`): a token
lives at most ``token_max_days``, its text is shown once, and "revoke all"
also ends every other browser session of the user.
"""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from nowrongdoor.care._lengths import column_length
from nowrongdoor.care.api.deps import IdPath
from nowrongdoor.care.models import ApiToken, utcnow
from nowrongdoor.care.security import (
    create_api_token,
    list_api_tokens,
    revoke_api_token,
    revoke_credentials,
)
from nowrongdoor.care.web._session import PageDep, Read

__all__ = ["router"]

router = APIRouter()


def _page(ctx: PageDep, *, issued: str = "", error: str = "") -> HTMLResponse:
    tokens = list_api_tokens(ctx.session, user=ctx.user)
    return ctx.render(
        "tokens.html",
        read=Read("auth.token_list", resource_type="api_token"),
        tokens=tokens,
        now=utcnow(),
        issued=issued,
        error=error,
        max_days=ctx.settings.token_max_days,
    )


@router.get("/account/tokens")
def tokens_page(ctx: PageDep) -> HTMLResponse:
    """The user's tokens, with forms to issue and revoke them."""
    return _page(ctx)


@router.post("/account/tokens")
async def issue_token(ctx: PageDep) -> Response:
    """Issue a token (its text is shown once, on this page).

    A repeat of the form (its one-time key already used) goes to the list of
    tokens: the text of the token issued first is never shown again.
    """
    form = await ctx.request.form()
    again = ctx.repeated(form)
    if again is not None:
        return again
    name = str(form.get("name", "")).strip()
    max_days = int(ctx.settings.token_max_days)
    raw_days = str(form.get("days", "")).strip() or str(min(90, max_days))
    error = ""
    if not name:
        error = "Give the token a name."
    elif (longest := column_length(ApiToken.name)) is not None and len(name) > longest:
        # kept whole or refused, never cut
        error = f"The name has {len(name)} characters; give one of at most {longest}."
    elif not raw_days.isdigit() or not 1 <= int(raw_days) <= max_days:
        error = f"The lifetime must be 1 to {max_days} days."
    if error:
        ctx.audit.discard()  # the form's key stays unused for the corrected form
        return _page(ctx, error=error)
    expires = utcnow() + dt.timedelta(days=int(raw_days))
    token, row = create_api_token(
        ctx.session, user=ctx.user, name=name, expires_at=expires
    )
    ctx.created("/account/tokens")
    ctx.audit.record("auth.token_create", resource_type="api_token", resource_id=row.id)
    return _page(ctx, issued=token)


@router.post("/account/tokens/{token_id}/revoke")
def revoke_token(ctx: PageDep, token_id: IdPath) -> Response:
    """Revoke one of the user's tokens."""
    if revoke_api_token(ctx.session, token_id=token_id, user_id=ctx.user.id):
        ctx.audit.commit(
            "auth.token_revoke", resource_type="api_token", resource_id=token_id
        )
    return RedirectResponse("/account/tokens", status_code=303)


@router.post("/account/revoke-all")
def revoke_all(ctx: PageDep) -> Response:
    """Revoke every token and every other session of the user."""
    identity = getattr(ctx.request.state, "identity", None)
    keep = getattr(identity, "session_id", None)
    revoke_credentials(ctx.session, user_id=ctx.user.id, keep_session_id=keep)
    ctx.audit.commit("auth.revoke_all", resource_type="user", resource_id=ctx.user.id)
    return RedirectResponse("/account/tokens", status_code=303)
