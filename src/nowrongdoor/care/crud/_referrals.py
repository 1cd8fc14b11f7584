"""Closed-loop referrals: create, scope, status transitions, views (private)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from nowrongdoor.care.consent import covering_consent
from nowrongdoor.care.crud._cases import add_case_event, get_case
from nowrongdoor.care.crud._common import get_or_404, paginate
from nowrongdoor.care.enums import (
    ConsentType,
    NeedCategory,
    OrgKind,
    ReferralStatus,
    Role,
)
from nowrongdoor.care.errors import BadRequest, Conflict, Forbidden
from nowrongdoor.care.fhir.task_output import join_note, split_note
from nowrongdoor.care.models import (
    FhirEndpoint,
    Organization,
    PartnerClient,
    PartnerService,
    Person,
    Referral,
    ReferralEvent,
    User,
    utcnow,
)
from nowrongdoor.care.rbac import can, check_record_scope, scope_clause
from nowrongdoor.care.schemas import (
    ReferralCreate,
    ReferralEventPublic,
    ReferralPartnerView,
    ReferralPublic,
    ReferralTransition,
    partner_view,
    referrer_view,
)

__all__ = [
    "OPEN_REFERRAL_STATES",
    "REFERRAL_MOVES",
    "create_referral",
    "ReferralChange",
    "get_referral",
    "latest_referral_changes",
    "list_referrals",
    "missing_referral_consents",
    "on_behalf_detail",
    "open_referrals_to",
    "partner_on_system",
    "referral_consent_ok",
    "referral_events",
    "referral_partner_view",
    "referral_public",
    "referral_view",
    "transition_referral",
]

S = ReferralStatus
#: Allowed referral moves and who makes them: referrer, partner or either.
REFERRAL_MOVES: dict[tuple[str, str], str] = {
    (S.DRAFT, S.SENT): "referrer",
    (S.DRAFT, S.CANCELLED): "referrer",
    (S.SENT, S.RECEIVED): "partner",
    (S.RECEIVED, S.ACCEPTED): "partner",
    (S.RECEIVED, S.DECLINED): "partner",
    (S.RECEIVED, S.CANCELLED): "referrer",
    (S.SENT, S.ACCEPTED): "partner",
    (S.SENT, S.DECLINED): "partner",
    (S.SENT, S.CANCELLED): "referrer",
    (S.ACCEPTED, S.IN_PROGRESS): "partner",
    (S.ACCEPTED, S.CANCELLED): "either",
    (S.IN_PROGRESS, S.COMPLETED): "partner",
    (S.IN_PROGRESS, S.CANCELLED): "either",
}
_STAMP = {
    S.SENT: "sent_at",
    S.ACCEPTED: "accepted_at",
    S.DECLINED: "declined_at",
    S.IN_PROGRESS: "in_progress_at",
    S.COMPLETED: "completed_at",
    S.CANCELLED: "cancelled_at",
}


def create_referral(session: Session, *, actor: User, data: ReferralCreate) -> Referral:
    """Draft a referral from a case the actor may see to a partner."""
    case = get_case(session, viewer=actor, case_id=data.case_id)
    service: PartnerService | None = None
    if data.service_id is not None:
        service = get_or_404(session, PartnerService, data.service_id, "service")
        to_org_id = service.organization_id
        if data.to_organization_id is not None and data.to_organization_id != to_org_id:
            raise BadRequest(
                "the service belongs to another organisation",
                field="to_organization_id",
            )
    else:
        assert data.to_organization_id is not None
        to_org_id = data.to_organization_id
    to_org = get_or_404(session, Organization, to_org_id, "organization")
    if to_org.id == case.organization_id:
        raise BadRequest(
            "a referral goes to another organisation", field="to_organization_id"
        )
    if to_org.kind != OrgKind.PARTNER and service is None:
        raise BadRequest(
            "referrals go to partner organisations", field="to_organization_id"
        )
    person = session.get(Person, case.person_id)
    assert person is not None
    referral = Referral(
        case_id=case.id,
        person_id=case.person_id,
        from_organization_id=case.organization_id,
        to_organization_id=to_org.id,
        service_id=service.id if service else None,
        owner_id=case.owner_id if case.owner_id is not None else actor.id,
        status=S.DRAFT,
        need_category=str(data.need_category) if data.need_category else None,
        reason=data.reason,
        do_not_contact=data.do_not_contact or person.do_not_contact,
    )
    session.add(referral)
    session.flush()
    session.add(
        ReferralEvent(
            referral_id=referral.id,
            from_status=None,
            to_status=S.DRAFT,
            actor_id=actor.id,
        )
    )
    add_case_event(
        session, case=case, kind="referral", actor=actor, detail=f"to {to_org.name}"
    )
    session.flush()
    return referral


def _is_partner_side(user: User, referral: Referral) -> bool:
    return (
        user.role == Role.PARTNER_USER
        and referral.to_organization_id == user.organization_id
        and referral.status != S.DRAFT
    )


def get_referral(session: Session, *, viewer: User, referral_id: int) -> Referral:
    """A referral the viewer may see: referring scope, or addressed to them."""
    referral = get_or_404(session, Referral, referral_id, "referral")
    if viewer.role == Role.PARTNER_USER:
        if not _is_partner_side(viewer, referral):
            raise Forbidden("this referral is not addressed to your organisation")
        return referral
    check_record_scope(
        session, viewer, referral.from_organization_id, referral.owner_id
    )
    return referral


def list_referrals(
    session: Session,
    *,
    viewer: User,
    status: str | None = None,
    case_id: int | None = None,
    direction: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[Referral], int]:
    """Referrals in scope; partners see those sent to their organisation.

    ``direction`` = ``inbox`` limits staff of a partner-facing organisation to
    referrals addressed to it.
    """
    if viewer.role == Role.PARTNER_USER or direction == "inbox":
        clause = and_(
            Referral.to_organization_id == viewer.organization_id,
            Referral.status != S.DRAFT,
        )
    else:
        clause = scope_clause(viewer, Referral.from_organization_id, Referral.owner_id)
    stmt = (
        select(Referral)
        .where(clause)
        .order_by(Referral.updated_at.desc(), Referral.id.desc())
    )
    if status:
        stmt = stmt.where(Referral.status == status)
    if case_id is not None:
        stmt = stmt.where(Referral.case_id == case_id)
    return paginate(session, stmt, limit=limit, offset=offset)


def missing_referral_consents(
    session: Session, referral: Referral
) -> list[ConsentType]:
    """The consent types ``referral`` still needs before it may be sent (no
    override), in the order they are checked; empty when it may be sent now.

    The same rule :func:`transition_referral` applies: consent to share covering
    the receiving organisation, and for substance use a Part 2 disclosure consent.
    """
    checks = [ConsentType.SHARE_WITH_PARTNERS]
    if referral.need_category == NeedCategory.SUBSTANCE_USE:
        checks.append(ConsentType.PART2_DISCLOSURE)
    return [
        kind
        for kind in checks
        if covering_consent(
            session,
            person_id=referral.person_id,
            consent_type=kind,
            organization_id=referral.to_organization_id,
            person_org_id=referral.from_organization_id,
        )
        is None
    ]


def referral_consent_ok(session: Session, referral: Referral) -> bool:
    """True when the person's consent lets ``referral`` be sent now (no
    override): :func:`missing_referral_consents` finds none missing."""
    return not missing_referral_consents(session, referral)


#: Referral states that are still open (a new one to the same partner
#: duplicates; the referring team may cancel them): every state a move leaves.
OPEN_REFERRAL_STATES = (S.DRAFT, S.SENT, S.RECEIVED, S.ACCEPTED, S.IN_PROGRESS)


def open_referrals_to(
    session: Session, *, case_id: int, organization_id: int
) -> list[Referral]:
    """The case's referrals to one organisation that are still open, newest first."""
    return list(
        session.scalars(
            select(Referral)
            .where(
                Referral.case_id == case_id,
                Referral.to_organization_id == organization_id,
                Referral.status.in_(OPEN_REFERRAL_STATES),
            )
            .order_by(Referral.id.desc())
        ).all()
    )


