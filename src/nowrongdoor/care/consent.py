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
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from nowrongdoor.care.enums import ConsentScope, ConsentType, Sensitivity
from nowrongdoor.care.models import Consent, Person, RiskFlag, User, utcnow
from nowrongdoor.care.rbac import can

__all__ = [
    "NAMED_RECIPIENT_TYPES",
    "PART2_REASON_LABELS",
    "FlagView",
    "consent_active",
    "covering_consent",
    "first_covering",
    "part2_visible",
    "flag_view",
    "visible_flags",
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


def visible_sensitive(items: list[Any], *, part2_ok: bool) -> tuple[list[Any], int]:
    """Drop Part 2 items when not allowed; returns (kept, withheld count)."""
    if part2_ok:
        return items, 0
    kept = [i for i in items if getattr(i, "sensitivity", None) != Sensitivity.PART2]
    return kept, len(items) - len(kept)


@dataclass(frozen=True)
class FlagView:
    """A risk flag as a viewer may see it.

    For a 42 CFR Part 2 flag shown to a viewer whom no Part 2 consent covers,
    the open view: the tier, score and reasons without the Part 2 reasons, and
    how many reasons were left out. 42 CFR Part 2 protects records that
    identify a patient as having a substance use disorder (42 CFR 2.11, 2.12)
    and lets them go only where the patient's written consent names the
    recipient (42 CFR 2.31, 2.32); the flag's other reasons (a confirmed
    trafficking code, a runaway code) are not such records. The pathway shows
    only when the Part 2 reasons did not change the tier (else it, too, would
    tell them). Everyone else sees the whole flag (``withheld_reasons`` 0).
    """

    id: int
    person_id: int
    source: str
    tier: str
    score: float
    pathway: str | None
    age: int | None
    reasons: str | None
    sensitivity: str
    reviewed: bool
    imported_at: dt.datetime
    withheld_reasons: int = 0


def _part2_count(reasons: str | None) -> int:
    """How many of a flag's reasons (the worklist's JSON list) are Part 2."""
    try:
        parsed: Any = json.loads(reasons or "[]")
    except json.JSONDecodeError:
        return 0
    if not isinstance(parsed, list):
        return 0
    return sum(
        1
        for r in parsed
        if isinstance(r, dict)
        and str(r.get("sensitivity", "")).lower() in PART2_REASON_LABELS
    )


def flag_view(flag: RiskFlag, *, part2_ok: bool) -> FlagView | None:
    """``flag`` as the viewer may see it; ``None`` when withheld whole (a Part
    2 flag without an open view, imported from a worklist that had none)."""
    whole = FlagView(
        id=flag.id,
        person_id=flag.person_id,
        source=flag.source,
        tier=flag.tier,
        score=flag.score,
        pathway=flag.pathway,
        age=flag.age,
        reasons=flag.reasons,
        sensitivity=flag.sensitivity,
        reviewed=flag.reviewed,
        imported_at=flag.imported_at,
    )
    if part2_ok or flag.sensitivity != Sensitivity.PART2:
        return whole
    if flag.open_tier is None or flag.open_score is None:
        return None
    return replace(
        whole,
        tier=flag.open_tier,
        score=flag.open_score,
        pathway=flag.pathway if flag.open_tier == flag.tier else None,
        reasons=flag.open_reasons,
        withheld_reasons=max(_part2_count(flag.reasons), 1),
    )


def visible_flags(
    flags: Sequence[RiskFlag], *, part2_ok: bool
) -> tuple[list[FlagView], int]:
    """The flags as the viewer may see them (:func:`flag_view`), and how many
    are withheld whole."""
    views = [flag_view(f, part2_ok=part2_ok) for f in flags]
    kept = [v for v in views if v is not None]
    return kept, len(views) - len(kept)
