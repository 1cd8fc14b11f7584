"""Queries of the investigator workspace and the one state change (a decision).

Every query is limited to the viewer's workspace scope
(:func:`nowrongdoor.care.rbac.workspace_clause`): an investigator reaches the
ads, operations and leads of their own organisation, and no other role reaches
them. Decisions are recorded by the caller's unit of work (the page appends the
audit event and commits).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, false, func, select, true
from sqlalchemy.orm import Session

from nowrongdoor.care.crud import inserted, new_pseudonym, set_identity
from nowrongdoor.care.crypto import Cipher
from nowrongdoor.care.enums import Door, IntakeStatus
from nowrongdoor.care.errors import BadRequest, NotFound
from nowrongdoor.care.investigate.phones import phone_query_e164
from nowrongdoor.care.investigate.schemas import (
    LeadDecision,
    OperationFilters,
    OperationNoteIn,
)
from nowrongdoor.care.models import (
    Intake,
    InvAd,
    InvContact,
    InvEdge,
    InvImage,
    InvLead,
    InvOperation,
    InvOperationNote,
    Person,
    User,
    utcnow,
)
from nowrongdoor.care.rbac import require, workspace_clause

__all__ = [
    "OPERATION_SORTS",
    "OperationPage",
    "add_operation_note",
    "decide_lead",
    "get_lead",
    "get_operation",
    "handoff_bundle",
    "lead_ad",
    "lead_images",
    "viewable_image",
    "list_leads",
    "list_operations",
    "operation_ads",
    "operation_edges",
    "operation_notes",
]

#: Sort keys of the operations list -> column.
OPERATION_SORTS: dict[str, Any] = {
    "size": InvOperation.size,
    "contacts": InvOperation.contact_count,
    "cities": InvOperation.city_count,
    "first_seen": InvOperation.first_seen,
    "last_seen": InvOperation.last_seen,
    "revenue": InvOperation.estimated_revenue,
    "youngest": InvOperation.min_claimed_age,
}


#: Sorts whose name says smallest first ("Youngest claimed age"): ascending
#: unless reversed; the others run largest or latest first unless reversed.
_SMALLEST_FIRST = frozenset({"youngest"})

#: Sort columns that are never NULL.
_NOT_NULL_SORTS = frozenset({"size", "contact_count", "city_count"})


@dataclass
class OperationPage:
    """One page of the operations list.

    Attributes:
        rows: The operations, in the order asked for.
        total: How many operations match the filters.
        contact_note: How the contact search was read ("phone +1903…"), or "".
    """

    rows: list[InvOperation]
    total: int
    contact_note: str = ""


def _contact_clause(cipher: Cipher, query: str) -> tuple[ColumnElement[bool], str]:
    """Operations with an ad whose contact's blind index equals the query's."""
    e164 = phone_query_e164(query)
    value = e164 or query.strip()
    note = f"phone {e164}" if e164 else f"contact {value!r}"
    index = cipher.blind_index(value) or ""
    ops = (
        select(InvAd.operation_id)
        .join(InvContact, InvContact.ad_id == InvAd.id)
        .where(InvContact.value_bidx == index, InvAd.operation_id.is_not(None))
    )
    return InvOperation.id.in_(ops.scalar_subquery()), note


def _operations_query(
    viewer: User, cipher: Cipher, filters: OperationFilters
) -> tuple[Select[InvOperation], str]:
    query = select(InvOperation).where(
        workspace_clause(viewer, InvOperation.organization_id),
        InvOperation.current == true(),
    )
    if filters.city:
        query = query.where(
            func.lower(InvOperation.cities).contains(f"|{filters.city.lower()}")
        )
    if filters.indicator:
        query = query.where(
            InvOperation.indicator_codes.contains(f"|{filters.indicator}|")
        )
    if filters.seen_from:
        since = dt.datetime.combine(filters.seen_from, dt.time(), dt.UTC)
        query = query.where(InvOperation.last_seen >= since)
    if filters.seen_to:
        until = dt.datetime.combine(filters.seen_to, dt.time.max, dt.UTC)
        query = query.where(InvOperation.first_seen <= until)
    note = ""
    if filters.contact:
        clause, note = _contact_clause(cipher, filters.contact)
        query = query.where(clause)
    return query, note


def list_operations(
    session: Session,
    *,
    viewer: User,
    cipher: Cipher,
    filters: OperationFilters,
    limit: int,
    offset: int,
) -> OperationPage:
    """Operations in the viewer's scope, filtered and sorted.

    Args:
        session: Database session.
        viewer: The signed-in user (needs ``investigation:read``).
        cipher: The engine's cipher (blind index of the contact search).
        filters: City, indicator, dates, contact search, sort (``ascending``
            reverses the sort's own order: most, latest, or youngest first).
        limit: Page size.
        offset: Rows to skip.

    Returns:
        The page, the total and how the contact search was read.
    """
    require(viewer, "investigation:read")
    query, note = _operations_query(viewer, cipher, filters)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    column = OPERATION_SORTS.get(filters.sort, InvOperation.size)
    # ``ascending`` reverses the sort's own order (see _SMALLEST_FIRST)
    ascending = filters.ascending != (filters.sort in _SMALLEST_FIRST)
    order = column.asc() if ascending else column.desc()
    terms: tuple[Any, ...]
    if column.key in _NOT_NULL_SORTS:
        # never NULL, ties in the same direction: the list index serves the page
        key = InvOperation.op_key
        terms = (order, key.asc() if ascending else key.desc())
    else:
        terms = (column.is_(None), order, InvOperation.op_key)
    rows = session.scalars(query.order_by(*terms).limit(limit).offset(offset)).all()
    return OperationPage(list(rows), total, note)


def get_operation(session: Session, *, viewer: User, operation_id: int) -> InvOperation:
    """One operation in the viewer's scope (404 outside it: no existence leak)."""
    require(viewer, "investigation:read")
    op = session.scalar(
        select(InvOperation).where(
            InvOperation.id == operation_id,
            workspace_clause(viewer, InvOperation.organization_id),
        )
    )
    if op is None:
        raise NotFound("no such operation")
    return op


def operation_ads(session: Session, operation: InvOperation) -> list[InvAd]:
    """The operation's ads by posting date (undated last)."""
    return list(
        session.scalars(
            select(InvAd)
            .where(InvAd.operation_id == operation.id)
            .order_by(InvAd.posted_at.is_(None), InvAd.posted_at, InvAd.ad_key)
        ).all()
    )


def operation_edges(session: Session, operation: InvOperation) -> list[InvEdge]:
    """Why the operation's ads were linked, strongest evidence first.

    An edge without a weight comes last on every database (PostgreSQL would
    put NULL first in a descending order); ties go by the pair of ad ids, so
    the table reads the same each time.
    """
    return list(
        session.scalars(
            select(InvEdge)
            .where(InvEdge.operation_id == operation.id)
            .order_by(
                InvEdge.match_weight.is_(None),
                InvEdge.match_weight.desc(),
                InvEdge.source_key,
                InvEdge.target_key,
                InvEdge.kind,
            )
        ).all()
    )


def list_leads(
    session: Session,
    *,
    viewer: User,
    status: str = "",
    limit: int | None = None,
    offset: int = 0,
) -> tuple[list[InvLead], int]:
    """Current leads in the viewer's scope: undecided first, then by poster
    and the matcher's rank (ties by ad id, so a page is the same each time).

    Args:
        session: Database session.
        viewer: The signed-in user (needs ``investigation:read``).
        status: Only leads with this decision ("new": undecided), or all.
        limit: Page size (``None``: every lead).
        offset: Rows to skip.

    Returns:
        The page of leads and how many leads match in all.
    """
    require(viewer, "investigation:read")
    query = select(InvLead).where(
        workspace_clause(viewer, InvLead.organization_id), InvLead.current.is_(True)
    )
    if status:
        query = query.where(InvLead.status == status)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    order = (InvLead.status != "new", InvLead.case_key, InvLead.rank, InvLead.ad_key)
    rows = session.scalars(query.order_by(*order).limit(limit).offset(offset)).all()
    return list(rows), total


def get_lead(session: Session, *, viewer: User, lead_id: int) -> InvLead:
    """One lead in the viewer's scope (404 outside it)."""
    require(viewer, "investigation:read")
    lead = session.scalar(
        select(InvLead).where(
            InvLead.id == lead_id, workspace_clause(viewer, InvLead.organization_id)
        )
    )
    if lead is None:
        raise NotFound("no such lead")
    return lead


def lead_ad(session: Session, lead: InvLead) -> tuple[InvAd | None, int | None]:
    """The lead's ad and its operation's row id, when imported."""
    ad = session.scalar(
        select(InvAd).where(
            InvAd.organization_id == lead.organization_id, InvAd.ad_key == lead.ad_key
        )
    )
    return ad, (ad.operation_id if ad is not None else None)


def handoff_bundle(session: Session, lead: InvLead) -> bytes:
    """The evidence of a decided lead as canonical JSON (its SHA-256 is the seal).

    The same lead state always gives the same bytes (sorted keys, no spaces),
    so anyone holding the bundle can check the hash printed on the hand-off
    record.
    """
    ad, _ = lead_ad(session, lead)
    decider = session.get(User, lead.decided_by_id) if lead.decided_by_id else None
    bundle = {
        "lead": {
            "poster_case_id": lead.case_key,
            "ad_id": lead.ad_key,
            "operation": lead.op_key,
            "rank": lead.rank,
            "score": lead.score,
            "probability": lead.probability,
            "evidence": lead.evidence,
            "fields_used": lead.fields_used,
            "fields_missing": lead.fields_missing,
        },
        "poster": lead.poster,
        "ad": None
        if ad is None
        else {
            "id": ad.ad_key,
            "posted_at": ad.posted_at.isoformat() if ad.posted_at else None,
            "city": ad.city,
            "state": ad.state,
            "site": ad.site,
            "title": ad.title,
            "text": ad.text,
            "facts": ad.facts,
        },
        "decision": {
            "status": lead.status,
            "reason": lead.reason,
            "decided_by": decider.display_name if decider else None,
            "decided_at": lead.decided_at.isoformat() if lead.decided_at else None,
        },
    }
    return json.dumps(
        bundle, sort_keys=True, separators=(",", ":"), ensure_ascii=False
    ).encode("utf-8")


def _care_person(
    session: Session, *, cipher: Cipher, organization_id: int, poster: dict[str, Any]
) -> int | None:
    """The care record of a confirmed poster's person: linked or made.

    An existing person of the organisation is linked only when the whole name
    (keyed name indexes) and the birth date both agree: a name alone may be
    someone else. Otherwise a person is registered from the poster's name and
    birth date, unowned like the intake (the supervisors assign both). A poster
    without a name gives no person; the care team registers them.
    """
    name = " ".join(str(poster.get("name") or "").split())
    if not name:
        return None
    given, _, family = name.rpartition(" ")
    fields: dict[str, Any] = (
        {"given_name": given, "family_name": family} if given else {"given_name": name}
    )
    try:
        birth = dt.date.fromisoformat(str(poster.get("birth_date") or ""))
    except ValueError:
        birth = None
    if birth is not None:
        fields["birth_date"] = birth
        family_bidx = cipher.blind_index(fields.get("family_name"))
        for person in session.scalars(
            select(Person).where(
                Person.organization_id == organization_id,
                Person.given_name_bidx == cipher.blind_index(fields["given_name"]),
                Person.family_name_bidx == family_bidx
                if family_bidx
                else Person.family_name_bidx.is_(None),
                Person.birth_year == birth.year,
            )
        ):
            if person.birth_date == birth.isoformat():
                return person.id
    person = Person(
        pseudonym=new_pseudonym(), organization_id=organization_id, owner_id=None
    )
    set_identity(person, cipher, fields)
    session.add(person)
    session.flush()
    return person.id


#: How long an ad-match intake's source reference was before it was kept whole.
_LEGACY_REF_CHARS = 200


def _care_intake(
    session: Session, *, cipher: Cipher, actor: User, lead: InvLead
) -> int:
    """The care team's ``ad_match`` intake for a confirmed lead (found or made).

    The source reference (``ad_match:<case>:<ad>``, keyed index) makes it one
    intake per poster and ad, whatever the re-imports and decisions. The intake
    waits, unowned, in the supervisors' pool, with the poster's person linked
    or registered (:func:`_care_person`).
    """
    ref = f"ad_match:{lead.case_key}:{lead.ad_key}"
    ref_bidx = cipher.exact_index(ref)
    # Before 2026-12 the reference was cut to 200 characters, so two long ad
    # ids (URLs) with one start shared an intake; an intake made then is still
    # found by its cut reference, and a new one keeps the whole reference.
    known = {ref_bidx, cipher.exact_index(ref[:_LEGACY_REF_CHARS])}
    found = session.scalar(
        select(Intake.id)
        .where(Intake.source_ref_bidx.in_(known), Intake.door == Door.AD_MATCH)
        .order_by(Intake.id)
        .limit(1)
    )
    if found is not None:
        return found
    poster = lead.poster or {}
    intake = Intake(
        person_id=_care_person(
            session, cipher=cipher, organization_id=lead.organization_id, poster=poster
        ),
        organization_id=lead.organization_id,
        owner_id=None,
        door=Door.AD_MATCH,
        status=IntakeStatus.NEW,
        summary=(
            f"An investigator confirmed that ad {lead.ad_key} shows the missing "
            f"person of poster {lead.case_key}"
            + (f" ({poster['name']})" if poster.get("name") else "")
            + f": {lead.reason}"
        ),
        source_ref=ref,
        source_ref_bidx=ref_bidx,
        lead={
            "case_id": lead.case_key,
            "ad_id": lead.ad_key,
            "rank": lead.rank,
            "operation": lead.op_key,
            "score": lead.score,
            "probability": lead.probability,
            "evidence": lead.evidence,
            "confirmed_by": actor.display_name,
        },
        created_by_id=actor.id,
    )
    session.add(intake)
    session.flush()
    return intake.id


def decide_lead(
    session: Session,
    *,
    actor: User,
    cipher: Cipher,
    lead: InvLead,
    data: LeadDecision,
) -> InvLead:
    """Record a decision on a lead (the caller audits and commits).

    A confirmation also gives the care team an ``ad_match`` intake to review
    (once per lead; a later change of decision leaves it to the care team).

    Raises:
        BadRequest: The decision is the one already recorded with that reason.
    """
    require(actor, "investigation:decide")
    if lead.status == data.decision and lead.reason == data.reason:
        raise BadRequest("this decision is already recorded", field="decision")
    lead.status = data.decision
    lead.reason = data.reason
    lead.decided_by_id = actor.id
    lead.decided_at = utcnow()
    if data.decision == "confirmed" and lead.intake_id is None:
        lead.intake_id = _care_intake(session, cipher=cipher, actor=actor, lead=lead)
    session.flush()
    return lead


def operation_notes(
    session: Session, operation: InvOperation
) -> list[tuple[InvOperationNote, str]]:
    """The notes on an operation (by its stable key), oldest first, with
    each author's display name."""
    rows = session.execute(
        select(InvOperationNote, User.display_name)
        .outerjoin(User, User.id == InvOperationNote.author_id)
        .where(
            InvOperationNote.organization_id == operation.organization_id,
            InvOperationNote.op_key == operation.op_key,
        )
        .order_by(InvOperationNote.created_at, InvOperationNote.id)
    ).all()
    return [(note, name or "(removed user)") for note, name in rows]


def add_operation_note(
    session: Session, *, actor: User, operation: InvOperation, data: OperationNoteIn
) -> InvOperationNote:
    """Add a note to an operation (the caller audits and commits).

    The note is keyed to the operation's organisation and ``OP-...`` key, so
    it stays with the operation when a relinked corpus is imported again.
    """
    require(actor, "investigation:decide")
    note = InvOperationNote(
        organization_id=operation.organization_id,
        op_key=operation.op_key,
        text=data.text,
        author_id=actor.id,
    )
    return inserted(session, note)


def lead_images(
    session: Session, lead: InvLead, ad: InvAd | None
) -> tuple[InvImage | None, list[InvImage]]:
    """The poster's photo and the ad's pictures (hashes; kept or not)."""
    poster_sha = (lead.poster or {}).get("photo_sha256")
    ad_shas = [str(s) for s in ((ad.facts or {}).get("images") or [])] if ad else []
    wanted = [*ad_shas, *([str(poster_sha)] if poster_sha else [])]
    if not wanted:
        return None, []
    found = {
        img.sha256: img
        for img in session.scalars(
            select(InvImage).where(
                InvImage.organization_id == lead.organization_id,
                InvImage.sha256.in_(wanted),
            )
        )
    }
    poster = found.get(str(poster_sha)) if poster_sha else None
    return poster, [found[s] for s in ad_shas if s in found]


def viewable_image(session: Session, *, viewer: User, sha256: str) -> InvImage:
    """A kept picture of the viewer's workspace (404 otherwise: no existence leak).

    A matched minor's picture, or one the setting did not let an import keep,
    is never served: it is not on disk.
    """
    require(viewer, "investigation:read")
    img = session.scalar(
        select(InvImage).where(
            InvImage.sha256 == sha256,
            workspace_clause(viewer, InvImage.organization_id),
            InvImage.stored == true(),
            InvImage.minor == false(),
        )
    )
    if img is None:
        raise NotFound("no such picture")
    return img
