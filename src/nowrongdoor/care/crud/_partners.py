"""Partner directory search (private). Import lives in ``nowrongdoor.care.hsds``."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.orm import Session

from nowrongdoor.care.crud._common import count_of, get_or_404, paginate
from nowrongdoor.care.crud._fulltext import search_words, service_hits
from nowrongdoor.care.models import (
    Organization,
    PartnerLocation,
    PartnerPhone,
    PartnerService,
    ServiceAtLocation,
)
from nowrongdoor.care.schemas import (
    LocationPublic,
    PartnerServicePublic,
    PhonePublic,
    partner_service_public,
)

__all__ = ["get_service", "search_services", "service_public", "services_public"]


def search_services(
    session: Session,
    *,
    service_type: str | None = None,
    age: int | None = None,
    place: str | None = None,
    organization_id: int | None = None,
    text: str | None = None,
    include_inactive: bool = False,
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[PartnerService], int]:
    """Search partner services.

    Args:
        session: Database session.
        service_type: A service type (taxonomy term name or code), matched
            case-insensitively against the service's types.
        age: The person's age; services whose age range excludes it are dropped
            (no bound = no limit).
        place: City, state/province or postal code of a location.
        organization_id: Only this organisation's services.
        text: Words to find in the service's names, description, eligibility
            and taxonomy terms or its organisation's names; every word must be
            found, and the best matches come first (ranked full-text search,
            see ``_fulltext``). Stop words ("the", "for") are ignored.
        include_inactive: Also services whose HSDS status is not ``active``.
        limit: Page size.
        offset: Rows to skip.

    Returns:
        (services, total), ordered by rank when ``text`` has words, then by
        name and id.
    """
    stmt = select(PartnerService)
    if not include_inactive:
        stmt = stmt.where(PartnerService.status == "active")
    types = func.lower(PartnerService.service_types)
    if service_type:
        # a whole taxonomy term or code, or words of one ("shelter", "housing")
        wanted = service_type.strip().lower()
        words = [_like(w) for w in wanted.replace("_", " ").split()[:5]]
        matches: list[ColumnElement[bool]] = [
            types.like(f"%|{_like(wanted)}|%", escape="\\")
        ]
        if words:
            matches.append(and_(*(types.like(f"%{w}%", escape="\\") for w in words)))
        stmt = stmt.where(or_(*matches))
    if age is not None:
        stmt = stmt.where(
            or_(
                PartnerService.minimum_age.is_(None), PartnerService.minimum_age <= age
            ),
            or_(
                PartnerService.maximum_age.is_(None), PartnerService.maximum_age >= age
            ),
        )
    if place:
        needle = place.strip().lower()
        located = (
            select(ServiceAtLocation.service_id)
            .join(PartnerLocation, PartnerLocation.id == ServiceAtLocation.location_id)
            .where(
                or_(
                    func.lower(PartnerLocation.city) == needle,
                    func.lower(PartnerLocation.state_province) == needle,
                    func.lower(PartnerLocation.postal_code) == needle,
                )
            )
        )
        stmt = stmt.where(PartnerService.id.in_(located))
    if organization_id is not None:
        stmt = stmt.where(PartnerService.organization_id == organization_id)
    wanted_words = search_words(text) if text else []
    if not wanted_words:
        stmt = stmt.order_by(PartnerService.name, PartnerService.id)
        return paginate(session, stmt, limit=limit, offset=offset)
    # ranked full-text search (see _fulltext): best match first. The matches
    # are found and ranked once, narrow (id, rank, name), with the total from
    # the same pass; only the page's services are loaded whole.
    hits = service_hits(session, wanted_words)
    ranked = (
        stmt.with_only_columns(PartnerService.id, func.count().over().label("total"))
        .join(hits, hits.c.service_id == PartnerService.id)
        .order_by(hits.c.rank.desc(), PartnerService.name, PartnerService.id)
    )
    page = session.execute(ranked.limit(limit).offset(offset)).all()
    if not page:
        return [], count_of(session, ranked) if offset else 0
    found = {
        service.id: service
        for service in session.scalars(
            select(PartnerService).where(PartnerService.id.in_([r.id for r in page]))
        )
    }
    return [found[r.id] for r in page], int(page[0].total)


def _like(word: str) -> str:
    """``word`` with LIKE's wildcards escaped (backslash is the escape)."""
    return word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def get_service(session: Session, *, service_id: int) -> PartnerService:
    """One partner service."""
    return get_or_404(session, PartnerService, service_id, "service")


def service_public(session: Session, service: PartnerService) -> PartnerServicePublic:
    """A service with its organisation name, locations and phones."""
    return services_public(session, [service])[0]


def services_public(
    session: Session, services: Sequence[PartnerService]
) -> list[PartnerServicePublic]:
    """Services with their organisation names, locations and phones, in the
    order given (three queries for the whole page, not three per service)."""
    ids = [s.id for s in services]
    org_ids = {s.organization_id for s in services}
    names = dict(
        session.execute(
            select(Organization.id, Organization.name).where(
                Organization.id.in_(org_ids)
            )
        ).all()
    )
    located: dict[int, list[LocationPublic]] = defaultdict(list)
    for service_id, loc in session.execute(
        select(ServiceAtLocation.service_id, PartnerLocation)
        .join(PartnerLocation, ServiceAtLocation.location_id == PartnerLocation.id)
        .where(ServiceAtLocation.service_id.in_(ids))
        .order_by(PartnerLocation.id)
    ).all():
        located[service_id].append(LocationPublic.model_validate(loc))
    # a service's own phones, and its organisation's phones that name no
    # service or location
    own: dict[int, list[tuple[int, PhonePublic]]] = defaultdict(list)
    general: dict[int, list[tuple[int, PhonePublic]]] = defaultdict(list)
    phone_rows = session.scalars(
        select(PartnerPhone)
        .where(
            or_(
                PartnerPhone.service_id.in_(ids),
                and_(
                    PartnerPhone.service_id.is_(None),
                    PartnerPhone.location_id.is_(None),
                    PartnerPhone.organization_id.in_(org_ids),
                ),
            )
        )
        .order_by(PartnerPhone.id)
    ).all()
    for phone in phone_rows:
        public = (phone.id, PhonePublic.model_validate(phone))
        if phone.service_id is not None:
            own[phone.service_id].append(public)
        elif phone.organization_id is not None:
            general[phone.organization_id].append(public)
    return [
        partner_service_public(
            service,
            organization_name=names.get(service.organization_id, ""),
            locations=located[service.id],
            phones=_merged(own[service.id], general[service.organization_id]),
        )
        for service in services
    ]


def _merged(
    own: list[tuple[int, PhonePublic]], general: list[tuple[int, PhonePublic]]
) -> list[PhonePublic]:
    """A service's phones in id order (as one query per service gave them)."""
    return [phone for _, phone in sorted([*own, *general], key=lambda p: p[0])]
