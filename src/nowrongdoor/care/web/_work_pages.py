"""My work, intake from any door, person search and the person page (private).

Every read or write of person data goes through the care service's data-access
functions (:mod:`nowrongdoor.care.crud`, which enforce role and record scope)
and appends an audit event in the same transaction.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Depends
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.datastructures import FormData

from nowrongdoor.care import crud, training
from nowrongdoor.care.api.records import person_in_scope
from nowrongdoor.care.audit import AuditEntry
from nowrongdoor.care.enums import (
    ConsentScope,
    ConsentType,
    Door,
    IntakeStatus,
    Pathway,
    ReferralStatus,
    Role,
    Sensitivity,
)
from nowrongdoor.care.errors import BadRequest, Forbidden, NotFound
from nowrongdoor.care.models import Person, RiskFlag, Screening, utcnow
from nowrongdoor.care.rbac import can
from nowrongdoor.care.schemas import (
    CaseCreate,
    ConsentCreate,
    Contacts,
    IntakeCreate,
    IntakeUpdate,
    PersonCreate,
    RiskFlagPublic,
    consent_public,
    flag_view,
    person_public,
    predates_open_view,
    task_public,
    visible_flags,
)
from nowrongdoor.care.screening_adapter import store_result
from nowrongdoor.care.web import _forms as f
from nowrongdoor.care.web._session import PageCtx, Read, needs
from nowrongdoor.screening import ScreeningResult

router = APIRouter()

WorkDep = Annotated[PageCtx, Depends(needs("task:read", "intake:read", "case:read"))]
#: Opening and reviewing an ad-match lead: care roles, and analysts (leads only).
LeadDep = Annotated[PageCtx, Depends(needs("lead:review"))]
IntakeDep = Annotated[PageCtx, Depends(needs("intake:write", "person:write"))]
PersonDep = Annotated[PageCtx, Depends(needs("person:read"))]
#: Acting on a person's care (open a case, mark a claims flag reviewed): the
#: permission the API's case routes need, which the page's buttons follow.
CaseWriteDep = Annotated[PageCtx, Depends(needs("person:read", "case:write"))]
ConsentWriteDep = Annotated[PageCtx, Depends(needs("person:read", "consent:write"))]

#: Referral updates "my work" lists, the latest changed first (the rest are
#: on the cases' pages).
REFERRAL_UPDATES = 30
#: Doors a person can come through at an intake (leads and flags are imported).
INTAKE_DOORS = [d for d in Door if d not in (Door.AD_MATCH, Door.CLAIMS_FLAG)]
CONSENT_LABELS: dict[str, str] = {
    ConsentType.SHARE_WITH_PARTNERS: "Share with community partners",
    ConsentType.CASE_MANAGEMENT: "Case management",
    ConsentType.OUTREACH: "Outreach (calls, texts, visits)",
    ConsentType.PART2_DISCLOSURE: "Disclose substance-use records (42 CFR Part 2)",
}
SCOPE_LABELS: dict[str, str] = {
    ConsentScope.ANY_PARTNER: "any partner organisation",
    ConsentScope.ORGANISATION: "one named organisation",
    ConsentScope.CARE_TEAM: "the care team only",
}


def find_person(ctx: PageCtx, pseudonym: str) -> Person:
    """The person with ``pseudonym`` in the viewer's scope (404/403 otherwise)."""
    crud.ensure_not_partner(ctx.user)
    return person_in_scope(ctx, crud.person_id_of(ctx.session, pseudonym))


# --- my work -------------------------------------------------------------------


