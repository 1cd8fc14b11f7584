"""The work queue's stored keys never go stale.

The queue sorts and filters on copies of each item's person's latest risk
flag, latest screening and birth year kept on the intake row. These tests
write through every path that changes them (worklist import, a new flag, a
flag edit or deletion, a screening, a birth date, the turn of a year, take
and assign) and compare every filter and sort with the answer computed from
the source rows, the way the queue worked before the keys were stored.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from _worklist_help import import_into
from sqlalchemy import select
from sqlalchemy.orm import Session

from nowrongdoor.care import crud
from nowrongdoor.care.audit import KEYRING_INFO
from nowrongdoor.care.db import CareSession
from nowrongdoor.care.models import Intake, Person, RiskFlag, Screening, User

WORKLIST = (
    "member_id,age,tier,score,county\n"
    "M-1,15,high,0.91,Marion\n"
    "M-2,40,medium,0.40,Lake\n"
    "M-3,16,high,0.80,\n"
    "M-4,70,low,0.10,Allen\n"
    "M-5,30,elevated,0.55,Allen\n"
    "M-6,34,identified,53,Marion\n"
)
#: The triage order, written out as the queue's users expect it
#: (docs/population.md: "identified" is coded confirmed exploitation, the
#: Survive pathway); an unknown tier ranks after these; no tier last, with
#: the population model's ``none`` (scored below every tier: not flagged).
_ORDER = (
    ("identified", "critical"),
    ("high",),
    ("elevated",),
    ("medium", "moderate"),
    ("low",),
)
_RANK = {tier: at for at, tiers in enumerate(_ORDER) for tier in tiers}
SORTS = ("priority", "oldest", "newest", "score")
FILTERS = (
    {},
    {"tier": "high"},
    {"tier": "critical"},
    {"tier": "identified"},
    {"tier": "low"},
    {"tier": "none"},
    {"tier": "urgent"},
    {"band": "12-17"},
    {"band": "18-24"},
    {"band": "45+"},
    {"door": "claims_flag"},
)


def _import(db: Any, world: Any, text: str, source: str = "run-1") -> None:
    import_into(db, world, text, source=source)


def _expected(
    s: Any, ids: set[int], filters: dict[str, str], sort: str, today: dt.date
) -> list[tuple[Any, ...]]:
    """The queue computed from the source rows (latest flag, screening, birth year)."""
    rows = []
    for intake in s.scalars(select(Intake).where(Intake.id.in_(ids))):
        flag = s.scalars(
            select(RiskFlag)
            .where(RiskFlag.person_id == intake.person_id)
            .order_by(RiskFlag.id.desc())
        ).first()
        screen = s.scalars(
            select(Screening)
            .where(Screening.person_id == intake.person_id)
            .order_by(Screening.id.desc())
        ).first()
        person = s.get(Person, intake.person_id) if intake.person_id else None
        birth = person.birth_year if person else None
        age = today.year - birth if birth is not None else (flag.age if flag else None)
        tier = None if flag is None else flag.tier
        score = None if flag is None else flag.score
        if flag is not None and flag.sensitivity == "part2":
            # the supervisor has no Part 2 consent: the flag counts, and
            # shows, by its open view (withheld whole when it has none)
            tier, score = flag.open_tier, flag.open_score
        if filters.get("tier") and tier != filters["tier"]:
            continue
        if filters.get("band"):
            low, high = crud.AGE_BANDS[filters["band"]]
            if age is None or not low <= age <= high:
                continue
        if filters.get("door") and intake.door != filters["door"]:
            continue
        rank = 9 if tier in (None, "none") else _RANK.get(tier, 5)
        minor = 0 if age is not None and age < 18 else 1
        received = intake.received_at.replace(tzinfo=None)
        key = {
            "priority": (rank, minor, received, intake.id),
            "oldest": (received, intake.id),
            "newest": (-received.timestamp(), -intake.id),
            "score": (score is None, -(score or 0), intake.id),
        }[sort]
        shown = (
            intake.id,
            "withheld" if flag is not None and tier is None else tier,
            score,
            None if screen is None else ("positive" if screen.positive else "negative"),
            crud.age_band(age),
        )
        rows.append((key, shown))
    return [shown for _key, shown in sorted(rows, key=lambda r: r[0])]


def _check_all(db: Any, world: Any, today: dt.date | None = None) -> list[int]:
    """Every filter and sort equals the source rows' answer; the priority order."""
    today = today or dt.datetime.now(dt.UTC).date()
    with db.session() as s:
        boss = s.get(User, world.users["supervisor_a"].id)
        base = crud.QueueFilters(whose="all", sort="oldest")
        every, total = crud.work_queue(
            s, viewer=boss, filters=base, limit=500, today=today
        )
        assert total == len(every) > 0
        ids = {r.intake_id for r in every}
        for extra in FILTERS:
            for sort in SORTS:
                filters = crud.QueueFilters(whose="all", sort=sort, **extra)
                rows, count = crud.work_queue(
                    s, viewer=boss, filters=filters, limit=500, today=today
                )
                got = [
                    (r.intake_id, r.tier, r.score, r.screen, r.age_band) for r in rows
                ]
                assert got == _expected(s, ids, extra, sort, today), (extra, sort)
                assert count == len(rows)
        s.commit()
        priority = crud.work_queue(
            s,
            viewer=boss,
            filters=crud.QueueFilters(whose="all"),
            limit=500,
            today=today,
        )[0]
        return [r.intake_id for r in priority]