def _check_send(
    session: Session, *, actor: User, referral: Referral, data: ReferralTransition
) -> None:
    consent = covering_consent(
        session,
        person_id=referral.person_id,
        consent_type=ConsentType.SHARE_WITH_PARTNERS,
        organization_id=referral.to_organization_id,
        person_org_id=referral.from_organization_id,
    )
    if referral.need_category == NeedCategory.SUBSTANCE_USE:
        part2 = covering_consent(
            session,
            person_id=referral.person_id,
            consent_type=ConsentType.PART2_DISCLOSURE,
            organization_id=referral.to_organization_id,
            person_org_id=referral.from_organization_id,
        )
        if part2 is None:
            raise Conflict(
                "a substance-use referral needs a 42 CFR Part 2 disclosure consent "
                "naming the receiving organisation (no override)",
                code="part2_consent_required",
            )
    if consent is not None:
        referral.consent_id = consent.id
        return
    if data.override_reason is None:
        raise Conflict(
            "no active consent to share with this partner; record consent, or a "
            "supervisor sends with override_reason",
            code="consent_required",
            field="override_reason",
        )
    if not can(actor, "referral:override_consent"):
        raise Forbidden(
            "only a supervisor or admin may send without consent",
            code="override_not_allowed",
        )
    referral.override_reason = data.override_reason
    referral.override_by_id = actor.id


