"""The work queue's tier filter and order for 42 CFR Part 2 flags
(care.crud._queue).

A viewer whom no Part 2 consent covers filters and sorts a Part 2 flag by its
open view (the tier and score of its reasons that are not Part 2), so what the
queue returns is exactly what it would return if the Part 2 reasons did not
exist (42 CFR 2.12, 2.32: no disclosure, not even by a filter's result or a
row's place, without the patient's consent naming the recipient). Under a
covering consent the whole flag counts. A flag imported before the open view
existed is withheld whole and says so."""

from __future__ import annotations

import json
from typing import Any

import pytest
from _worklist_help import import_into, worklist_csv
from sqlalchemy import select

from nowrongdoor.care import crud
from nowrongdoor.care.enums import ConsentScope, ConsentType
from nowrongdoor.care.models import Person, User
from nowrongdoor.care.schemas import ConsentCreate


def _reason(indicator: str, code: str, points: int, label: str) -> dict[str, Any]:
    return {
        "indicator": indicator,
        "code": code,
        "date": "2025-03-01",
        "points": points,
        "sensitivity": label,
    }


CONFIRMED = _reason("trafficking_confirmed", "T74.51XA", 50, "abuse-exploitation")
OPIOID = _reason("substance_use", "F11.20", 3, "42-cfr-part-2")
RUNAWAY = _reason("runaway", "Z62.892", 12, "standard")
STIMULANT = _reason("substance_use", "F15.20", 18, "42-cfr-part-2")
BIPOLAR = _reason("serious_mental_illness", "F31.9", 3, "mental-health")
SMALL_STIMULANT = {**STIMULANT, "points": 3}

#: (member, age, tier, score, reasons, open tier, open score): Part 2 reasons
#: that move a flag up a tier (Q-2), past another member's score (Q-1 53 over
#: N-1 52, open 50 under it) or out of every tier (Q-3).
ROWS = [
    ("Q-1", 34, "identified", 53, [CONFIRMED, OPIOID], "identified", 50),
    ("N-1", 40, "identified", 52, [{**CONFIRMED, "points": 52}], "identified", 52),
    ("Q-2", 16, "high", 30, [RUNAWAY, STIMULANT], "elevated", 12),
    ("N-2", 16, "high", 20, [{**RUNAWAY, "points": 20}], "high", 20),
    ("N-3", 30, "elevated", 10, [{**RUNAWAY, "points": 10}], "elevated", 10),
    ("Q-3", 59, "elevated", 6, [BIPOLAR, SMALL_STIMULANT], "none", 3),
    ("N-4", 15, "elevated", 12, [{**RUNAWAY}], "elevated", 12),
]
PART2 = {"Q-1", "Q-2", "Q-3"}


def _worklist(*, part2: bool) -> str:
    """The worklist as population wrote it, or (``part2`` false) the same
    members without their Part 2 reasons: tier and score are then the open
    ones, as population would have scored them."""
    out = []
    for member, age, tier, score, reasons, open_tier, open_score in ROWS:
        if not part2:
            reasons = [r for r in reasons if r["sensitivity"] != "42-cfr-part-2"]
            tier, score = open_tier, open_score
        out.append(
            {
                "member_id": member,
                "age": age,
                "tier": tier,
                "score": score,
                "pathway": "",
                "reasons": json.dumps(reasons, separators=(",", ":")),
                "open_tier": open_tier,
                "open_score": open_score,
            }
        )
    return worklist_csv(out)


def _import(db: Any, world: Any, org: str, body: str) -> None:
    import_into(db, world, body, org=org, source="run")


def _queue(
    db: Any, viewer: User, filters: crud.QueueFilters, limit: int
) -> tuple[list[tuple[str, str | None, float | None]], int]:
    """Every page of the viewer's queue: (member id, tier, score) per row,
    and the total."""
    out: list[tuple[str, str | None, float | None]] = []
    with db.session() as s:
        user = s.get(User, viewer.id)
        assert user is not None
        offset, total = 0, None
        while True:
            rows, total = crud.work_queue(
                s, viewer=user, filters=filters, limit=limit, offset=offset
            )
            if not rows:
                break
            for r in rows:
                person = s.scalar(select(Person).where(Person.pseudonym == r.pseudonym))
                assert person is not None and person.member_id is not None
                out.append((person.member_id, r.tier, r.score))
            offset += limit
    assert total is not None and len(out) == total
    return out, total


