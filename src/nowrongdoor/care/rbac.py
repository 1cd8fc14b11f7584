"""Role-based access with record scope: one table of permissions per role.

Every route asks :func:`require` for a permission, then restricts the records it
reads with :func:`scope_clause` (lists) or :func:`check_record_scope` (one
record). Scopes follow Primero: ``own`` (records the user owns), ``team`` (owned
by someone in the user's team), ``organisation`` and ``all``. Partner users never
reach case records: they see referrals addressed to their organisation only,
with the minimum necessary person fields.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, and_, false, or_, select, true
from sqlalchemy.orm import Session

from nowrongdoor.care.enums import Role, Scope
from nowrongdoor.care.errors import Forbidden
from nowrongdoor.care.models import User

__all__ = [
    "PERMISSIONS",
    "NO_CARE_RECORDS",
    "ROLE_SCOPE",
    "SUPERVISORS_POOL",
    "can",
    "check_record_scope",
    "require",
    "scope_clause",
    "scope_of",
    "workspace_clause",
]

_CARE = frozenset(
    {
        "person:read",
        "person:identify",
        "person:write",
        "intake:read",
        "intake:write",
        "screening:read",
        "screening:write",
        "riskflag:read",
        "consent:read",
        "consent:write",
        "case:read",
        "case:write",
        "note:read",
        "note:write",
        "referral:read",
        "referral:write",
        "task:read",
        "task:write",
        "partner:read",
        "part2:read",
        "lead:review",
    }
)

#: What each role may do. Record scope (below) limits *which* records.
PERMISSIONS: dict[str, frozenset[str]] = {
    Role.ADMIN: _CARE
    | {
        "case:assign",
        "referral:override_consent",
        "user:read",
        "user:manage",
        "audit:read",
        "audit:oversee",
        "partner:import",
        "worklist:import",
    },
    Role.SUPERVISOR: _CARE
    | {
        "case:assign",
        "referral:override_consent",
        "user:read",
        "audit:oversee",
        "worklist:import",
    },
    Role.CARE_MANAGER: _CARE,
    Role.ANALYST: frozenset(
        {
            "person:read",
            "riskflag:read",
            "case:read",
            "referral:read",
            "partner:read",
            "worklist:import",
            # ad-match intakes (made only when an investigator confirms a
            # lead in care.investigate) are reviewed by analysts too
            "lead:review",
        }
    ),
    Role.PARTNER_USER: frozenset(
        {"referral:read", "referral:respond", "partner:read", "person:minimal"}
    ),
    # The investigator workspace (care.investigate): ads, operations and leads
    # of the user's organisation, never care records (no care permission).
    Role.INVESTIGATOR: frozenset(
        {"investigation:read", "investigation:decide", "investigation:import"}
    ),
}

#: Training: every role takes courses; supervisors and admins read completion
#: records in their scope (a partner training lead: see care.training).
TRAINING_PERMISSIONS: dict[str, frozenset[str]] = {
    Role.ADMIN: frozenset({"training:take", "training:records"}),
    Role.SUPERVISOR: frozenset({"training:take", "training:records"}),
    Role.CARE_MANAGER: frozenset({"training:take"}),
    Role.ANALYST: frozenset({"training:take"}),
    Role.PARTNER_USER: frozenset({"training:take"}),
    Role.INVESTIGATOR: frozenset({"training:take"}),
}
PERMISSIONS = {
    role: granted | TRAINING_PERMISSIONS.get(role, frozenset())
    for role, granted in PERMISSIONS.items()
}

#: The pool of owner-less imported records that no routing rule gave a team:
#: only organisation-wide roles (supervisors, analysts, admins) reach it. The
#: brackets keep it apart from any real team name.
SUPERVISORS_POOL = "(supervisors)"

#: The record scope of each role.
ROLE_SCOPE: dict[str, Scope] = {
    Role.ADMIN: Scope.ALL,
    Role.SUPERVISOR: Scope.ORGANISATION,
    Role.CARE_MANAGER: Scope.TEAM,
    Role.ANALYST: Scope.ORGANISATION,
    Role.PARTNER_USER: Scope.OWN,
    # Organisation scope over the workspace's records only: care records are
    # out of reach (scope_clause and check_record_scope refuse them).
    Role.INVESTIGATOR: Scope.ORGANISATION,
}

#: Roles that never reach care records, whatever their record scope.
NO_CARE_RECORDS = frozenset({Role.PARTNER_USER, Role.INVESTIGATOR})


def can(user: User, permission: str) -> bool:
    """Whether ``user``'s role grants ``permission``."""
    return permission in PERMISSIONS.get(user.role, frozenset())


