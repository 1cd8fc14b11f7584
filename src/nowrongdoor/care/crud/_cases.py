"""Cases, needs, goals, barriers, notes, safety plans and tasks (private)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypedDict, Unpack

from sqlalchemy import ColumnElement, Select, bindparam, func, select
from sqlalchemy.orm import Session, joinedload

from nowrongdoor.care.crud._common import get_or_404, inserted, paginate
from nowrongdoor.care.crud._persons import get_person
from nowrongdoor.care.crud._users import check_assignable
from nowrongdoor.care.enums import CaseStatus, TaskStatus
from nowrongdoor.care.errors import BadRequest, Conflict, NotFound
from nowrongdoor.care.models import (
    Barrier,
    Case,
    CaseEvent,
    Goal,
    Need,
    Note,
    Person,
    SafetyPlan,
    Screening,
    Task,
    User,
    utcnow,
)
from nowrongdoor.care.rbac import can, check_record_scope, require, scope_clause
from nowrongdoor.care.schemas import (
    BarrierCreate,
    CaseCreate,
    CasePublic,
    CaseTransition,
    CaseUpdate,
    GoalCreate,
    NeedCreate,
    NeedUpdate,
    NoteCreate,
    ProgressUpdate,
    SafetyPlanIn,
    TaskCreate,
    TaskUpdate,
)

__all__ = [
    "CASE_CHILD_MODELS",
    "CASE_MOVES",
    "add_barrier",
    "add_case_child",
    "add_case_event",
    "add_goal",
    "add_need",
    "add_note",
    "attach_screening",
    "case_children",
    "case_list_query",
    "case_pseudonyms",
    "create_case",
    "create_task",
    "get_case",
    "get_child",
    "get_task",
    "list_cases",
    "list_tasks",
    "set_safety_plan",
    "transition_case",
    "update_case",
    "update_case_child",
    "update_task",
]

#: Allowed case moves: (from, to).
CASE_MOVES: frozenset[tuple[str, str]] = frozenset(
    {
        (CaseStatus.OPEN, CaseStatus.ACTIVE),
        (CaseStatus.OPEN, CaseStatus.CLOSED),
        (CaseStatus.ACTIVE, CaseStatus.CLOSED),
        (CaseStatus.CLOSED, CaseStatus.OPEN),
    }
)


def add_case_event(
    session: Session, *, case: Case, kind: str, actor: User | None, detail: str | None
) -> CaseEvent:
    """Append a timeline entry to ``case``."""
    event = CaseEvent(
        case_id=case.id,
        kind=kind,
        detail=detail,
        actor_id=actor.id if actor else None,
    )
    session.add(event)
    return event


def attach_screening(
    session: Session, *, actor: User, case: Case, screening_id: int
) -> Screening | None:
    """Put a screening of the case's person, not yet on a case, on ``case``
    (with a timeline entry); any other screening id is ignored."""
    row = session.get(Screening, screening_id)
    if row is None or row.person_id != case.person_id or row.case_id is not None:
        return None
    row.case_id = case.id
    add_case_event(
        session,
        case=case,
        kind="screening",
        actor=actor,
        detail=f"{row.instrument_id}: " + ("positive" if row.positive else "negative"),
    )
    return row


def create_case(session: Session, *, actor: User, data: CaseCreate) -> Case:
    """Open a case for a person the actor may see."""
    person = get_person(session, viewer=actor, person_id=data.person_id)
    owner_id = data.owner_id if data.owner_id is not None else actor.id
    if data.owner_id is not None and data.owner_id != actor.id:
        require(actor, "case:assign")
        check_assignable(
            session, owner_id=data.owner_id, organization_id=person.organization_id
        )
    case = Case(
        person_id=person.id,
        organization_id=person.organization_id,
        owner_id=owner_id,
        pathway=str(data.pathway),
        status=CaseStatus.OPEN,
    )
    session.add(case)
    session.flush()
    add_case_event(
        session, case=case, kind="opened", actor=actor, detail=f"pathway {case.pathway}"
    )
    session.flush()
    return case


#: A case with its person (one joined statement), built once: building the
#: loader options per request cost more CPU than reading the row.
_CASE_WITH_PERSON = (
    select(Case)
    .options(joinedload(Case.person, innerjoin=True))
    .where(Case.id == bindparam("case_id"))
)


def get_case(
    session: Session, *, viewer: User, case_id: int, with_person: bool = False
) -> Case:
    """A case in the viewer's scope (404 unknown, 403 out of scope).

    ``with_person`` loads the person in the same query (for the case page).
    """
    if with_person:
        case = session.execute(
            _CASE_WITH_PERSON, {"case_id": case_id}
        ).scalar_one_or_none()
        if case is None:
            raise NotFound(f"no case with id {case_id}", field="case_id")
    else:
        case = get_or_404(session, Case, case_id, "case")
    check_record_scope(session, viewer, case.organization_id, case.owner_id)
    return case


class CaseFilters(TypedDict, total=False):
    """The filters of a case list (each optional; ``None`` is no filter)."""

    status: str | None
    pathway: str | None
    owner_id: int | None
    person_id: int | None


_FILTER_COLUMNS = {
    "status": Case.status,
    "pathway": Case.pathway,
    "owner_id": Case.owner_id,
    "person_id": Case.person_id,
}


def _case_filters(viewer: User, filters: CaseFilters) -> list[ColumnElement[bool]]:
    """The scope clause and the filters of a case list."""
    where = [scope_clause(viewer, Case.organization_id, Case.owner_id)]
    for name, column in _FILTER_COLUMNS.items():
        value = filters.get(name)
        # an empty status or pathway is no filter; an id of 0 is one
        if value is not None and (value != "" or name.endswith("_id")):
            where.append(column == value)
    return where


def case_list_query(viewer: User, **filters: Unpack[CaseFilters]) -> Select[Any]:
    """The scoped, filtered case query (newest first): the source of
    :func:`list_cases`."""
    return (
        select(Case)
        .where(*_case_filters(viewer, filters))
        .order_by(Case.opened_at.desc(), Case.id.desc())
    )


_ROW_COLUMNS = (
    Case.id,
    Case.person_id,
    Person.pseudonym,
    Case.organization_id,
    Case.owner_id,
    Case.pathway,
    Case.status,
    Case.close_reason,
    Case.opened_at,
    Case.activated_at,
    Case.closed_at,
    Case.reopened_count,
)
_ROW_NAMES = tuple(c.key for c in _ROW_COLUMNS)


def list_cases(
    session: Session,
    *,
    viewer: User,
    limit: int = 50,
    offset: int = 0,
    **filters: Unpack[CaseFilters],
) -> tuple[list[CasePublic], int]:
    """Cases in the viewer's scope, filtered by :class:`CaseFilters`, newest
    first, as list rows read in one joined column query.

    A case list needs no ORM objects: reading the row columns and the
    pseudonym directly skips identity-map bookkeeping and the second (pseudonym)
    query. The total count is an uncorrelated scalar subquery of the same
    statement (computed once by the database), so a page costs one round trip;
    only a page past the end reads the count on its own. Scope and filters are
    those of :func:`case_list_query`.
    """
    query = case_list_query(viewer, **filters)
    count = (
        query.with_only_columns(func.count(), maintain_column_froms=True)
        .order_by(None)
        .scalar_subquery()
    )
    stmt = (
        query.with_only_columns(count.label("total"), *_ROW_COLUMNS)
        .join_from(Case, Person, Case.person_id == Person.id)
        .limit(limit)
        .offset(offset)
    )
    found = session.execute(stmt).all()
    if found:
        total = found[0][0]
    else:  # a page past the end: the count alone
        total = session.scalar(select(count))
    rows = [
        CasePublic.model_construct(**dict(zip(_ROW_NAMES, row[1:], strict=True)))
        for row in found
    ]
    return rows, int(total or 0)


def update_case(session: Session, *, actor: User, case: Case, data: CaseUpdate) -> Case:
    """Change a case's pathway or owner (re-assignment needs ``case:assign``)."""
    if data.pathway is not None and data.pathway != case.pathway:
        add_case_event(
            session,
            case=case,
            kind="pathway",
            actor=actor,
            detail=f"{case.pathway} -> {data.pathway}",
        )
        case.pathway = str(data.pathway)
    if data.owner_id is not None and data.owner_id != case.owner_id:
        require(actor, "case:assign")
        check_assignable(
            session, owner_id=data.owner_id, organization_id=case.organization_id
        )
        case.owner_id = data.owner_id
        add_case_event(session, case=case, kind="assigned", actor=actor, detail=None)
    session.flush()
    return case