@pytest.mark.parametrize("limit", [2, 25])  # walking an index, sorting matches
def test_without_part2_access_the_queue_is_as_if_the_part2_reasons_did_not_exist(
    db: Any, world: Any, limit: int
) -> None:
    """Plan a holds the worklist, plan b the same members without their Part 2
    reasons; a care manager of each (neither covered by a Part 2 consent) gets
    the same members, in the same order, for every tier filter and sort."""
    _import(db, world, "a", _worklist(part2=True))
    _import(db, world, "b", _worklist(part2=False))
    for tier in ("", "identified", "high", "elevated", "none", "medium"):
        for sort in crud.QUEUE_SORTS:
            filters = crud.QueueFilters(tier=tier, sort=sort)
            seen = _queue(db, world.users["cm_a"], filters, limit)
            without = _queue(db, world.users["cm_b"], filters, limit)
            assert seen == without, (tier, sort)


def test_the_tier_filter_matches_a_part2_flag_by_its_open_tier(
    db: Any, world: Any
) -> None:
    _import(db, world, "a", _worklist(part2=True))
    cm = world.users["cm_a"]

    def members(tier: str, sort: str = "priority") -> list[str]:
        rows, _ = _queue(db, cm, crud.QueueFilters(tier=tier, sort=sort), 25)
        return [m for m, _t, _s in rows]

    assert members("identified") == ["Q-1", "N-1"]
    assert members("identified", "score") == ["N-1", "Q-1"]  # 52 over open 50
    assert members("high") == ["N-2"]  # Q-2 is high only by its Part 2 reason
    assert sorted(members("elevated")) == ["N-3", "N-4", "Q-2"]
    # minors first within a tier: Q-2 (16), N-4 (15), then N-3 (30)
    assert members("elevated")[2] == "N-3"
    assert members("none") == ["Q-3"]
    scores = [s for _m, _t, s in _queue(db, cm, crud.QueueFilters(sort="score"), 25)[0]]
    assert scores == [52, 50, 20, 12, 12, 10, 3]


def test_under_a_part2_consent_the_whole_flag_filters_and_sorts(
    db: Any, world: Any
) -> None:
    _import(db, world, "a", _worklist(part2=True))
    with db.session() as s:
        cm = s.get(User, world.users["cm_a"].id)
        assert cm is not None
        for member in ("Q-1", "Q-2"):
            person = s.scalar(
                select(Person).where(
                    Person.member_id_bidx == db.cipher.blind_index(member)
                )
            )
            assert person is not None
            crud.record_consent(
                s,
                actor=cm,
                person=person,
                data=ConsentCreate(
                    consent_type=ConsentType.PART2_DISCLOSURE,
                    scope=ConsentScope.CARE_TEAM,
                ),
            )
        s.commit()
    cm = world.users["cm_a"]
    high, _ = _queue(db, cm, crud.QueueFilters(tier="high"), 25)
    assert high == [("Q-2", "high", 30), ("N-2", "high", 20)]
    top, _ = _queue(db, cm, crud.QueueFilters(sort="score"), 25)
    assert [m for m, _t, _s in top[:2]] == ["Q-1", "N-1"]  # 53 over 52
    # Q-3 has no consent: still its open view
    assert ("Q-3", "none", 3) in top
    assert [m for m, *_ in _queue(db, cm, crud.QueueFilters(tier="none"), 25)[0]] == [
        "Q-3"
    ]
    # another organisation's care manager is not covered by a care_team consent
    assert _queue(db, world.users["cm_b"], crud.QueueFilters(tier="high"), 25)[0] == []


def test_a_flag_from_before_the_open_view_is_in_no_tier_and_sorts_unscored(
    db: Any, world: Any
) -> None:
    """A Part 2 flag with no open view (imported before revision 0020, or from a
    worklist without open_tier and open_score) cannot be re-scored without its
    worklist: no tier filter matches it, it sorts with the unscored items, and
    its row says it predates the open view."""
    lines = _worklist(part2=True).splitlines()
    old = "\n".join(line.rsplit(",", 2)[0] for line in lines) + "\n"
    assert "open_tier" not in old
    _import(db, world, "a", old)
    cm = world.users["cm_a"]
    for tier in ("identified", "high", "elevated", "none"):
        rows, _ = _queue(db, cm, crud.QueueFilters(tier=tier), 25)
        assert not {m for m, *_ in rows} & PART2, tier
    for sort in ("priority", "score"):
        rows, _ = _queue(db, cm, crud.QueueFilters(sort=sort), 25)
        assert {m for m, *_ in rows[-3:]} == PART2, sort
        assert [t for _m, t, _s in rows[-3:]] == ["withheld"] * 3
    with db.session() as s:
        user = s.get(User, cm.id)
        rows, _ = crud.work_queue(s, viewer=user, filters=crud.QueueFilters())
    assert [r.predates_open_view for r in rows] == [False] * 4 + [True] * 3
    # importing the worklist again with its open view shows the other reasons
    _import(db, world, "a", _worklist(part2=True))
    rows, _ = _queue(db, cm, crud.QueueFilters(tier="identified", sort="score"), 25)
    assert rows == [("N-1", "identified", 52), ("Q-1", "identified", 50)]
