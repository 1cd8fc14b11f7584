"""Persons, intakes, screenings, risk flags, consent, and their presenters
(private)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from pydantic import Field

from nowrongdoor.care.consent import PART2_REASON_LABELS, consent_active
from nowrongdoor.care.enums import (
    ConsentScope,
    ConsentType,
    Door,
    IntakeStatus,
    Sensitivity,
)
from nowrongdoor.care.rbac import can
from nowrongdoor.care.schemas._common import Id, Public, Strict

if TYPE_CHECKING:
    from nowrongdoor.care.models import Consent, Person, RiskFlag, User


class Contacts(Strict):
    """How to reach a person safely."""

    phone: str | None = Field(None, max_length=40)
    email: str | None = Field(None, max_length=200)
    address: str | None = Field(None, max_length=500)
    safe_contact_note: str | None = Field(
        None, max_length=500, description="When/how it is safe to make contact."
    )
    county: str | None = Field(
        None,
        max_length=100,
        description="County of residence (reports by county; team-pool routing).",
    )


class _Identity(Strict):
    """The identifying fields a person is registered or changed with (encrypted
    at rest)."""

    given_name: str | None = Field(None, max_length=200)
    family_name: str | None = Field(None, max_length=200)
    birth_date: dt.date | None = None
    contacts: Contacts | None = None
    member_id: str | None = Field(None, max_length=64)
    gender: str | None = Field(None, max_length=40)


class PersonBase(_Identity):
    """Identifying fields (encrypted at rest)."""

    do_not_contact: bool = False


class PersonCreate(PersonBase):
    """Register a person; a pseudonymous id is assigned."""

    owner_id: Id | None = None


class PersonUpdate(_Identity):
    """Change a person; omitted fields stay as they are."""

    do_not_contact: bool | None = None
    owner_id: Id | None = None


class PersonPublic(Public):
    """A person as the caller may see them (identifying fields may be withheld)."""

    id: int
    pseudonym: str
    organization_id: int
    owner_id: int | None
    given_name: str | None = None
    family_name: str | None = None
    birth_date: dt.date | None = None
    age: int | None = None
    contacts: Contacts | None = None
    member_id: str | None = None
    gender: str | None = None
    do_not_contact: bool
    identity_withheld: bool = False
    created_at: dt.datetime


def age_on(birth_date: dt.date | None, today: dt.date | None = None) -> int | None:
    """Whole years from ``birth_date`` to ``today``."""
    if birth_date is None:
        return None
    today = today or dt.date.today()
    years = today.year - birth_date.year
    if (today.month, today.day) < (birth_date.month, birth_date.day):
        years -= 1
    return years


def birth_date_of(stored: str | None) -> dt.date | None:
    """A birth date as stored (ISO text, decrypted) as a date."""
    return dt.date.fromisoformat(stored) if stored else None


def person_public(person: Person, *, viewer: User) -> PersonPublic:
    """The person as ``viewer`` may see them (identity withheld without rights)."""
    birth = birth_date_of(person.birth_date)
    base = {
        "id": person.id,
        "pseudonym": person.pseudonym,
        "organization_id": person.organization_id,
        "owner_id": person.owner_id,
        "gender": person.gender,
        "do_not_contact": person.do_not_contact,
        "created_at": person.created_at,
        "age": age_on(birth),
    }
    if not can(viewer, "person:identify"):
        return PersonPublic(**base, identity_withheld=True)
    return PersonPublic(
        **base,
        given_name=person.given_name,
        family_name=person.family_name,
        birth_date=birth,
        contacts=Contacts(**person.contacts) if person.contacts else None,
        member_id=person.member_id,
    )


class PersonMinimal(Public):
    """The minimum necessary for a partner: pseudonym, first name, age, a phone.

    The phone is withheld while the referral is not accepted, or when the
    person or referral is flagged "do not contact".
    """

    pseudonym: str
    given_name: str | None = None
    age: int | None = None
    phone: str | None = None


class IntakeCreate(Strict):
    """A person arriving through a door."""

    door: Door
    summary: str | None = Field(None, max_length=20_000)
    received_at: dt.datetime | None = None


class IntakeUpdate(Strict):
    """Review an intake or lead: link it to a person, mark it reviewed/dismissed."""

    status: IntakeStatus | None = None
    person_id: Id | None = None
    summary: str | None = Field(None, max_length=20_000)


class IntakePublic(Public):
    """An intake or lead."""

    id: int
    person_id: int | None
    organization_id: int
    owner_id: int | None = None
    door: str
    status: str
    summary: str | None = None
    source_ref: str | None = None
    lead: dict[str, Any] | None = None
    received_at: dt.datetime
    reviewed_at: dt.datetime | None = None


class ScreeningCreate(Strict):
    """Score answers with a screening instrument and store the result."""

    instrument_id: str = Field(min_length=1, max_length=100)
    answers: dict[str, Any] = Field(description="linkId -> answer value")
    case_id: Id | None = None
    intake_id: Id | None = None


class ScreeningPublic(Public):
    """A stored screening."""

    id: int
    person_id: int
    case_id: int | None
    instrument_id: str
    positive: bool
    recommended_pathway: str | None
    sensitivity: str
    result: dict[str, Any]
    questionnaire_response: dict[str, Any]
    performed_at: dt.datetime


class RiskFlagPublic(Public):
    """A population-worklist flag on a person.

    To a viewer whom no 42 CFR Part 2 consent covers, a Part 2 flag shows its
    open view: ``tier``, ``score`` and ``reasons`` from its reasons that are
    not Part 2 records, ``withheld_reasons`` saying how many were left out
    (42 CFR 2.12, 2.32).
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
    withheld_reasons: int = Field(
        0,
        description=(
            "Reasons left out: substance-use records (42 CFR Part 2) the "
            "viewer's organisation has no consent for; tier, score and "
            "reasons are then those of the other reasons."
        ),
    )


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


