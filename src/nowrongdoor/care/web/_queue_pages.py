"""The triage work queue: take from the team pool, assign in bulk (private).

One prioritised, paged table per role: a care manager sees their items and
their team's owner-less pool, a supervisor everyone's (with bulk assignment).
Taking and assigning are compare-and-set updates in
:func:`nowrongdoor.care.crud.take_intake`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from nowrongdoor.care import crud
from nowrongdoor.care.api.records import in_scope
from nowrongdoor.care.audit import AuditEntry
from nowrongdoor.care.enums import Door, Role
from nowrongdoor.care.errors import BadRequest
from nowrongdoor.care.models import User
from nowrongdoor.care.rbac import can
from nowrongdoor.care.web import _forms as f
from nowrongdoor.care.web._session import Page, PageCtx, Read, needs, paged, text_query

__all__ = ["router"]

router = APIRouter()

QueueDep = Annotated[PageCtx, Depends(needs("intake:read", "intake:write"))]
AssignDep = Annotated[PageCtx, Depends(needs("intake:write", "case:assign"))]
LeadsDep = Annotated[PageCtx, Depends(needs("lead:review"))]
#: The leads list's sort.
LeadsQuery = Annotated[dict[str, str], text_query(sort=20)]
#: The queue's filters and sort, and the counts an assignment left behind.
QueueQuery = Annotated[
    dict[str, str],
    text_query(whose=20, door=40, tier=32, band=10, sort=20, assigned=6, missed=6),
]

PAGE_SIZE = 25
WHOSE_LABELS = {
    "mine_pool": "Mine and my team's pool",
    "mine": "Mine",
    "pool": "Unassigned (pool)",
    "all": "Everyone's I can see",
}
SORT_LABELS = {
    "priority": "Priority (risk, minors, longest waiting)",
    "oldest": "Longest waiting",
    "newest": "Newest",
    "score": "Highest score",
}
#: The tier filter's choices, in triage order.
TIERS = tuple(crud.TIER_RANK)


def _filters(ctx: PageCtx, query: Mapping[str, str]) -> crud.QueueFilters:
    """The queue's filters from the query (an unknown value: the default)."""

    def pick(name: str, known: Any, default: str) -> str:
        value = query.get(name, "")
        return value if value in known else default

    mine = "mine_pool" if ctx.user.role == Role.CARE_MANAGER else "all"
    return crud.QueueFilters(
        whose=pick("whose", crud.QUEUE_WHOSE, mine),
        door=pick("door", f.DOOR_LABELS, ""),
        tier=pick("tier", TIERS, ""),
        band=pick("band", crud.AGE_BANDS, ""),
        sort=pick("sort", crud.QUEUE_SORTS, "priority"),
    )


def _staff(ctx: PageCtx) -> list[User]:
    return crud.assignable_staff(ctx.session, viewer=ctx.user)


def queue_response(
    ctx: PageCtx,
    filters: crud.QueueFilters,
    page: Page | None = None,
    *,
    notice: str = "",
    status_code: int = 200,
    leads_only: bool = False,
) -> HTMLResponse:
    """Render one page of the queue (the first without ``page``: also after a
    take that lost the race)."""
    shown = page or Page(1, PAGE_SIZE)
    rows, total = crud.work_queue(
        ctx.session,
        viewer=ctx.user,
        filters=filters,
        **shown.window,
    )
    query = {
        "whose": filters.whose,
        "door": filters.door,
        "tier": filters.tier,
        "band": filters.band,
        "sort": filters.sort,
    }
    return ctx.render(
        "queue.html",
        status_code=status_code,
        read=Read(
            "queue.read", detail=f"page {shown.number}, {len(rows)} of {total} rows"
        ),
        leads_only=leads_only,
        rows=rows,
        **shown.fields(total),
        filters=filters,
        query=urlencode(query),
        whose_labels=WHOSE_LABELS,
        sort_labels=SORT_LABELS,
        tiers=TIERS,
        bands=list(crud.AGE_BANDS),
        doors=f.DOOR_LABELS,
        can_assign=can(ctx.user, "case:assign") and not leads_only,
        can_take=can(ctx.user, "intake:write"),
        staff=_staff(ctx) if can(ctx.user, "case:assign") else [],
        notice=notice,
        notice_kind="warn" if status_code >= 400 else "ok",
    )


@router.get("/queue", name="work_queue")
def queue_page(
    ctx: QueueDep, page: Annotated[Page, paged(PAGE_SIZE)], query: QueueQuery
) -> HTMLResponse:
    """The work queue: what is due, for whom, since when; filters and sort."""
    notice = ""
    assigned, missed = query["assigned"], query["missed"]
    if assigned.isdigit():
        notice = f"{assigned} item(s) assigned."
        if missed.isdigit() and int(missed):
            notice += f" {missed} had been taken by someone else meanwhile."
    return queue_response(ctx, _filters(ctx, query), page, notice=notice)


@router.get("/leads", name="leads")
def leads_page(
    ctx: LeadsDep,
    page: Annotated[Page, paged(PAGE_SIZE)],
    query: LeadsQuery,
) -> HTMLResponse:
    """Ad-match leads to review, in the viewer's record scope (analysts too)."""
    sort = query["sort"]
    filters = crud.QueueFilters(
        whose="all",
        door=Door.AD_MATCH,
        sort=sort if sort in crud.QUEUE_SORTS else "newest",
    )
    return queue_response(ctx, filters, page, leads_only=True)


@router.post("/queue/{intake_id}/take")
async def take(ctx: QueueDep, intake_id: int) -> Response:
    """Take an owner-less item from the pool (one of two takers wins)."""
    crud.ensure_not_partner(ctx.user)
    intake = in_scope(ctx, "intake", intake_id, crud.get_intake)
    holder = crud.take_intake(ctx.session, actor=ctx.user, intake=intake)
    ctx.audit.commit(
        "intake.take",
        resource_type="intake",
        resource_id=intake_id,
        person_id=intake.person_id,
        outcome="success" if holder is None else "denied",
        detail=None if holder is None else "already taken",
    )
    if holder is None:
        return RedirectResponse(f"/intakes/{intake_id}", status_code=303)
    return queue_response(
        ctx,
        _filters(ctx, {}),
        notice=f"Item {intake_id} was taken by {holder} a moment ago.",
        status_code=409,
    )


@router.post("/queue/assign")
async def assign(ctx: AssignDep) -> Response:
    """A supervisor assigns the ticked pool items to one staff member."""
    form = await ctx.posted_form(
        "assign-form",
        lambda error: queue_response(
            ctx,
            _filters(ctx, {}),
            notice=error["message"],
            status_code=400,
        ),
    )
    ids: list[int] = []
    for raw in form.getlist("intake_id"):
        if not isinstance(raw, str) or not raw.isdigit():
            raise BadRequest("Tick items from the list.", field="intake_id")
        ids.append(int(raw))
    owner_id = f.integer(form, "owner_id")
    if owner_id is None:
        raise BadRequest("Choose who gets the ticked items.", field="owner_id")
    done, lost = crud.assign_intakes(
        ctx.session, actor=ctx.user, intake_ids=ids, owner_id=owner_id
    )
    ctx.audit.commit_all(
        AuditEntry(
            "intake.assign",
            resource_type="intake",
            resource_id=str(intake_id),
            detail=f"to user {owner_id}",
        )
        for intake_id in done
    )
    query: dict[str, Any] = {"assigned": len(done), "missed": len(lost)}
    return RedirectResponse(f"/queue?{urlencode(query)}", status_code=303)
