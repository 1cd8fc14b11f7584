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
from nowrongdoor.care.api.records import in_scope
from nowrongdoor.care.enums import ConsentType, NeedCategory, ReferralStatus, Role
from nowrongdoor.care.errors import ApiError, BadRequest
from nowrongdoor.care.models import Referral
from nowrongdoor.care.rbac import can
from nowrongdoor.care.schemas import ReferralCreate, ReferralTransition, person_public
from nowrongdoor.care.web import _forms as f
from nowrongdoor.care.web._case_pages import load_case
from nowrongdoor.care.web._session import Page, PageCtx, Read, needs, paged, text_query
from nowrongdoor.care.web._templating import is_htmx

router = APIRouter()

DirectoryDep = Annotated[PageCtx, Depends(needs("partner:read"))]
ReferDep = Annotated[PageCtx, Depends(needs("referral:write"))]
ReferralRead = Annotated[PageCtx, Depends(needs("referral:read"))]
RespondDep = Annotated[PageCtx, Depends(needs("referral:respond"))]

#: Referrals an inbox page shows.
INBOX_PAGE_SIZE = 50
#: The directory search's fields (the partners page and the refer page).
DIRECTORY_SEARCH = {"type": 100, "q": 200, "place": 100}

#: One form per action the partner may take next, from the referral's status
#: (the crud enforces the moves): (status, button, reason label, reason
#: required, button class).
PartnerAction = tuple[str, str, str, bool, str]
_WITHDRAW: PartnerAction = (
    "cancelled",
    "Withdraw: we cannot go ahead",
    "Why you cannot go ahead (required)",
    True,
    "secondary",
)
PARTNER_ACTIONS: dict[str, tuple[PartnerAction, ...]] = {
    ReferralStatus.SENT: (
        ("accepted", "Accept", "Note for the care manager", False, ""),
        ("declined", "Decline", "Why you decline (required)", True, "secondary"),
    ),
    ReferralStatus.RECEIVED: (
        ("accepted", "Accept", "Note for the care manager", False, ""),
        ("declined", "Decline", "Why you decline (required)", True, "secondary"),
    ),
    ReferralStatus.ACCEPTED: (
        ("in_progress", "Mark in progress", "Note for the care manager", False, ""),
        _WITHDRAW,
    ),
    ReferralStatus.IN_PROGRESS: (
        ("completed", "Mark completed", "Note for the care manager", False, ""),
        _WITHDRAW,
    ),
}