def partner_on_system(session: Session, organization_id: int) -> bool:
    """Whether an organisation makes a receiving partner's moves itself.

    It does when it has an active partner-user account (its staff answer in
    the inbox), a partner client that is not revoked (its system answers over
    the FHIR API) or a FHIR endpoint that is not disabled (its Task is polled).
    Otherwise (a church pantry, a small shelter) the referring team records the
    partner's moves on its behalf (:func:`transition_referral`, ``told_via``).
    """
    users = select(User.id).where(
        User.organization_id == organization_id,
        User.role == Role.PARTNER_USER,
        User.is_active.is_(True),
    )
    clients = select(PartnerClient.id).where(
        PartnerClient.organization_id == organization_id,
        PartnerClient.revoked_at.is_(None),
    )
    endpoints = select(FhirEndpoint.id).where(
        FhirEndpoint.organization_id == organization_id,
        FhirEndpoint.disabled_at.is_(None),
    )
    found = session.execute(
        select(users.exists().label("u"), clients.exists(), endpoints.exists())
    ).one()
    return any(found)


def _on_behalf(
    session: Session,
    *,
    referral: Referral,
    data: ReferralTransition,
    side: str,
    is_partner: bool,
    is_referrer: bool,
) -> bool:
    """Whether this move is the receiving partner's, recorded on its behalf by
    the referring team; refuses a move the rules do not allow that way.

    Raises:
        Forbidden: the partner is on the system (it makes its own moves).
        BadRequest: ``told_via`` is missing for such a move, or given for a
            move that is not recorded on a partner's behalf.
    """
    partner_move = side == "partner" or (side == "either" and data.told_via is not None)
    if is_partner or not is_referrer or not partner_move:
        if data.told_via is not None or data.told_by is not None:
            raise BadRequest(
                "told_via and told_by apply only to a partner's move recorded "
                "on its behalf by the referring team",
                field="told_via",
            )
        return False
    name = session.scalar(
        select(Organization.name).where(Organization.id == referral.to_organization_id)
    )
    if partner_on_system(session, referral.to_organization_id):
        raise Forbidden(
            f"{name} is on the system, so only the partner may move this "
            f"referral to {data.status}",
            code="partner_on_system",
        )
    if data.told_via is None:
        raise BadRequest(
            f"say how {name} told you (phone, email, in person, letter or fax) "
            "to record its move on its behalf",
            code="told_via_required",
            field="told_via",
        )
    return True


def on_behalf_detail(referral: Referral, data: ReferralTransition) -> str:
    """The audit detail's words for a move :func:`transition_referral` made
    on the partner's behalf (``data.told_via`` given); empty otherwise."""
    if data.told_via is None:
        return ""
    via = str(data.told_via).replace("_", " ")
    return (
        f" recorded on behalf of partner organisation "
        f"{referral.to_organization_id}, told by {via}"
    )


