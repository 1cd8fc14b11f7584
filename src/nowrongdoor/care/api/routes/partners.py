"""The partner directory (Open Referral HSDS 3)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Query

from nowrongdoor.care import crud
from nowrongdoor.care.api.deps import IdPath, IdQuery, PageDep
from nowrongdoor.care.api.perms import PartnerImport, PartnerRead
from nowrongdoor.care.errors import bad_request_on_user_input
from nowrongdoor.care.hsds import import_hsds, tables_from_document
from nowrongdoor.care.schemas import ImportReport, PageOf, PartnerServicePublic

__all__ = ["router"]

router = APIRouter(prefix="/partners", tags=["partners"])


@router.get("/services", response_model=PageOf[PartnerServicePublic])
def search_services(
    ctx: PartnerRead,
    page: PageDep,
    service_type: Annotated[str | None, Query(max_length=100)] = None,
    age: Annotated[int | None, Query(ge=0, le=130)] = None,
    place: Annotated[str | None, Query(max_length=120)] = None,
    organization_id: IdQuery = None,
    q: Annotated[str | None, Query(max_length=200)] = None,
) -> PageOf[PartnerServicePublic]:
    """Search services by type, age, place (city, state or postal code) and words."""
    session = ctx.session
    rows, total = crud.search_services(
        session,
        service_type=service_type,
        age=age,
        place=place,
        organization_id=organization_id,
        text=q,
        limit=page.limit,
        offset=page.offset,
    )
    return page.of(PartnerServicePublic, crud.services_public(session, rows), total)


@router.get("/services/{service_id}", response_model=PartnerServicePublic)
def read_service(service_id: IdPath, ctx: PartnerRead) -> PartnerServicePublic:
    """One service with its locations and phones."""
    service = crud.get_service(ctx.session, service_id=service_id)
    return crud.service_public(ctx.session, service)


@router.post("/import", response_model=ImportReport)
def import_directory(
    ctx: PartnerImport,
    document: Annotated[Any, Body(description="HSDS 3 JSON object(s)")],
) -> ImportReport:
    """Import HSDS 3 JSON (an organization, service, service_at_location or
    location, nested or not; one object or a list)."""
    with bad_request_on_user_input("body"):
        report = import_hsds(ctx.session, tables_from_document(document))
    ctx.audit.commit(
        "partner.import",
        resource_type="organization",
        detail=f"{report.organizations} orgs, {report.services} services",
    )
    return report