@router.get("/work", name="my_work")
def my_work(ctx: WorkDep) -> HTMLResponse:
    """Tasks due, new intakes and referral updates, new risk flags, ad leads."""
    user, session = ctx.user, ctx.session
    tasks, open_tasks = crud.list_tasks(
        session, viewer=user, status="open", owner_id=user.id, limit=20
    )
    # overdue among the items counted beside it: a care manager's own and
    # team pool's; a supervisor's whole queue
    overdue_whose = "mine_pool" if user.role == Role.CARE_MANAGER else "all"
    _, queue_overdue = crud.work_queue(
        session,
        viewer=user,
        filters=crud.QueueFilters(whose=overdue_whose, overdue=True),
        limit=0,
    )
    _, queue_mine = crud.work_queue(
        session, viewer=user, filters=crud.QueueFilters(whose="mine"), limit=0
    )
    _, queue_pool = crud.work_queue(
        session, viewer=user, filters=crud.QueueFilters(whose="pool"), limit=0
    )
    since = utcnow() - dt.timedelta(days=14)
    referrals, _ = crud.list_referrals(session, viewer=user, limit=REFERRAL_UPDATES + 1)
    recent = [
        r
        for r in referrals
        if r.status != ReferralStatus.DRAFT and r.updated_at >= since
    ]
    updates = recent[:REFERRAL_UPDATES]
    flag_rows = crud.unreviewed_risk_flags(session, viewer=user, limit=20)
    pseudonyms = crud.pseudonyms_of(session, {r.person_id for r in referrals})
    return ctx.render(
        "work.html",
        read=Read(
            "work.read",
            detail=(
                f"{len(tasks)} tasks, {queue_mine} mine and {queue_pool} pool items, "
                f"{len(flag_rows)} flags, {len(updates)} referral updates"
            ),
        ),
        tasks=[task_public(t) for t in tasks],
        task_people=crud.case_pseudonyms(session, {t.case_id for t in tasks}),
        open_tasks=open_tasks,
        queue_mine=queue_mine,
        queue_pool=queue_pool,
        queue_overdue=queue_overdue,
        overdue_whose=overdue_whose,
        review_days=crud.REVIEW_DAYS,
        flags=[(_flag_for(ctx, flag), p) for flag, p in flag_rows],
        referral_updates=[
            crud.referral_public(session, r, with_events=False) for r in updates
        ],
        referral_changes=crud.latest_referral_changes(session, updates),
        more_updates=len(recent) > len(updates),
        pseudonyms=pseudonyms,
        now=utcnow(),
        training_due=training.training_due(
            session,
            user=user,
            courses=list(training.catalogue_for(ctx.settings)),
        ),
    )


# --- intake --------------------------------------------------------------------


@router.get("/intake", name="intake_form")
def intake_form(ctx: IntakeDep, person: str = "") -> HTMLResponse:
    """Record a person arriving through any door."""
    return ctx.render(
        "intake.html",
        doors=INTAKE_DOORS,
        person=person,
        can_identify=can(ctx.user, "person:identify"),
        given={},
        error=None,
    )


@router.post("/intake")
async def intake_submit(ctx: IntakeDep) -> Response:
    """Create the person (or use a known one) and the intake."""
    form = await ctx.request.form()
    try:
        again = ctx.repeated(form)
        if again is not None:
            return again
        door = f.choice(f.text(form, "door"), f.DOOR_LABELS, "door")
        pseudonym = f.text(form, "person")
        person = find_person(ctx, pseudonym) if pseudonym else _new_person(ctx, form)
        data = f.build(IntakeCreate, door=door, summary=f.text(form, "summary"))
    except (BadRequest, NotFound) as exc:
        ctx.audit.discard()
        return ctx.render(
            "intake.html",
            status_code=422,
            doors=INTAKE_DOORS,
            person=f.text(form, "person") or "",
            can_identify=can(ctx.user, "person:identify"),
            given={k: str(v) for k, v in form.items()},
            error=exc.message,
            # an unknown person's id is the person field's fault
            error_field="person" if isinstance(exc, NotFound) else exc.field,
        )
    intake = crud.create_intake(ctx.session, actor=ctx.user, person=person, data=data)
    answer = ctx.created(f"/intakes/{intake.id}")
    ctx.audit.commit_on("intake.create", intake, detail=door)
    return answer


