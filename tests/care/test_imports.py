"""Batch outputs into care: worklist -> risk flags; ad matches -> leads to review."""

from __future__ import annotations

import json
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from nowrongdoor.care.imports import import_worklist
from nowrongdoor.care.models import Intake, Person, RiskFlag
from nowrongdoor.errors import UserInputError

PART2_REASON = json.dumps(
    [
        {
            "indicator": "sud",
            "code": "F11.20",
            "date": "2026-01-02",
            "points": 20,
            "sensitivity": "42-cfr-part-2",
        }
    ]
)
WORKLIST = (
    "member_id,age,tier,score,pathway,reasons\n"
    "M-100,15,identified,120,survive,[]\n"
    f'M-200,17,high,64,prevent,"{PART2_REASON.replace(chr(34), chr(34) * 2)}"\n'
)


def _import(
    s: Any, db: Any, world: Any, text: str, source: str, name: str = "worklist.csv"
) -> Any:
    """Import ``text`` as organisation a's worklist ``source`` (no actor)."""
    return import_worklist(
        s,
        cipher=db.cipher,
        actor=None,
        organization_id=world.orgs["a"],
        text=text,
        name=name,
        source=source,
    )


def test_worklist_becomes_risk_flags(
    client: TestClient, world: Any, db: Any, records: Any
) -> None:
    rec = records("a")
    with db.session() as s:
        person = s.get(Person, rec.person_id)
        assert person is not None
        member = person.member_id
    text = WORKLIST + f"{member},15,high,55,prevent,[]\n"
    with db.session() as s:
        counts = _import(s, db, world, text, "run-1")
    assert (counts.rows, counts.created, counts.new_persons) == (3, 3, 2)
    with db.session() as s:
        again = _import(s, db, world, text, "run-1")
    assert (again.created, again.updated, again.new_persons) == (0, 3, 0)
    with db.session() as s:
        flags = list(s.scalars(select(RiskFlag).order_by(RiskFlag.id)))
        assert len(flags) == 3
        assert {f.sensitivity for f in flags} == {"normal", "part2"}
        assert any(f.person_id == rec.person_id for f in flags)
        leads = list(s.scalars(select(Intake).where(Intake.door == "claims_flag")))
        assert len(leads) == 2 and all(i.status == "new" for i in leads)
    cm = world.headers("cm_a")
    shown = client.get(f"/api/v1/persons/{rec.person_id}/risk-flags", headers=cm).json()
    assert [f["tier"] for f in shown] == ["high"]


def test_part2_flag_hidden_without_consent(
    client: TestClient, world: Any, db: Any
) -> None:
    with db.session() as s:
        _import(s, db, world, WORKLIST, "run-2")
        person = s.scalar(
            select(Person).where(
                Person.member_id_bidx == db.cipher.blind_index("M-200")
            )
        )
        assert person is not None
        pid = person.id
    admin = world.headers("admin_a")
    assert client.get(f"/api/v1/persons/{pid}/risk-flags", headers=admin).json() == []
    r = client.post(
        f"/api/v1/persons/{pid}/consents",
        json={"consent_type": "part2_disclosure", "scope": "care_team"},
        headers=admin,
    )
    assert r.status_code == 201
    flags = client.get(f"/api/v1/persons/{pid}/risk-flags", headers=admin).json()
    assert len(flags) == 1 and "F11.20" in flags[0]["reasons"]


def test_part2_flag_intake_does_not_say_tier_or_score(db: Any, world: Any) -> None:
    """The intake a Part 2 flag opens is read by roles without Part 2 access, so
    it must not carry what the flag withholds (its tier and score)."""
    with db.session() as s:
        _import(s, db, world, WORKLIST, "run-3")
        summaries = {
            s.get(Person, i.person_id).member_id: i.summary  # type: ignore[union-attr]
            for i in s.scalars(select(Intake).where(Intake.door == "claims_flag"))
        }
    assert "tier identified, score 120" in summaries["M-100"]
    part2 = summaries["M-200"]
    assert "high" not in part2 and "64" not in part2, part2
    assert "42 CFR Part 2" in part2


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("member_id,tier\nM1,high\n", "missing required column"),
        ("member_id,tier,score\n,high,3\n", "row 2: member_id is empty"),
        ("member_id,tier,score,pathway\nM1,high,3,rescue\n", "row 2: pathway 'rescue'"),
        (
            "member_id,tier,score,pathway\nM1,elevated,3,monitor\nM2,high,x,prevent\n",
            "row 3: score",
        ),
        ("member_id,tier,score\nM1,high,nan\n", "row 2: score 'nan' is not a finite"),
        (
            "member_id,tier,score\nM1,high,3\nM2,high,4\nM1,low,1\n",
            r"row 4: member_id repeats row 2 \(one row per member\)",
        ),
        (
            "member_id,tier,score\nM1,high,3,Lake, IN\n",
            "row 2: 5 fields, the header has 3",
        ),
        ("member_id,tier,score\nM1,hi\x00gh,3\n", "row 2: tier holds a NUL"),
    ],
)
def test_bad_worklists_name_row_and_field(
    db: Any, world: Any, text: str, message: str
) -> None:
    with db.session() as s, pytest.raises(UserInputError, match=message):
        _import(s, db, world, text, "x", name="w.csv")
