"""Users and organisations."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from nowrongdoor.care import crud
from nowrongdoor.care.api.deps import IdPath, IdQuery, PageDep
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
    ctx: UserRead,
    page: PageDep,
    role: Annotated[Role | None, Query()] = None,
    organization_id: IdQuery = None,
) -> PageOf[UserPublic]:
    """Users (admins: all; supervisors: their organisation)."""
    return list_page(
        ctx,
        page,
        "user",
        UserPublic,
        crud.list_users,
        role=role,
        organization_id=organization_id,
    )


@router.post("/users", response_model=UserPublic, status_code=201)
def create_user(body: UserCreate, ctx: UserManage) -> UserPublic:
    """Create a user (admins)."""
    created = crud.create_user(ctx.session, data=body)
    ctx.audit.commit("user.create", resource_type="user", resource_id=created.id)
    return UserPublic.model_validate(created)


@router.get("/users/{user_id}", response_model=UserPublic)
def read_user(user_id: IdPath, ctx: UserRead) -> UserPublic:
    """One user."""
    found = in_scope(ctx, "user", user_id, crud.get_user)
    ctx.audit.commit("user.read", resource_type="user", resource_id=found.id)
    return UserPublic.model_validate(found)


@router.patch("/users/{user_id}", response_model=UserPublic)
def update_user(user_id: IdPath, body: UserUpdate, ctx: UserManage) -> UserPublic:
    """Change a user's name, role, team, password, active flag or lock (admins)."""
    found = in_scope(ctx, "user", user_id, crud.get_user)
    crud.update_user(ctx.session, user=found, data=body)
    ctx.audit.commit(
        "user.update",
        resource_type="user",
        resource_id=found.id,
        detail=",".join(sorted(body.model_fields_set - {"password"})) or None,
    )
    return UserPublic.model_validate(found)


@router.get("/organizations", response_model=PageOf[OrganizationPublic])
def list_organizations(
    ctx: PartnerRead,
    page: PageDep,
    kind: Annotated[OrgKind | None, Query()] = None,
) -> PageOf[OrganizationPublic]:
    """Organisations (the plan, providers, partners)."""
    rows, total = crud.list_organizations(
        ctx.session, kind=kind, limit=page.limit, offset=page.offset
    )
    return page.of(
        OrganizationPublic, [OrganizationPublic.model_validate(o) for o in rows], total
    )


@router.post("/organizations", response_model=OrganizationPublic, status_code=201)
def create_organization(
    body: OrganizationCreate, ctx: UserManage
) -> OrganizationPublic:
    """Create an organisation (admins)."""
    org = crud.create_organization(
        ctx.session, name=body.name, kind=body.kind, description=body.description
    )
    ctx.audit.commit(
        "organization.create", resource_type="organization", resource_id=org.id
    )
    return OrganizationPublic.model_validate(org)
