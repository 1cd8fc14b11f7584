"""Consent and 42 CFR Part 2 policy: which consent covers whom, and when
substance-use items may be shown.

Beside :mod:`nowrongdoor.care.rbac` (what a role may do, on which records),
this module says what a person has agreed to. 42 CFR Part 2 (Confidentiality
of Substance Use Disorder Patient Records, 42 CFR 2.31, 2.33) needs the person's
written consent naming who may receive the records: a role with ``part2:read``
sees Part 2 items only under an active ``part2_disclosure`` consent covering
the viewer's organisation. The data-access layer (:mod:`nowrongdoor.care.crud`)
re-exports these names; callers apply them explicitly.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from sqlalchemy import Select, and_, or_, select
from sqlalchemy.orm import Session

from nowrongdoor.care.enums import ConsentScope, ConsentType, Sensitivity
from nowrongdoor.care.models import Consent, Person, User, utcnow
from nowrongdoor.care.rbac import can

__all__ = [
    "NAMED_RECIPIENT_TYPES",
    "PART2_REASON_LABELS",
    "consent_active",
    "covering_consent",
    "first_covering",
    "part2_covered",
    "part2_visible",
    "visible_sensitive",
]

#: A worklist reason's sensitivity labels that mark it a 42 CFR Part 2 record
#: (``population`` writes ``42-cfr-part-2`` on substance use disorder codes).
PART2_REASON_LABELS = frozenset({"42-cfr-part-2", "part2", "sud"})

#: Consent types that must name who receives the records: a 42 CFR Part 2
#: consent states "the name(s) of the person(s), or class of persons, to which
#: a disclosure is to be made" (42 CFR 2.31(a)(4)); a class is allowed only for
#: treatment, payment and health care operations, which a community partner
#: (a shelter, a legal clinic) is not. So a Part 2 consent covers one named
#: organisation or the person's own care team, never "any partner".
NAMED_RECIPIENT_TYPES = frozenset({ConsentType.PART2_DISCLOSURE})


def consent_active(consent: Consent, at: dt.datetime | None = None) -> bool:
    """Granted, not revoked, not expired."""
    at = at or utcnow()
    return (
        consent.granted
        and consent.revoked_at is None
        and (consent.expires_at is None or consent.expires_at > at)
    )


def covering_consent(
    session: Session,
    *,
    person_id: int,
    consent_type: str,
    organization_id: int,
    person_org_id: int,
) -> Consent | None:
    """An active consent of ``consent_type`` covering ``organization_id``.

    ``any_partner`` covers every organisation (but never for a type in
    :data:`NAMED_RECIPIENT_TYPES`); ``organisation`` covers the one named;
    ``care_team`` covers the person's own organisation only.
    """
    return first_covering(
        session.scalars(
            select(Consent).where(
                Consent.person_id == person_id, Consent.consent_type == consent_type
            )
        ),
        consent_type=consent_type,
        organization_id=organization_id,
        person_org_id=person_org_id,
    )


def first_covering(
    consents: Iterable[Consent],
    *,
    consent_type: str,
    organization_id: int,
    person_org_id: int,
) -> Consent | None:
    """The first of ``consents`` that is an active ``consent_type`` consent
    covering ``organization_id`` (the rule of :func:`covering_consent`)."""
    for consent in consents:
        if consent.consent_type != consent_type or not consent_active(consent):
            continue
        if consent.scope == ConsentScope.ANY_PARTNER:
            if consent_type in NAMED_RECIPIENT_TYPES:
                continue  # recorded before the rule: names no recipient
            return consent
        if (
            consent.scope == ConsentScope.ORGANISATION
            and consent.scope_organization_id == organization_id
        ):
            return consent
        if consent.scope == ConsentScope.CARE_TEAM and organization_id == person_org_id:
            return consent
    return None


def part2_visible(
    session: Session,
    *,
    viewer: User,
    person: Person,
    consents: list[Consent] | None = None,
) -> bool:
    """Whether substance-use (42 CFR Part 2) items of ``person`` may be shown.

    The role must allow ``part2:read`` and the person must have an active Part 2
    disclosure consent covering the viewer's organisation. ``consents``: all of
    the person's consent records when the caller has already read them (saves
    a query).
    """
    if not can(viewer, "part2:read"):
        return False
    if consents is None:
        consents = list(
            session.scalars(
                select(Consent).where(
                    Consent.person_id == person.id,
                    Consent.consent_type == ConsentType.PART2_DISCLOSURE,
                )
            )
        )
    covering = first_covering(
        consents,
        consent_type=ConsentType.PART2_DISCLOSURE,
        organization_id=viewer.organization_id,
        person_org_id=person.organization_id,
    )
    return covering is not None


def part2_covered(viewer: User) -> Select[Any] | None:
    """SQL twin of :func:`part2_visible` for many persons at once: the ids of
    the persons whose Part 2 items ``viewer`` may see.

    The same rule as :func:`first_covering` for ``part2_disclosure``: active
    (granted, not revoked, not expired), naming the viewer's organisation or
    the person's own care team (never ``any_partner``, 42 CFR 2.31(a)(4)). Not
    correlated with the caller's rows, so a query over many rows reads it once
    (``person_id IN (...)``).

    Returns:
        The query, or ``None`` when the viewer's role may never read Part 2
        items (no consent covers them).
    """
    if not can(viewer, "part2:read"):
        return None
    org = viewer.organization_id
    return (
        select(Consent.person_id)
        .join(Person, Person.id == Consent.person_id)
        .where(
            Consent.consent_type == ConsentType.PART2_DISCLOSURE,
            Consent.granted.is_(True),
            Consent.revoked_at.is_(None),
            or_(Consent.expires_at.is_(None), Consent.expires_at > utcnow()),
            or_(
                and_(
                    Consent.scope == ConsentScope.ORGANISATION,
                    Consent.scope_organization_id == org,
                ),
                and_(
                    Consent.scope == ConsentScope.CARE_TEAM,
                    Person.organization_id == org,
                ),
            ),
        )
    )


def visible_sensitive(items: list[Any], *, part2_ok: bool) -> tuple[list[Any], int]:
    """Drop Part 2 items when not allowed; returns (kept, withheld count)."""
    if part2_ok:
        return items, 0
    kept = [i for i in items if getattr(i, "sensitivity", None) != Sensitivity.PART2]
    return kept, len(items) - len(kept)