def transition_case(
    session: Session, *, actor: User, case: Case, data: CaseTransition
) -> Case:
    """Move a case along open -> active -> closed, or reopen it.

    Raises:
        Conflict: the move is not allowed from the current status.
        BadRequest: closing without a reason.
    """
    move = (case.status, str(data.status))
    if move not in CASE_MOVES:
        raise Conflict(
            f"a case cannot go from {case.status} to {data.status}", field="status"
        )
    now = utcnow()
    if data.status == CaseStatus.CLOSED:
        if data.reason is None:
            raise BadRequest("closing a case needs a reason", field="reason")
        case.close_reason = str(data.reason)
        case.close_note = data.note
        case.closed_at = now
    elif data.status == CaseStatus.ACTIVE:
        case.activated_at = now
    elif case.status == CaseStatus.CLOSED:
        case.reopened_count += 1
        case.close_reason = None
        case.closed_at = None
    kind = "reopened" if case.status == CaseStatus.CLOSED else str(data.status)
    add_case_event(
        session,
        case=case,
        kind=kind,
        actor=actor,
        detail=str(data.reason) if data.reason else data.note,
    )
    case.status = str(data.status)
    session.flush()
    return case


# --- needs, goals, barriers, notes, safety plan ------------------------------


def add_need(session: Session, *, actor: User, case: Case, data: NeedCreate) -> Need:
    """Add a need to ``case``."""
    need = Need(
        case_id=case.id,
        category=str(data.category),
        description=data.description,
        sensitivity=str(data.sensitivity),
        created_by_id=actor.id,
    )
    session.add(need)
    session.flush()
    add_case_event(session, case=case, kind="need", actor=actor, detail=need.category)
    return need