def _new_person(ctx: PageCtx, form: FormData) -> Person:
    identify = can(ctx.user, "person:identify")
    phone = f.text(form, "phone") if identify else None
    data = f.build(
        PersonCreate,
        given_name=f.text(form, "given_name") if identify else None,
        family_name=f.text(form, "family_name") if identify else None,
        birth_date=f.date_field(form, "birth_date"),
        gender=f.text(form, "gender"),
        contacts=f.build(Contacts, phone=phone) if phone else None,
        do_not_contact=form.get("do_not_contact") == "on",
    )
    person = crud.create_person(
        ctx.session, actor=ctx.user, cipher=ctx.cipher, data=data
    )
    ctx.audit.record(
        "person.create",
        resource_type="person",
        resource_id=person.id,
        person_id=person.id,
    )
    return person


@router.get("/intakes/{intake_id}")
def intake_page(ctx: LeadDep, intake_id: int) -> HTMLResponse:
    """One intake or lead, with the next steps (analysts: ad-match leads only)."""
    crud.ensure_not_partner(ctx.user)
    ctx.request.state.audit_resource = "intake"
    intake = _lead_or_intake(ctx, intake_id)
    person = (
        crud.get_person(ctx.session, viewer=ctx.user, person_id=intake.person_id)
        if intake.person_id
        else None
    )
    flags: list[RiskFlagPublic] = []
    flags_withheld = flags_predating = 0
    if person is not None and intake.door == Door.CLAIMS_FLAG:
        flags, flags_withheld, flags_predating = _visible_flags(ctx, person)
    return ctx.render(
        "intake_page.html",
        read=Read("intake.read", on=intake),
        intake=intake,
        person=person,
        flags=flags,
        flags_withheld=flags_withheld,
        flags_predating=flags_predating,
        can_register=can(ctx.user, "person:write"),
        can_screen=can(ctx.user, "screening:write"),
    )


def _lead_or_intake(ctx: PageCtx, intake_id: int) -> Any:
    """The intake in scope; a role without ``intake:read`` reaches only leads."""
    intake = crud.get_intake(ctx.session, viewer=ctx.user, intake_id=intake_id)
    if not can(ctx.user, "intake:read") and intake.door != Door.AD_MATCH:
        raise Forbidden(f"your role ({ctx.user.role}) reviews ad-match leads only")
    return intake


@router.post("/intakes/{intake_id}/review")
async def intake_review(ctx: LeadDep, intake_id: int) -> Response:
    """Mark an intake or lead reviewed or dismissed (a lead may get a person,
    when the role may register persons)."""
    form = await ctx.request.form()
    status = f.choice(
        f.text(form, "status"),
        {IntakeStatus.REVIEWED: "", IntakeStatus.DISMISSED: ""},
        "status",
    )
    intake = _lead_or_intake(ctx, intake_id)
    person_id = intake.person_id
    if (
        person_id is None
        and form.get("create_person") == "on"
        and can(ctx.user, "person:write")
    ):
        person = crud.create_person(
            ctx.session,
            actor=ctx.user,
            cipher=ctx.cipher,
            data=PersonCreate(),
        )
        ctx.audit.record(
            "person.create",
            resource_type="person",
            resource_id=person.id,
            person_id=person.id,
        )
        person_id = person.id
    crud.review_intake(
        ctx.session,
        actor=ctx.user,
        intake=intake,
        data=IntakeUpdate(status=IntakeStatus(status), person_id=person_id),
    )
    ctx.audit.commit(
        "intake.review",
        resource_type="intake",
        resource_id=intake.id,
        person_id=person_id,
        detail=status,
    )
    return RedirectResponse(f"/intakes/{intake.id}", status_code=303)


# --- people --------------------------------------------------------------------


