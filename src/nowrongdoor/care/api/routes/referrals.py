"""Closed-loop referrals."""

from __future__ import annotations

from functools import partial
from typing import Annotated

from fastapi import APIRouter, Query, Response

from nowrongdoor.care import crud
from nowrongdoor.care.api.deps import IdPath, IdQuery, PageDep
from nowrongdoor.care.api.perms import ReferralRead, ReferralWrite, SignedIn
from nowrongdoor.care.api.records import answer_json, in_scope, list_page
from nowrongdoor.care.enums import ReferralStatus
from nowrongdoor.care.errors import Forbidden
from nowrongdoor.care.rbac import can
from nowrongdoor.care.schemas import (
    PageOf,
    ReferralCreate,
    ReferralPartnerView,
    ReferralPublic,
    ReferralTransition,
)

__all__ = ["router"]

router = APIRouter(prefix="/referrals", tags=["referrals"])
ReferralOut = ReferralPublic | ReferralPartnerView


@router.get("", response_model=PageOf[ReferralOut])
def list_referrals(
    ctx: ReferralRead,
    page: PageDep,
    status: Annotated[ReferralStatus | None, Query()] = None,
    case_id: IdQuery = None,
) -> PageOf[ReferralOut]:
    """Referrals in your scope; partner users see those sent to them."""
    view = partial(crud.referral_view, ctx.session, viewer=ctx.user, with_events=False)
    return list_page(
        ctx,
        page,
        "referral",
        ReferralOut,
        crud.list_referrals,
        view,
        status=status,
        case_id=case_id,
    )


@router.post("", response_model=ReferralPublic, status_code=201)
def create_referral(body: ReferralCreate, ctx: ReferralWrite) -> ReferralPublic:
    """Draft a referral from a case to a partner service."""
    ctx.audit.target("case", body.case_id)
    if not can(ctx.user, "case:read"):
        raise Forbidden("your role may not refer")
    referral = crud.create_referral(ctx.session, actor=ctx.user, data=body)
    ctx.audit.commit_on("referral.create", referral)
    return crud.referral_public(ctx.session, referral)


@router.get("/{referral_id}", response_model=ReferralOut)
def read_referral(referral_id: IdPath, ctx: ReferralRead) -> Response:
    """One referral (partners get the minimum-necessary view)."""
    referral = in_scope(ctx, "referral", referral_id, crud.get_referral)
    out = crud.referral_view(ctx.session, referral, viewer=ctx.user)
    ctx.audit.commit_on("referral.read", referral)
    return answer_json(out)


@router.post("/{referral_id}/status", response_model=ReferralOut)
def transition_referral(
    referral_id: IdPath, body: ReferralTransition, ctx: SignedIn
) -> Response:
    """Move a referral: send (consent or override), accept, decline, progress,
    complete, cancel. Each change is stamped with who and when."""
    session, user, audit = ctx.session, ctx.user, ctx.audit
    audit.target("referral", referral_id)
    if not (can(user, "referral:write") or can(user, "referral:respond")):
        raise Forbidden("your role may not change referrals")
    referral = crud.get_referral(session, viewer=user, referral_id=referral_id)
    before = referral.status
    crud.transition_referral(session, actor=user, referral=referral, data=body)
    # the view is read inside the same transaction (it sees the new status and
    # history row); the audit commit then ends the request's only transaction
    out = crud.referral_view(session, referral, viewer=user)
    audit.commit(
        f"referral.{body.status}",
        resource_type="referral",
        resource_id=referral.id,
        person_id=referral.person_id,
        detail=f"{before}->{referral.status}"
        + (
            " override"
            if referral.override_by_id == user.id and body.override_reason
            else ""
        )
        + crud.on_behalf_detail(referral, body),
    )
    return answer_json(out)
