"""A Part 2 risk flag keeps its open view: the tier, score and reasons without
its 42 CFR Part 2 reasons, shown to viewers no Part 2 consent covers (42 CFR
2.12, 2.32); an older worklist without the open columns still imports, its Part
2 flags withheld whole."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from _worklist_help import worklist_csv
from fastapi.testclient import TestClient
from sqlalchemy import select, text

from nowrongdoor.care.imports import import_worklist
from nowrongdoor.care.models import Intake, Person, RiskFlag
from nowrongdoor.care.seed import DEMO_WORKLIST
from nowrongdoor.errors import UserInputError

REASONS = [
    {
        "indicator": "trafficking_confirmed",
        "code": "T74.51XA",
        "date": "2025-03-01",
        "points": 50,
        "sensitivity": "abuse-exploitation",
    },
    {
        "indicator": "substance_use",
        "code": "F11.20",
        "date": "2025-03-01",
        "points": 3,
        "sensitivity": "42-cfr-part-2",
    },
]
ONLY_PART2 = [{**REASONS[1], "points": 6}]


def _row(member: str, tier: str, score: int, reasons: list[Any], **more: Any) -> dict:
    return {
        "member_id": member,
        "age": 34,
        "tier": tier,
        "score": score,
        "pathway": "survive" if tier == "identified" else "monitor",
        "reasons": json.dumps(reasons, separators=(",", ":")),
        **more,
    }


NEW = worklist_csv(
    [
        _row("OV-1", "identified", 53, REASONS, open_tier="identified", open_score=50),
        _row("OV-2", "elevated", 6, ONLY_PART2, open_tier="none", open_score=0),
        _row("OV-3", "high", 40, REASONS[:1], open_tier="high", open_score=40),
    ]
)
OLD = worklist_csv([_row("OV-1", "identified", 53, REASONS)])


def _import(s: Any, db: Any, world: Any, body: str, source: str) -> Any:
    return import_worklist(
        s,
        cipher=db.cipher,
        actor=None,
        organization_id=world.orgs["a"],
        text=body,
        name="worklist.csv",
        source=source,
    )


def _flag(s: Any, db: Any, member: str) -> RiskFlag:
    person = s.scalar(
        select(Person).where(Person.member_id_bidx == db.cipher.blind_index(member))
    )
    flag = s.scalar(select(RiskFlag).where(RiskFlag.person_id == person.id))
    assert flag is not None
    return flag


def test_the_open_view_is_stored_encrypted(db: Any, world: Any) -> None:
    with db.session() as s:
        _import(s, db, world, NEW, "run-ov")
        one, two, three = (_flag(s, db, m) for m in ("OV-1", "OV-2", "OV-3"))
        assert (one.sensitivity, one.open_tier, one.open_score) == (
            "part2",
            "identified",
            50,
        )
        assert json.loads(one.open_reasons or "") == REASONS[:1]
        assert (two.open_tier, two.open_score, two.open_reasons) == ("none", 0, "[]")
        # no Part 2 reason: nothing to keep apart
        assert three.sensitivity == "normal" and three.open_tier is None
        stored = s.execute(
            text("select open_reasons from risk_flag where id = :i"), {"i": one.id}
        ).scalar_one()
        assert "T74.51XA" not in stored  # ciphertext, as reasons
        intake = s.scalar(select(Intake).where(Intake.person_id == one.person_id))
        assert intake is not None
        assert "identified" in intake.summary and "53" not in intake.summary
        assert "42 CFR Part 2" in intake.summary


def test_an_older_worklist_without_open_columns_withholds_the_flag_whole(
    db: Any, world: Any
) -> None:
    with db.session() as s:
        counts = _import(s, db, world, OLD, "run-old")
        assert counts.created == 1
        flag = _flag(s, db, "OV-1")
        assert flag.sensitivity == "part2"
        assert (flag.open_tier, flag.open_score, flag.open_reasons) == (None,) * 3
        intake = s.scalar(select(Intake).where(Intake.person_id == flag.person_id))
        assert intake is not None
        assert "identified" not in intake.summary and "53" not in intake.summary


@pytest.mark.parametrize(
    ("more", "message"),
    [
        ({"open_tier": "", "open_score": 50}, "row 2: open_tier must be"),
        ({"open_tier": "identified", "open_score": ""}, "row 2: open_score is empty"),
        ({"open_tier": "identified", "open_score": "x"}, "row 2: open_score 'x'"),
    ],
)
def test_a_bad_open_column_names_row_and_field(
    db: Any, world: Any, more: dict[str, Any], message: str
) -> None:
    body = worklist_csv([_row("OV-9", "identified", 53, REASONS, **more)])
    with db.session() as s, pytest.raises(UserInputError, match=message):
        _import(s, db, world, body, "run-bad")


def test_the_api_shows_the_open_view_and_the_whole_flag_under_consent(
    client: TestClient, world: Any, db: Any
) -> None:
    with db.session() as s:
        _import(s, db, world, NEW + OLD.split("\n", 1)[1].replace("OV-1", "OV-4"), "r")
        pids = {m: _flag(s, db, m).person_id for m in ("OV-1", "OV-2", "OV-3", "OV-4")}
    # admin_a may read Part 2 (part2:read) but no consent covers it yet
    admin = world.headers("admin_a")
    cm = admin
    shown = client.get(f"/api/v1/persons/{pids['OV-1']}/risk-flags", headers=cm)
    assert shown.status_code == 200
    (flag,) = shown.json()
    assert (flag["tier"], flag["score"], flag["withheld_reasons"]) == (
        "identified",
        50,
        1,
    )
    assert "T74.51XA" in flag["reasons"] and "F11.20" not in flag["reasons"]
    assert "53" not in json.dumps(flag).replace(flag["imported_at"], "")
    (only,) = client.get(
        f"/api/v1/persons/{pids['OV-2']}/risk-flags", headers=cm
    ).json()
    assert (only["tier"], only["score"], only["pathway"], only["reasons"]) == (
        "none",
        0,
        None,
        "[]",
    )
    # the older row has no open view: withheld whole, as before
    assert (
        client.get(f"/api/v1/persons/{pids['OV-4']}/risk-flags", headers=cm).json()
        == []
    )
    r = client.post(
        f"/api/v1/persons/{pids['OV-1']}/consents",
        json={"consent_type": "part2_disclosure", "scope": "care_team"},
        headers=admin,
    )
    assert r.status_code == 201
    (whole,) = client.get(
        f"/api/v1/persons/{pids['OV-1']}/risk-flags", headers=admin
    ).json()
    assert (whole["tier"], whole["score"], whole["withheld_reasons"]) == (
        "identified",
        53,
        0,
    )
    assert "F11.20" in whole["reasons"]


def test_the_demo_worklist_imports_with_its_open_view(db: Any, world: Any) -> None:
    """The seed's worklist (scripts/demo.sh loads it) carries the open columns:
    its Part 2 rows keep their other reasons."""
    body = Path(DEMO_WORKLIST).read_text(encoding="utf-8")
    with db.session() as s:
        counts = _import(s, db, world, body, "demo")
        assert counts.created == 12
        flags = s.scalars(select(RiskFlag).where(RiskFlag.sensitivity == "part2")).all()
        assert len(flags) == 3
        assert all(f.open_tier is not None and f.open_reasons for f in flags)
        assert sorted(f.open_tier for f in flags) == ["high", "identified", "none"]
