"""Referrals and the partner directory, and their presenters (private)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from pydantic import Field, model_validator

from nowrongdoor.care.enums import NeedCategory, ReferralStatus, ToldVia
from nowrongdoor.care.schemas._common import Id, Public, Strict
from nowrongdoor.care.schemas._person import PersonMinimal, age_on, birth_date_of

if TYPE_CHECKING:
    from nowrongdoor.care.models import PartnerService, Referral

#: What stands in for free text a role may not read.
WITHHELD = "(withheld)"


class ReferralCreate(Strict):
    """Draft a referral from a case to a partner service or organisation."""

    case_id: Id
    service_id: Id | None = None
    to_organization_id: Id | None = None
    need_category: NeedCategory | None = None
    reason: str | None = Field(None, max_length=5000)
    do_not_contact: bool = False

    @model_validator(mode="after")
    def _target(self) -> ReferralCreate:
        if self.service_id is None and self.to_organization_id is None:
            raise ValueError("give service_id or to_organization_id")
        return self


class ReferralTransition(Strict):
    """Move a referral to a new status.

    ``override_reason`` (supervisors, admins) sends without consent to share.
    ``reason`` is required to decline or cancel.

    ``told_via`` and ``told_by`` record a receiving partner's move on its
    behalf: only the referring team, only for a partner that is not on the
    system (no active account, partner client or FHIR endpoint), and
    ``told_via`` (how the partner told you) is then required.
    """

    status: ReferralStatus
    reason: str | None = Field(None, max_length=2000)
    override_reason: str | None = Field(None, min_length=10, max_length=2000)
    told_via: ToldVia | None = Field(
        None, description="How the partner told you (a move recorded on its behalf)."
    )
    told_by: str | None = Field(
        None,
        max_length=200,
        description="Who at the partner told you (a move recorded on its behalf).",
    )


class ReferralEventPublic(Public):
    """One status change."""

    from_status: str | None
    to_status: str
    actor_id: int | None
    reason: str | None = None
    at: dt.datetime
    #: Set when the actor recorded the receiving partner's move on its behalf.
    told_via: str | None = None
    told_by: str | None = None
    #: With ``told_via``: who recorded it, and for which organisation.
    recorded_by: str | None = None
    on_behalf_of: str | None = None


class ReferralPublic(Public):
    """A referral as the referring organisation sees it."""

    id: int
    case_id: int
    person_id: int
    from_organization_id: int
    to_organization_id: int
    to_organization_name: str | None = None
    service_id: int | None
    service_name: str | None = None
    owner_id: int | None
    status: str
    need_category: str | None
    reason: str | None
    do_not_contact: bool
    consent_id: int | None
    override_reason: str | None = None
    override_by_id: int | None = None
    response_note: str | None = None
    created_at: dt.datetime
    sent_at: dt.datetime | None
    accepted_at: dt.datetime | None
    declined_at: dt.datetime | None
    in_progress_at: dt.datetime | None
    completed_at: dt.datetime | None
    cancelled_at: dt.datetime | None
    events: list[ReferralEventPublic] = Field(default_factory=list)


def referrer_view(
    referral: Referral,
    *,
    to_name: str | None,
    service_name: str | None,
    events: list[ReferralEventPublic],
    withhold_text: bool = False,
) -> ReferralPublic:
    """The referring side's view of ``referral``.

    Args:
        referral: The referral.
        to_name: The receiving organisation's name.
        service_name: The service's name (None when no service is named).
        events: The referral's history, oldest first ([] when not shown).
        withhold_text: Blank free text (reason, override reason, partner's
            note, event reasons) for roles that see pseudonymous data only.
    """
    out = ReferralPublic.model_validate(referral)
    out.to_organization_name = to_name
    out.service_name = service_name
    out.events = events
    if withhold_text:
        withhold_referral_text(out)
    return out


def withhold_referral_text(out: ReferralPublic) -> None:
    """Blank a referral's free text (reason, notes, event reasons) in place."""
    for name in ("reason", "override_reason", "response_note"):
        if getattr(out, name):
            setattr(out, name, WITHHELD)
    for event in out.events:
        if event.reason:
            event.reason = WITHHELD
        if event.told_by:
            event.told_by = WITHHELD