def _intake_of(db: Any, member: str) -> int:
    with db.session() as s:
        for person in s.scalars(select(Person)):
            if person.member_id == member:
                return s.scalars(
                    select(Intake.id).where(Intake.person_id == person.id)
                ).one()
    raise AssertionError(member)


def test_keys_follow_flags_screenings_and_birth_years(db: Any, world: Any) -> None:
    _import(db, world, WORKLIST)
    first = _check_all(db, world)
    m4, m2, m5, m6 = (_intake_of(db, m) for m in ("M-4", "M-2", "M-5", "M-6"))
    assert first[-1] == m4  # a low tier waits behind the others
    # a population worklist's "identified" member (coded confirmed exploitation)
    # comes before every other tier, minors of the high tier included
    assert first[0] == m6

    # a new worklist run flags M-4 critical: it moves to the front
    _import(db, world, "member_id,age,tier,score\nM-4,70,critical,0.99\n", "run-2")
    assert _check_all(db, world)[0] == m4

    # a screening shows on the row; a birth date making M-2 a minor puts M-2
    # before the other adults of its tier
    with db.session() as s:
        person_id = s.get(Intake, m2).person_id
        boss = s.get(User, world.users["supervisor_a"].id)
        crud.store_screening(
            s,
            actor=boss,
            person=s.get(Person, person_id),
            instrument_id="cst6",
            positive=True,
            recommended_pathway=None,
            questionnaire_response={},
            result={},
        )
        s.get(Person, person_id).birth_year = dt.datetime.now(dt.UTC).year - 13
        s.commit()
    with db.session() as s:
        boss = s.get(User, world.users["supervisor_a"].id)
        minors, _ = crud.work_queue(
            s, viewer=boss, filters=crud.QueueFilters(band="12-17"), limit=50
        )
        row = next(r for r in minors if r.intake_id == m2)
        assert (row.screen, row.age_band) == ("positive", "12-17")
    _check_all(db, world)

    # a flag turned 42 CFR Part 2, then a flag deleted: order and labels follow
    with db.session() as s:
        flag = s.scalars(
            select(RiskFlag).where(RiskFlag.person_id == s.get(Intake, m5).person_id)
        ).one()
        flag.sensitivity = "part2"
        s.commit()
    assert _check_all(db, world)[-1] == m5  # withheld whole: with the unscored
    with db.session() as s:
        person_id = s.get(Intake, m4).person_id
        newest = s.scalars(
            select(RiskFlag)
            .where(RiskFlag.person_id == person_id)
            .order_by(RiskFlag.id.desc())
        ).first()
        s.delete(newest)
        s.commit()
    assert _check_all(db, world)[-2:] == [m4, m5]  # back to its earlier low tier
    with db.session() as s:  # its open view: what its other reasons give
        flag = s.scalars(
            select(RiskFlag).where(RiskFlag.person_id == s.get(Intake, m5).person_id)
        ).one()
        flag.open_tier, flag.open_score = "elevated", 0.05
        s.commit()
    assert _check_all(db, world)[-1] == m4  # M-5 by its open tier, elevated


