"""A read-only Open Referral HSDS 3 API of the partner directory (``/hsds``).

Other directories and 211 systems read ours the way HSDS 3 publishers serve
theirs: ``/hsds/organizations``, ``/hsds/services``, ``/hsds/locations`` (and
``/{id}`` of each), paged as HSDS 3 API pages (``total_items``, ``page_number``,
``contents`` ...), searchable by ``taxonomy_term`` and ``search`` text.
Directory data is public by nature: no sign-in, but a per-address rate limit
(``hsds_rate_per_minute``). Records imported from an HSDS file keep their HSDS
id; others get a stable UUID derived from their local id.

Source: Open Referral HSDS 3.0 API reference,
https://docs.openreferral.org/en/latest/hsds/api_reference.html
"""

from __future__ import annotations

import math
import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse
from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session

from nowrongdoor.care import crud
from nowrongdoor.care.api.deps import SessionDep
from nowrongdoor.care.errors import ApiError, NotFound
from nowrongdoor.care.models import (
    Organization,
    PartnerLocation,
    PartnerService,
    ServiceAtLocation,
)
from nowrongdoor.care.security import LoginRateLimiter

__all__ = ["router"]

_NS = uuid.UUID("6f1c7d2e-4b8a-4c5e-9f0d-2a7b3c9e1d55")


def _uid(kind: str, local_id: int, hsds_id: str | None) -> str:
    return hsds_id or str(uuid.uuid5(_NS, f"{kind}:{local_id}"))


def _limit(request: Request) -> None:
    """Count the request against its address's per-minute limit (429 over it)."""
    limiter = getattr(request.app.state, "hsds_limiter", None)
    if limiter is None:
        limiter = LoginRateLimiter(request.app.state.settings.hsds_rate_per_minute)
        request.app.state.hsds_limiter = limiter
    peer = request.client.host if request.client else "unknown"
    if not limiter.hit(peer):
        raise ApiError(
            "too many directory requests from this address; wait a minute",
            status=429,
            code="rate_limited",
        )


def _term(term: str) -> dict[str, Any]:
    return {
        "id": str(uuid.uuid5(_NS, f"term:{term}")),
        "code": term,
        "name": term.replace("_", " "),
        "description": term.replace("_", " "),
        "vocabulary": "nowrongdoor",
    }


def service_json(service: PartnerService, org_uid: str) -> dict[str, Any]:
    """One HSDS 3 service (with its taxonomy terms as attributes)."""
    sid = _uid("service", service.id, service.hsds_id)
    terms = [t for t in (service.service_types or "").split("|") if t]
    return {
        "id": sid,
        "organization_id": org_uid,
        "name": service.name,
        "alternate_name": service.alternate_name,
        "description": service.description,
        "url": service.url,
        "email": service.email,
        "status": service.status,
        "eligibility_description": service.eligibility,
        "minimum_age": service.minimum_age,
        "maximum_age": service.maximum_age,
        "attributes": [
            {
                "id": str(uuid.uuid5(_NS, f"attribute:{sid}:{t}")),
                "link_id": sid,
                "link_type": "service",
                "link_entity": "service",
                "taxonomy_term": _term(t),
            }
            for t in terms
        ],
    }


def location_json(loc: PartnerLocation, org_uid: str | None) -> dict[str, Any]:
    """One HSDS 3 location with its physical address."""
    lid = _uid("location", loc.id, loc.hsds_id)
    out: dict[str, Any] = {
        "id": lid,
        "location_type": "physical",
        "organization_id": org_uid,
        "name": loc.name,
        "latitude": loc.latitude,
        "longitude": loc.longitude,
        "addresses": [],
    }
    if loc.address_1 or loc.city:
        out["addresses"].append(
            {
                "id": str(uuid.uuid5(_NS, f"address:{lid}")),
                "location_id": lid,
                "address_1": loc.address_1 or "",
                "city": loc.city or "",
                "state_province": loc.state_province or "",
                "postal_code": loc.postal_code or "",
                "country": loc.country or "US",
                "address_type": "physical",
            }
        )
    return out


def organization_json(org: Organization) -> dict[str, Any]:
    """One HSDS 3 organization (without nested records)."""
    return {
        "id": _uid("organization", org.id, org.hsds_id),
        "name": org.name,
        "alternate_name": org.alternate_name,
        "description": org.description or "",
        "email": org.email,
        "website": org.website,
    }


def _page(contents: list[Any], total: int, page: int, per_page: int) -> dict[str, Any]:
    pages = max(1, math.ceil(total / per_page))
    return {
        "total_items": total,
        "total_pages": pages,
        "page_number": page,
        "size": len(contents),
        "first_page": page == 1,
        "last_page": page >= pages,
        "empty": not contents,
        "contents": contents,
    }


Text = Annotated[str | None, Query(max_length=200)]


class _Listing:
    """A list request's search text and page (HSDS pages count from 1)."""

    def __init__(
        self,
        search: Text = None,
        page: Annotated[int, Query(ge=1, le=100_000)] = 1,
        per_page: Annotated[int, Query(ge=1, le=200)] = 50,
    ) -> None:
        self.search = search
        self.page = page
        self.per_page = per_page
        self.limit = per_page
        self.offset = (page - 1) * per_page

    def rows(self, session: Session, stmt: Select[Any]) -> tuple[list[Any], int]:
        """This page of ``stmt``'s rows, and the total."""
        return crud.paginate(session, stmt, limit=self.limit, offset=self.offset)

    def answer(self, contents: list[Any], total: int) -> JSONResponse:
        """The HSDS 3 page of ``contents`` (of ``total`` matching rows)."""
        return JSONResponse(_page(contents, total, self.page, self.per_page))


