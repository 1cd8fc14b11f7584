"""The triage work queue and the team pools (private).

Items are intakes still to review (a door's intake, a claims risk flag from the
population worklist, an ad-match lead). Imported items have no owner: they wait
in a team's pool (``pool_team``) or, with no team, in the supervisors' pool.
A care manager takes an item from their team's pool; a supervisor assigns
items. Both are a compare-and-set on the owner column: of two people taking one
item at once, exactly one wins and the other learns who has it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import and_, func, or_, outerjoin, select, union_all, update
from sqlalchemy.orm import Session

from nowrongdoor.care.consent import part2_covered, part2_visible
from nowrongdoor.care.crud._queue_keys import (
    ensure_queue_year,
    latest_part2_flags,
    priority_with_tier,
    queue_age,
)
from nowrongdoor.care.crud._users import check_assignable
from nowrongdoor.care.enums import Door, IntakeStatus, Role
from nowrongdoor.care.errors import BadRequest
from nowrongdoor.care.models import Intake, Person, RiskFlag, User, utcnow
from nowrongdoor.care.rbac import SUPERVISORS_POOL, can, require, scope_clause
from nowrongdoor.care.schemas import RiskFlagPublic, flag_view, predates_open_view

__all__ = [
    "AGE_BANDS",
    "QUEUE_SORTS",
    "QUEUE_WHOSE",
    "REVIEW_DAYS",
    "QueueFilters",
    "QueueRow",
    "age_band",
    "assign_intakes",
    "take_intake",
    "unstaffed_pools",
    "work_queue",
]

#: Age bands the queue filters on and shows (minors first in triage).
AGE_BANDS: dict[str, tuple[int, int]] = {
    "0-11": (0, 11),
    "12-17": (12, 17),
    "18-24": (18, 24),
    "25-44": (25, 44),
    "45+": (45, 200),
}
#: How many days an item may wait for review before it is overdue.
REVIEW_DAYS = 2
#: Walking a sort's index for a page reads about ``(offset + limit) *
#: waiting / matches`` rows; above this many times the matches, sorting the
#: matches is cheaper.
_SPARSE = 2
QUEUE_SORTS = ("priority", "oldest", "newest", "score")
QUEUE_WHOSE = ("mine_pool", "mine", "pool", "all")


def age_band(age: int | None) -> str | None:
    """The band of ``age`` (``None`` when the age is unknown)."""
    if age is None:
        return None
    for label, (low, high) in AGE_BANDS.items():
        if low <= age <= high:
            return label
    return None


@dataclass(frozen=True)
class QueueFilters:
    """What the queue shows.

    Attributes:
        whose: ``mine``, ``pool`` (owner-less: the viewer's team's pool or,
            for a supervisor, every pool), ``mine_pool`` (both) or ``all``
            (everything in the viewer's scope).
        door: Only this door.
        tier: Only this risk tier.
        band: Only this age band (a key of :data:`AGE_BANDS`).
        sort: One of :data:`QUEUE_SORTS`.
        overdue: Only items waiting longer than :data:`REVIEW_DAYS`.
    """

    whose: str = "all"
    door: str = ""
    tier: str = ""
    band: str = ""
    sort: str = "priority"
    overdue: bool = False


@dataclass(frozen=True)
class QueueRow:
    """One queue row (what a page shows; no names).

    Attributes:
        intake_id: The intake.
        pseudonym: The person's pseudonymous id (``None`` for a lead without one).
        door: The door code.
        tier: The latest risk tier, ``None`` if unflagged, ``"withheld"`` for a
            42 CFR Part 2 flag the viewer may not see and that has no open
            view; for one that has, its open tier (from its reasons that are
            not Part 2, :func:`~nowrongdoor.care.schemas.flag_view`).
        score: The latest flag's score (``None`` when none or withheld; the
            open score for an open view).
        screen: ``positive``/``negative`` of the latest screening, or ``None``.
        age_band: Age band, or ``None``.
        owner: Display name of the owner, ``None`` in a pool.
        pool_team: The pool's team while owner-less (``None``: the
            organisation's, for leads; ``SUPERVISORS_POOL``: supervisors').
        received_at: When the item arrived (what is due: review, since then).
        overdue: Waiting longer than :data:`REVIEW_DAYS`.
        withheld_reasons: How many reasons an open view leaves out (0: the
            whole flag shows, or none is shown).
        predates_open_view: The flag is withheld whole because it was
            imported without an open view (before revision 0020, or from a
            worklist without ``open_tier``/``open_score``); importing its
            worklist again gives it one.
    """

    intake_id: int
    pseudonym: str | None
    door: str
    tier: str | None
    score: float | None
    screen: str | None
    age_band: str | None
    owner: str | None
    pool_team: str | None
    received_at: dt.datetime
    overdue: bool
    withheld_reasons: int = 0
    predates_open_view: bool = False


def _order(c: Any, sort: str) -> tuple[Any, ...]:
    """The ORDER BY of ``sort`` over columns ``c`` (the intake or a page of it).

    Each order is served by an index (``ix_intake_queue_*``): triage priority
    (tier, then minors), then the longest waiting.
    """
    if sort == "oldest":
        return (c.received_at, c.id)
    if sort == "newest":
        return (c.received_at.desc(), c.id.desc())
    if sort == "score":
        return (c.q_neg_score.asc().nulls_last(), c.id)
    return (c.q_priority, c.received_at, c.id)


def _visible(viewer: User) -> Any:
    """Items the viewer may see: record scope, plus the organisation's
    owner-less items in no pool (ad-match leads), as :func:`get_intake`."""
    return or_(
        scope_clause(viewer, Intake.organization_id, Intake.owner_id, Intake.pool_team),
        and_(
            Intake.organization_id == viewer.organization_id,
            Intake.owner_id.is_(None),
            Intake.pool_team.is_(None),
        ),
    )


def _split(viewer: User) -> tuple[Any, Any]:
    """(items whose stored keys the viewer may sort and filter by, items whose
    latest flag counts for the viewer by its open view).

    The second: a 42 CFR Part 2 flag (``q_part2``) that no Part 2 consent
    covers for the viewer (:func:`~nowrongdoor.care.consent.part2_covered`).
    """
    persons = part2_covered(viewer)
    if persons is None:
        return Intake.q_part2.is_(False), Intake.q_part2.is_(True)
    covered = Intake.person_id.in_(persons)
    return (
        or_(Intake.q_part2.is_(False), covered),
        and_(Intake.q_part2.is_(True), ~covered),
    )


def work_queue(
    session: Session,
    *,
    viewer: User,
    filters: QueueFilters,
    limit: int = 25,
    offset: int = 0,
    today: dt.date | None = None,
) -> tuple[list[QueueRow], int]:
    """One page of the viewer's triage queue, prioritised, and the total.

    Priority: higher risk tier first, then minors, then the longest waiting.
    A 42 CFR Part 2 flag counts for the viewer as the viewer may see it: under
    a Part 2 consent covering the viewer's organisation, by its whole tier and
    score (the stored keys); otherwise by its open view, the tier and score
    of its reasons that are not Part 2 (42 CFR 2.12, 2.32), for the tier
    filter, the priority and the score sort alike, so the page is the one the
    viewer would get if the Part 2 reasons did not exist (and shows the open
    tier and score, with how many reasons are withheld). A Part 2 flag without
    an open view (imported before it existed) is withheld whole: it matches no
    tier filter and sorts with the unscored items (its row says it predates the
    open view; importing its worklist again gives it one).

    Args:
        session: Database session.
        viewer: Care manager (own and team-pool items), supervisor or admin
            (everyone's in scope), or analyst (ad-match leads only).
        filters: What to show and how to sort.
        limit: Page size.
        offset: Rows to skip.
        today: The date ages are computed for (default: today, UTC).

    Returns:
        (rows, total number of rows for these filters).
    """
    require(viewer, "lead:review")
    if not can(viewer, "intake:read"):  # analysts: the ad-match leads only
        filters = replace(filters, door=Door.AD_MATCH)
    today = today or utcnow().date()
    age = queue_age(today.year)
    conditions: list[Any] = [Intake.status == IntakeStatus.NEW, _visible(viewer)]
    # owner-less: the viewer's team pool, or the organisation's (leads)
    in_my_pool = and_(
        Intake.owner_id.is_(None),
        or_(
            Intake.pool_team == viewer.team,
            and_(
                Intake.pool_team.is_(None),
                Intake.organization_id == viewer.organization_id,
            ),
        ),
    )
    if filters.whose == "mine":
        conditions.append(Intake.owner_id == viewer.id)
    elif filters.whose == "mine_pool":
        conditions.append(or_(Intake.owner_id == viewer.id, in_my_pool))
    elif filters.whose == "pool":
        conditions.append(Intake.owner_id.is_(None))
        if viewer.role == Role.CARE_MANAGER:
            conditions.append(in_my_pool)
    if filters.door:
        conditions.append(Intake.door == filters.door)
    if filters.band in AGE_BANDS:
        low, high = AGE_BANDS[filters.band]
        conditions.append(age.between(low, high))
    if filters.overdue:
        due = utcnow() - dt.timedelta(days=REVIEW_DAYS)
        conditions.append(Intake.received_at < due)
    stored, hidden = _split(viewer)
    part2 = latest_part2_flags()
    with_part2 = outerjoin(Intake, part2, part2.c.person_id == Intake.person_id)
    shown_where = [*conditions, stored]
    open_where = [*conditions, hidden]
    if filters.tier:
        shown_where.append(Intake.q_tier == filters.tier)
        open_where.append(part2.c.open_tier == filters.tier)
    counts = (
        select(
            func.count(Intake.id).filter(and_(*shown_where)),
            func.count(Intake.id).filter(and_(*open_where)),
            func.count(Intake.id),
            func.count(Intake.id).filter(Intake.q_year != today.year),
        )
        # the open tier is read only to filter on it
        .select_from(with_part2 if filters.tier else Intake)
        .where(Intake.status == IntakeStatus.NEW)
    )
    shown, opened, waiting, other_year = session.execute(counts).one()
    if other_year:  # ranked in another year: minors may have come of age
        ensure_queue_year(session, today.year)
        shown, opened, waiting, _ = session.execute(counts).one()
    total = int(shown + opened)
    if offset >= total:
        return [], total
    # The page is chosen from the intake table alone; only its rows are
    # joined to the person and the owner. Most filters match many items: the
    # sort's index is read until the page is full. When few match, walking the
    # index would read most of the table first: the matches are taken first
    # (a materialised CTE), then sorted. Items that count by their open view
    # (few: Part 2 flags the viewer is not covered for) are sorted apart by
    # their open keys and merged.
    columns: dict[str, Any] = {
        "id": Intake.id,
        "person_id": Intake.person_id,
        "owner_id": Intake.owner_id,
        "door": Intake.door,
        "q_tier": Intake.q_tier,
        "q_neg_score": Intake.q_neg_score,
        "q_part2": Intake.q_part2,
        "q_screen": Intake.q_screen,
        "age": age,
        "q_priority": Intake.q_priority,
        "pool_team": Intake.pool_team,
        "received_at": Intake.received_at,
    }
    keys = select(*(c.label(name) for name, c in columns.items())).where(*shown_where)
    if (offset + limit) * waiting > _SPARSE * shown * shown:
        matches = keys.cte("queue_matches").prefix_with("MATERIALIZED")
        picked = select(matches).order_by(*_order(matches.c, filters.sort))
    else:
        picked = keys.order_by(*_order(Intake, filters.sort))
    if opened:
        by_open_keys = {
            **columns,
            "q_tier": part2.c.open_tier,
            "q_neg_score": -part2.c.open_score,
            "q_priority": priority_with_tier(part2.c.open_tier, Intake.q_priority),
        }
        by_open = (
            select(*(c.label(name) for name, c in by_open_keys.items()))
            .select_from(with_part2)
            .where(*open_where)
            .subquery("queue_open")
        )
        both = union_all(
            select(picked.limit(offset + limit).subquery("queue_stored")),
            select(
                select(by_open)
                .order_by(*_order(by_open.c, filters.sort))
                .limit(offset + limit)
                .subquery("queue_open_first")
            ),
        ).subquery("queue_both")
        picked = select(both).order_by(*_order(both.c, filters.sort))
    page = picked.limit(limit).offset(offset).subquery("queue_page")
    owner = User.__table__.alias("queue_owner")
    stmt = (
        select(page, Person.pseudonym, owner.c.display_name)
        .select_from(page)
        .outerjoin(Person, Person.id == page.c.person_id)
        .outerjoin(owner, owner.c.id == page.c.owner_id)
        .order_by(*_order(page.c, filters.sort))
    )
    now = utcnow()
    rows = []
    result = session.execute(stmt).all()
    views = _part2_views(
        session, viewer, [r.person_id for r in result if r.q_part2 and r.person_id]
    )
    for r in result:
        received = r.received_at
        if received.tzinfo is None:
            received = received.replace(tzinfo=dt.UTC)
        row = QueueRow(
            intake_id=r.id,
            pseudonym=r.pseudonym,
            door=r.door,
            tier=r.q_tier,
            score=None if r.q_neg_score is None else -r.q_neg_score,
            screen=None
            if r.q_screen is None
            else ("positive" if r.q_screen else "negative"),
            age_band=age_band(r.age),
            owner=r.display_name,
            pool_team=r.pool_team,
            received_at=received,
            overdue=now - received > dt.timedelta(days=REVIEW_DAYS),
        )
        if r.q_part2:  # as the viewer may see it, or withheld
            view, predates = views.get(r.person_id, (None, False))
            row = replace(
                row,
                tier="withheld" if view is None else view.tier,
                score=None if view is None else view.score,
                withheld_reasons=0 if view is None else view.withheld_reasons,
                predates_open_view=predates,
            )
        rows.append(row)
    return rows, total


def _part2_views(
    session: Session, viewer: User, person_ids: list[int]
) -> dict[int, tuple[RiskFlagPublic | None, bool]]:
    """The latest flag of each of these persons (their latest flag is Part 2)
    as the viewer may see it: whole under a covering Part 2 consent, else its
    open view, or ``None`` when withheld whole; and whether it is withheld
    whole for want of an open view (:func:`predates_open_view`)."""
    out: dict[int, tuple[RiskFlagPublic | None, bool]] = {}
    for person_id in sorted(set(person_ids)):
        flag = session.scalar(
            select(RiskFlag)
            .where(RiskFlag.person_id == person_id)
            .order_by(RiskFlag.id.desc())
            .limit(1)
        )
        person = session.get(Person, person_id)
        if flag is None or person is None:
            continue
        part2 = part2_visible(session, viewer=viewer, person=person)
        view = flag_view(flag, part2_ok=part2)
        out[person_id] = (view, view is None and predates_open_view(flag))
    return out


def _owner_name(session: Session, intake_id: int) -> str:
    name = session.scalar(
        select(User.display_name)
        .join(Intake, Intake.owner_id == User.id)
        .where(Intake.id == intake_id)
    )
    return name or "someone else"


def take_intake(
    session: Session, *, actor: User, intake: Intake, owner: User | None = None
) -> str | None:
    """Give an owner-less item (and its owner-less person) to ``owner``.

    A compare-and-set: the update only applies while the item has no owner,
    so of two people taking it at once exactly one wins.

    Args:
        session: Database session (the caller has checked the item's scope).
        actor: Who takes or assigns.
        intake: The item.
        owner: Who gets it (default: the actor; assigning to someone else
            needs ``case:assign``).

    Returns:
        ``None`` when it is now ``owner``'s; otherwise the display name of
        whoever has it already.
    """
    require(actor, "intake:write")
    target = owner or actor
    if target.id != actor.id:
        require(actor, "case:assign")
    check_assignable(
        session, owner_id=target.id, organization_id=intake.organization_id
    )
    done = session.execute(
        update(Intake)
        .where(Intake.id == intake.id, Intake.owner_id.is_(None))
        .values(owner_id=target.id, pool_team=None)
        .execution_options(synchronize_session=False)
    )
    if getattr(done, "rowcount", 0) != 1:
        return _owner_name(session, intake.id)
    if intake.person_id is not None:
        session.execute(
            update(Person)
            .where(Person.id == intake.person_id, Person.owner_id.is_(None))
            .values(owner_id=target.id, pool_team=None)
            .execution_options(synchronize_session=False)
        )
    session.expire(intake)
    return None


def assign_intakes(
    session: Session, *, actor: User, intake_ids: Iterable[int], owner_id: int
) -> tuple[list[int], dict[int, str]]:
    """A supervisor's bulk assignment of pool items to one staff member.

    Args:
        session: Database session.
        actor: Supervisor or admin (``case:assign``).
        intake_ids: The items (each must be in the actor's scope).
        owner_id: Who gets them.

    Returns:
        (ids assigned, {id: who already had it} for the ones taken meanwhile).
    """
    require(actor, "case:assign")
    ids = sorted(set(intake_ids))
    if not ids:
        raise BadRequest("Tick at least one item to assign.", field="intake_id")
    target = check_assignable(
        session, owner_id=owner_id, organization_id=actor.organization_id
    )
    found = session.scalars(
        select(Intake).where(Intake.id.in_(ids), _visible(actor))
    ).all()
    if len(found) != len(ids):
        raise BadRequest(
            "Some ticked items are not in your organisation's queue.",
            field="intake_id",
        )
    assigned: list[int] = []
    lost: dict[int, str] = {}
    for intake in found:
        if intake.owner_id is not None:
            lost[intake.id] = _owner_name(session, intake.id)
            continue
        other = take_intake(session, actor=actor, intake=intake, owner=target)
        if other is None:
            assigned.append(intake.id)
        else:
            lost[intake.id] = other
    return assigned, lost


def unstaffed_pools(session: Session, *, organization_id: int) -> dict[str, int]:
    """Team pools of the organisation that wait with no one to take from them.

    An owner-less item in a team's pool is taken by an active care manager of
    that team (:func:`take_intake`); a pool whose team has none (a
    ``pool_routes`` team name nobody holds, or a team whose staff all left)
    waits until a supervisor assigns its items. The supervisors' own pool
    (``SUPERVISORS_POOL``) is theirs to work, so it is not one of these.

    Returns:
        ``{team: waiting items}`` for each such pool, by team name.
    """
    staffed = select(User.id).where(
        User.organization_id == organization_id,
        User.team == Intake.pool_team,
        User.role == Role.CARE_MANAGER,
        User.is_active.is_(True),
    )
    rows = session.execute(
        select(Intake.pool_team, func.count())
        .where(
            Intake.organization_id == organization_id,
            Intake.status == IntakeStatus.NEW,
            Intake.owner_id.is_(None),
            Intake.pool_team.is_not(None),
            Intake.pool_team != SUPERVISORS_POOL,
            ~staffed.exists(),
        )
        .group_by(Intake.pool_team)
        .order_by(Intake.pool_team)
    ).all()
    return {str(team): int(n) for team, n in rows}