def test_unknown_tiers_wait_behind_known_ones_and_none_with_the_unflagged(
    db: Any, world: Any
) -> None:
    """A tier the queue does not know ranks after ``low``; the population
    model's ``none`` (scored below every tier) ranks with unflagged items,
    after the unknown tier, even for a minor."""
    _import(db, world, WORKLIST + "M-7,16,none,0.02,Lake\nM-8,40,urgent,0.60,Allen\n")
    order = _check_all(db, world)
    m4, m7, m8 = (_intake_of(db, m) for m in ("M-4", "M-7", "M-8"))
    assert order[-3:] == [m4, m8, m7]


def test_minors_are_reranked_when_the_year_turns(db: Any, world: Any) -> None:
    _import(db, world, WORKLIST)
    this_year = dt.datetime.now(dt.UTC).date()
    with db.session() as s:
        ages = {"M-1": 16, "M-3": 12}  # M-1 an adult in three years, M-3 not
        for person in s.scalars(select(Person)):
            if person.member_id in ages:
                person.birth_year = this_year.year - ages[person.member_id]
        s.commit()
    now = _check_all(db, world, this_year)
    later = _check_all(db, world, this_year.replace(year=this_year.year + 3))
    m1, m3 = _intake_of(db, "M-1"), _intake_of(db, "M-3")
    assert now.index(m1) < now.index(m3) and later.index(m3) < later.index(m1)
    assert _check_all(db, world, this_year) == now


def test_take_and_assign_move_items_between_pools(db: Any, world: Any) -> None:
    _import(db, world, WORKLIST)
    with db.session() as s:
        cm = s.get(User, world.users["cm_a"].id)
        cm2 = s.get(User, world.users["cm2_a"].id)
        boss = s.get(User, world.users["supervisor_a"].id)

        def ids(viewer: User, whose: str) -> list[int]:
            rows, total = crud.work_queue(
                s, viewer=viewer, filters=crud.QueueFilters(whose=whose), limit=50
            )
            assert total == len(rows)
            return [r.intake_id for r in rows]

        pool = ids(cm2, "pool")
        assert len(pool) == 6 and ids(cm, "mine") == []
        assert crud.take_intake(s, actor=cm, intake=s.get(Intake, pool[0])) is None
        s.commit()
        assert ids(cm, "mine") == [pool[0]]
        assert ids(cm2, "pool") == pool[1:]
        assert pool[0] not in ids(boss, "pool")
        done, lost = crud.assign_intakes(
            s, actor=boss, intake_ids=pool[:2], owner_id=cm2.id
        )
        s.commit()
        assert (done, lost) == ([pool[1]], {pool[0]: cm.display_name})
        assert ids(cm2, "mine") == [pool[1]]
        assert ids(cm2, "pool") == ids(boss, "pool") == pool[2:]
        assert ids(cm2, "mine_pool") == pool[1:]
        mine = ids(cm, "mine_pool")
        assert pool[0] in mine and pool[1] not in mine


def test_only_care_sessions_refresh_the_keys(db: Any, world: Any) -> None:
    """The hook is bound to care's session class, not to every ORM session."""
    _import(db, world, WORKLIST)
    m2 = _intake_of(db, "M-2")
    year = dt.datetime.now(dt.UTC).year
    with Session(db.engine, info={KEYRING_INFO: db.audit_keys}) as plain:
        assert not isinstance(plain, CareSession)
        plain.get(Person, plain.get(Intake, m2).person_id).birth_year = year - 13
        plain.commit()
    with db.session() as s:
        assert isinstance(s, CareSession)
        intake = s.get(Intake, m2)
        assert s.get(Person, intake.person_id).birth_year == year - 13
        assert intake.q_birth_year is None  # a plain session ran no care hook
        s.get(Person, intake.person_id).birth_year = year - 14
        s.commit()
    with db.session() as s:
        assert s.get(Intake, m2).q_birth_year == year - 14