@router.get("/people", name="people")
def people(ctx: PersonDep, q: str = "") -> HTMLResponse:
    """Search by pseudonymous id (names are searched by POST, never in a URL)."""
    return _people(ctx, q=q, name="")


@router.post("/people")
async def people_by_name(ctx: PersonDep) -> HTMLResponse:
    """Search by exact name for roles allowed to identify persons.

    A name is posted, so it never lands in a URL, browser history or access log.
    """
    form = await ctx.request.form()
    return _people(ctx, q=f.text(form, "q") or "", name=f.text(form, "name") or "")


def _people(ctx: PageCtx, *, q: str, name: str) -> HTMLResponse:
    crud.ensure_not_partner(ctx.user)
    identify = can(ctx.user, "person:identify")
    name = name.strip() if identify else ""
    searched = bool(q.strip() or name)
    rows, _ = crud.list_persons(
        ctx.session,
        viewer=ctx.user,
        cipher=ctx.cipher,
        pseudonym=q.strip() or None,
        name=name or None,
        limit=50 if searched else 20,
    )
    kind = "name search" if name else ("pseudonym search" if searched else "recent")
    return ctx.render(
        "people.html",
        read=Read(
            "person.list", resource_type="person", detail=f"{kind}, {len(rows)} rows"
        ),
        q=q,
        name=name,
        searched=searched,
        identify=identify,
        people=[person_public(p, viewer=ctx.user) for p in rows],
    )


@router.get("/people/{pseudonym}")
def person_page(ctx: PersonDep, pseudonym: str) -> HTMLResponse:
    """A person: cases, intakes, screenings, risk flags and consent."""
    person = find_person(ctx, pseudonym)
    return _person_response(ctx, person, read=Read("person.read", on=person))


def _flag_for(ctx: PageCtx, flag: RiskFlag) -> RiskFlagPublic | None:
    """One flag as the viewer may see it (``None``: withheld whole); the
    person's Part 2 consents are read only for a Part 2 flag."""
    part2 = False
    if flag.sensitivity == Sensitivity.PART2:
        person = ctx.session.get(Person, flag.person_id)
        part2 = person is not None and crud.part2_visible(
            ctx.session, viewer=ctx.user, person=person
        )
    return flag_view(flag, part2_ok=part2)


def _visible_flags(
    ctx: PageCtx, person: Person, *, part2: bool | None = None
) -> tuple[list[RiskFlagPublic], int, int]:
    """The person's risk flags as the viewer may read them, how many are
    withheld whole (42 CFR Part 2 flags without a covering consent show their
    open view, :func:`~nowrongdoor.care.schemas.flag_view`, when the worklist
    gave one; none without ``riskflag:read``), and how many of those only for
    want of an open view (:func:`~nowrongdoor.care.schemas.predates_open_view`:
    importing the worklist again shows their other reasons). ``part2``:
    whether Part 2 records show, when known."""
    if not can(ctx.user, "riskflag:read"):
        return [], 0, 0
    if part2 is None:
        part2 = crud.part2_visible(ctx.session, viewer=ctx.user, person=person)
    held = crud.list_risk_flags(ctx.session, person_id=person.id)
    shown, withheld = visible_flags(held, part2_ok=part2)
    predating = 0 if part2 else sum(map(predates_open_view, held))
    return shown, withheld, predating


