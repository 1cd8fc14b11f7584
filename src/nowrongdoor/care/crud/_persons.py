"""Persons, intakes, screenings, risk flags and consent (private)."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from nowrongdoor.care.consent import NAMED_RECIPIENT_TYPES
from nowrongdoor.care.crud._common import get_or_404, inserted, labels_of, paginate
from nowrongdoor.care.crud._users import check_assignable
from nowrongdoor.care.crypto import Cipher
from nowrongdoor.care.enums import ConsentScope, Role, Sensitivity
from nowrongdoor.care.errors import BadRequest, Forbidden, NotFound
from nowrongdoor.care.models import (
    Consent,
    Intake,
    Person,
    RiskFlag,
    Screening,
    User,
    utcnow,
)
from nowrongdoor.care.rbac import check_record_scope, require, scope_clause
from nowrongdoor.care.schemas import (
    ConsentCreate,
    IntakeCreate,
    IntakeUpdate,
    PersonCreate,
    PersonUpdate,
)

__all__ = [
    "add_person_child",
    "create_intake",
    "create_person",
    "ensure_not_partner",
    "get_intake",
    "get_person",
    "list_consents",
    "list_intakes",
    "list_persons",
    "list_risk_flags",
    "list_screenings",
    "new_pseudonym",
    "person_children",
    "person_id_of",
    "pseudonym_of",
    "pseudonyms_of",
    "record_consent",
    "review_intake",
    "review_risk_flag",
    "revoke_consent",
    "set_identity",
    "store_screening",
    "unreviewed_risk_flags",
    "update_person",
]

_ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"


def new_pseudonym() -> str:
    """A random pseudonymous id such as ``P-7KQ2-M9XD`` (no personal data in it)."""
    chars = "".join(secrets.choice(_ALPHABET) for _ in range(8))
    return f"P-{chars[:4]}-{chars[4:]}"


def set_identity(person: Person, cipher: Cipher, fields: dict[str, Any]) -> None:
    """Set the identity fields given (names with their keyed indexes, birth date
    and year, contacts, member id); the caller flushes."""
    if "given_name" in fields:
        person.given_name = fields["given_name"]
        person.given_name_bidx = cipher.blind_index(fields["given_name"])
    if "family_name" in fields:
        person.family_name = fields["family_name"]
        person.family_name_bidx = cipher.blind_index(fields["family_name"])
    if "birth_date" in fields:
        bd: dt.date | None = fields["birth_date"]
        person.birth_date = bd.isoformat() if bd else None
        person.birth_year = bd.year if bd else None
    if "contacts" in fields:
        contacts = fields["contacts"]
        person.contacts = contacts if contacts else None
    if "member_id" in fields:
        person.member_id = fields["member_id"]
        person.member_id_bidx = cipher.blind_index(fields["member_id"])


def create_person(
    session: Session, *, actor: User, cipher: Cipher, data: PersonCreate
) -> Person:
    """Register a person in the actor's organisation (the caller commits).

    Giving the person to another owner needs ``case:assign``.
    """
    owner_id = data.owner_id if data.owner_id is not None else actor.id
    if data.owner_id is not None:
        if data.owner_id != actor.id:
            require(actor, "case:assign")
        check_assignable(
            session, owner_id=data.owner_id, organization_id=actor.organization_id
        )
    person = Person(
        pseudonym=new_pseudonym(),
        organization_id=actor.organization_id,
        owner_id=owner_id,
        gender=data.gender,
        do_not_contact=data.do_not_contact,
    )
    set_identity(person, cipher, data.model_dump(exclude={"owner_id", "gender"}))
    return inserted(session, person)


def get_person(session: Session, *, viewer: User, person_id: int) -> Person:
    """A person in the viewer's scope (404 if none, 403 if outside scope)."""
    person = get_or_404(session, Person, person_id, "person")
    check_record_scope(
        session, viewer, person.organization_id, person.owner_id, person.pool_team
    )
    return person


