"""Cases and their plan: needs, goals, barriers, notes, safety plan."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Response

from nowrongdoor.care import crud
from nowrongdoor.care.api.case_children import (
    add_to_case,
    list_children,
    update_on_case,
)
from nowrongdoor.care.api.deps import IdPath, IdQuery, PageDep
from nowrongdoor.care.api.perms import CaseRead, CaseWrite, NoteRead, NoteWrite
from nowrongdoor.care.api.records import answer_json, case_in_scope
from nowrongdoor.care.enums import CaseStatus, Pathway
from nowrongdoor.care.models import Note
from nowrongdoor.care.schemas import (
    BarrierCreate,
    BarrierPublic,
    CaseCreate,
    CaseDetail,
    CasePublic,
    CaseTransition,
    CaseUpdate,
    GoalCreate,
    GoalPublic,
    NeedCreate,
    NeedPublic,
    NeedUpdate,
    NoteCreate,
    NotePublic,
    PageOf,
    ProgressUpdate,
    SafetyPlanIn,
    SafetyPlanPublic,
    case_public,
)
from nowrongdoor.care.schemas._common import MAX_ID

__all__ = ["router"]

router = APIRouter(prefix="/cases", tags=["cases"])
_CasePage = PageOf[CasePublic]


@router.get("", response_model=PageOf[CasePublic])
def list_cases(
    ctx: CaseRead,
    page: PageDep,
    status: Annotated[CaseStatus | None, Query()] = None,
    pathway: Annotated[Pathway | None, Query()] = None,
    owner_id: IdQuery = None,
    person_id: IdQuery = None,
) -> Response:
    """Cases in your scope, newest first."""
    rows, total = crud.list_cases(
        ctx.session,
        viewer=ctx.user,
        status=status,
        pathway=pathway,
        owner_id=owner_id,
        person_id=person_id,
        limit=page.limit,
        offset=page.offset,
    )
    ctx.audit.commit("case.list", resource_type="case", detail=f"{len(rows)} rows")
    body = _CasePage.model_construct(
        items=rows, total=total, limit=page.limit, offset=page.offset
    )
    return answer_json(body)


@router.post("", response_model=CasePublic, status_code=201)
def create_case(body: CaseCreate, ctx: CaseWrite) -> CasePublic:
    """Open a case on the Prevent or Survive/Thrive pathway."""
    ctx.audit.target("person", body.person_id)
    case = crud.create_case(ctx.session, actor=ctx.user, data=body)
    ctx.audit.commit_on("case.create", case)
    return case_public(case)


@router.get("/{case_id}", response_model=CaseDetail)
def read_case(case_id: IdPath, ctx: CaseRead) -> Response:
    """The case with everything on its page (filtered for your role and consent)."""
    case = case_in_scope(ctx, case_id, with_person=True)
    detail = crud.case_detail(ctx.session, viewer=ctx.user, case=case)
    ctx.audit.commit_on("case.read", case)
    return answer_json(detail)


@router.patch("/{case_id}", response_model=CasePublic)
def update_case(case_id: IdPath, body: CaseUpdate, ctx: CaseWrite) -> CasePublic:
    """Change the pathway or the owner (re-assigning needs ``case:assign``)."""
    case = case_in_scope(ctx, case_id)
    crud.update_case(ctx.session, actor=ctx.user, case=case, data=body)
    ctx.audit.commit_on("case.update", case)
    return case_public(case)


@router.post("/{case_id}/status", response_model=CasePublic)
def transition_case(
    case_id: IdPath, body: CaseTransition, ctx: CaseWrite
) -> CasePublic:
    """Move the case: open -> active -> closed (with reason), or reopen."""
    case = case_in_scope(ctx, case_id)
    before = case.status
    crud.transition_case(ctx.session, actor=ctx.user, case=case, data=body)
    ctx.audit.commit_on("case.status", case, detail=f"{before}->{case.status}")
    return case_public(case)


def _add_route(
    kind: str, path: str, *, body: type[Any], public: type[Any], user: Any, doc: str
) -> None:
    """``POST /cases/{case_id}/<path>``: add a ``kind`` record to the case."""

    def add(case_id: IdPath, body: Any, ctx: Any) -> Any:
        case = case_in_scope(ctx, case_id)  # scope check
        item = add_to_case(
            ctx.audit, ctx.session, actor=ctx.user, case=case, kind=kind, data=body
        )
        return public.model_validate(item)

    add.__annotations__.update({"body": body, "ctx": user, "return": public})
    add.__name__ = add.__qualname__ = f"add_{kind}"
    add.__doc__ = doc
    router.post(f"/{{case_id}}/{path}", response_model=public, status_code=201)(add)


def _update_route(
    kind: str, path: str, *, body: type[Any], public: type[Any], doc: str
) -> None:
    """``PATCH /cases/{case_id}/<path>/{<kind>_id}``: change a ``kind`` record."""

    def update(case_id: IdPath, item_id: Any, body: Any, ctx: CaseWrite) -> Any:
        ctx.audit.target(kind, item_id)
        item, case = crud.get_child(  # the case's scope check
            ctx.session,
            viewer=ctx.user,
            model=crud.CASE_CHILD_MODELS[kind],
            item_id=item_id,
            label=kind,
            case_id=case_id,
        )
        update_on_case(
            ctx.audit, ctx.session, case=case, item=item, kind=kind, data=body
        )
        return public.model_validate(item)

    update.__annotations__["item_id"] = Annotated[
        int, Path(ge=1, le=MAX_ID, alias=f"{kind}_id")
    ]
    update.__annotations__["body"] = body
    update.__annotations__["return"] = public
    update.__name__ = update.__qualname__ = f"update_{kind}"
    update.__doc__ = doc
    router.patch(f"/{{case_id}}/{path}/{{{kind}_id}}", response_model=public)(update)


#: The plan's records: kind, path, create and update bodies, public schema, and
#: the routes' descriptions (add, change), registered in this order.
_PLAN_ROUTES: tuple[tuple[str, str, Any, Any, Any, str, str], ...] = (
    ("need", "needs", NeedCreate, NeedUpdate, NeedPublic,
     "Add a need (SDOH domain or human trafficking).",
     "Change a need's status or description."),
    ("goal", "goals", GoalCreate, ProgressUpdate, GoalPublic,
     "Add a goal.", "Change a goal's status or text."),
    ("barrier", "barriers", BarrierCreate, ProgressUpdate, BarrierPublic,
     "Add a barrier to independence.", "Change a barrier's status or text."),
)  # fmt: skip
for _kind, _path, _create, _update, _public, _add_doc, _update_doc in _PLAN_ROUTES:
    _add_route(_kind, _path, body=_create, public=_public, user=CaseWrite, doc=_add_doc)
    _update_route(_kind, _path, body=_update, public=_public, doc=_update_doc)


@router.get("/{case_id}/notes", response_model=list[NotePublic])
def list_notes(case_id: IdPath, ctx: NoteRead) -> list[NotePublic]:
    """The case's notes (Part 2 notes only under consent)."""
    case = case_in_scope(ctx, case_id)  # scope
    notes = list_children(
        ctx.audit,
        ctx.session,
        holder=case,
        kind="note",
        model=Note,
        part2_ok=crud.part2_visible(ctx.session, viewer=ctx.user, person=case.person),
    )
    return [NotePublic.model_validate(n) for n in notes]


_add_route(
    "note",
    "notes",
    body=NoteCreate,
    public=NotePublic,
    user=NoteWrite,
    doc="Add a note (encrypted at rest).",
)


@router.put("/{case_id}/safety-plan", response_model=SafetyPlanPublic)
def put_safety_plan(
    case_id: IdPath, body: SafetyPlanIn, ctx: NoteWrite
) -> SafetyPlanPublic:
    """Create or replace the safety plan."""
    case = case_in_scope(ctx, case_id)
    plan = crud.set_safety_plan(ctx.session, actor=ctx.user, case=case, data=body)
    ctx.audit.commit(
        "safety_plan.update",
        resource_type="safety_plan",
        resource_id=plan.id,
        person_id=case.person_id,
    )
    return SafetyPlanPublic(**plan.plan, case_id=case.id, updated_at=plan.updated_at)
