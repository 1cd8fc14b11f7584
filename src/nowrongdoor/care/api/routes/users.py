"""Users and organisations."""

from __future__ import annotations

from functools import partial
from typing import Annotated

from fastapi import APIRouter, Query

from nowrongdoor.care import crud
from nowrongdoor.care.api.deps import AuditDep, IdPath, IdQuery, PageDep, SessionDep
from nowrongdoor.care.api.perms import PartnerRead, UserManage, UserRead
from nowrongdoor.care.api.records import in_scope, list_page
from nowrongdoor.care.enums import OrgKind, Role
from nowrongdoor.care.schemas import (
    OrganizationCreate,
    OrganizationPublic,
    PageOf,
    UserCreate,
    UserPublic,
    UserUpdate,
)

__all__ = ["router"]

router = APIRouter(tags=["users"])


@router.get("/users", response_model=PageOf[UserPublic])
def list_users(
    session: SessionDep,
    user: UserRead,
    page: PageDep,
    audit: AuditDep,
    role: Annotated[Role | None, Query()] = None,
    organization_id: IdQuery = None,
) -> PageOf[UserPublic]:
    """Users (admins: all; supervisors: their organisation)."""
    lister = partial(
        crud.list_users,
        session,
        viewer=user,
        role=role,
        organization_id=organization_id,
    )
    return list_page(audit, page, "user", UserPublic, lister)


@router.post("/users", response_model=UserPublic, status_code=201)
def create_user(
    body: UserCreate, session: SessionDep, user: UserManage, audit: AuditDep
) -> UserPublic:
    """Create a user (admins)."""
    created = crud.create_user(session, data=body)
    audit.commit("user.create", resource_type="user", resource_id=created.id)
    return UserPublic.model_validate(created)


@router.get("/users/{user_id}", response_model=UserPublic)
def read_user(
    user_id: IdPath, session: SessionDep, user: UserRead, audit: AuditDep
) -> UserPublic:
    """One user."""
    found = in_scope(audit, "user", user_id, crud.get_user, session, user)
    audit.commit("user.read", resource_type="user", resource_id=found.id)
    return UserPublic.model_validate(found)


@router.patch("/users/{user_id}", response_model=UserPublic)
def update_user(
    user_id: IdPath,
    body: UserUpdate,
    session: SessionDep,
    user: UserManage,
    audit: AuditDep,
) -> UserPublic:
    """Change a user's name, role, team, password, active flag or lock (admins)."""
    found = in_scope(audit, "user", user_id, crud.get_user, session, user)
    crud.update_user(session, user=found, data=body)
    audit.commit(
        "user.update",
        resource_type="user",
        resource_id=found.id,
        detail=",".join(sorted(body.model_fields_set - {"password"})) or None,
    )
    return UserPublic.model_validate(found)


@router.get("/organizations", response_model=PageOf[OrganizationPublic])
def list_organizations(
    session: SessionDep,
    user: PartnerRead,
    page: PageDep,
    kind: Annotated[OrgKind | None, Query()] = None,
) -> PageOf[OrganizationPublic]:
    """Organisations (the plan, providers, partners)."""
    rows, total = crud.list_organizations(
        session, kind=kind, limit=page.limit, offset=page.offset
    )
    return page.of(
        OrganizationPublic, [OrganizationPublic.model_validate(o) for o in rows], total
    )


@router.post("/organizations", response_model=OrganizationPublic, status_code=201)
def create_organization(
    body: OrganizationCreate, session: SessionDep, user: UserManage, audit: AuditDep
) -> OrganizationPublic:
    """Create an organisation (admins)."""
    org = crud.create_organization(
        session, name=body.name, kind=body.kind, description=body.description
    )
    audit.commit(
        "organization.create", resource_type="organization", resource_id=org.id
    )
    return OrganizationPublic.model_validate(org)