def list_persons(
    session: Session,
    *,
    viewer: User,
    cipher: Cipher,
    pseudonym: str | None = None,
    name: str | None = None,
    member_id: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[Person], int]:
    """Persons in scope; search by pseudonym, exact name or member id.

    Name and member-id search use blind indexes and need ``person:identify``.
    """
    stmt = (
        select(Person)
        .where(
            scope_clause(
                viewer, Person.organization_id, Person.owner_id, Person.pool_team
            )
        )
        .order_by(Person.id.desc())
    )
    if pseudonym:
        stmt = stmt.where(Person.pseudonym == pseudonym.strip().upper())
    if name or member_id:
        require(viewer, "person:identify")
    if name:
        index = cipher.blind_index(name)
        parts = [cipher.blind_index(p) for p in name.split()]
        stmt = stmt.where(
            or_(
                Person.given_name_bidx == index,
                Person.family_name_bidx == index,
                *(Person.family_name_bidx == p for p in parts if p),
                *(Person.given_name_bidx == p for p in parts if p),
            )
        )
    if member_id:
        stmt = stmt.where(Person.member_id_bidx == cipher.blind_index(member_id))
    return paginate(session, stmt, limit=limit, offset=offset)


def update_person(
    session: Session, *, actor: User, cipher: Cipher, person: Person, data: PersonUpdate
) -> Person:
    """Apply a change to ``person`` (only the fields sent).

    Changing the owner needs ``case:assign``.
    """
    fields = data.model_dump(exclude_unset=True)
    if "owner_id" in fields:
        owner_id = fields.pop("owner_id")
        if owner_id != person.owner_id:
            require(actor, "case:assign")
        if owner_id is not None:
            check_assignable(
                session, owner_id=owner_id, organization_id=person.organization_id
            )
        person.owner_id = owner_id
    if "gender" in fields:
        person.gender = fields.pop("gender")
    if "do_not_contact" in fields:
        dnc = fields.pop("do_not_contact")
        if dnc is not None:
            person.do_not_contact = dnc
    set_identity(person, cipher, fields)
    session.flush()
    return person


# --- intakes -----------------------------------------------------------------


def create_intake(
    session: Session, *, actor: User, person: Person | None, data: IntakeCreate
) -> Intake:
    """Record an intake (optionally for a known person)."""
    intake = Intake(
        person_id=person.id if person else None,
        organization_id=person.organization_id if person else actor.organization_id,
        owner_id=actor.id,
        door=str(data.door),
        summary=data.summary,
        received_at=data.received_at or utcnow(),
        created_by_id=actor.id,
    )
    return inserted(session, intake)


def list_intakes(
    session: Session,
    *,
    viewer: User,
    person_id: int | None = None,
    status: str | None = None,
    door: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[Intake], int]:
    """Intakes and leads in scope (unowned leads in no pool are visible to the
    organisation; pooled items to their team, see :func:`get_intake`)."""
    clause = scope_clause(
        viewer, Intake.organization_id, Intake.owner_id, Intake.pool_team
    )
    if viewer.role != Role.PARTNER_USER:
        clause = or_(
            clause,
            (Intake.organization_id == viewer.organization_id)
            & Intake.owner_id.is_(None)
            & Intake.pool_team.is_(None),
        )
    stmt = select(Intake).where(clause).order_by(Intake.received_at.desc(), Intake.id)
    if person_id is not None:
        stmt = stmt.where(Intake.person_id == person_id)
    if status:
        stmt = stmt.where(Intake.status == status)
    if door:
        stmt = stmt.where(Intake.door == door)
    return paginate(session, stmt, limit=limit, offset=offset)


