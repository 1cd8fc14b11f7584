"""The case page and everything edited on it (private).

Reads go through :func:`nowrongdoor.care.crud.case_detail` (scope, Part 2 and
per-permission filtering) and every read or write appends an audit event.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Annotated, Any, Unpack

from fastapi import APIRouter, Depends
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.datastructures import FormData

from nowrongdoor.care import crud
from nowrongdoor.care.api.case_children import add_to_case, update_on_case
from nowrongdoor.care.api.deps import AuditFields
from nowrongdoor.care.api.records import case_in_scope
from nowrongdoor.care.enums import (
    CaseStatus,
    CloseReason,
    NeedCategory,
    NeedStatus,
    Sensitivity,
    TaskStatus,
)
from nowrongdoor.care.errors import BadRequest
from nowrongdoor.care.models import Case
from nowrongdoor.care.rbac import can
from nowrongdoor.care.schemas import (
    BarrierCreate,
    CaseDetail,
    CaseTransition,
    GoalCreate,
    NeedCreate,
    NeedUpdate,
    NoteCreate,
    ProgressUpdate,
    SafetyPlanIn,
    TaskCreate,
    TaskUpdate,
    task_public,
)
from nowrongdoor.care.web import _forms as f
from nowrongdoor.care.web._highlight import scan_note
from nowrongdoor.care.web._session import (
    Page,
    PageCtx,
    Read,
    needs,
    paged,
    text_query,
)
from nowrongdoor.care.web._work_pages import CONSENT_LABELS, SCOPE_LABELS

router = APIRouter()

CaseRead = Annotated[PageCtx, Depends(needs("case:read"))]
CaseWrite = Annotated[PageCtx, Depends(needs("case:write"))]
NoteWrite = Annotated[PageCtx, Depends(needs("note:write"))]
TaskWrite = Annotated[PageCtx, Depends(needs("task:write"))]

CLOSE_LABELS: dict[str, str] = {
    CloseReason.GOALS_MET: "Goals met",
    CloseReason.DECLINED_SERVICES: "Person declined services",
    CloseReason.LOST_CONTACT: "Lost contact",
    CloseReason.MOVED: "Moved away",
    CloseReason.TRANSFERRED: "Transferred",
    CloseReason.NOT_ELIGIBLE: "Not eligible",
    CloseReason.OTHER: "Other",
}
SAFETY_FIELDS: tuple[tuple[str, str, str], ...] = (
    (
        "warning_signs",
        "Warning signs",
        "One per line: what tells the person danger is near.",
    ),
    ("coping_strategies", "Coping strategies", "One per line."),
    ("safe_people", "Safe people", "One per line: who the person can call."),
    ("safe_places", "Safe places", "One per line: where the person can go."),
    ("emergency_steps", "Emergency steps", "One per line."),
    ("people_to_avoid", "People to avoid", "One per line."),
)


def load_case(ctx: PageCtx, case_id: int) -> Case:
    """A case in the viewer's scope (404/403 otherwise; denials are audited)."""
    crud.ensure_not_partner(ctx.user)
    return case_in_scope(ctx, case_id)


async def case_form(
    ctx: PageCtx, case_id: int, form_id: str, fields: Iterable[str]
) -> FormData:
    """The posted form of one of the case page's forms, armed so that a refusal
    answers the case page again (status 400) with the sentence beside the
    field at fault and what was typed kept (:meth:`PageCtx.on_form_error`).

    Args:
        ctx: The page context.
        case_id: The case whose page has the form.
        form_id: Which form (``need-form``, ``task-form``...).
        fields: The form's visible fields.

    Returns:
        The form.
    """

    def again(form_error: dict[str, Any]) -> HTMLResponse:
        detail = crud.case_detail(
            ctx.session, viewer=ctx.user, case=load_case(ctx, case_id)
        )
        context = case_context(ctx, detail)
        return ctx.render(
            "case.html", status_code=400, form_error=form_error, **context
        )

    return await ctx.posted_form(form_id, again, fields)