Listing = Annotated[_Listing, Depends()]

#: Not in the /api/v1 OpenAPI document: the contract is the HSDS 3 API
#: reference (and docs/interop.md). Every route counts against the rate limit.
router = APIRouter(
    prefix="/hsds",
    tags=["hsds"],
    include_in_schema=False,
    dependencies=[Depends(_limit)],
)


def _org_uids(session: Session, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    rows = session.execute(
        select(Organization.id, Organization.hsds_id).where(Organization.id.in_(ids))
    )
    return {r.id: _uid("organization", r.id, r.hsds_id) for r in rows}


@router.get("/services", summary="HSDS 3 services")
def list_services(
    session: SessionDep, listing: Listing, taxonomy_term: Text = None
) -> JSONResponse:
    """Active services, by taxonomy term (code) and text, one page."""
    # the directory's one search: the same words and terms as the pages' search
    rows, total = crud.search_services(
        session,
        service_type=taxonomy_term,
        text=listing.search,
        limit=listing.limit,
        offset=listing.offset,
    )
    uids = _org_uids(session, {s.organization_id for s in rows})
    contents = [service_json(s, uids[s.organization_id]) for s in rows]
    return listing.answer(contents, total)


def _find(session: Session, model: Any, kind: str, uid: str) -> Any:
    row = session.scalar(select(model).where(model.hsds_id == uid))
    if row is not None:
        return row
    for candidate in session.scalars(select(model).where(model.hsds_id.is_(None))):
        if _uid(kind, candidate.id, None) == uid:
            return candidate
    raise NotFound(f"no {kind} {uid[:64]!r} in the directory")


@router.get("/services/{service_id}", summary="One HSDS 3 service")
def read_service(session: SessionDep, service_id: str) -> JSONResponse:
    """A service with its locations."""
    service = _find(session, PartnerService, "service", service_id)
    org_uid = _org_uids(session, {service.organization_id})[service.organization_id]
    out = service_json(service, org_uid)
    sals = session.execute(
        select(ServiceAtLocation, PartnerLocation)
        .join(PartnerLocation, PartnerLocation.id == ServiceAtLocation.location_id)
        .where(ServiceAtLocation.service_id == service.id)
    ).all()
    out["service_at_locations"] = [
        {
            "id": _uid("service_at_location", sal.id, sal.hsds_id),
            "service_id": out["id"],
            "location": location_json(loc, org_uid),
        }
        for sal, loc in sals
    ]
    return JSONResponse(out)


@router.get("/organizations", summary="HSDS 3 organizations")
def list_organizations(session: SessionDep, listing: Listing) -> JSONResponse:
    """Organisations offering services (partners), by name text, with their services."""
    offering = select(PartnerService.organization_id).distinct()
    stmt = select(Organization).where(Organization.id.in_(offering))
    if listing.search:
        words = f"%{listing.search.lower()}%"
        stmt = stmt.where(func.lower(Organization.name).like(words))
    orgs, total = listing.rows(session, stmt.order_by(Organization.id))
    return listing.answer(_with_services(session, orgs), total)


def _with_services(session: Session, orgs: list[Organization]) -> list[dict[str, Any]]:
    """The organisations as HSDS JSON with their services, in one services query."""
    by_org: dict[int, list[PartnerService]] = {o.id: [] for o in orgs}
    if by_org:
        for service in session.scalars(
            select(PartnerService)
            .where(PartnerService.organization_id.in_(by_org))
            .order_by(PartnerService.id)
        ):
            by_org[service.organization_id].append(service)
    contents = []
    for org in orgs:
        out = organization_json(org)
        out["services"] = [service_json(s, out["id"]) for s in by_org[org.id]]
        contents.append(out)
    return contents


@router.get("/organizations/{organization_id}", summary="One HSDS 3 organization")
def read_organization(session: SessionDep, organization_id: str) -> JSONResponse:
    """An organisation with its services."""
    org = _find(session, Organization, "organization", organization_id)
    return JSONResponse(_with_services(session, [org])[0])


@router.get("/locations", summary="HSDS 3 locations")
def list_locations(session: SessionDep, listing: Listing) -> JSONResponse:
    """Locations, by text in the name, city, state or postal code."""
    stmt = select(PartnerLocation)
    if listing.search:
        words = f"%{listing.search.strip().lower()}%"
        stmt = stmt.where(
            or_(
                *(
                    func.lower(func.coalesce(col, "")).like(words)
                    for col in (
                        PartnerLocation.name,
                        PartnerLocation.city,
                        PartnerLocation.state_province,
                        PartnerLocation.postal_code,
                    )
                )
            )
        )
    rows, total = listing.rows(session, stmt.order_by(PartnerLocation.id))
    uids = _org_uids(session, {r.organization_id for r in rows if r.organization_id})
    contents = [location_json(r, uids.get(r.organization_id or 0)) for r in rows]
    return listing.answer(contents, total)


@router.get("/locations/{location_id}", summary="One HSDS 3 location")
def read_location(session: SessionDep, location_id: str) -> JSONResponse:
    """One location with its address."""
    loc = _find(session, PartnerLocation, "location", location_id)
    uids = _org_uids(session, {loc.organization_id} if loc.organization_id else set())
    return JSONResponse(location_json(loc, uids.get(loc.organization_id or 0)))