def get_intake(session: Session, *, viewer: User, intake_id: int) -> Intake:
    """An intake in the viewer's scope.

    An owner-less intake in no pool (an ad-match lead) is the organisation's;
    one in a team's pool is for that team's members (who may take it) and
    organisation-wide roles; the supervisors' pool only for the latter.
    """
    intake = get_or_404(session, Intake, intake_id, "intake")
    if (
        intake.owner_id is None
        and intake.pool_team is None
        and intake.organization_id == viewer.organization_id
    ):
        return intake
    check_record_scope(
        session, viewer, intake.organization_id, intake.owner_id, intake.pool_team
    )
    return intake


def review_intake(
    session: Session, *, actor: User, intake: Intake, data: IntakeUpdate
) -> Intake:
    """Link an intake to a person and/or mark it reviewed or dismissed."""
    if data.person_id is not None:
        person = get_person(session, viewer=actor, person_id=data.person_id)
        intake.person_id = person.id
    if data.summary is not None:
        intake.summary = data.summary
    if data.status is not None:
        intake.status = str(data.status)
        if data.status != "new":
            intake.reviewed_at = utcnow()
            intake.reviewed_by_id = actor.id
    if intake.owner_id is None:
        intake.owner_id = actor.id
    session.flush()
    return intake


# --- screenings ----------------------------------------------------------------


def store_screening(
    session: Session,
    *,
    actor: User,
    person: Person,
    instrument_id: str,
    positive: bool,
    recommended_pathway: str | None,
    questionnaire_response: dict[str, Any],
    result: dict[str, Any],
    case_id: int | None = None,
    intake_id: int | None = None,
    sensitivity: str = Sensitivity.NORMAL,
) -> Screening:
    """Store a scored screening (see ``nowrongdoor.care.services.screen``)."""
    row = Screening(
        person_id=person.id,
        case_id=case_id,
        intake_id=intake_id,
        instrument_id=instrument_id,
        positive=positive,
        recommended_pathway=recommended_pathway,
        questionnaire_response=questionnaire_response,
        result=result,
        sensitivity=sensitivity,
        performed_by_id=actor.id,
    )
    return inserted(session, row)


#: Records about a person listed newest first, by the column that dates them.
_PERSON_CHILD_DATES: dict[type[Any], Any] = {
    Screening: Screening.performed_at,
    RiskFlag: RiskFlag.imported_at,
}


def person_children(session: Session, model: type[Any], *, person_id: int) -> list[Any]:
    """A person's screenings or risk flags (``model``), newest first.

    The caller has loaded the person in scope (:func:`get_person`) and withholds
    42 CFR Part 2 rows itself (``visible_sensitive`` with ``part2_visible``).
    """
    dated = _PERSON_CHILD_DATES[model]
    return list(
        session.scalars(
            select(model)
            .where(model.person_id == person_id)
            .order_by(dated.desc(), model.id.desc())
        ).all()
    )


def list_screenings(session: Session, *, person_id: int) -> list[Screening]:
    """A person's screenings, newest first."""
    return person_children(session, Screening, person_id=person_id)


def list_risk_flags(session: Session, *, person_id: int) -> list[RiskFlag]:
    """A person's population-worklist flags, newest first."""
    return person_children(session, RiskFlag, person_id=person_id)


# --- consent -------------------------------------------------------------------


def record_consent(
    session: Session, *, actor: User, person: Person, data: ConsentCreate
) -> Consent:
    """Record a consent (or refusal) for ``person``."""
    if data.scope == ConsentScope.ORGANISATION and data.scope_organization_id is None:
        raise BadRequest(
            "scope 'organisation' needs scope_organization_id",
            field="scope_organization_id",
        )
    if (
        data.granted
        and data.consent_type in NAMED_RECIPIENT_TYPES
        and data.scope == ConsentScope.ANY_PARTNER
    ):
        raise BadRequest(
            "a 42 CFR Part 2 consent must name who receives the records "
            "(42 CFR 2.31(a)(4)): choose one organisation or the care team, "
            "not any partner",
            field="scope",
        )
    if data.expires_at is not None and data.expires_at <= utcnow():
        raise BadRequest("expires_at is in the past", field="expires_at")
    if data.scope_organization_id is not None:
        from nowrongdoor.care.models import Organization

        get_or_404(session, Organization, data.scope_organization_id, "organization")
    consent = Consent(
        person_id=person.id,
        consent_type=str(data.consent_type),
        scope=str(data.scope),
        scope_organization_id=data.scope_organization_id,
        granted=data.granted,
        expires_at=data.expires_at,
        note=data.note,
        recorded_by_id=actor.id,
    )
    return inserted(session, consent)