def _back(case_id: int, anchor: str) -> RedirectResponse:
    return RedirectResponse(f"/cases/{case_id}#{anchor}", status_code=303)


def _saved(
    ctx: PageCtx, case: Case, anchor: str, action: str, **event: Unpack[AuditFields]
) -> RedirectResponse:
    """Commit a change on ``case`` with its audit event (about the case's
    person), and go back to the case page at ``anchor``.

    Args:
        ctx: The page context.
        case: The case changed.
        anchor: The case page's section to go back to.
        action: The audit event's action (``task.create``).
        **event: The event's other fields (the record written, the detail);
            its person is the case's.
    """
    event["person_id"] = case.person_id
    answer = ctx.created(f"/cases/{case.id}#{anchor}")
    ctx.audit.commit(action, **event)
    return answer


@router.get("/cases/{case_id}", name="case_page")
def case_page(ctx: CaseRead, case_id: int) -> HTMLResponse:
    """The case: timeline, needs, goals and barriers, referrals, tasks, notes,
    safety plan and consent."""
    case = load_case(ctx, case_id)
    detail = crud.case_detail(ctx.session, viewer=ctx.user, case=case)
    return ctx.render(
        "case.html", read=Read("case.read", on=case), **case_context(ctx, detail)
    )


def case_context(ctx: PageCtx, detail: CaseDetail) -> dict[str, Any]:
    """Template values for the case page."""
    needs_by: dict[str, list[Any]] = defaultdict(list)
    for need in detail.needs:
        needs_by[need.category].append(need)
    notes = [(note, scan_note(note.text)) for note in detail.notes]
    suggested = sorted({t for _n, s in notes for t in s.term_ids})
    described = list(dict.fromkeys(t for _n, s in notes for t in s.indicator_titles))
    actor_ids = {e.actor_id for e in detail.events if e.actor_id}
    for r in detail.referrals:
        actor_ids |= {e.actor_id for e in r.events if e.actor_id}
    names = _names(ctx, actor_ids)
    timeline = case_timeline(detail, names)
    partners = crud.organization_choices(ctx.session, kind="partner")
    return {
        "case": detail,
        "person": detail.person,
        "needs_by": dict(
            sorted(needs_by.items(), key=lambda kv: f.NEED_LABELS.get(kv[0], kv[0]))
        ),
        "need_categories": list(NeedCategory),
        "need_statuses": list(NeedStatus),
        "notes": notes,
        "suggested_terms": suggested,
        "described_indicators": described,
        "timeline": timeline,
        "close_labels": CLOSE_LABELS,
        "safety_fields": SAFETY_FIELDS,
        "consent_labels": CONSENT_LABELS,
        "scope_labels": SCOPE_LABELS,
        "partners": partners,
        "can_write": can(ctx.user, "case:write"),
        "can_note": can(ctx.user, "note:write"),
        "can_task": can(ctx.user, "task:write"),
        "can_refer": can(ctx.user, "referral:write"),
        "can_consent": can(ctx.user, "consent:write"),
        "can_screen": can(ctx.user, "screening:write"),
        "can_override": can(ctx.user, "referral:override_consent"),
        "has_share_consent": any(
            c.active and c.consent_type == "share_with_partners"
            for c in detail.consents
        ),
        "minor": detail.person.age is not None and detail.person.age < 18,
    }


#: Case events whose detail is shown as it is stored, in words.
_EVENT_WORDS = {
    "active": "Marked active",
    "reopened": "Case reopened",
    "assigned": "Assigned",
    "safety_plan": "Safety plan saved",
    "screening": "Screening",
}


