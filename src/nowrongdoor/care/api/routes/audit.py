"""The audit log (admins)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from nowrongdoor.care import crud
from nowrongdoor.care.api.deps import IdQuery, PageDep
from nowrongdoor.care.api.perms import AuditRead
from nowrongdoor.care.api.records import list_page
from nowrongdoor.care.audit import verify_chain
from nowrongdoor.care.schemas import (
    AuditEventPublic,
    ChainProblem,
    ChainReportPublic,
    PageOf,
)

__all__ = ["router"]

router = APIRouter(prefix="/audit", tags=["audit"])


@router.get("", response_model=PageOf[AuditEventPublic])
def list_events(
    ctx: AuditRead,
    page: PageDep,
    user_id: IdQuery = None,
    person_id: IdQuery = None,
    action: Annotated[str | None, Query(max_length=60)] = None,
    outcome: Annotated[str | None, Query(max_length=16)] = None,
) -> PageOf[AuditEventPublic]:
    """Audit events, newest first, filtered by user, person, action or outcome."""
    return list_page(
        ctx,
        page,
        "audit",
        AuditEventPublic,
        crud.list_audit_events,
        user_id=user_id,
        person_id=person_id,
        action=action,
        outcome=outcome,
    )


@router.get("/verify", response_model=ChainReportPublic)
def verify(ctx: AuditRead) -> ChainReportPublic:
    """Check the keyed chain and its checkpoints: edited, deleted or truncated
    events are reported."""
    report = verify_chain(
        ctx.session, checkpoint_file=ctx.settings.resolved_checkpoint_file
    )
    ctx.audit.commit("audit.verify", resource_type="audit", detail=f"ok={report.ok}")
    return ChainReportPublic(
        ok=report.ok,
        checked=report.checked,
        checkpoints=report.checkpoints,
        unkeyed=report.unkeyed,
        problems=[ChainProblem(seq=s, problem=p) for s, p in report.problems],
    )
