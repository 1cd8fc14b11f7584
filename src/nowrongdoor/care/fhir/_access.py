"""Which referrals, persons and consents a FHIR caller reaches (private).

The rules are the web pages' rules (``crud.list_referrals`` and
``crud.get_referral``): a partner's client reaches referrals addressed to its
organisation that have been sent; staff reach referrals in their record scope.
One addition for systems exchanging referrals over FHIR: a partner's client
also reaches the referrals its own organisation sent (``POST /fhir``), so the
sending system can read the Task back and follow its status.
On top, 42 CFR Part 2: a substance-use referral never leaves over FHIR unless
an active Part 2 disclosure consent names (or covers) the receiving
organisation (42 CFR 2.31, 2.33).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Select, and_, or_, select
from sqlalchemy.orm import Session

from nowrongdoor.care import crud
from nowrongdoor.care.enums import ConsentType, NeedCategory, ReferralStatus, Role
from nowrongdoor.care.errors import NotFound
from nowrongdoor.care.models import Referral, User
from nowrongdoor.care.rbac import can, scope_clause

__all__ = [
    "part2_blocked",
    "referral_clause",
    "visible_referral",
    "visible_referrals",
    "with_text",
]


def referral_clause(viewer: User) -> ColumnElement[bool]:
    """The referrals ``viewer`` reaches, as a WHERE clause (before Part 2)."""
    if viewer.role == Role.PARTNER_USER:
        return and_(
            or_(
                Referral.to_organization_id == viewer.organization_id,
                Referral.from_organization_id == viewer.organization_id,
            ),
            Referral.status != ReferralStatus.DRAFT,
        )
    return scope_clause(viewer, Referral.from_organization_id, Referral.owner_id)


def with_text(viewer: User) -> bool:
    """Whether free text (reasons, notes, descriptions) reaches ``viewer``: the
    partner's, and that of roles that may identify persons."""
    return viewer.role == Role.PARTNER_USER or can(viewer, "person:identify")


def _lacks_part2(session: Session, referral: Any) -> bool:
    return (
        crud.covering_consent(
            session,
            person_id=referral.person_id,
            consent_type=ConsentType.PART2_DISCLOSURE,
            organization_id=referral.to_organization_id,
            person_org_id=referral.from_organization_id,
        )
        is None
    )


def part2_blocked(session: Session, viewer: User) -> list[int]:
    """Ids of substance-use referrals in reach that lack a Part 2 consent now."""
    rows = session.execute(
        select(
            Referral.id,
            Referral.person_id,
            Referral.to_organization_id,
            Referral.from_organization_id,
        ).where(
            referral_clause(viewer),
            Referral.need_category == NeedCategory.SUBSTANCE_USE,
        )
    ).all()
    return [row.id for row in rows if _lacks_part2(session, row)]


def visible_referrals(session: Session, viewer: User) -> Select[Referral]:
    """The referrals ``viewer`` reaches over FHIR, Part 2 holds applied, as a query."""
    stmt = select(Referral).where(referral_clause(viewer))
    blocked = part2_blocked(session, viewer)
    if blocked:
        stmt = stmt.where(Referral.id.not_in(blocked))
    return stmt


def visible_referral(
    session: Session, viewer: User, referral_id: int, resource_type: str = "Task"
) -> Referral:
    """One referral ``viewer`` reaches over FHIR; 404 otherwise (no existence leak).

    Raises:
        NotFound: no such referral, out of reach, or held back by Part 2.
    """
    referral = session.scalar(
        select(Referral).where(Referral.id == referral_id, referral_clause(viewer))
    )
    if referral is None or (
        referral.need_category == NeedCategory.SUBSTANCE_USE
        and _lacks_part2(session, referral)
    ):
        raise NotFound(f"{resource_type}/{referral_id} is not known")
    return referral
