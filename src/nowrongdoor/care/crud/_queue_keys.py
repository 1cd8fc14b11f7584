"""The work queue's stored sort and filter keys, kept current (private).

An intake row carries copies of what the queue sorts and filters on (the
person's latest risk flag's tier, score, age and 42 CFR Part 2 mark, the latest
screening's result, the birth year, and a triage priority), so a queue page is
one indexed query of the intake table instead of a join of every item to its
person, latest flag and latest screening.

The copies are refreshed in the same transaction as every write that changes
them: an ``after_flush`` hook on care's session class
(:class:`~nowrongdoor.care.db.CareSession`, not every SQLAlchemy session in the
process) looks at the risk flags, screenings,
persons and intakes the flush wrote (import, screening, flag edit, birth date,
new intake from any door) and recomputes the keys of those persons' intakes.
Writes that bypass the ORM (bulk ``insert()``) call :func:`refresh_queue_keys`.
The priority's minor rank depends on the year; :func:`ensure_queue_year`
recomputes it, from the stored keys alone, for items last ranked in another
year.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from typing import Any

from sqlalchemy import and_, case, event, exists, func, or_, select, update
from sqlalchemy.orm import Session, aliased
from sqlalchemy.sql.elements import ColumnElement

from nowrongdoor.care.db import CareSession
from nowrongdoor.care.enums import IntakeStatus, Sensitivity
from nowrongdoor.care.models import Intake, Person, RiskFlag, Screening, utcnow

__all__ = [
    "BELOW_EVERY_TIER",
    "TIER_RANK",
    "ensure_queue_year",
    "latest_part2_flags",
    "priority_with_tier",
    "queue_age",
    "refresh_queue_keys",
    "tier_rank",
]

#: Tiers in triage order (unknown tiers after these, unflagged last): the
#: population model's (``identified``: coded confirmed exploitation or its
#: history, Survive/Thrive; then ``high``, ``elevated``; docs/population.md)
#: and the common names other risk models use.
TIER_RANK = {
    "identified": 0,
    "critical": 0,
    "high": 1,
    "elevated": 2,
    "medium": 3,
    "moderate": 3,
    "low": 4,
}
_UNKNOWN_TIER, _NO_TIER = 5, 9
#: The population model's tier for a score below every tier: a flag carries it
#: only as the open view of one that its 42 CFR Part 2 reasons alone put on the
#: worklist. It ranks with unflagged items.
BELOW_EVERY_TIER = "none"
#: Under this age a person is a minor (triaged first within a tier).
ADULT_AGE = 18


def tier_rank(tier: Any) -> ColumnElement[int]:
    """SQL: the triage rank of a tier column (lower = sooner)."""
    return case(
        *((tier == t, r) for t, r in TIER_RANK.items()),
        else_=case(
            (or_(tier.is_(None), tier == BELOW_EVERY_TIER), _NO_TIER),
            else_=_UNKNOWN_TIER,
        ),
    )


def queue_age(year: int) -> ColumnElement[Any]:
    """SQL: an intake's person's age in ``year`` from the stored keys.

    The birth year when known, else the latest risk flag's age (as recorded).
    """
    return func.coalesce(year - Intake.q_birth_year, Intake.q_flag_age)


def _priority(year: int) -> ColumnElement[int]:
    age = queue_age(year)
    minor = case((and_(age.is_not(None), age < ADULT_AGE), 0), else_=1)
    return tier_rank(Intake.q_tier) * 2 + minor


def priority_with_tier(tier: Any, priority: Any) -> ColumnElement[int]:
    """SQL: a stored ``priority`` (``q_priority``) with ``tier``'s rank in
    place of its flag's tier rank (the minor rank, its last bit, kept)."""
    return tier_rank(tier) * 2 + priority % 2