def add_person_child(
    session: Session, *, actor: User, person: Person, kind: str, data: Any
) -> Intake | Consent:
    """Add an intake or a consent (``kind``) to ``person``.

    The caller has loaded ``person`` in the actor's scope (:func:`get_person`).

    Raises:
        ValueError: ``kind`` is neither ``intake`` nor ``consent``.
    """
    if kind == "intake":
        return create_intake(session, actor=actor, person=person, data=data)
    if kind == "consent":
        return record_consent(session, actor=actor, person=person, data=data)
    raise ValueError(f"a person has no children of kind {kind!r}")


def revoke_consent(session: Session, *, consent: Consent) -> Consent:
    """Revoke a consent from now on."""
    if consent.revoked_at is None:
        consent.revoked_at = utcnow()
        session.flush()
    return consent


def list_consents(session: Session, *, person_id: int) -> list[Consent]:
    """A person's consent records, newest first."""
    return list(
        session.scalars(
            select(Consent)
            .where(Consent.person_id == person_id)
            .order_by(Consent.given_at.desc(), Consent.id.desc())
        ).all()
    )


def ensure_not_partner(viewer: User) -> None:
    """Partner users never reach person records directly."""
    if viewer.role == Role.PARTNER_USER:
        raise Forbidden("partner users see persons only through their referrals")


def person_id_of(session: Session, pseudonym: str) -> int:
    """The record id of the person with ``pseudonym`` (any case, no scope check).

    Raises:
        NotFound: no person has that pseudonym (names the field).
    """
    found = session.scalar(
        select(Person.id).where(Person.pseudonym == pseudonym.strip().upper())
    )
    if found is None:
        raise NotFound(f"no person has the id {pseudonym}", field="pseudonym")
    return int(found)


def pseudonyms_of(session: Session, person_ids: Iterable[int]) -> dict[int, str]:
    """Person id -> pseudonym for ``person_ids`` (the caller checked scope)."""
    return labels_of(session, Person.id, Person.pseudonym, person_ids)


def pseudonym_of(session: Session, person_id: int) -> str:
    """The pseudonym of one person (the caller checked scope)."""
    return pseudonyms_of(session, {person_id})[person_id]


def unreviewed_risk_flags(
    session: Session, *, viewer: User, limit: int = 20
) -> list[tuple[RiskFlag, str]]:
    """Population-worklist flags not yet reviewed, of persons in the viewer's
    scope, newest first, with the person's pseudonym."""
    rows = session.execute(
        select(RiskFlag, Person.pseudonym)
        .join(Person, Person.id == RiskFlag.person_id)
        .where(
            scope_clause(
                viewer, Person.organization_id, Person.owner_id, Person.pool_team
            ),
            RiskFlag.reviewed.is_(False),
        )
        .order_by(RiskFlag.imported_at.desc(), RiskFlag.id.desc())
        .limit(limit)
    ).all()
    return [(flag, pseudonym) for flag, pseudonym in rows]


def review_risk_flag(session: Session, *, person: Person, flag_id: int) -> RiskFlag:
    """Mark one of ``person``'s risk flags reviewed (the caller checked scope).

    Raises:
        NotFound: the person has no such flag.
    """
    flag = session.get(RiskFlag, flag_id)
    if flag is None or flag.person_id != person.id:
        raise NotFound(f"person {person.pseudonym} has no flag {flag_id}")
    flag.reviewed = True
    return flag