def _person_response(
    ctx: PageCtx,
    person: Person,
    read: Read | None = None,
    form_error: dict[str, Any] | None = None,
) -> HTMLResponse:
    """The person page (status 400 with ``form_error``: a refused form)."""
    cases, _ = crud.list_cases(
        ctx.session, viewer=ctx.user, person_id=person.id, limit=50
    )
    intakes, _ = crud.list_intakes(
        ctx.session, viewer=ctx.user, person_id=person.id, limit=50
    )
    part2 = crud.part2_visible(ctx.session, viewer=ctx.user, person=person)
    screenings: list[Screening] = []
    screenings_withheld = 0
    if can(ctx.user, "screening:read"):
        screenings, screenings_withheld = crud.visible_sensitive(
            crud.list_screenings(ctx.session, person_id=person.id), part2_ok=part2
        )
    flags, flags_withheld, flags_predating = _visible_flags(ctx, person, part2=part2)
    consents = (
        [
            consent_public(c)
            for c in crud.list_consents(ctx.session, person_id=person.id)
        ]
        if can(ctx.user, "consent:read")
        else []
    )
    return ctx.render(
        "person.html",
        status_code=400 if form_error else 200,
        read=read,
        form_error=form_error,
        person=person_public(person, viewer=ctx.user),
        cases=cases,
        intakes=intakes,
        screenings=screenings,
        screenings_withheld=screenings_withheld,
        flags=flags,
        flags_withheld=flags_withheld,
        flags_predating=flags_predating,
        consents=consents,
        pathways=list(Pathway),
        consent_labels=CONSENT_LABELS,
        scope_labels=SCOPE_LABELS,
        partners=_partner_orgs(ctx),
        can_write=can(ctx.user, "case:write"),
        can_screen=can(ctx.user, "screening:write"),
        can_consent=can(ctx.user, "consent:write"),
    )


def _partner_orgs(ctx: PageCtx) -> list[Any]:
    return crud.organization_choices(ctx.session, kind="partner")


@router.post("/people/{pseudonym}/flags/{flag_id}/reviewed")
def review_flag(ctx: CaseWriteDep, pseudonym: str, flag_id: int) -> Response:
    """Mark a population-worklist flag reviewed (it leaves "my work")."""
    person = find_person(ctx, pseudonym)
    flag = crud.review_risk_flag(ctx.session, person=person, flag_id=flag_id)
    ctx.audit.commit(
        "riskflag.review",
        resource_type="risk_flag",
        resource_id=flag.id,
        person_id=person.id,
    )
    return RedirectResponse(f"/people/{person.pseudonym}#flags-h", status_code=303)


@router.post("/people/{pseudonym}/cases")
async def open_case(ctx: CaseWriteDep, pseudonym: str) -> Response:
    """Open a case on a pathway (after a screening, or from the person page)."""
    form = await ctx.request.form()
    again = ctx.repeated(form)
    if again is not None:
        return again
    person = find_person(ctx, pseudonym)
    pathway = f.choice(f.text(form, "pathway"), f.PATHWAY_LABELS, "pathway")
    case = crud.create_case(
        ctx.session,
        actor=ctx.user,
        data=CaseCreate(person_id=person.id, pathway=Pathway(pathway)),
    )
    events = [
        AuditEntry(
            "case.create",
            resource_type="case",
            resource_id=str(case.id),
            person_id=person.id,
            detail=pathway,
        )
    ]
    screening_id = f.integer(form, "screening_id")
    if screening_id is not None:
        crud.attach_screening(
            ctx.session, actor=ctx.user, case=case, screening_id=screening_id
        )
    intake_id = f.integer(form, "intake_id")
    if intake_id is not None:
        intake = crud.get_intake(ctx.session, viewer=ctx.user, intake_id=intake_id)
        if intake.person_id == person.id and intake.status == IntakeStatus.NEW:
            crud.review_intake(
                ctx.session,
                actor=ctx.user,
                intake=intake,
                data=IntakeUpdate(status=IntakeStatus.REVIEWED),
            )
            events.append(
                AuditEntry(
                    "intake.review",
                    resource_type="intake",
                    resource_id=str(intake.id),
                    person_id=person.id,
                    detail="reviewed",
                )
            )
    answer = ctx.created(f"/cases/{case.id}")
    ctx.audit.commit_all(events)
    return answer