def transition_referral(
    session: Session, *, actor: User, referral: Referral, data: ReferralTransition
) -> Referral:
    """Move a referral to ``data.status``, enforcing who may and the consent rule.

    The receiving partner's moves (accept, decline, start, complete, withdraw)
    are its own; when it is not on the system (:func:`partner_on_system`) the
    referring team records them on its behalf, saying how the partner told it
    (``data.told_via``) and optionally who (``data.told_by``); the history
    keeps both.

    Raises:
        Conflict: the move is not allowed from the current status, or consent
            is missing.
        Forbidden: the actor is not the side that makes this move (the
            partner is on the system and makes its own).
        BadRequest: declining or cancelling without a reason; a partner's move
            recorded on its behalf without saying how it told you.
    """
    move = (referral.status, str(data.status))
    side = REFERRAL_MOVES.get(move)
    if side is None:
        raise Conflict(
            f"a referral cannot go from {referral.status} to {data.status}",
            field="status",
        )
    is_partner = _is_partner_side(actor, referral) and can(actor, "referral:respond")
    is_referrer = actor.role != Role.PARTNER_USER and can(actor, "referral:write")
    on_behalf = _on_behalf(
        session,
        referral=referral,
        data=data,
        side=side,
        is_partner=is_partner,
        is_referrer=is_referrer,
    )
    allowed = (
        on_behalf
        or (side == "partner" and is_partner)
        or (side == "referrer" and is_referrer)
        or (side == "either" and (is_partner or is_referrer))
    )
    if not allowed:
        who = "the receiving partner" if side == "partner" else "the referring team"
        raise Forbidden(f"only {who} may move a referral to {data.status}")
    if data.status in (S.DECLINED, S.CANCELLED) and not data.reason:
        raise BadRequest(f"a reason is needed to mark it {data.status}", field="reason")
    if data.override_reason is not None and data.status != S.SENT:
        raise BadRequest(
            "override_reason applies only to sending", field="override_reason"
        )
    if data.status == S.SENT:
        _check_send(session, actor=actor, referral=referral, data=data)
    now = utcnow()
    stamp = _STAMP.get(ReferralStatus(data.status))
    if stamp is not None:  # ``received`` lives in the history only
        setattr(referral, stamp, now)
    if (is_partner or on_behalf) and data.reason:
        # the partner's new words replace its note; the outcomes its system
        # reported (Task.output, kept after the note) stay
        referral.response_note = join_note(
            data.reason, split_note(referral.response_note)[1]
        )
    session.add(
        ReferralEvent(
            referral_id=referral.id,
            from_status=referral.status,
            to_status=str(data.status),
            actor_id=actor.id,
            reason=data.reason or data.override_reason,
            at=now,
            told_via=str(data.told_via) if on_behalf and data.told_via else None,
            told_by=data.told_by if on_behalf else None,
        )
    )
    referral.status = str(data.status)
    referral.updated_at = now
    session.flush()
    return referral


def referral_events(session: Session, referral_id: int) -> list[ReferralEventPublic]:
    """A referral's status history, oldest first; a move recorded on the
    partner's behalf names who recorded it and for which organisation."""
    rows = session.execute(
        select(ReferralEvent, User.display_name, Organization.name)
        .join(Referral, Referral.id == ReferralEvent.referral_id)
        .join(Organization, Organization.id == Referral.to_organization_id)
        .outerjoin(User, User.id == ReferralEvent.actor_id)
        .where(ReferralEvent.referral_id == referral_id)
        .order_by(ReferralEvent.id)
    ).all()
    out = []
    for event, recorded_by, partner in rows:
        public = ReferralEventPublic.model_validate(event)
        if event.told_via:
            public.recorded_by, public.on_behalf_of = recorded_by, partner
        out.append(public)
    return out


@dataclass(frozen=True)
class ReferralChange:
    """A referral's last change, as a list of referrals shows it.

    Attributes:
        at: When the referral last changed (its ``updated_at``, the order of
            the inbox and of "my work").
        status: The status its latest move led to (``None`` without one).
        by_receiver: Whether the receiving organisation made that move.
        status_moved: Whether that move is the last change; ``False`` when
            something else changed later (the partner's note or business
            status sent from its own system over FHIR).
        told_via: How the partner told the referring team, when that move
            was the partner's, recorded on its behalf (``None`` otherwise).
        moved_at: When that move was recorded (``None`` without one).
    """

    at: Any
    status: str | None
    by_receiver: bool
    status_moved: bool
    told_via: str | None = None
    moved_at: Any = None