def flag_view(flag: RiskFlag, *, part2_ok: bool) -> RiskFlagPublic | None:
    """``flag`` as the viewer may see it; ``None`` when withheld whole (a Part
    2 flag without an open view, imported from a worklist that had none).

    For a 42 CFR Part 2 flag shown to a viewer whom no Part 2 consent covers
    (``part2_ok`` false), the open view: the tier, score and reasons without
    the Part 2 reasons, and how many reasons were left out. 42 CFR Part 2
    protects records that identify a patient as having a substance use
    disorder (42 CFR 2.11, 2.12) and lets them go only where the patient's
    written consent names the recipient (42 CFR 2.31, 2.32); the flag's other
    reasons (a confirmed trafficking code, a runaway code) are not such
    records. The pathway shows only when the Part 2 reasons did not change the
    tier (else it, too, would tell them). Everyone else sees the whole flag
    (``withheld_reasons`` 0).
    """
    whole = RiskFlagPublic.model_validate(flag)
    if part2_ok or flag.sensitivity != Sensitivity.PART2:
        return whole
    if flag.open_tier is None or flag.open_score is None:
        return None
    return whole.model_copy(
        update={
            "tier": flag.open_tier,
            "score": flag.open_score,
            "pathway": flag.pathway if flag.open_tier == flag.tier else None,
            "reasons": flag.open_reasons,
            "withheld_reasons": max(_part2_count(flag.reasons), 1),
        }
    )


def predates_open_view(flag: RiskFlag) -> bool:
    """Whether ``flag`` is withheld whole only because it has no open view: a
    flag with 42 CFR Part 2 reasons imported before revision 0020 (or from a
    worklist without ``open_tier`` and ``open_score``). Its open view cannot be
    told without the worklist's scores (the care side does not re-score);
    importing its worklist again, as population now writes it, stores one. A
    flag labelled Part 2 as a whole (no reason labelled so) is not one."""
    return (
        flag.sensitivity == Sensitivity.PART2
        and flag.open_tier is None
        and _part2_count(flag.reasons) > 0
    )


def visible_flags(
    flags: Sequence[RiskFlag], *, part2_ok: bool
) -> tuple[list[RiskFlagPublic], int]:
    """The flags as the viewer may see them (:func:`flag_view`), and how many
    are withheld whole."""
    views = [flag_view(f, part2_ok=part2_ok) for f in flags]
    kept = [v for v in views if v is not None]
    return kept, len(views) - len(kept)


class ConsentCreate(Strict):
    """Record consent (or a refusal)."""

    consent_type: ConsentType
    scope: ConsentScope
    scope_organization_id: Id | None = None
    granted: bool = True
    expires_at: dt.datetime | None = None
    note: str | None = Field(None, max_length=2000)


class ConsentPublic(Public):
    """A consent record."""

    id: int
    person_id: int
    consent_type: str
    scope: str
    scope_organization_id: int | None
    granted: bool
    note: str | None = None
    given_at: dt.datetime
    expires_at: dt.datetime | None
    revoked_at: dt.datetime | None
    active: bool = False


def consent_public(consent: Consent) -> ConsentPublic:
    """A consent with its ``active`` flag."""
    out = ConsentPublic.model_validate(consent)
    out.active = consent_active(consent)
    return out


SensitivityField = Field(
    Sensitivity.NORMAL,
    description="part2 = substance use (42 CFR Part 2): shown only under consent.",
)
