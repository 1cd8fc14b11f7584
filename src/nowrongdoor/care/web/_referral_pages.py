"""Partner directory, referring in two clicks, and the partner's inbox (private).

A partner user reaches a referral only through
:func:`nowrongdoor.care.crud.get_referral`, which refuses referrals addressed to
another organisation (403), and sees only the minimum necessary person fields
(:func:`nowrongdoor.care.crud.referral_partner_view`).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from nowrongdoor.care import crud
from nowrongdoor.care.enums import NeedCategory, ReferralStatus, Role
from nowrongdoor.care.errors import ApiError, BadRequest
from nowrongdoor.care.schemas import ReferralCreate, ReferralTransition
from nowrongdoor.care.web import _forms as f
from nowrongdoor.care.web._case_pages import load_case
from nowrongdoor.care.web._session import PageCtx, needs

router = APIRouter()

DirectoryDep = Annotated[PageCtx, Depends(needs("partner:read"))]
ReferDep = Annotated[PageCtx, Depends(needs("referral:write"))]
ReferralRead = Annotated[PageCtx, Depends(needs("referral:read"))]
RespondDep = Annotated[PageCtx, Depends(needs("referral:respond"))]

#: What each side may do next, from the referral's status (the crud enforces it).
PARTNER_ACTIONS: dict[str, tuple[tuple[str, str], ...]] = {
    ReferralStatus.SENT: (("accepted", "Accept"), ("declined", "Decline")),
    ReferralStatus.RECEIVED: (("accepted", "Accept"), ("declined", "Decline")),
    ReferralStatus.ACCEPTED: (("in_progress", "Mark in progress"),),
    ReferralStatus.IN_PROGRESS: (("completed", "Mark completed"),),
}


def _search(
    ctx: PageCtx,
    *,
    service_type: str,
    text: str,
    place: str,
    age: int | None,
) -> list[Any]:
    rows, _ = crud.search_services(
        ctx.session,
        service_type=service_type or None,
        text=text or None,
        place=place or None,
        age=age,
        limit=25,
    )
    return [crud.service_public(ctx.session, s) for s in rows]


@router.get("/partners", response_class=HTMLResponse, name="partners")
def partners(
    ctx: DirectoryDep,
    type: Annotated[str, Query(max_length=100)] = "",
    q: Annotated[str, Query(max_length=200)] = "",
    place: Annotated[str, Query(max_length=100)] = "",
    age: Annotated[int | None, Query(ge=0, le=130)] = None,
) -> HTMLResponse:
    """Search the partner directory (Open Referral HSDS services)."""
    services = _search(ctx, service_type=type, text=q, place=place, age=age)
    template = (
        "_services.html"
        if ctx.request.headers.get("HX-Request") == "true"
        else "partners.html"
    )
    return ctx.render(
        template,
        services=services,
        filters={"type": type, "q": q, "place": place, "age": age},
        case=None,
        need=None,
        action="/partners",
    )


@router.get("/cases/{case_id}/refer", response_class=HTMLResponse)
def refer_page(
    ctx: ReferDep,
    case_id: int,
    need: str = "",
    type: Annotated[str, Query(max_length=100)] = "",
    q: Annotated[str, Query(max_length=200)] = "",
    place: Annotated[str, Query(max_length=100)] = "",
) -> HTMLResponse:
    """Pick a partner service for this case; one more click sends the referral."""
    case = load_case(ctx, case_id)
    detail_person = crud.person_public(case.person, viewer=ctx.user)
    services = _search(
        ctx, service_type=type, text=q, place=place, age=detail_person.age
    )
    ctx.audit.record(
        "case.read",
        resource_type="case",
        resource_id=case.id,
        person_id=case.person_id,
        detail="refer page",
    )
    ctx.session.commit()
    template = (
        "_services.html"
        if ctx.request.headers.get("HX-Request") == "true"
        else "refer.html"
    )
    return ctx.render(
        template,
        services=services,
        filters={"type": type, "q": q, "place": place, "age": detail_person.age},
        case=case,
        person=detail_person,
        need=need if need in f.NEED_LABELS else None,
        need_categories=list(NeedCategory),
        action=f"/cases/{case.id}/refer",
    )


@router.post("/cases/{case_id}/referrals")
async def create_referral(ctx: ReferDep, case_id: int) -> Response:
    """Create the referral and send it when consent allows (else keep a draft)."""
    form = await ctx.request.form()
    case = load_case(ctx, case_id)
    need = f.text(form, "need_category")
    data = f.build(
        ReferralCreate,
        case_id=case.id,
        service_id=f.integer(form, "service_id"),
        need_category=NeedCategory(need) if need in f.NEED_LABELS else None,
        reason=f.text(form, "reason"),
        do_not_contact=form.get("do_not_contact") == "on",
    )
    if data.service_id is None:
        raise BadRequest("choose a partner service", field="service_id")
    referral = crud.create_referral(ctx.session, actor=ctx.user, data=data)
    ctx.audit.record(
        "referral.create",
        resource_type="referral",
        resource_id=referral.id,
        person_id=case.person_id,
    )
    ctx.session.commit()
    try:
        crud.transition_referral(
            ctx.session,
            actor=ctx.user,
            referral=referral,
            data=ReferralTransition(status=ReferralStatus.SENT),
        )
    except ApiError as exc:
        ctx.session.rollback()
        ctx.audit.record(
            "referral.status",
            resource_type="referral",
            resource_id=referral.id,
            person_id=case.person_id,
            outcome="denied",
            detail=exc.code,
        )
        ctx.session.commit()
        return RedirectResponse(
            f"/referrals/{referral.id}?unsent={exc.code}", status_code=303
        )
    ctx.audit.record(
        "referral.status",
        resource_type="referral",
        resource_id=referral.id,
        person_id=case.person_id,
        detail="sent",
    )
    ctx.session.commit()
    return RedirectResponse(f"/cases/{case.id}#referrals", status_code=303)


@router.get("/referrals/{referral_id}", response_class=HTMLResponse)
def referral_page(
    ctx: ReferralRead, referral_id: int, unsent: str = ""
) -> HTMLResponse:
    """One referral: the partner's minimal view, or the referring team's view."""
    ctx.request.state.audit_resource = "referral"
    ctx.request.state.audit_resource_id = str(referral_id)
    referral = crud.get_referral(ctx.session, viewer=ctx.user, referral_id=referral_id)
    view = crud.referral_view(ctx.session, referral, viewer=ctx.user)
    partner_side = ctx.user.role == Role.PARTNER_USER
    ctx.audit.record(
        "referral.read",
        resource_type="referral",
        resource_id=referral.id,
        person_id=referral.person_id,
    )
    ctx.session.commit()
    messages = {
        "consent_required": (
            "Saved as a draft, not sent: the person has no active consent to share "
            "with this partner. Record consent on the case, or a supervisor can "
            "send it with a recorded reason."
        ),
        "part2_consent_required": (
            "Saved as a draft, not sent: a substance-use referral needs a 42 CFR "
            "Part 2 disclosure consent naming this partner."
        ),
    }
    return ctx.render(
        "referral.html",
        referral=view,
        partner_side=partner_side,
        actions=PARTNER_ACTIONS.get(referral.status, ()) if partner_side else (),
        unsent=messages.get(unsent, ""),
        can_override=ctx.user.role != Role.PARTNER_USER
        and "referral:override_consent" in _perms(ctx),
    )


def _perms(ctx: PageCtx) -> set[str]:
    from nowrongdoor.care.rbac import PERMISSIONS

    return set(PERMISSIONS.get(ctx.user.role, frozenset()))


@router.post("/referrals/{referral_id}/status")
async def referral_status(ctx: ReferralRead, referral_id: int) -> Response:
    """Move a referral: the partner accepts, declines (with a reason), starts,
    completes; the referring team sends, or cancels."""
    form = await ctx.request.form()
    ctx.request.state.audit_resource = "referral"
    ctx.request.state.audit_resource_id = str(referral_id)
    referral = crud.get_referral(ctx.session, viewer=ctx.user, referral_id=referral_id)
    status = f.choice(f.text(form, "status"), f.REFERRAL_STATUS_LABELS, "status")
    data = f.build(
        ReferralTransition,
        status=ReferralStatus(status),
        reason=f.text(form, "reason"),
        override_reason=f.text(form, "override_reason"),
    )
    crud.transition_referral(ctx.session, actor=ctx.user, referral=referral, data=data)
    ctx.audit.record(
        "referral.status",
        resource_type="referral",
        resource_id=referral.id,
        person_id=referral.person_id,
        detail=status,
    )
    ctx.session.commit()
    if ctx.user.role == Role.PARTNER_USER:
        return RedirectResponse(f"/referrals/{referral.id}", status_code=303)
    return RedirectResponse(f"/cases/{referral.case_id}#referrals", status_code=303)


@router.get("/inbox", response_class=HTMLResponse, name="inbox")
def inbox(ctx: RespondDep, status: str = "") -> HTMLResponse:
    """Referrals addressed to the partner's organisation, newest first."""
    rows, total = crud.list_referrals(
        ctx.session,
        viewer=ctx.user,
        status=status if status in f.REFERRAL_STATUS_LABELS else None,
        limit=100,
    )
    views = [
        crud.referral_partner_view(ctx.session, r, with_events=False) for r in rows
    ]
    ctx.audit.record(
        "referral.list", resource_type="referral", detail=f"inbox, {len(rows)} rows"
    )
    ctx.session.commit()
    return ctx.render(
        "inbox.html",
        referrals=views,
        total=total,
        status=status,
        statuses=[s for s in f.REFERRAL_STATUS_LABELS if s != "draft"],
    )