def latest_referral_changes(
    session: Session, referrals: list[Referral]
) -> dict[int, ReferralChange]:
    """Each referral's last change, in one statement for the whole list.

    Args:
        session: The database session.
        referrals: Referrals already read in the viewer's scope (a page of a list).

    Returns:
        Referral id -> its :class:`ReferralChange`.
    """
    if not referrals:
        return {}
    ids = [r.id for r in referrals]
    latest = (
        select(func.max(ReferralEvent.id))
        .where(ReferralEvent.referral_id.in_(ids))
        .group_by(ReferralEvent.referral_id)
    )
    rows = session.execute(
        select(
            ReferralEvent.referral_id,
            ReferralEvent.to_status,
            ReferralEvent.at,
            ReferralEvent.told_via,
            User.organization_id,
        )
        .outerjoin(User, User.id == ReferralEvent.actor_id)
        .where(ReferralEvent.id.in_(latest))
    ).all()
    events = {row.referral_id: row for row in rows}
    out: dict[int, ReferralChange] = {}
    for referral in referrals:
        event = events.get(referral.id)
        if event is None:
            out[referral.id] = ReferralChange(referral.updated_at, None, False, False)
            continue
        # a move stamps the event and the referral with one ``now``; a later
        # change to the row alone (a note over FHIR) leaves the event behind
        moved = abs((referral.updated_at - event.at).total_seconds()) < 1
        out[referral.id] = ReferralChange(
            at=referral.updated_at,
            status=event.to_status,
            by_receiver=event.organization_id == referral.to_organization_id,
            status_moved=moved,
            told_via=event.told_via,
            moved_at=event.at,
        )
    return out


def _name_columns(referral: Referral) -> list[Any]:
    """The receiving and referring organisations' and the service's names, as
    scalar subqueries (read in the caller's one statement)."""
    to_name = select(Organization.name).where(
        Organization.id == referral.to_organization_id
    )
    from_name = select(Organization.name).where(
        Organization.id == referral.from_organization_id
    )
    service = select(PartnerService.name).where(
        PartnerService.id == referral.service_id
    )
    return [
        to_name.scalar_subquery().label("to_name"),
        from_name.scalar_subquery().label("from_name"),
        service.scalar_subquery().label("service_name"),
    ]


def _names(
    session: Session, referral: Referral
) -> tuple[str | None, str | None, str | None]:
    """(receiving organisation, referring organisation, service) names, in one
    statement."""
    to_name, from_name, service_name = session.execute(
        select(*_name_columns(referral))
    ).one()
    return to_name, from_name, service_name


def referral_public(
    session: Session,
    referral: Referral,
    *,
    with_events: bool = True,
    withhold_text: bool = False,
) -> ReferralPublic:
    """The referring side's view.

    ``withhold_text`` blanks free text (reason, override reason, partner's note,
    event reasons) for roles that see pseudonymous data only.
    """
    to_name, _from_name, service_name = _names(session, referral)
    return referrer_view(
        referral,
        to_name=to_name,
        service_name=service_name,
        events=referral_events(session, referral.id) if with_events else [],
        withhold_text=withhold_text,
    )


def referral_partner_view(
    session: Session, referral: Referral, *, with_events: bool = True
) -> ReferralPartnerView:
    """The partner's view: minimum necessary person fields only."""
    # only the minimum-necessary columns are read (and so decrypted); contacts
    # only when the referral's state could make the person reachable
    may_reach = (
        referral.status in (S.ACCEPTED, S.IN_PROGRESS) and not referral.do_not_contact
    )
    columns: list[Any] = [
        Person.pseudonym,
        Person.given_name,
        Person.birth_date,
        Person.do_not_contact,
    ]
    if may_reach:
        columns.append(Person.contacts)
    # the names come in the person's statement (one round trip)
    columns += _name_columns(referral)[1:]
    person = session.execute(
        select(*columns).where(Person.id == referral.person_id)
    ).one()
    return partner_view(
        referral,
        person,
        reachable=may_reach,
        from_name=person.from_name,
        service_name=person.service_name,
        events=referral_events(session, referral.id) if with_events else [],
    )


def referral_view(
    session: Session, referral: Referral, *, viewer: User, with_events: bool = True
) -> ReferralPublic | ReferralPartnerView:
    """The view that fits ``viewer`` (partner users get the minimal view)."""
    if viewer.role == Role.PARTNER_USER or (
        referral.to_organization_id == viewer.organization_id
        and referral.from_organization_id != viewer.organization_id
    ):
        return referral_partner_view(session, referral, with_events=with_events)
    return referral_public(
        session,
        referral,
        with_events=with_events,
        withhold_text=not can(viewer, "person:identify"),
    )