@functools.cache
def latest_part2_flags() -> Any:
    """SQL: each person's latest risk flag when it is 42 CFR Part 2, with its
    open view (``person_id``, ``open_tier``, ``open_score``; both ``None``
    when it has none). Not correlated with the intake, so a query of many
    intakes joins it once (an intake's ``q_part2`` says its person's latest
    flag is one of these). Built once: it depends on nothing but the schema."""
    newer = aliased(RiskFlag)
    return (
        select(RiskFlag.person_id, RiskFlag.open_tier, RiskFlag.open_score)
        .where(
            RiskFlag.sensitivity == Sensitivity.PART2,
            ~exists().where(
                newer.person_id == RiskFlag.person_id, newer.id > RiskFlag.id
            ),
        )
        .subquery("part2_flag")
    )


def _latest_flag(column: Any) -> Any:
    latest = (
        select(func.max(RiskFlag.id))
        .where(RiskFlag.person_id == Intake.person_id)
        .correlate(Intake)
        .scalar_subquery()
    )
    return select(column).where(RiskFlag.id == latest).scalar_subquery()


def refresh_queue_keys(
    session: Session,
    *,
    year: int,
    person_ids: Iterable[int] | None = None,
    intake_ids: Iterable[int] = (),
) -> None:
    """Recompute the stored queue keys (two UPDATE statements).

    Args:
        session: Database session (the caller commits).
        year: The year the priority's minor rank is computed for.
        person_ids: Refresh these persons' intakes; ``None``: every intake.
        intake_ids: Also refresh these intakes.
    """
    where: list[Any] = []
    if person_ids is not None:
        persons, intakes = sorted(set(person_ids)), sorted(set(intake_ids))
        if not persons and not intakes:
            return
        where.append(Intake.person_id.in_(persons) | Intake.id.in_(intakes))
    latest_screen = (
        select(func.max(Screening.id))
        .where(Screening.person_id == Intake.person_id)
        .correlate(Intake)
        .scalar_subquery()
    )
    session.execute(
        update(Intake)
        .where(*where)
        .values(
            q_tier=_latest_flag(RiskFlag.tier),
            q_part2=func.coalesce(
                _latest_flag(RiskFlag.sensitivity == Sensitivity.PART2), False
            ),
            q_neg_score=-_latest_flag(RiskFlag.score),
            q_flag_age=_latest_flag(RiskFlag.age),
            q_screen=select(Screening.positive)
            .where(Screening.id == latest_screen)
            .scalar_subquery(),
            q_birth_year=select(Person.birth_year)
            .where(Person.id == Intake.person_id)
            .scalar_subquery(),
        )
        .execution_options(synchronize_session=False)
    )
    session.execute(
        update(Intake)
        .where(*where)
        .values(q_priority=_priority(year), q_year=year)
        .execution_options(synchronize_session=False)
    )


def ensure_queue_year(session: Session, year: int) -> None:
    """Re-rank waiting items whose priority was computed for another year.

    Ages move on with the year, so a minor may have become an adult; the new
    rank comes from the stored keys alone. :func:`work_queue` calls this when
    its count finds such items (after New Year, or rows inserted in bulk).
    """
    session.execute(
        update(Intake)
        .where(Intake.status == IntakeStatus.NEW, Intake.q_year != year)
        .values(q_priority=_priority(year), q_year=year)
        .execution_options(synchronize_session=False)
    )


def _written_persons(session: Session) -> tuple[set[int], set[int]]:
    """Persons whose keys a flush may have changed, and new/moved intakes."""
    persons: set[int] = set()
    intakes: set[int] = set()
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, RiskFlag | Screening):
            if obj.person_id is not None:
                persons.add(obj.person_id)
        elif isinstance(obj, Person):
            if obj.id is not None:
                persons.add(obj.id)
        elif isinstance(obj, Intake) and obj.id is not None:
            intakes.add(obj.id)
    return persons, intakes


@event.listens_for(CareSession, "after_flush")
def _after_flush(session: Session, _context: Any) -> None:
    persons, intakes = _written_persons(session)
    if persons or intakes:
        refresh_queue_keys(
            session, year=utcnow().year, person_ids=persons, intake_ids=intakes
        )