def _case_event_words(kind: str, detail: str | None) -> tuple[str, str]:
    """A case event in words: (what happened, the detail), never stored codes
    ("need homelessness" reads "Need added: Homelessness")."""
    detail = detail or ""
    if kind == "opened":
        pathway = detail.removeprefix("pathway ")
        return "Case opened", f"on the {f.PATHWAY_LABELS.get(pathway, pathway)} pathway"
    if kind == "pathway":
        old, _, new = detail.partition(" -> ")
        return "Pathway changed", (
            f"from {f.PATHWAY_LABELS.get(old, old)} to {f.PATHWAY_LABELS.get(new, new)}"
        )
    if kind == "need":
        return "Need added", f.NEED_LABELS.get(detail, detail.replace("_", " "))
    if kind == CaseStatus.CLOSED:
        return "Case closed", CLOSE_LABELS.get(detail, detail)
    return _EVENT_WORDS.get(kind, kind.replace("_", " ").capitalize()), detail


def case_timeline(
    detail: CaseDetail, names: dict[int, str]
) -> list[tuple[dt.datetime, str, str]]:
    """The case's events and every move of its referrals, newest first.

    Each referral's history begins with its draft, so the case's own
    "referral" event (the same moment) is left out; events of one moment keep
    the order they happened in, newest first.

    Args:
        detail: The case as :func:`nowrongdoor.care.crud.case_detail` read it.
        names: User id -> display name, for who made each referral move.

    Returns:
        (when, what, detail) rows.
    """
    rows: list[tuple[dt.datetime, int, str, str]] = []
    for e in detail.events:
        if e.kind == "referral" and detail.referrals:
            continue
        what, words = _case_event_words(e.kind, e.detail)
        rows.append((e.at, len(rows), what, words))
    for r in detail.referrals:
        for ev in r.events:
            move = f.REFERRAL_MOVE_LABELS.get(ev.to_status, ev.to_status)
            who = names.get(ev.actor_id or 0, "")
            rows.append(
                (
                    ev.at,
                    len(rows),
                    f"Referral to {r.to_organization_name}: {move}",
                    f"by {who}" if who else "",
                )
            )
    rows.sort(key=lambda row: (row[0], row[1]), reverse=True)
    return [(at, what, words) for at, _, what, words in rows]


def _names(ctx: PageCtx, user_ids: set[int]) -> dict[int, str]:
    return crud.display_names(ctx.session, user_ids)


@router.post("/cases/{case_id}/status")
async def case_status(ctx: CaseWrite, case_id: int) -> Response:
    """Activate, close (with a reason) or reopen the case."""
    form = await case_form(ctx, case_id, "status-form", ("reason",))
    case = load_case(ctx, case_id)
    status = f.choice(
        f.text(form, "status"), {s.value: s.value for s in CaseStatus}, "status"
    )
    reason = f.text(form, "reason")
    data = f.build(
        CaseTransition,
        status=CaseStatus(status),
        reason=CloseReason(reason) if reason in CLOSE_LABELS else None,
        note=f.text(form, "note"),
    )
    crud.transition_case(ctx.session, actor=ctx.user, case=case, data=data)
    ctx.audit.commit_on("case.status", case, detail=status)
    return _back(case.id, "top")


@router.post("/needs/{need_id}")
async def update_need(ctx: CaseWrite, need_id: int) -> Response:
    """Change a need's status."""
    return await _set_status(ctx, "need", need_id, NeedUpdate, "needs")


@router.post("/progress/{kind}/{item_id}")
async def update_progress(ctx: CaseWrite, kind: str, item_id: int) -> Response:
    """Change a goal's or barrier's status."""
    if kind not in {"goal", "barrier"}:
        raise BadRequest("kind must be goal or barrier", field="kind")
    return await _set_status(ctx, kind, item_id, ProgressUpdate, "plan")


async def _set_status(
    ctx: PageCtx, kind: str, item_id: int, schema: type[Any], anchor: str
) -> Response:
    """Set the status of a need, goal or barrier from the posted form."""
    form = await ctx.request.form()
    item, case = crud.get_child(
        ctx.session,
        viewer=ctx.user,
        model=crud.CASE_CHILD_MODELS[kind],
        item_id=item_id,
        label=kind,
    )
    status = f.choice(
        f.text(form, "status"), {s.value: s.value for s in NeedStatus}, "status"
    )
    data = schema(status=NeedStatus(status))
    update_on_case(
        ctx.audit,
        ctx.session,
        case=case,
        item=item,
        kind=kind,
        data=data,
        detail=status,
    )
    return _back(case.id, anchor)