def require(user: User, permission: str) -> None:
    """Raise :class:`Forbidden` unless ``user`` may do ``permission``."""
    if not can(user, permission):
        raise Forbidden(f"your role ({user.role}) may not do {permission}")


def scope_of(user: User) -> Scope:
    """The record scope of ``user``'s role."""
    return ROLE_SCOPE.get(user.role, Scope.OWN)


def workspace_clause(user: User, org_col: Any) -> ColumnElement[bool]:
    """A WHERE clause limiting investigator-workspace records to ``user``'s scope.

    The workspace's records (ads, operations, leads) belong to an organisation
    and have no owner: organisation scope reaches its own, ``all`` every one.
    """
    if not can(user, "investigation:read"):
        return false()
    if scope_of(user) is Scope.ALL:
        return true()
    return org_col == user.organization_id


def scope_clause(
    user: User, org_col: Any, owner_col: Any, pool_col: Any = None
) -> ColumnElement[bool]:
    """A WHERE clause limiting records (with an org and owner column) to scope.

    Records without an owner that wait in a team pool (``pool_col``) are in
    the scope of that team's members; owner-less records in no team's pool
    (the supervisors' pool) only in organisation scope.

    Args:
        user: The signed-in user.
        org_col: The records' organisation column.
        owner_col: The records' owner (user id) column.
        pool_col: The records' team-pool column, for records that have one.

    Returns:
        A boolean SQL expression.
    """
    scope = scope_of(user)
    if user.role in NO_CARE_RECORDS:
        return false()
    if scope is Scope.ALL:
        return true()
    same_org = org_col == user.organization_id
    if scope is Scope.ORGANISATION:
        return same_org
    if scope is Scope.TEAM and user.team:
        teammates = select(User.id).where(
            User.organization_id == user.organization_id, User.team == user.team
        )
        mine = owner_col.in_(teammates.scalar_subquery())
        if pool_col is not None:
            mine = or_(mine, and_(owner_col.is_(None), pool_col == user.team))
        return and_(same_org, mine)
    return and_(same_org, owner_col == user.id)


def check_record_scope(
    session: Session,
    user: User,
    org_id: int,
    owner_id: int | None,
    pool_team: str | None = None,
) -> None:
    """Raise :class:`Forbidden` unless a record (org, owner) is in ``user``'s scope.

    An owner-less record in a team's pool is in the scope of that team's
    members (who may take it); one in no pool only in organisation scope.
    """
    scope = scope_of(user)
    if user.role == Role.PARTNER_USER:
        raise Forbidden("partner users reach records only through their referrals")
    if user.role == Role.INVESTIGATOR:
        raise Forbidden("investigators work ads and leads, not care records")
    if scope is Scope.ALL:
        return
    if org_id != user.organization_id:
        raise Forbidden("this record belongs to another organisation")
    if scope is Scope.ORGANISATION:
        return
    if owner_id == user.id:
        return
    if scope is Scope.TEAM and user.team and owner_id is not None:
        owner_team = session.scalar(
            select(User.team).where(
                User.id == owner_id, User.organization_id == user.organization_id
            )
        )
        if owner_team == user.team:
            return
    if scope is Scope.TEAM and user.team and owner_id is None:
        if pool_team == user.team:
            return
    raise Forbidden("this record is outside your caseload")
