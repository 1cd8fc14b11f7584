"""Referrals another FHIR server sends us: a transaction Bundle becomes a referral.

The Bundle is the one :func:`nowrongdoor.care.fhir.outbound.referral_bundle`
builds (and any sender following the Gravity SDOH Clinical Care referral
exchange): a Patient, the Consent(s) the referral rests on, an SDOHCC
ServiceRequest and an SDOHCC TaskForReferralManagement whose ``focus`` is the
ServiceRequest and ``owner`` one of our organisations. The sender is the
calling partner system's organisation (from its credentials, never from the
Bundle). We acknowledge at once: the referral starts ``received`` (Task status
``received``), which the sender reads when it polls.

Idempotent: the Task must carry an identifier; a second Bundle from the same
sender with the same Task identifier (FHIR conditional create, ``ifNoneExist``)
creates nothing and answers with the referral made the first time.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from fhir.resources.R4B.bundle import Bundle
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from nowrongdoor.care import crud
from nowrongdoor.care._lengths import column_length
from nowrongdoor.care.enums import (
    CaseStatus,
    ConsentScope,
    ConsentType,
    NeedCategory,
    OrgKind,
    Pathway,
    ReferralStatus,
)
from nowrongdoor.care.errors import BadRequest, Conflict
from nowrongdoor.care.fhir.resources import (
    NEED_SYSTEM,
    parse_resource,
    reference_of,
    version_of,
)
from nowrongdoor.care.models import (
    Case,
    Consent,
    FhirInbound,
    Organization,
    Person,
    Referral,
    ReferralEvent,
    User,
    utcnow,
)

__all__ = ["DO_NOT_CONTACT", "Received", "receive_transaction"]

#: Extension on the ServiceRequest: the person must not be contacted directly
#: (no FHIR R4 element says this; see docs/interop.md).
DO_NOT_CONTACT = "urn:nowrongdoor:fhir:StructureDefinition:do-not-contact"
_CONSENT_TEXT = {t.replace("_", " "): ConsentType(t) for t in ConsentType}


class Received:
    """The outcome of one Bundle: the referral, and whether it is new."""

    def __init__(self, referral: Referral, created: bool, response: dict[str, Any]):
        self.referral = referral
        self.created = created
        self.response = response


def _one(entries: list[Any], kind: str) -> Any:
    found = [
        e for e in entries if e.resource and e.resource.get_resource_type() == kind
    ]
    if len(found) != 1:
        raise BadRequest(f"the Bundle needs exactly one {kind} (has {len(found)})")
    return found[0]


def _parse(raw: bytes) -> tuple[list[Any], Any, Any, Any, list[Any]]:
    bundle = parse_resource(Bundle, raw)
    if bundle.type != "transaction":
        raise BadRequest(f"Bundle.type must be 'transaction', not {bundle.type!r}")
    entries = list(bundle.entry or [])
    for i, entry in enumerate(entries):
        if entry.resource is None or entry.request is None:
            raise BadRequest(f"Bundle.entry[{i}] needs a resource and a request")
        kind = entry.resource.get_resource_type()
        if kind not in ("Patient", "Consent", "ServiceRequest", "Task"):
            raise BadRequest(f"Bundle.entry[{i}]: {kind} is not part of a referral")
        if entry.request.method != "POST":
            raise BadRequest(f"Bundle.entry[{i}].request.method must be POST")
    patient, request, task = (
        _one(entries, k) for k in ("Patient", "ServiceRequest", "Task")
    )
    consents = [
        e for e in entries if e.resource and e.resource.get_resource_type() == "Consent"
    ]
    t = task.resource
    if reference_of(t.focus) != request.fullUrl:
        raise BadRequest("Task.focus must reference the Bundle's ServiceRequest")
    subject = reference_of(request.resource.subject)
    if reference_of(t.for_fhir) != patient.fullUrl or subject != patient.fullUrl:
        raise BadRequest("Task.for and ServiceRequest.subject must be the Patient")
    if t.status != "requested" or t.intent != "order":
        raise BadRequest("a new referral Task has status 'requested', intent 'order'")
    if not t.identifier or not t.identifier[0].value:
        raise BadRequest("Task.identifier is needed (it makes a retried POST safe)")
    return entries, patient, request, task, consents


def _identifier(task: Any) -> str:
    """The Task's first identifier, as ``system|value``, whole.

    Raises:
        BadRequest: it is longer than the column that keeps it (cut, two
            referrals could share it, and the second be taken for a retry).
    """
    ident = task.resource.identifier[0]
    identifier = f"{ident.system or ''}|{ident.value}"
    longest = column_length(FhirInbound.identifier)
    if longest is not None and len(identifier) > longest:
        raise BadRequest(
            f"Task.identifier (system|value) has {len(identifier)} characters, "
            f"more than the {longest} this server keeps"
        )
    return identifier


def _owner(session: Session, task: Any, sender: User) -> Organization:
    owner = reference_of(task.resource.owner) or ""
    kind, _, rid = owner.partition("/")
    org = (
        session.get(Organization, int(rid))
        if kind == "Organization" and rid.isdigit()
        else None
    )
    if org is None or org.kind != OrgKind.PARTNER:
        raise BadRequest(
            f"Task.owner {owner!r} is not one of our partner organisations"
        )
    if org.id == sender.organization_id:
        raise BadRequest("Task.owner is the sender's own organisation")
    return org


def _need(request: Any) -> str | None:
    for concept in request.resource.category or []:
        for coding in concept.coding or []:
            if coding.system == NEED_SYSTEM and coding.code in set(NeedCategory):
                return str(coding.code)
    return None


def _aware(value: Any) -> dt.datetime | None:
    """A FHIR dateTime as an aware UTC datetime; dates and naive times: None."""
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        return value.astimezone(dt.UTC)
    return None


def _consent(
    session: Session, entry: Any, *, person: Person, owner: Organization, actor: User
) -> Consent:
    c = entry.resource
    texts = [cat.text for cat in c.category or [] if cat.text]
    kind = next((_CONSENT_TEXT[t] for t in texts if t in _CONSENT_TEXT), None)
    if kind is None:
        raise BadRequest(
            "Consent.category.text must name the consent type "
            f"({', '.join(sorted(_CONSENT_TEXT))})"
        )
    provision = c.provision
    end = _aware(provision.period.end if provision and provision.period else None)
    consent = Consent(
        person_id=person.id,
        consent_type=str(kind),
        scope=str(ConsentScope.ORGANISATION),
        scope_organization_id=owner.id,
        granted=c.status == "active"
        and (provision is None or provision.type == "permit"),
        given_at=_aware(c.dateTime) or utcnow(),
        expires_at=end,
        recorded_by_id=actor.id,
    )
    session.add(consent)
    session.flush()
    return consent


def _response(
    referral: Referral,
    person: Person,
    consents: list[Consent],
    entries: list[Any],
    status: str,
) -> dict[str, Any]:
    consent_ids = iter(c.id for c in consents)
    out = []
    for entry in entries:
        kind = entry.resource.get_resource_type()
        rid = {
            "Patient": person.pseudonym,
            "ServiceRequest": str(referral.id),
            "Task": f"{referral.id}/_history/{version_of(referral)}",
        }.get(kind) or str(next(consent_ids, ""))
        out.append({"response": {"status": status, "location": f"{kind}/{rid}"}})
    bundle = Bundle.model_validate({"type": "transaction-response", "entry": out})
    data: dict[str, Any] = bundle.model_dump(mode="json", exclude_none=True)
    return data


def receive_transaction(session: Session, *, sender: User, raw: bytes) -> Received:
    """Create (or find) the referral a transaction Bundle sends us.

    Args:
        session: The care database session (the caller commits).
        sender: The calling partner system's account (its organisation refers).
        raw: The Bundle's JSON.

    Raises:
        BadRequest: the Bundle is not a referral we can take.
        Conflict: a 42 CFR Part 2 referral without Part 2 consent, or the
            same Task identifier arriving twice at once.
    """
    entries, patient, request, task, consent_entries = _parse(raw)
    identifier = _identifier(task)
    known = session.scalar(
        select(FhirInbound).where(
            FhirInbound.sender_organization_id == sender.organization_id,
            FhirInbound.identifier == identifier,
        )
    )
    if known is not None:
        referral = session.get(Referral, known.referral_id)
        assert referral is not None
        person = session.get(Person, referral.person_id)
        assert person is not None
        mine = [
            c
            for c in session.scalars(
                select(Consent)
                .where(Consent.person_id == person.id)
                .order_by(Consent.id)
            )
        ]
        return Received(
            referral, False, _response(referral, person, mine, entries, "200 OK")
        )
    owner = _owner(session, task, sender)
    need = _need(request)
    birth = patient.resource.birthDate
    person = Person(
        pseudonym=crud.new_pseudonym(),
        organization_id=sender.organization_id,
        birth_year=int(str(birth)[:4]) if birth else None,
        do_not_contact=any(
            x.url == DO_NOT_CONTACT and x.valueBoolean
            for x in request.resource.extension or []
        ),
    )
    session.add(person)
    session.flush()
    consents = [
        _consent(session, e, person=person, owner=owner, actor=sender)
        for e in consent_entries
    ]
    granted = {c.consent_type for c in consents if c.granted}
    if (
        need == NeedCategory.SUBSTANCE_USE
        and ConsentType.PART2_DISCLOSURE not in granted
    ):
        raise Conflict(
            "a substance-use referral needs a 42 CFR Part 2 disclosure Consent "
            "in the Bundle",
            code="part2_consent_required",
        )
    case = Case(
        person_id=person.id,
        organization_id=sender.organization_id,
        owner_id=None,
        pathway=str(Pathway.SURVIVE),
        status=str(CaseStatus.OPEN),
    )
    session.add(case)
    session.flush()
    share = next(
        (c for c in consents if c.consent_type == ConsentType.SHARE_WITH_PARTNERS), None
    )
    now = utcnow()
    referral = Referral(
        case_id=case.id,
        person_id=person.id,
        from_organization_id=sender.organization_id,
        to_organization_id=owner.id,
        status=str(ReferralStatus.RECEIVED),
        need_category=need,
        do_not_contact=person.do_not_contact,
        consent_id=share.id if share else None,
        sent_at=now,
        updated_at=now,
    )
    session.add(referral)
    session.flush()
    for frm, to, actor_id, why in (
        (None, ReferralStatus.SENT, sender.id, "sent over FHIR"),
        (ReferralStatus.SENT, ReferralStatus.RECEIVED, None, "received over FHIR"),
    ):
        session.add(
            ReferralEvent(
                referral_id=referral.id,
                from_status=frm,
                to_status=str(to),
                actor_id=actor_id,
                reason=why,
                at=now,
            )
        )
    session.add(
        FhirInbound(
            sender_organization_id=sender.organization_id,
            identifier=identifier,
            referral_id=referral.id,
        )
    )
    try:
        session.flush()
    except IntegrityError:
        raise Conflict(
            "this Task identifier is being created by another request; retry"
        ) from None
    return Received(
        referral, True, _response(referral, person, consents, entries, "201 Created")
    )