def add_goal(session: Session, *, case: Case, data: GoalCreate) -> Goal:
    """Add a goal to ``case``."""
    if data.need_id is not None:
        need = get_or_404(session, Need, data.need_id, "need")
        if need.case_id != case.id:
            raise BadRequest("the need belongs to another case", field="need_id")
    goal = Goal(
        case_id=case.id,
        need_id=data.need_id,
        description=data.description,
        target_date=data.target_date,
    )
    return inserted(session, goal)


def add_barrier(session: Session, *, case: Case, data: BarrierCreate) -> Barrier:
    """Add a barrier to ``case``."""
    barrier = Barrier(case_id=case.id, description=data.description)
    return inserted(session, barrier)


def add_note(session: Session, *, actor: User, case: Case, data: NoteCreate) -> Note:
    """Add an (encrypted) note to ``case``."""
    note = Note(
        case_id=case.id,
        author_id=actor.id,
        text=data.text,
        sensitivity=str(data.sensitivity),
    )
    return inserted(session, note)


def set_safety_plan(
    session: Session, *, actor: User, case: Case, data: SafetyPlanIn
) -> SafetyPlan:
    """Create or replace the case's safety plan."""
    plan = session.scalar(select(SafetyPlan).where(SafetyPlan.case_id == case.id))
    if plan is None:
        plan = SafetyPlan(case_id=case.id, plan=data.model_dump())
        session.add(plan)
    else:
        plan.plan = data.model_dump()
    plan.updated_by_id = actor.id
    plan.updated_at = utcnow()
    session.flush()
    add_case_event(session, case=case, kind="safety_plan", actor=actor, detail=None)
    return plan


def add_case_child(
    session: Session, *, actor: User, case: Case, kind: str, data: Any
) -> Need | Goal | Barrier | Note:
    """Add a need, goal, barrier or note (``kind``) to ``case``.

    The caller has loaded ``case`` in the actor's scope (:func:`get_case`).

    Raises:
        ValueError: ``kind`` is not one of :data:`CASE_CHILD_MODELS`.
    """
    if kind == "need":
        return add_need(session, actor=actor, case=case, data=data)
    if kind == "goal":
        return add_goal(session, case=case, data=data)
    if kind == "barrier":
        return add_barrier(session, case=case, data=data)
    if kind == "note":
        return add_note(session, actor=actor, case=case, data=data)
    raise ValueError(f"a case has no children of kind {kind!r}")


def update_case_child(
    session: Session,
    *,
    item: Need | Goal | Barrier,
    data: NeedUpdate | ProgressUpdate,
) -> Need | Goal | Barrier:
    """Change a need's, goal's or barrier's status or text (each when given).

    The caller has loaded ``item`` with its case in scope (:func:`get_child`).
    """
    if data.status is not None:
        item.status = str(data.status)
    if data.description is not None:
        item.description = data.description
    session.flush()
    return item