@router.post("/people/{pseudonym}/consents")
async def add_consent(ctx: ConsentWriteDep, pseudonym: str) -> Response:
    """Record a consent (or a refusal) the person gave.

    A refusal answers the page the form was on (the person's or one of their
    cases', named by ``back``) again, with what was typed.
    """
    form = await ctx.request.form()
    person = find_person(ctx, pseudonym)
    back = f.text(form, "back") or ""
    case_id = back.removeprefix("/cases/")
    fields = ("consent_type", "scope", "scope_organization_id", "expires_on", "note")
    if back.startswith("/cases/") and case_id.isdigit():
        from nowrongdoor.care.web._case_pages import case_form  # noqa: PLC0415

        await case_form(ctx, int(case_id), "consent-form", fields)
    else:
        ctx.on_form_error(
            "consent-form",
            form,
            lambda error: _person_response(
                ctx, find_person(ctx, pseudonym), form_error=error
            ),
            fields,
        )
    again = ctx.repeated(form)
    if again is not None:
        return again
    consent_type = f.choice(
        f.text(form, "consent_type"), CONSENT_LABELS, "consent_type"
    )
    scope = f.choice(f.text(form, "scope"), SCOPE_LABELS, "scope")
    expires = f.date_field(form, "expires_on")
    data = f.build(
        ConsentCreate,
        consent_type=ConsentType(consent_type),
        scope=ConsentScope(scope),
        scope_organization_id=f.integer(form, "scope_organization_id"),
        granted=form.get("granted") != "no",
        expires_at=(
            dt.datetime.combine(expires, dt.time(23, 59), tzinfo=dt.UTC)
            if expires
            else None
        ),
        note=f.text(form, "note"),
    )
    consent = crud.record_consent(ctx.session, actor=ctx.user, person=person, data=data)
    back = back or f"/people/{person.pseudonym}"
    if not back.startswith("/") or back.startswith("//"):
        back = f"/people/{person.pseudonym}"
    answer = ctx.created(f"{back}#consent")
    ctx.audit.commit_on("consent.create", consent, detail=consent_type)
    return answer


# --- screening, stored on the person ---------------------------------------------


def store_screening_result(
    ctx: PageCtx, form: FormData, result: ScreeningResult
) -> dict[str, Any]:
    """Keep a scored screening on the person it was run for.

    Args:
        ctx: The page context (signed-in user, session, audit).
        form: The posted screening form (``intake_id`` or ``person``).
        result: The engine's result.

    Returns:
        Template values: ``person_pseudonym``, ``screening_id``, ``intake_id``,
        ``saved_message``; empty when the screening was run for nobody.
    """
    intake_id = f.integer(form, "intake_id")
    pseudonym = f.text(form, "person")
    case_id = f.integer(form, "case_id")
    if intake_id is None and pseudonym is None and case_id is None:
        return {}
    if not can(ctx.user, "screening:write"):
        return {}
    intake = case = None
    if intake_id is not None:
        intake = crud.get_intake(ctx.session, viewer=ctx.user, intake_id=intake_id)
        if intake.person_id is None:
            raise BadRequest("link the intake to a person first", field="intake_id")
        person = crud.get_person(
            ctx.session, viewer=ctx.user, person_id=intake.person_id
        )
    elif case_id is not None:
        case = crud.get_case(ctx.session, viewer=ctx.user, case_id=case_id)
        person = case.person
    else:
        assert pseudonym is not None
        person = find_person(ctx, pseudonym)
    row = store_result(
        ctx.session,
        actor=ctx.user,
        person=person,
        result=result,
        case=case,
        intake_id=intake.id if intake else None,
    )
    ctx.created(
        f"/cases/{case_id}#screens-h"
        if case_id is not None
        else f"/people/{person.pseudonym}#screenings-h"
    )
    ctx.audit.commit_on("screening.create", row, detail=result.instrument_id)
    return {
        "person_pseudonym": person.pseudonym if case_id is None else None,
        "screening_id": row.id,
        "intake_id": intake.id if intake else None,
        "case_id": case_id,
        "saved_message": f"Saved on {person.pseudonym}'s record.",
    }