@router.post("/notes/preview")
async def note_preview(ctx: NoteWrite) -> HTMLResponse:
    """The note being written, with recognised terms (htmx, nothing stored)."""
    form = await ctx.request.form()
    scanned = scan_note(f.text(form, "text") or "")
    return ctx.render(
        "_note_preview.html", scanned=scanned, case_id=f.integer(form, "case_id")
    )


@router.post("/cases/{case_id}/tasks")
async def add_task(ctx: TaskWrite, case_id: int) -> Response:
    """Add a task with a due date."""
    form = await case_form(ctx, case_id, "task-form", ("title", "due_on"))
    again = ctx.repeated(form)
    if again is not None:
        return again
    case = load_case(ctx, case_id)
    due = f.date_field(form, "due_on")
    data = f.build(
        TaskCreate,
        title=f.text(form, "title"),
        case_id=case.id,
        due_at=dt.datetime.combine(due, dt.time(17, 0), tzinfo=dt.UTC) if due else None,
    )
    task = crud.create_task(ctx.session, actor=ctx.user, data=data)
    return _saved(
        ctx, case, "tasks", "task.create", resource_type="task", resource_id=task.id
    )


#: Tasks the "my tasks" list shows a page.
TASKS_PAGE_SIZE = 50
TaskRead = Annotated[PageCtx, Depends(needs("task:read", "case:read"))]
TasksQuery = Annotated[dict[str, str], text_query(show=10)]


@router.get("/tasks", name="my_tasks")
def my_tasks(
    ctx: TaskRead, page: Annotated[Page, paged(TASKS_PAGE_SIZE)], query: TasksQuery
) -> HTMLResponse:
    """Every open task of mine, soonest due first (``show=overdue``: the
    overdue ones), each with its case and person, a page at a time."""
    overdue = query["show"] == "overdue"
    tasks, total = crud.list_tasks(
        ctx.session,
        viewer=ctx.user,
        status=TaskStatus.OPEN,
        owner_id=ctx.user.id,
        overdue=overdue,
        **page.window,
    )
    return ctx.render(
        "tasks.html",
        read=Read(
            "task.list",
            resource_type="task",
            detail=f"page {page.number}, {len(tasks)} of {total} rows"
            + (", overdue" if overdue else ""),
        ),
        tasks=[task_public(t) for t in tasks],
        task_people=crud.case_pseudonyms(ctx.session, {t.case_id for t in tasks}),
        overdue=overdue,
        can_task=can(ctx.user, "task:write"),
        **page.fields(total),
    )


@router.post("/tasks/{task_id}/done")
async def task_done(ctx: TaskWrite, task_id: int) -> Response:
    """Mark a task done; back to the case, or to the task list it was marked
    on (the form's ``back``: ``tasks`` or ``overdue``)."""
    form = await ctx.request.form()
    task = crud.get_task(ctx.session, viewer=ctx.user, task_id=task_id)
    crud.update_task(
        ctx.session, actor=ctx.user, task=task, data=TaskUpdate(status=TaskStatus.DONE)
    )
    ctx.audit.commit(
        "task.update", resource_type="task", resource_id=task.id, detail="done"
    )
    back = form.get("back")
    if back in ("tasks", "overdue"):
        query = "?show=overdue" if back == "overdue" else ""
        return RedirectResponse(f"/tasks{query}", status_code=303)
    if task.case_id is None:
        return RedirectResponse("/work", status_code=303)
    return _back(task.case_id, "tasks")


