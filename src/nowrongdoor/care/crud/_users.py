"""Organisations and users (private)."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from nowrongdoor.care.crud._common import get_or_404, inserted, labels_of, paginate
from nowrongdoor.care.enums import OrgKind, Role, Scope
from nowrongdoor.care.errors import BadRequest, Conflict, Forbidden
from nowrongdoor.care.models import Organization, User
from nowrongdoor.care.rbac import scope_of
from nowrongdoor.care.schemas import UserCreate, UserUpdate
from nowrongdoor.care.security import (
    hash_password,
    revoke_credentials,
    user_by_username,
)

__all__ = [
    "assignable_staff",
    "check_assignable",
    "create_organization",
    "create_user",
    "display_names",
    "get_user",
    "list_organizations",
    "list_users",
    "organization_choices",
    "update_user",
    "user_by_username",
]


def create_organization(
    session: Session,
    *,
    name: str,
    kind: str = OrgKind.PARTNER,
    description: str | None = None,
    hsds_id: str | None = None,
) -> Organization:
    """Add an organisation (the caller commits)."""
    org = Organization(
        name=name, kind=str(kind), description=description, hsds_id=hsds_id
    )
    return inserted(session, org)


def list_organizations(
    session: Session, *, kind: str | None = None, limit: int = 50, offset: int = 0
) -> tuple[list[Organization], int]:
    """Organisations, optionally of one kind, by name."""
    stmt = select(Organization).order_by(Organization.name, Organization.id)
    if kind:
        stmt = stmt.where(Organization.kind == kind)
    return paginate(session, stmt, limit=limit, offset=offset)


def organization_choices(
    session: Session, *, kind: str | None = None
) -> list[Organization]:
    """Every organisation (optionally of one kind), by name: the choices of a
    form's organisation field. Not cut at a page: a choice list that dropped
    the organisations past its first rows would hide them without a word."""
    stmt = select(Organization).order_by(Organization.name, Organization.id)
    if kind:
        stmt = stmt.where(Organization.kind == kind)
    return list(session.scalars(stmt))


def create_user(session: Session, *, data: UserCreate) -> User:
    """Add a user with an argon2 password hash.

    Raises:
        NotFound: the organisation does not exist.
        Conflict: the username is taken.
        BadRequest: a partner_user outside a partner organisation (or staff
            roles inside one).
    """
    org = get_or_404(session, Organization, data.organization_id, "organization")
    username = data.username.lower()
    if session.scalar(select(User.id).where(User.username == username)) is not None:
        raise Conflict(f"username {username!r} is taken", field="username")
    _check_role_fits(org, data.role)
    user = User(
        organization_id=org.id,
        username=username,
        display_name=data.display_name,
        role=str(data.role),
        team=data.team,
        password_hash=hash_password(data.password),
    )
    return inserted(session, user)


def _check_role_fits(org: Organization, role: str) -> None:
    """Partner organisations hold partner users only; staff roles (admin too)
    belong to the plan or a provider."""
    if (role == Role.PARTNER_USER) != (org.kind == OrgKind.PARTNER):
        raise BadRequest(
            "partner_user accounts belong to partner organisations, and staff "
            "roles (admin included) to the plan or a provider",
            field="role",
        )


def list_users(
    session: Session,
    *,
    viewer: User,
    organization_id: int | None = None,
    role: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[User], int]:
    """Users the viewer may see (admins: all; others: their organisation)."""
    stmt = select(User).order_by(User.username)
    if scope_of(viewer) is not Scope.ALL:
        stmt = stmt.where(User.organization_id == viewer.organization_id)
    if organization_id is not None:
        stmt = stmt.where(User.organization_id == organization_id)
    if role:
        stmt = stmt.where(User.role == role)
    return paginate(session, stmt, limit=limit, offset=offset)


def get_user(session: Session, *, viewer: User, user_id: int) -> User:
    """One user, if the viewer may see them."""
    user = get_or_404(session, User, user_id, "user")
    if (
        scope_of(viewer) is not Scope.ALL
        and user.organization_id != viewer.organization_id
    ):
        raise Forbidden("this user belongs to another organisation")
    return user


def update_user(session: Session, *, user: User, data: UserUpdate) -> User:
    """Apply an admin's change to ``user``.

    A new password, a new role or deactivation revokes every login session
    and API token of the user (they sign in again).
    """
    revoke = (
        data.password is not None
        or (data.role is not None and str(data.role) != user.role)
        or data.is_active is False
    )
    if data.display_name is not None:
        user.display_name = data.display_name
    if data.role is not None:
        org = session.get(Organization, user.organization_id)
        assert org is not None
        _check_role_fits(org, data.role)
        user.role = str(data.role)
    if "team" in data.model_fields_set:
        user.team = data.team
    if data.is_active is not None:
        user.is_active = data.is_active
    if data.password is not None:
        user.password_hash = hash_password(data.password)
    if data.unlock:
        user.locked_until = None
        user.failed_logins = 0
    if revoke:
        revoke_credentials(session, user_id=user.id)
    session.flush()
    return user


def check_assignable(session: Session, *, owner_id: int, organization_id: int) -> User:
    """The user ``owner_id`` if they are active staff of ``organization_id``."""
    owner = get_or_404(session, User, owner_id, "owner")
    if (
        owner.organization_id != organization_id
        or not owner.is_active
        or owner.role == Role.PARTNER_USER
    ):
        raise BadRequest(
            "the owner must be an active staff member of the record's organisation",
            field="owner_id",
        )
    return owner


def display_names(session: Session, user_ids: Iterable[int | None]) -> dict[int, str]:
    """User id -> display name for the given ids (``None`` and 0 skipped)."""
    return labels_of(session, User.id, User.display_name, user_ids)


def assignable_staff(session: Session, *, viewer: User) -> list[User]:
    """Active care managers and supervisors of the viewer's organisation, by
    team and name: who work can be assigned to."""
    return list(
        session.scalars(
            select(User)
            .where(
                User.organization_id == viewer.organization_id,
                User.is_active.is_(True),
                User.role.in_((Role.CARE_MANAGER, Role.SUPERVISOR)),
            )
            .order_by(User.team, User.display_name)
        ).all()
    )
