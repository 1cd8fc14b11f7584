"""The supervisor dashboard's counts, in the viewer's scope (private).

Counts only: masking small cells is the page's job
(:mod:`nowrongdoor.care.web._masking`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from nowrongdoor.care.enums import CaseStatus, ReferralStatus, TaskStatus
from nowrongdoor.care.models import Case, Referral, Task, User, utcnow
from nowrongdoor.care.rbac import scope_clause

__all__ = ["DashboardCounts", "dashboard_counts"]


@dataclass(frozen=True)
class DashboardCounts:
    """What the dashboard shows, before masking.

    Attributes:
        caseloads: Owner's display name -> open or active cases.
        overdue: Owner's display name -> open tasks past due.
        sent: Referrals sent (every status but draft).
        completed: Of those, completed.
        accept_hours: Hours from sent to accepted, per accepted referral.
        by_pathway: ``(pathway, status)`` -> cases.
    """

    caseloads: dict[str, int]
    overdue: dict[str, int]
    sent: int
    completed: int
    accept_hours: list[float]
    by_pathway: dict[tuple[str, str], int]


def dashboard_counts(
    session: Session, *, viewer: User, now: dt.datetime | None = None
) -> DashboardCounts:
    """The dashboard's counts over the records in the viewer's scope."""
    now = now or utcnow()
    case_scope = scope_clause(viewer, Case.organization_id, Case.owner_id)
    names = dict(session.execute(select(User.id, User.display_name)).all())
    loads = session.execute(
        select(Case.owner_id, func.count())
        .where(case_scope, Case.status.in_([CaseStatus.OPEN, CaseStatus.ACTIVE]))
        .group_by(Case.owner_id)
    ).all()
    task_scope = scope_clause(viewer, Task.organization_id, Task.owner_id)
    late = session.execute(
        select(Task.owner_id, func.count())
        .where(task_scope, Task.status == TaskStatus.OPEN, Task.due_at < now)
        .group_by(Task.owner_id)
    ).all()
    ref_scope = scope_clause(viewer, Referral.from_organization_id, Referral.owner_id)
    refs = session.execute(
        select(Referral.status, Referral.sent_at, Referral.accepted_at).where(
            ref_scope, Referral.status != ReferralStatus.DRAFT
        )
    ).all()
    grid = session.execute(
        select(Case.pathway, Case.status, func.count())
        .where(case_scope)
        .group_by(Case.pathway, Case.status)
    ).all()
    return DashboardCounts(
        caseloads={names.get(o or 0, "unassigned"): int(n) for o, n in loads},
        overdue={names.get(o or 0, "unassigned"): int(n) for o, n in late},
        sent=len(refs),
        completed=sum(1 for r in refs if r.status == ReferralStatus.COMPLETED),
        accept_hours=[
            (r.accepted_at - r.sent_at).total_seconds() / 3600
            for r in refs
            if r.accepted_at is not None and r.sent_at is not None
        ],
        by_pathway={(str(p), str(s)): int(n) for p, s, n in grid},
    )