#: The records a case holds that :func:`add_case_child` and :func:`get_child` handle.
CASE_CHILD_MODELS: dict[str, type[Any]] = {
    "need": Need,
    "goal": Goal,
    "barrier": Barrier,
    "note": Note,
}


def case_children(session: Session, model: type[Any], case_id: int) -> list[Any]:
    """Rows of ``model`` attached to a case, oldest first."""
    return list(
        session.scalars(
            select(model).where(model.case_id == case_id).order_by(model.id)
        ).all()
    )


def get_child(
    session: Session,
    *,
    viewer: User,
    model: type[Any],
    item_id: int,
    label: str,
    case_id: int | None = None,
) -> tuple[Any, Case]:
    """A need/goal/barrier/note and its case, checking the case's scope.

    With ``case_id``, an item that belongs to another case is not found (the
    error names the ``<label>_id`` field).
    """
    item = get_or_404(session, model, item_id, label)
    if case_id is not None and item.case_id != case_id:
        raise NotFound(f"no {label} {item_id} on case {case_id}", field=f"{label}_id")
    case = get_case(session, viewer=viewer, case_id=item.case_id)
    return item, case


# --- tasks ---------------------------------------------------------------------


def create_task(session: Session, *, actor: User, data: TaskCreate) -> Task:
    """Create a task (on a case the actor may see, or free-standing)."""
    org_id = actor.organization_id
    if data.case_id is not None:
        case = get_case(session, viewer=actor, case_id=data.case_id)
        org_id = case.organization_id
    owner_id = data.owner_id if data.owner_id is not None else actor.id
    if owner_id != actor.id:
        check_assignable(session, owner_id=owner_id, organization_id=org_id)
    task = Task(
        case_id=data.case_id,
        organization_id=org_id,
        owner_id=owner_id,
        title=data.title,
        due_at=data.due_at,
        created_by_id=actor.id,
    )
    return inserted(session, task)


def get_task(session: Session, *, viewer: User, task_id: int) -> Task:
    """A task in the viewer's scope."""
    task = get_or_404(session, Task, task_id, "task")
    check_record_scope(session, viewer, task.organization_id, task.owner_id)
    return task


def list_tasks(
    session: Session,
    *,
    viewer: User,
    status: str | None = None,
    owner_id: int | None = None,
    case_id: int | None = None,
    overdue: bool = False,
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[Task], int]:
    """Tasks in scope, soonest due first."""
    stmt = (
        select(Task)
        .where(scope_clause(viewer, Task.organization_id, Task.owner_id))
        .order_by(Task.due_at.is_(None), Task.due_at, Task.id)
    )
    if status:
        stmt = stmt.where(Task.status == status)
    if owner_id is not None:
        stmt = stmt.where(Task.owner_id == owner_id)
    if case_id is not None:
        stmt = stmt.where(Task.case_id == case_id)
    if overdue:
        stmt = stmt.where(Task.status == TaskStatus.OPEN, Task.due_at < utcnow())
    return paginate(session, stmt, limit=limit, offset=offset)


def case_pseudonyms(session: Session, case_ids: Iterable[int | None]) -> dict[int, str]:
    """Case id -> the pseudonym of the case's person, for ``case_ids`` (``None``
    skipped; the caller checked scope), so a list of tasks can say whose each is."""
    wanted = {i for i in case_ids if i}
    if not wanted:
        return {}
    rows = session.execute(
        select(Case.id, Person.pseudonym)
        .join(Person, Person.id == Case.person_id)
        .where(Case.id.in_(wanted))
    ).all()
    return {case_id: pseudonym for case_id, pseudonym in rows}


def update_task(session: Session, *, actor: User, task: Task, data: TaskUpdate) -> Task:
    """Change a task; marking it done records when."""
    if data.title is not None:
        task.title = data.title
    if "due_at" in data.model_fields_set:
        task.due_at = data.due_at
    if data.owner_id is not None and data.owner_id != task.owner_id:
        if data.owner_id != actor.id and not can(actor, "case:assign"):
            require(actor, "case:assign")
        check_assignable(
            session, owner_id=data.owner_id, organization_id=task.organization_id
        )
        task.owner_id = data.owner_id
    if data.status is not None and data.status != task.status:
        task.status = str(data.status)
        task.completed_at = utcnow() if data.status == TaskStatus.DONE else None
    session.flush()
    return task
