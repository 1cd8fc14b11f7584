"""Tasks with due dates."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from nowrongdoor.care import crud
from nowrongdoor.care.api.deps import IdPath, IdQuery, PageDep
from nowrongdoor.care.api.perms import TaskRead, TaskWrite
from nowrongdoor.care.api.records import in_scope, list_page
from nowrongdoor.care.enums import TaskStatus
from nowrongdoor.care.schemas import (
    PageOf,
    TaskCreate,
    TaskPublic,
    TaskUpdate,
    task_public,
)

__all__ = ["router"]

router = APIRouter(prefix="/tasks", tags=["tasks"])


@router.get("", response_model=PageOf[TaskPublic])
def list_tasks(
    ctx: TaskRead,
    page: PageDep,
    status: Annotated[TaskStatus | None, Query()] = None,
    owner_id: IdQuery = None,
    case_id: IdQuery = None,
    overdue: bool = False,
    mine: bool = False,
) -> PageOf[TaskPublic]:
    """Tasks in your scope, soonest due first (``mine=true``: yours only)."""
    return list_page(
        ctx,
        page,
        "task",
        TaskPublic,
        crud.list_tasks,
        task_public,
        status=status,
        owner_id=ctx.user.id if mine else owner_id,
        case_id=case_id,
        overdue=overdue,
    )


@router.post("", response_model=TaskPublic, status_code=201)
def create_task(body: TaskCreate, ctx: TaskWrite) -> TaskPublic:
    """Create a task."""
    if body.case_id is not None:
        ctx.audit.target("case", body.case_id)
    task = crud.create_task(ctx.session, actor=ctx.user, data=body)
    ctx.audit.commit("task.create", resource_type="task", resource_id=task.id)
    return task_public(task)


@router.get("/{task_id}", response_model=TaskPublic)
def read_task(task_id: IdPath, ctx: TaskRead) -> TaskPublic:
    """One task."""
    task = in_scope(ctx, "task", task_id, crud.get_task)
    ctx.audit.commit("task.read", resource_type="task", resource_id=task.id)
    return task_public(task)


@router.patch("/{task_id}", response_model=TaskPublic)
def update_task(task_id: IdPath, body: TaskUpdate, ctx: TaskWrite) -> TaskPublic:
    """Change a task (done/cancelled, due date, title, owner)."""
    task = in_scope(ctx, "task", task_id, crud.get_task)
    crud.update_task(ctx.session, actor=ctx.user, task=task, data=body)
    ctx.audit.commit("task.update", resource_type="task", resource_id=task.id)
    return task_public(task)