class ReferralPartnerView(Public):
    """A referral as the receiving partner sees it: the minimum necessary."""

    id: int
    status: str
    from_organization_id: int
    from_organization_name: str | None = None
    to_organization_id: int
    service_id: int | None
    service_name: str | None = None
    need_category: str | None
    reason: str | None
    do_not_contact: bool
    response_note: str | None = None
    person: PersonMinimal
    sent_at: dt.datetime | None
    accepted_at: dt.datetime | None
    declined_at: dt.datetime | None
    in_progress_at: dt.datetime | None
    completed_at: dt.datetime | None
    cancelled_at: dt.datetime | None
    events: list[ReferralEventPublic] = Field(default_factory=list)


#: The partner view's fields :func:`partner_view` fills in itself.
_PARTNER_OWN = frozenset(
    ("from_organization_name", "service_name", "do_not_contact", "person", "events")
)
#: The partner view's fields shown as the referral row holds them (all others).
_PARTNER_ROW = tuple(
    name for name in ReferralPartnerView.model_fields if name not in _PARTNER_OWN
)


def partner_view(
    referral: Referral,
    person: Any,
    *,
    reachable: bool,
    from_name: str | None,
    service_name: str | None,
    events: list[ReferralEventPublic],
) -> ReferralPartnerView:
    """The partner's view of ``referral``: minimum necessary person fields only.

    Args:
        referral: The referral.
        person: The person's pseudonym, given name, birth date and do-not-contact
            flag (a row of those columns), with ``contacts`` when ``reachable``.
        reachable: Whether the referral's state lets the partner reach the
            person (the phone is still withheld when the person is flagged
            "do not contact").
        from_name: The referring organisation's name.
        service_name: The service's name.
        events: The referral's history ([] when not shown).
    """
    reachable = reachable and not person.do_not_contact
    phone = (person.contacts or {}).get("phone") if reachable else None
    return ReferralPartnerView(
        **{name: getattr(referral, name) for name in _PARTNER_ROW},
        from_organization_name=from_name,
        service_name=service_name,
        do_not_contact=referral.do_not_contact or person.do_not_contact,
        person=PersonMinimal(
            pseudonym=person.pseudonym,
            given_name=person.given_name,
            age=age_on(birth_date_of(person.birth_date)),
            phone=phone,
        ),
        events=events,
    )


class LocationPublic(Public):
    """Where a service is offered."""

    id: int
    name: str | None
    address_1: str | None
    city: str | None
    state_province: str | None
    postal_code: str | None
    country: str | None


class PhonePublic(Public):
    """A partner phone number."""

    number: str
    extension: str | None = None
    phone_type: str | None = None
    description: str | None = None


class PartnerServicePublic(Public):
    """A partner service in the directory."""

    id: int
    hsds_id: str | None
    organization_id: int
    organization_name: str
    name: str
    alternate_name: str | None = None
    description: str | None
    status: str
    url: str | None = None
    email: str | None = None
    eligibility: str | None = None
    minimum_age: int | None
    maximum_age: int | None
    service_types: list[str]
    locations: list[LocationPublic] = Field(default_factory=list)
    phones: list[PhonePublic] = Field(default_factory=list)


def partner_service_public(
    service: PartnerService,
    *,
    organization_name: str,
    locations: list[LocationPublic],
    phones: list[PhonePublic],
) -> PartnerServicePublic:
    """A directory service with its organisation's name, locations and phones."""
    return PartnerServicePublic(
        id=service.id,
        hsds_id=service.hsds_id,
        organization_id=service.organization_id,
        organization_name=organization_name,
        name=service.name,
        alternate_name=service.alternate_name,
        description=service.description,
        status=service.status,
        url=service.url,
        email=service.email,
        eligibility=service.eligibility,
        minimum_age=service.minimum_age,
        maximum_age=service.maximum_age,
        service_types=[t for t in service.service_types.split("|") if t],
        locations=locations,
        phones=phones,
    )


class ImportReport(Public):
    """Counts from an import."""

    organizations: int = 0
    services: int = 0
    locations: int = 0
    services_at_location: int = 0
    phones: int = 0
    warnings: list[str] = Field(default_factory=list)
