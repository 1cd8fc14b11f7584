"""Team pools: routing imported rows, taking (compare-and-set), bulk assign."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from nowrongdoor.care import crud
from nowrongdoor.care.imports import import_worklist, parse_pool_routes, pool_for
from nowrongdoor.care.models import Intake, Person, RiskFlag, User
from nowrongdoor.care.rbac import SUPERVISORS_POOL
from nowrongdoor.errors import UserInputError

WORKLIST = (
    "member_id,age,tier,score,county\n"
    "M-1,15,high,0.91,Marion\n"
    "M-2,40,medium,0.40,Lake\n"
    "M-3,16,high,0.80,\n"
    "M-4,70,low,0.10,Allen\n"
)


def _import(db: Any, world: Any, *, team: str | None = None, routes=()) -> None:
    with db.session() as s:
        import_worklist(
            s,
            cipher=db.cipher,
            actor=None,
            organization_id=world.orgs["a"],
            text=WORKLIST,
            name="worklist.csv",
            source="run-1",
            team=team,
            routes=routes,
        )
        s.commit()


def _pools(db: Any) -> dict[str, str | None]:
    with db.session() as s:
        rows = s.execute(
            select(Person.member_id, Person.pool_team, Intake.pool_team).join(
                Intake, Intake.person_id == Person.id
            )
        ).all()
    assert all(person == intake for _m, person, intake in rows)
    return {member: pool for member, pool, _ in rows}


def test_routes_parse_and_match_first_rule() -> None:
    routes = parse_pool_routes(["county=Marion:t1", "age=0-17:t2", "county=lake:t2"])
    assert pool_for(routes, county="marion ", age=15) == "t1"
    assert pool_for(routes, county=None, age=16) == "t2"
    assert pool_for(routes, county="Lake", age=40) == "t2"
    assert pool_for(routes, county="Allen", age=70) is None
    for bad in ("county=Marion", "age=old-young:t1", "zip=46201:t1", "=x:t1"):
        with pytest.raises(UserInputError, match="pool_routes rule"):
            parse_pool_routes([bad])
    with pytest.raises(UserInputError) as caught:  # a rule that matches no one
        parse_pool_routes(["age=17-0:youth"])
    assert str(caught.value) == (
        "pool_routes rule 'age=17-0:youth': the ages run from low to high "
        "(age=0-17:youth)"
    )


def test_import_routes_rows_to_team_pools(db: Any, world: Any) -> None:
    _import(db, world, routes=parse_pool_routes(["county=Marion:t1", "age=0-17:t2"]))
    sup = SUPERVISORS_POOL
    assert _pools(db) == {"M-1": "t1", "M-2": sup, "M-3": "t2", "M-4": sup}
    with db.session() as s:
        marion = s.scalars(select(Person).where(Person.pool_team == "t1")).one()
        assert marion.owner_id is None and marion.contacts == {"county": "Marion"}


def test_team_option_overrides_routes(db: Any, world: Any) -> None:
    _import(db, world, team="t2", routes=parse_pool_routes(["county=Marion:t1"]))
    assert set(_pools(db).values()) == {"t2"}


def test_two_takers_one_wins_the_other_learns_who(db: Any, world: Any) -> None:
    _import(db, world, team="t1")
    with db.session() as first, db.session() as second:
        intake_id = second.scalars(select(Intake.id).order_by(Intake.id)).first()
        cm2 = second.get(User, world.users["cm2_a"].id)
        # the second taker read the item while it was still in the pool
        other = crud.get_intake(second, viewer=cm2, intake_id=intake_id)
        assert other.owner_id is None
        second.expunge(other)
        second.commit()
        cm = first.get(User, world.users["cm_a"].id)
        mine = crud.get_intake(first, viewer=cm, intake_id=intake_id)
        assert crud.take_intake(first, actor=cm, intake=mine) is None
        first.commit()
        holder = crud.take_intake(second, actor=second.get(User, cm2.id), intake=other)
        second.commit()
        assert holder == cm.display_name
        taken = first.get(Intake, intake_id)
        first.refresh(taken)
        assert taken.owner_id == cm.id and taken.pool_team is None
        person = first.get(Person, taken.person_id)
        first.refresh(person)
        assert person.owner_id == cm.id and person.pool_team is None
        first.commit()


def test_other_team_cannot_take_and_supervisor_assigns_in_bulk(
    db: Any, world: Any
) -> None:
    from nowrongdoor.care.errors import Forbidden

    _import(db, world, team="t1")
    with db.session() as s:
        ids = list(s.scalars(select(Intake.id).order_by(Intake.id)))
        cm3 = s.get(User, world.users["cm3_a"].id)
        with pytest.raises(Forbidden):
            crud.get_intake(s, viewer=cm3, intake_id=ids[0])
        boss = s.get(User, world.users["supervisor_a"].id)
        cm2 = s.get(User, world.users["cm2_a"].id)
        assert crud.take_intake(s, actor=cm2, intake=s.get(Intake, ids[0])) is None
        done, lost = crud.assign_intakes(
            s, actor=boss, intake_ids=ids, owner_id=world.users["cm3_a"].id
        )
        s.commit()
        assert done == ids[1:] and lost == {ids[0]: cm2.display_name}
        owners = dict(s.execute(select(Intake.id, Intake.owner_id)).all())
        assert owners[ids[0]] == cm2.id
        assert {owners[i] for i in ids[1:]} == {world.users["cm3_a"].id}


def test_queue_orders_by_risk_then_minors_and_withholds_part2(
    db: Any, world: Any
) -> None:
    _import(db, world, team="t1")
    with db.session() as s:
        cm = s.get(User, world.users["cm_a"].id)
        rows, total = crud.work_queue(s, viewer=cm, filters=crud.QueueFilters())
        assert total == 4
        assert [r.tier for r in rows] == ["high", "high", "medium", "low"]
        assert [r.age_band for r in rows[:2]] == ["12-17", "12-17"]
        assert all(r.pool_team == "t1" and r.owner is None for r in rows)
        flag = s.scalars(select(RiskFlag).where(RiskFlag.tier == "low")).one()
        flag.sensitivity = "part2"
        s.flush()
        last = crud.work_queue(s, viewer=cm, filters=crud.QueueFilters())[0][-1]
        assert (last.tier, last.score) == ("withheld", None)
        cm3 = s.get(User, world.users["cm3_a"].id)
        assert crud.work_queue(s, viewer=cm3, filters=crud.QueueFilters())[1] == 0
        minors = crud.work_queue(
            s, viewer=cm, filters=crud.QueueFilters(band="12-17", sort="score")
        )[0]
        assert [r.score for r in minors] == [0.91, 0.80]