#: What the referring team may record on the behalf of a partner that is not
#: on the system, as the choice reads ("What did they tell you?"): the same
#: moves as :data:`PARTNER_ACTIONS`, from the referral's status.
BEHALF_LABELS: dict[str, str] = {
    ReferralStatus.ACCEPTED: "They accepted the referral",
    ReferralStatus.DECLINED: "They declined it",
    ReferralStatus.IN_PROGRESS: "They started the service",
    ReferralStatus.COMPLETED: "They completed the service (the loop is closed)",
    ReferralStatus.CANCELLED: "They withdrew: they cannot go ahead",
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
    return crud.services_public(ctx.session, rows)


def _services_page(
    ctx: PageCtx, template: str, *, fields: dict[str, Any], **context: Any
) -> HTMLResponse:
    """The services the search form's ``fields`` find: the list alone for htmx,
    else ``template`` (the whole page) with ``context`` (which may carry the
    page's ``read``, see :meth:`PageCtx.render`)."""
    services = _search(
        ctx,
        service_type=fields["type"],
        text=fields["q"],
        place=fields["place"],
        age=fields["age"],
    )
    page = "_services.html" if is_htmx(ctx.request) else template
    result: HTMLResponse = ctx.render(
        page, services=services, filters=fields, **context
    )
    return result


@router.get("/partners", name="partners")
def partners(
    ctx: DirectoryDep,
    query: Annotated[dict[str, str], text_query(**DIRECTORY_SEARCH, age=10)],
) -> HTMLResponse:
    """Search the partner directory (Open Referral HSDS services); empty
    fields are ignored."""
    years = query["age"].strip()
    if years and (not years.isdigit() or int(years) > 130):
        raise BadRequest("The age must be a whole number from 0 to 130.", field="age")
    age_value = int(years) if years else None
    return _services_page(
        ctx,
        "partners.html",
        fields={**query, "age": age_value},
        case=None,
        need=None,
        action="/partners",
    )


@router.get("/cases/{case_id}/refer")
def refer_page(
    ctx: ReferDep,
    case_id: int,
    query: Annotated[dict[str, str], text_query(**DIRECTORY_SEARCH)],
    need: str = "",
) -> HTMLResponse:
    """Pick a partner service for this case; one more click sends the referral."""
    case = load_case(ctx, case_id)
    detail_person = person_public(case.person, viewer=ctx.user)
    return _services_page(
        ctx,
        "refer.html",
        fields={**query, "age": detail_person.age},
        read=Read("case.read", on=case, detail="refer page"),
        case=case,
        person=detail_person,
        need=need if need in f.NEED_LABELS else None,
        need_categories=list(NeedCategory),
        action=f"/cases/{case.id}/refer",
    )


def _confirm_response(
    ctx: PageCtx,
    case: Any,
    service_id: int | None,
    need: str,
    form_error: dict[str, Any] | None = None,
) -> HTMLResponse:
    """The page that confirms a referral before anything is created or sent."""
    if service_id is None:
        raise BadRequest("Choose a partner service first.", field="service_id")
    service = crud.get_service(ctx.session, service_id=service_id)
    person = person_public(case.person, viewer=ctx.user)
    probe = Referral(
        person_id=case.person_id,
        from_organization_id=case.organization_id,
        to_organization_id=service.organization_id,
        need_category=need or None,
    )
    duplicates = crud.open_referrals_to(
        ctx.session, case_id=case.id, organization_id=service.organization_id
    )
    # what is missing when it is not sent: the consent to share, or only the
    # 42 CFR Part 2 disclosure consent a substance-use referral also needs
    missing = crud.missing_referral_consents(ctx.session, probe)
    return ctx.render(
        "refer_confirm.html",
        status_code=400 if form_error else 200,
        case=case,
        person=person,
        service=crud.service_public(ctx.session, service),
        need=need if need in f.NEED_LABELS else "",
        need_labels=f.NEED_LABELS,
        will_send=not missing,
        missing="part2" if missing == [ConsentType.PART2_DISCLOSURE] else "share",
        duplicates=duplicates,
        form_error=form_error,
    )


@router.get("/cases/{case_id}/refer/confirm")
def refer_confirm(
    ctx: ReferDep,
    case_id: int,
    service_id: Annotated[int | None, Query(ge=1)] = None,
    need: Annotated[str, Query(max_length=60)] = "",
) -> HTMLResponse:
    """What the partner will see, whether it is sent now, and any open referral
    to the same partner; nothing is created until the person confirms."""
    case = load_case(ctx, case_id)
    ctx.audit.commit_on("case.read", case, detail="refer confirm page")
    return _confirm_response(ctx, case, service_id, need)


@router.post("/cases/{case_id}/referrals")
async def create_referral(ctx: ReferDep, case_id: int) -> Response:
    """Create the referral and send it when consent allows (else keep a draft).

    The need and the reason are required (the partner reads them); an open
    referral of the case to the same organisation must be acknowledged.
    """
    form = await ctx.request.form()
    case = load_case(ctx, case_id)
    need = f.text(form, "need_category") or ""
    service_id = f.integer(form, "service_id")
    ctx.on_form_error(
        "refer-form",
        form,
        lambda error: _confirm_response(
            ctx, load_case(ctx, case_id), service_id, need, form_error=error
        ),
        fields=("need_category", "reason", "duplicate_ok"),
    )
    again = ctx.repeated(form)
    if again is not None:
        return again
    if service_id is None:
        raise BadRequest("Choose a partner service first.", field="service_id")
    if need not in f.NEED_LABELS:
        raise BadRequest("Choose the need this referral is for.", field="need_category")
    if f.text(form, "reason") is None:
        raise BadRequest(
            "Write the reason for the referral; the partner reads it.",
            field="reason",
        )
    service = crud.get_service(ctx.session, service_id=service_id)
    duplicates = crud.open_referrals_to(
        ctx.session, case_id=case.id, organization_id=service.organization_id
    )
    if duplicates and form.get("duplicate_ok") != "yes":
        raise BadRequest(
            "This case already has an open referral to this partner; open it, "
            "or tick the box to refer again.",
            field="duplicate_ok",
        )
    data = f.build(
        ReferralCreate,
        case_id=case.id,
        service_id=service_id,
        need_category=NeedCategory(need),
        reason=f.text(form, "reason"),
        do_not_contact=form.get("do_not_contact") == "on",
    )
    referral = crud.create_referral(ctx.session, actor=ctx.user, data=data)
    # a repeat of the form goes to the referral, whether it is then sent or not
    ctx.created(f"/referrals/{referral.id}")
    ctx.audit.commit_on("referral.create", referral)
    try:
        crud.transition_referral(
            ctx.session,
            actor=ctx.user,
            referral=referral,
            data=ReferralTransition(status=ReferralStatus.SENT),
        )
    except ApiError as exc:
        ctx.audit.discard()
        answer = ctx.created(f"/referrals/{referral.id}?unsent={exc.code}")
        ctx.audit.commit(
            "referral.status",
            resource_type="referral",
            resource_id=referral.id,
            person_id=case.person_id,
            outcome="denied",
            detail=exc.code,
        )
        return answer
    answer = ctx.created(f"/cases/{case.id}#referrals")
    ctx.audit.commit_on("referral.status", referral, detail="sent")
    return answer


#: Why a referral was kept as a draft (``?unsent=`` after creating it).
UNSENT_MESSAGES: dict[str, str] = {
    "consent_required": (
        "Saved as a draft, not sent: the person has no active consent to share "
        "with this partner. Record consent on the case, then send it from here; "
        "or a supervisor can send it with a recorded reason."
    ),
    "part2_consent_required": (
        "Saved as a draft, not sent: a substance-use referral needs a 42 CFR "
        "Part 2 disclosure consent naming this partner."
    ),
}


@router.get("/referrals/{referral_id}")
def referral_page(
    ctx: ReferralRead, referral_id: int, unsent: str = ""
) -> HTMLResponse:
    """One referral: the partner's minimal view, or the referring team's view."""
    referral = in_scope(ctx, "referral", referral_id, crud.get_referral)
    return _referral_response(
        ctx,
        referral,
        unsent=UNSENT_MESSAGES.get(unsent, ""),
        read=Read("referral.read", on=referral),
    )


def _referral_response(
    ctx: PageCtx,
    referral: Any,
    *,
    unsent: str = "",
    form_error: dict[str, Any] | None = None,
    read: Read | None = None,
) -> HTMLResponse:
    """The referral page (also again, status 400, after a refused action)."""
    view = crud.referral_view(ctx.session, referral, viewer=ctx.user)
    partner_side = ctx.user.role == Role.PARTNER_USER
    has_consent = False
    if not partner_side and referral.status == ReferralStatus.DRAFT:
        has_consent = crud.referral_consent_ok(ctx.session, referral)
    # the partner's next moves, which the referring team records on its
    # behalf when it is not on the system (else the partner makes them)
    partner_moves = PARTNER_ACTIONS.get(referral.status, ())
    on_system = True
    if partner_moves and not partner_side and can(ctx.user, "referral:write"):
        on_system = crud.partner_on_system(ctx.session, referral.to_organization_id)
    behalf = [] if on_system else [(m[0], BEHALF_LABELS[m[0]]) for m in partner_moves]
    return ctx.render(
        "referral.html",
        status_code=400 if form_error else 200,
        read=read,
        referral=view,
        partner_side=partner_side,
        actions=partner_moves if partner_side else (),
        behalf=behalf,
        partner_answers=bool(partner_moves) and not partner_side and on_system,
        told_via_labels=f.TOLD_VIA_LABELS,
        unsent=unsent,
        has_consent=has_consent,
        can_override=not partner_side and can(ctx.user, "referral:override_consent"),
        open_states=crud.OPEN_REFERRAL_STATES,
        part2_notice=f.PART2_NOTICE,
        form_error=form_error,
    )


@router.post("/referrals/{referral_id}/status")
async def referral_status(ctx: ReferralRead, referral_id: int) -> Response:
    """Move a referral: the partner accepts, declines (with a reason), starts,
    completes or withdraws; the referring team sends (after confirming), or
    cancels, or (``on_behalf=yes``) records what a partner that is not on the
    system told it, and how. Each action is its own form; a refused one comes
    back with the message beside the field and what was typed."""
    form = await ctx.request.form()
    referral = in_scope(ctx, "referral", referral_id, crud.get_referral)
    on_behalf = form.get("on_behalf") == "yes"
    fields: tuple[str, ...] = ("reason", "override_reason", "confirm")
    if on_behalf:
        form_id, fields = "behalf-form", ("status", "told_via", "told_by", "reason")
    else:
        status = f.choice(f.text(form, "status"), f.REFERRAL_STATUS_LABELS, "status")
        if status == "sent":
            form_id = "send-form"
        elif status == "cancelled" and ctx.user.role != Role.PARTNER_USER:
            form_id = "cancel-form"
        else:
            form_id = f"{status}-form"
    ctx.on_form_error(
        form_id,
        form,
        lambda error: _referral_response(
            ctx,
            crud.get_referral(ctx.session, viewer=ctx.user, referral_id=referral_id),
            form_error=error,
        ),
        fields=fields,
    )
    told_via = None
    if on_behalf:
        status = f.text(form, "status") or ""
        told_via = f.text(form, "told_via")
        if status not in BEHALF_LABELS:
            raise BadRequest("Choose what the partner told you.", field="status")
        if told_via not in f.TOLD_VIA_LABELS:
            raise BadRequest(
                "Choose how the partner told you: phone, email, in person, or "
                "letter or fax.",
                field="told_via",
            )
    if status == "sent" and form.get("confirm") != "yes":
        raise BadRequest(
            "Tick the box to confirm the details may be sent to the partner.",
            field="confirm",
        )
    data = f.build(
        ReferralTransition,
        status=ReferralStatus(status),
        reason=f.text(form, "reason"),
        override_reason=f.text(form, "override_reason"),
        told_via=told_via,
        told_by=f.text(form, "told_by") if on_behalf else None,
    )
    try:
        crud.transition_referral(
            ctx.session, actor=ctx.user, referral=referral, data=data
        )
    except ApiError as exc:
        if exc.code in UNSENT_MESSAGES:
            raise BadRequest(
                UNSENT_MESSAGES[exc.code].replace("Saved as a draft, not", "Not")
            ) from None
        raise
    ctx.audit.commit_on(
        "referral.status",
        referral,
        detail=(
            "sent with consent override"
            if data.override_reason
            else status + crud.on_behalf_detail(referral, data)
        ),
    )
    if ctx.user.role == Role.PARTNER_USER or on_behalf:
        return RedirectResponse(f"/referrals/{referral.id}", status_code=303)
    return RedirectResponse(f"/cases/{referral.case_id}#referrals", status_code=303)


@router.get("/inbox", name="inbox")
def inbox(
    ctx: RespondDep, page: Annotated[Page, paged(INBOX_PAGE_SIZE)], status: str = ""
) -> HTMLResponse:
    """Referrals addressed to the partner's organisation, the latest changed
    first, a page at a time (an older referral is on a later page, never
    dropped)."""
    status = status if status in f.REFERRAL_STATUS_LABELS else ""
    rows, total = crud.list_referrals(
        ctx.session, viewer=ctx.user, status=status or None, **page.window
    )
    views = [
        crud.referral_partner_view(ctx.session, r, with_events=False) for r in rows
    ]
    changes = crud.latest_referral_changes(ctx.session, rows)
    return ctx.render(
        "inbox.html",
        read=Read(
            "referral.list",
            resource_type="referral",
            detail=f"inbox page {page.number}, {len(rows)} of {total} rows",
        ),
        referrals=views,
        changes=changes,
        **page.fields(total),
        status=status,
        statuses=[s for s in f.REFERRAL_STATUS_LABELS if s != "draft"],
        part2_notice=f.PART2_NOTICE,
    )