@router.post("/cases/{case_id}/safety-plan")
async def safety_plan(ctx: NoteWrite, case_id: int) -> Response:
    """Save the safety plan (each list one item per line)."""
    fields = [key for key, _l, _h in SAFETY_FIELDS]
    form = await case_form(ctx, case_id, "safety-form", [*fields, "code_word"])
    case = load_case(ctx, case_id)
    values: dict[str, Any] = {key: f.lines(form, key) for key in fields}
    data = f.build(SafetyPlanIn, code_word=f.text(form, "code_word"), **values)
    crud.set_safety_plan(ctx.session, actor=ctx.user, case=case, data=data)
    return _saved(
        ctx,
        case,
        "safety",
        "safety_plan.update",
        resource_type="case",
        resource_id=case.id,
    )


# --- adding needs, goals, barriers and notes: one route shell, a form each ------

#: A posted form as the new item's schema, and the case event's detail.
_Built = tuple[Any, str | None]
#: Reads one kind of item from its posted form.
_Form = Callable[[FormData], _Built]


def _need(form: FormData) -> _Built:
    category = f.choice(f.text(form, "category"), f.NEED_LABELS, "category")
    part2 = category == NeedCategory.SUBSTANCE_USE
    sensitivity = Sensitivity.PART2 if part2 else Sensitivity.NORMAL
    description = f.text(form, "description")
    data = f.build(NeedCreate, category=NeedCategory(category),
                   description=description, sensitivity=sensitivity)  # fmt: skip
    return data, category


def _goal(form: FormData) -> _Built:
    description = f.text(form, "description")
    target = f.date_field(form, "target_date")
    return f.build(GoalCreate, description=description, target_date=target), None


def _barrier(form: FormData) -> _Built:
    return f.build(BarrierCreate, description=f.text(form, "description")), None


def _note(form: FormData) -> _Built:
    part2 = form.get("part2") == "on"
    sensitivity = Sensitivity.PART2 if part2 else Sensitivity.NORMAL
    return f.build(NoteCreate, text=f.text(form, "text"), sensitivity=sensitivity), None


#: kind -> the visible fields of its form on the case page (``<kind>-form``).
_FIELDS: dict[str, tuple[str, ...]] = {
    "need": ("category", "description"),
    "goal": ("description", "target_date"),
    "barrier": ("description",),
    "note": ("text",),
}

#: path part -> (permission, kind, anchor on the case page, docstring, the form).
_ADDS: dict[str, tuple[str, str, str, str, _Form]] = {
    "needs": ("case:write", "need", "needs", "Add a need in an SDOH category.", _need),
    "goals": ("case:write", "goal", "plan", "Add a goal to the person's plan.", _goal),
    "barriers": ("case:write", "barrier", "plan", "Add a barrier to independence.",
                 _barrier),
    "notes": ("note:write", "note", "notes", "Add a note (encrypted at rest).", _note),
}  # fmt: skip


def _adder(permission: str, kind: str, anchor: str, build: _Form) -> Callable[..., Any]:
    """The page route that adds one kind of item to a case (in scope) from its
    form, with the case event and audit event, and goes back to the case."""
    allowed = Depends(needs(permission))

    async def add(case_id: int, ctx: PageCtx = allowed) -> Response:
        form = await case_form(ctx, case_id, f"{kind}-form", _FIELDS[kind])
        again = ctx.repeated(form)
        if again is not None:
            return again
        case = load_case(ctx, case_id)
        data, detail = build(form)
        answer = ctx.created(f"/cases/{case.id}#{anchor}")
        add_to_case(ctx.audit, ctx.session, actor=ctx.user, case=case, kind=kind,
                    data=data, detail=detail)  # fmt: skip
        return answer

    return add


for _part, (_permission, _kind, _anchor, _doc, _form) in _ADDS.items():
    _endpoint = _adder(_permission, _kind, _anchor, _form)
    _endpoint.__doc__ = _doc
    router.add_api_route(
        f"/cases/{{case_id}}/{_part}", _endpoint, methods=["POST"], name=f"add_{_kind}"
    )
