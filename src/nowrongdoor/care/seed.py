"""Synthetic demo data: organisations, partners, users, persons, cases, referrals.

Everything here is invented. Partners are written as an Open Referral HSDS 3
document and go through the same importer as real directories; their service
types are the deck's partner types from the knowledge base. Referrals and cases
move through the same data-access functions as the API, so their history and
the audit chain look like real use.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.orm import Session

from nowrongdoor.care import crud
from nowrongdoor.care.audit import AuditEntry, append_event
from nowrongdoor.care.crypto import Cipher
from nowrongdoor.care.enums import (
    CaseStatus,
    CloseReason,
    ConsentScope,
    ConsentType,
    Door,
    NeedCategory,
    OrgKind,
    Pathway,
    ReferralStatus,
    Role,
)
from nowrongdoor.care.hsds import import_hsds, tables_from_document
from nowrongdoor.care.imports import import_worklist, parse_pool_routes
from nowrongdoor.care.models import (
    Base,
    Intake,
    Organization,
    Referral,
    ReferralEvent,
    Screening,
    User,
    UTCDateTime,
    utcnow,
)
from nowrongdoor.care.schemas import (
    BarrierCreate,
    CaseCreate,
    CaseTransition,
    ConsentCreate,
    GoalCreate,
    IntakeCreate,
    NeedCreate,
    NoteCreate,
    PersonCreate,
    ReferralCreate,
    ReferralTransition,
    SafetyPlanIn,
    TaskCreate,
    UserCreate,
)
from nowrongdoor.errors import UserInputError

__all__ = ["DEMO_PASSWORD", "SeedReport", "demo_partners_hsds", "seed_demo"]

#: The password of every demo login (synthetic data only; refused in production).
DEMO_PASSWORD = "nowrongdoor-demo"
#: Twelve rows of a population worklist, as ``population score`` wrote them for
#: ``synth claims --members 2000 --seed 12`` (``--as-of 2025-12-31``), member
#: ids renumbered and a county added for the pool routes (synthetic data); with
#: the open view (``open_tier``, ``open_score``) of its 42 CFR Part 2 rows.
DEMO_WORKLIST = Path(__file__).with_name("data") / "demo_worklist.csv"

_GIVEN = (
    "Ava Maya Jordan Riley Sofia Kai Lena Noah Amara Diego Jade Tariq Nia Leo Rosa "
    "Eli Mina Omar Zoe Ivy Luca Ana Sam Tess Ravi Maren Cruz Hana Jonah Priya"
).split()
_FAMILY = (
    "Rivera Chen Okafor Novak Haddad Kowalski Mendez Larsen Abbott Nguyen Farah "
    "Osei Brandt Moreau Quinn Petrov Santos Walsh Ibarra Lind"
).split()
_CITIES = (
    ("Indianapolis", "IN", "46204"),
    ("Gary", "IN", "46402"),
    ("Evansville", "IN", "47708"),
)

#: (name, partner-type slug, min age, max age, city index)
_PARTNERS: tuple[tuple[str, str, int | None, int | None, int], ...] = (
    ("Safe Harbor Youth Shelter", "trafficking_housing", 12, 24, 0),
    ("Crossroads Child Advocacy Center", "child_advocacy_centers", 0, 17, 0),
    ("Riverbend Behavioral Health", "behavioral_health", 12, None, 0),
    ("Lighthouse Survivor Advocates", "victim_advocates", 16, None, 1),
    (
        "Harbor Light Domestic Violence Shelter",
        "domestic_violence_shelters",
        18,
        None,
        2,
    ),
    ("Open Door Community Collaborative", "ngos", None, None, 1),
)

_NOTES = (
    "Met at school with the counsellor. She said her boyfriend's 'daddy' keeps the "
    "money and sets a quota each night. Talked about safety, gave the hotline.",
    "Follow-up call at the agreed safe time. Youth is staying with an aunt; wants "
    "help with school enrolment and a phone only she controls.",
    "Client describes debt for travel and housing that keeps growing; employer holds "
    "her documents. Discussed legal aid and a victim advocate.",
    "Returned runaway; missed two appointments. Mentions older friends who buy "
    "clothes and rides. Screened again today.",
)


@dataclass
class SeedReport:
    """What the seed created, and the logins to print.

    Attributes:
        logins: (username, role, organisation, password) per demo user.
        counts: Rows created per kind.
    """

    logins: list[tuple[str, str, str, str]] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)


def demo_partners_hsds() -> list[dict[str, Any]]:
    """The synthetic partner directory as HSDS 3 organization documents."""
    from nowrongdoor.knowledge import load_knowledge

    kb = load_knowledge()
    docs: list[dict[str, Any]] = []
    for i, (name, slug, lo, hi, city_ix) in enumerate(_PARTNERS, start=1):
        entry = kb.get(f"partners.{slug}")
        city, state, postal = _CITIES[city_ix]
        oid, sid, lid, said = (f"00000000-0000-4000-8000-{k}{i:011d}" for k in "abcd")
        docs.append(
            {
                "id": oid,
                "name": name,
                "description": f"{entry.title} (synthetic demo partner).",
                "email": f"intake@partner{i}.example.org",
                "website": f"https://partner{i}.example.org",
                "phones": [
                    {"id": f"{oid}-p", "number": f"317-555-01{i:02d}", "type": "voice"}
                ],
                "locations": [
                    {
                        "id": lid,
                        "name": f"{name} - main site",
                        "location_type": "physical",
                        "addresses": [
                            {
                                "id": f"{lid}-a",
                                "address_1": f"{100 + 10 * i} Example Street",
                                "city": city,
                                "state_province": state,
                                "postal_code": postal,
                                "country": "US",
                                "address_type": "physical",
                            }
                        ],
                    }
                ],
                "services": [
                    {
                        "id": sid,
                        "name": entry.title,
                        "description": entry.text[:400],
                        "status": "active",
                        "minimum_age": lo,
                        "maximum_age": hi,
                        "attributes": [
                            {
                                "id": f"{sid}-t",
                                "taxonomy_term": {
                                    "id": f"nowrongdoor-partner-type-{slug}",
                                    "code": slug,
                                    "name": entry.title,
                                    "taxonomy": "nowrongdoor partner types",
                                },
                            }
                        ],
                        "service_at_locations": [{"id": said, "location": {"id": lid}}],
                    }
                ],
            }
        )
    return docs


def _user(
    session: Session,
    report: SeedReport,
    org: Organization,
    username: str,
    role: Role,
    name: str,
    team: str | None = None,
) -> User:
    user = crud.create_user(
        session,
        data=UserCreate(
            username=username,
            password=DEMO_PASSWORD,
            organization_id=org.id,
            role=role,
            display_name=name,
            team=team,
        ),
    )
    report.logins.append((username, str(role), org.name, DEMO_PASSWORD))
    return user


#: Counties of residence of the synthetic members (Indiana), roughly by size.
_COUNTIES = ("Marion", "Lake", "Allen", "Hamilton", "St. Joseph", "Vanderburgh")
_COUNTY_WEIGHTS = (5, 3, 2, 2, 2, 1)
#: Recorded gender of the synthetic members (free text in the record).
_GENDERS = ("female", "male", "nonbinary")
_GENDER_WEIGHTS = (6, 3, 1)

#: The demo plan's routing of imported worklist rows to team pools.
DEMO_POOL_ROUTES = (
    "county=Marion:north",
    "county=Hamilton:north",
    "county=Lake:south",
    "county=Allen:south",
)


def seed_demo(
    session: Session,
    *,
    cipher: Cipher,
    persons: int = 24,
    seed: int = 7,
    spread_days: int = 0,
) -> SeedReport:
    """Fill an empty care database with a synthetic program (the caller commits).

    Args:
        session: Database session.
        cipher: For blind indexes.
        persons: How many synthetic persons.
        seed: Random seed (same seed, same data apart from pseudonyms).
        spread_days: Spread each person's records (intake, screening, case,
            referral...) over this many past days, with days passing between a
            referral's status changes, so reports show months and durations.
            0 keeps everything at the present moment.

    Returns:
        The logins and counts.

    Raises:
        UserInputError: the database already has users.
    """
    if session.scalar(select(func.count()).select_from(User)):
        raise UserInputError("the care database already has users; seed an empty one")
    rng = random.Random(seed)
    report = SeedReport()
    plan = crud.create_organization(
        session,
        name="Hoosier Health Plan (synthetic)",
        kind=OrgKind.PLAN,
        description="The health plan running the human-trafficking program.",
    )
    import_hsds(session, tables_from_document(demo_partners_hsds(), "demo partners"))
    partners = list(
        session.scalars(
            select(Organization)
            .where(Organization.kind == OrgKind.PARTNER)
            .order_by(Organization.id)
        )
    )
    shelter, cac = partners[0], partners[1]
    admin = _user(session, report, plan, "admin", Role.ADMIN, "Avery Admin")
    _user(session, report, plan, "supervisor", Role.SUPERVISOR, "Sam Supervisor")
    cm1 = _user(
        session, report, plan, "cm.north", Role.CARE_MANAGER, "Casey North", "north"
    )
    cm2 = _user(
        session, report, plan, "cm.north2", Role.CARE_MANAGER, "Noor North", "north"
    )
    cm3 = _user(
        session, report, plan, "cm.south", Role.CARE_MANAGER, "Sol South", "south"
    )
    analyst = _user(session, report, plan, "analyst", Role.ANALYST, "Ana Lyst")
    _user(
        session, report, shelter, "partner.shelter", Role.PARTNER_USER, "Shea Shelter"
    )
    _user(session, report, cac, "partner.cac", Role.PARTNER_USER, "Cary Advocate")
    managers = [cm1, cm2, cm3]
    doors = [d for d in Door if d not in (Door.CLAIMS_FLAG, Door.AD_MATCH)]
    today = dt.date.today()
    counts = dict.fromkeys(
        ("persons", "cases", "referrals", "tasks", "notes", "intakes"), 0
    )
    services = crud.search_services(session, limit=50)[0]
    timed = _timed_models()
    for i in range(persons):
        before = _max_ids(session, timed) if spread_days else {}
        _person_records(
            session,
            rng=rng,
            cipher=cipher,
            index=i,
            owner=managers[i % len(managers)],
            doors=doors,
            services=services,
            today=today,
            counts=counts,
        )
        if spread_days:
            session.flush()
            created = [
                row
                for model, since in before.items()
                for row in session.scalars(
                    select(model).where(model.id > since).order_by(model.id)
                )
            ]
            _backdate(created, rng=rng, days=rng.randint(0, spread_days))
    session.flush()

    # Twelve rows of a population worklist (`population score` on synthetic
    # claims: tiers, points and reasons as the scoring model writes them) land
    # in team pools by county (the routing a plan would put in the pool_routes
    # setting); St. Joseph has no rule, so its rows wait in the supervisors' pool.
    worklist = DEMO_WORKLIST.read_text(encoding="utf-8")
    wl = import_worklist(
        session,
        cipher=cipher,
        actor=analyst,
        organization_id=plan.id,
        text=worklist,
        name="demo worklist.csv",
        source="demo-worklist",
        routes=parse_pool_routes(DEMO_POOL_ROUTES),
    )
    # ad-match leads reach the care team once an investigator confirms them
    # (docs/investigate.md): three such intakes, waiting in the supervisors' pool
    for k in range(3):
        ref = f"ad_match:NCMEC-DEMO-{k}:ad-{1000 + k}"
        session.add(
            Intake(
                organization_id=plan.id,
                door=Door.AD_MATCH,
                status="new",
                summary=(
                    f"An investigator confirmed that ad ad-{1000 + k} shows the "
                    f"missing person of poster NCMEC-DEMO-{k}: same photo and phone."
                ),
                source_ref=ref,
                source_ref_bidx=cipher.exact_index(ref),
                lead={
                    "case_id": f"NCMEC-DEMO-{k}",
                    "ad_id": f"ad-{1000 + k}",
                    "rank": 1,
                    "operation": f"op-{k}",
                    "score": 0.9 - k / 100,
                    "evidence": "phone+age",
                    "confirmed_by": "Demo investigator",
                },
            )
        )
    session.flush()
    counts["risk_flags"] = wl.created
    counts["ad_match_leads"] = 3
    append_event(
        session,
        AuditEntry(
            action="care.seed", resource_type="database", detail="synthetic demo"
        ),
        user=admin,
        request_id=None,
    )
    report.counts = counts
    return report


def _person_records(
    session: Session,
    *,
    rng: random.Random,
    cipher: Cipher,
    index: int,
    owner: User,
    doors: Sequence[Door],
    services: list[Any],
    today: dt.date,
    counts: dict[str, int],
) -> None:
    """One synthetic person with an intake, a screening and (mostly) a case."""
    age = rng.choice([14, 15, 16, 17, 19, 22, 27, 34])
    # county, gender and the youngest and oldest ages come from their own
    # generator, so adding them left every other seeded value as it was; an
    # age moves only within its screen's range (CST: 11-17; RAFT: adults)
    demo = random.Random(f"demographics-{index}")
    if demo.random() < 0.2:
        age = 11 if age < 18 else demo.choice([46, 52, 61]) if age > 24 else age
    birth = today - dt.timedelta(days=age * 365 + rng.randint(10, 300))
    county = demo.choices(_COUNTIES, weights=_COUNTY_WEIGHTS)[0]
    gender = demo.choices(_GENDERS, weights=_GENDER_WEIGHTS)[0]
    person = crud.create_person(
        session,
        actor=owner,
        cipher=cipher,
        data=PersonCreate(
            given_name=rng.choice(_GIVEN),
            family_name=rng.choice(_FAMILY),
            birth_date=birth,
            contacts={
                "phone": f"317-555-{rng.randint(200, 999):04d}",
                "county": county,
            },
            member_id=f"M{100000 + index}",
            gender=gender,
            do_not_contact=rng.random() < 0.1,
        ),
    )
    counts["persons"] += 1
    _audit(session, owner, "person.create", "person", person.id, person.id)
    intake = crud.create_intake(
        session,
        actor=owner,
        person=person,
        data=IntakeCreate(
            door=rng.choice(doors), summary="Synthetic intake for the demo."
        ),
    )
    counts["intakes"] += 1
    _audit(session, owner, "intake.create", "intake", intake.id, person.id)
    screening = _screen(
        session, rng=rng, owner=owner, person=person, age=age, intake=intake
    )
    _audit(session, owner, "screening.create", "screening", screening.id, person.id)
    counts["screenings"] = counts.get("screenings", 0) + 1
    if index % 4 == 3:
        return  # some persons have no case yet
    pathway = (
        Pathway.PREVENT
        if index % 3 == 0
        else rng.choice([Pathway.SURVIVE, Pathway.THRIVE])
    )
    case = crud.create_case(
        session, actor=owner, data=CaseCreate(person_id=person.id, pathway=pathway)
    )
    counts["cases"] += 1
    _audit(session, owner, "case.create", "case", case.id, person.id)
    if index % 5 != 0:
        crud.transition_case(
            session,
            actor=owner,
            case=case,
            data=CaseTransition(status=CaseStatus.ACTIVE),
        )
        _audit(
            session, owner, "case.status", "case", case.id, person.id, "open->active"
        )
    need = crud.add_need(
        session,
        actor=owner,
        case=case,
        data=NeedCreate(
            category=rng.choice(
                [
                    NeedCategory.HOUSING_INSTABILITY,
                    NeedCategory.FOOD_INSECURITY,
                    NeedCategory.LEGAL,
                    NeedCategory.MENTAL_HEALTH,
                    NeedCategory.HUMAN_TRAFFICKING,
                ]
            ),
            description="Identified with the person at intake.",
        ),
    )
    _audit(session, owner, "need.create", "need", need.id, person.id)
    goal = crud.add_goal(
        session,
        case=case,
        data=GoalCreate(
            description="Stable, safe place to stay",
            need_id=need.id,
            target_date=today + dt.timedelta(days=60),
        ),
    )
    _audit(session, owner, "goal.create", "goal", goal.id, person.id)
    barrier = crud.add_barrier(
        session, case=case, data=BarrierCreate(description="No ID documents")
    )
    _audit(session, owner, "barrier.create", "barrier", barrier.id, person.id)
    note = crud.add_note(
        session, actor=owner, case=case, data=NoteCreate(text=rng.choice(_NOTES))
    )
    counts["notes"] += 1
    _audit(session, owner, "note.create", "note", note.id, person.id)
    crud.set_safety_plan(
        session,
        actor=owner,
        case=case,
        data=SafetyPlanIn(
            warning_signs=["Unknown cars outside school"],
            safe_people=["Aunt", "School counsellor"],
            safe_places=["Library after 3pm"],
            code_word="blue umbrella",
            emergency_steps=["Call 911", "National hotline 1-888-373-7888"],
        ),
    )
    _audit(session, owner, "safety_plan.update", "case", case.id, person.id)
    due = utcnow() + dt.timedelta(days=rng.randint(-4, 10))
    task = crud.create_task(
        session,
        actor=owner,
        data=TaskCreate(
            title="Follow-up call at the safe time", case_id=case.id, due_at=due
        ),
    )
    counts["tasks"] += 1
    _audit(session, owner, "task.create", "task", task.id, person.id)
    if index % 6 == 1:
        return  # no consent, no referral yet
    consent = crud.record_consent(
        session,
        actor=owner,
        person=person,
        data=ConsentCreate(
            consent_type=ConsentType.SHARE_WITH_PARTNERS,
            scope=ConsentScope.ANY_PARTNER,
            expires_at=utcnow() + dt.timedelta(days=365),
        ),
    )
    _audit(session, owner, "consent.create", "consent", consent.id, person.id)
    service = services[index % len(services)]
    referral = crud.create_referral(
        session,
        actor=owner,
        data=ReferralCreate(
            case_id=case.id,
            service_id=service.id,
            need_category=NeedCategory(need.category),
            reason="Referred for the need identified at intake.",
        ),
    )
    counts["referrals"] += 1
    _audit(session, owner, "referral.create", "referral", referral.id, person.id)
    partner_user = session.scalar(
        select(User).where(
            User.organization_id == service.organization_id,
            User.role == Role.PARTNER_USER,
        )
    )
    steps = [ReferralStatus.SENT]
    if partner_user is not None:
        steps += rng.choice(
            [
                [],
                [ReferralStatus.ACCEPTED],
                [ReferralStatus.ACCEPTED, ReferralStatus.IN_PROGRESS],
                [
                    ReferralStatus.ACCEPTED,
                    ReferralStatus.IN_PROGRESS,
                    ReferralStatus.COMPLETED,
                ],
                [ReferralStatus.DECLINED],
            ]
        )
    for step in steps:
        actor = owner if step == ReferralStatus.SENT else partner_user
        assert actor is not None
        before = referral.status
        crud.transition_referral(
            session,
            actor=actor,
            referral=referral,
            data=ReferralTransition(
                status=step,
                reason="No beds this week" if step == ReferralStatus.DECLINED else None,
            ),
        )
        detail = f"{before}->{referral.status}"
        _audit(
            session,
            actor,
            f"referral.{step}",
            "referral",
            referral.id,
            person.id,
            detail,
        )
    if index % 7 == 0 and case.status == CaseStatus.ACTIVE:
        crud.transition_case(
            session,
            actor=owner,
            case=case,
            data=CaseTransition(status=CaseStatus.CLOSED, reason=CloseReason.GOALS_MET),
        )
        _audit(
            session, owner, "case.status", "case", case.id, person.id, "active->closed"
        )


def _audit(
    session: Session,
    user: User,
    action: str,
    resource_type: str,
    resource_id: int,
    person_id: int,
    detail: str | None = None,
) -> None:
    """The audit event the app writes for the same change (same action name)."""
    append_event(
        session,
        AuditEntry(
            action=action,
            resource_type=resource_type,
            resource_id=str(resource_id),
            person_id=person_id,
            detail=detail,
        ),
        user=user,
        request_id=None,
    )


def _screen(
    session: Session,
    *,
    rng: random.Random,
    owner: User,
    person: Any,
    age: int,
    intake: Any,
) -> Screening:
    """Run the age-appropriate published screen on synthetic answers and store
    it; returns the stored screening."""
    from nowrongdoor.care.screening_adapter import screen_and_store
    from nowrongdoor.screening import get_instrument

    instrument_id = "cst6" if age < 18 else "raft"
    answers = {
        item.linkId: rng.random() < 0.12 for item in get_instrument(instrument_id).items
    }
    return screen_and_store(
        session,
        actor=owner,
        person=person,
        instrument_id=instrument_id,
        answers=answers,
        intake_id=intake.id,
    )


#: Tables whose timestamps are about accounts and integrity, not the program.
_KEEP_TIME = {"audit_event", "audit_head", "app_user", "api_token", "organization"}
#: Columns that point to the future on purpose (due dates, expiry).
_KEEP_COLUMNS = {"due_at", "expires_at", "locked_until"}
#: Days between a referral's successive status changes (min, max).
_STEP_DAYS = {
    "accepted": (1, 6),
    "declined": (1, 6),
    "in_progress": (1, 10),
    "completed": (5, 40),
    "cancelled": (1, 10),
}


def _timed_models() -> list[Any]:
    """Mapped classes with an ``id`` and program timestamps (see ``_KEEP_TIME``)."""
    return [
        mapper.class_
        for mapper in Base.registry.mappers
        if mapper.persist_selectable.description not in _KEEP_TIME
        and "id" in mapper.columns
        and any(isinstance(c.type, UTCDateTime) for c in mapper.columns)
    ]


def _max_ids(session: Session, models: list[Any]) -> dict[Any, int]:
    """The highest id of each model now (rows above it are new)."""
    return {m: session.scalar(select(func.max(m.id))) or 0 for m in models}


def _backdate(objects: list[Any], *, rng: random.Random, days: int) -> None:
    """Move freshly created rows ``days`` into the past; space referral steps.

    Every timestamp column of the rows is shifted by the same amount, so their
    order is kept. Then each referral's later status changes (and their events)
    are spread over the following days, never past the present.
    """
    now = utcnow()
    shift = dt.timedelta(days=days, hours=rng.randint(0, 12))
    for obj in objects:
        mapper = sa_inspect(obj).mapper
        if mapper.persist_selectable.description in _KEEP_TIME:
            continue
        for attr in mapper.column_attrs:
            if attr.key in _KEEP_COLUMNS:
                continue
            value = getattr(obj, attr.key)
            if isinstance(value, dt.datetime):
                setattr(obj, attr.key, value - shift)
    events = [o for o in objects if isinstance(o, ReferralEvent)]
    for referral in (o for o in objects if isinstance(o, Referral)):
        at = referral.sent_at or referral.created_at
        steps = sorted(
            (e for e in events if e.referral_id == referral.id), key=lambda e: e.id
        )
        for event in steps:
            if event.to_status in _STEP_DAYS:
                lo, hi = _STEP_DAYS[event.to_status]
                at = min(at + dt.timedelta(days=rng.randint(lo, hi)), now)
                setattr(referral, f"{event.to_status}_at", at)
            event.at = at
        referral.updated_at = at
