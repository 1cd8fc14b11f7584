"""Adding the records a case or person holds (care.api.case_children)."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from nowrongdoor.care import crud
from nowrongdoor.care.api.case_children import (
    add_to_person,
    commit_list,
    list_children,
)
from nowrongdoor.care.models import (
    AuditEvent,
    Case,
    Consent,
    Intake,
    Note,
    Person,
    RiskFlag,
)
from nowrongdoor.care.schemas import RiskFlagPublic


class _Audit:
    """Records the audit events a helper commits."""

    def __init__(self) -> None:
        self.events: list[tuple[str, dict[str, Any]]] = []

    def commit(self, action: str, **event: Any) -> None:
        self.events.append((action, event))


def test_add_to_person_records_the_kind_and_commits_its_create_event(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    audit, added = _Audit(), SimpleNamespace(id=7)
    asked: dict[str, Any] = {}

    def add_person_child(session: Any, **kw: Any) -> Any:
        asked.update(kw, session=session)
        return added

    monkeypatch.setattr(crud, "add_person_child", add_person_child)
    out = add_to_person(
        audit,  # type: ignore[arg-type]
        "session",  # type: ignore[arg-type]
        actor="actor",  # type: ignore[arg-type]
        person=SimpleNamespace(id=3),  # type: ignore[arg-type]
        kind="consent",
        data="body",
        detail="d",
    )
    assert out is added
    assert asked == {
        "session": "session",
        "actor": "actor",
        "person": SimpleNamespace(id=3),
        "kind": "consent",
        "data": "body",
    }
    assert audit.events == [
        (
            "consent.create",
            {
                "resource_type": "consent",
                "resource_id": 7,
                "person_id": 3,
                "detail": "d",
            },
        )
    ]


def _last_event(db: Any, action: str) -> AuditEvent:
    with db.session() as s:
        event = s.scalars(
            select(AuditEvent)
            .where(AuditEvent.action == action)
            .order_by(AuditEvent.seq.desc())
        ).first()
        assert event is not None
        s.expunge(event)
        return event


def test_person_intake_and_consent_routes_add_and_audit(
    client: TestClient, db: Any, world: Any, records: Any
) -> None:
    rec = records("a")
    base = f"/api/v1/persons/{rec.person_id}"
    h = world.headers("cm_a")

    r = client.post(f"{base}/intakes", json={"door": "teacher"}, headers=h)
    assert r.status_code == 201, r.text
    intake = r.json()
    assert intake["person_id"] == rec.person_id
    event = _last_event(db, "intake.create")
    assert (event.resource_type, event.resource_id) == ("intake", str(intake["id"]))
    assert (event.person_id, event.detail) == (rec.person_id, None)

    body = {"consent_type": "share_with_partners", "scope": "any_partner"}
    r = client.post(f"{base}/consents", json=body, headers=h)
    assert r.status_code == 201, r.text
    consent = r.json()
    assert (consent["person_id"], consent["active"]) == (rec.person_id, True)
    event = _last_event(db, "consent.create")
    assert (event.resource_type, event.resource_id) == ("consent", str(consent["id"]))
    assert event.person_id == rec.person_id
    assert event.detail == "share_with_partners/any_partner"
    with db.session() as s:
        assert s.get(Intake, intake["id"]) is not None
        assert s.get(Consent, consent["id"]) is not None


def test_person_child_routes_check_scope_first(
    client: TestClient, world: Any, records: Any
) -> None:
    rec = records("b")
    base = f"/api/v1/persons/{rec.person_id}"
    h = world.headers("cm_a")
    assert (
        client.post(f"{base}/intakes", json={"door": "teacher"}, headers=h).status_code
        == 403
    )
    body = {"consent_type": "share_with_partners", "scope": "any_partner"}
    assert client.post(f"{base}/consents", json=body, headers=h).status_code == 403


def test_commit_list_names_the_case_or_the_person() -> None:
    audit = _Audit()
    commit_list(audit, "note", Case(id=4, person_id=9))  # type: ignore[arg-type]
    commit_list(audit, "screening", Person(id=9))  # type: ignore[arg-type]
    assert audit.events == [
        ("note.list", {"resource_type": "case", "resource_id": 4, "person_id": 9}),
        (
            "screening.list",
            {"resource_type": "person", "resource_id": 9, "person_id": 9},
        ),
    ]


def test_list_children_reads_the_holders_rows_and_withholds_part2(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    rows = {
        "case": [
            SimpleNamespace(sensitivity="normal"),
            SimpleNamespace(sensitivity="part2"),
        ],
        "person": [
            RiskFlag(
                id=1,
                person_id=9,
                source="run-1",
                tier="high",
                score=14.0,
                reasons="[]",
                sensitivity="part2",
                reviewed=False,
                imported_at=dt.datetime(2026, 1, 2),
            )
        ],
    }
    asked: list[tuple[Any, ...]] = []

    def case_children(session: Any, model: Any, case_id: int) -> list[Any]:
        asked.append(("case", session, model, case_id))
        return rows["case"]

    def person_children(session: Any, model: Any, *, person_id: int) -> list[Any]:
        asked.append(("person", session, model, person_id))
        return rows["person"]

    monkeypatch.setattr(crud, "case_children", case_children)
    monkeypatch.setattr(crud, "person_children", person_children)
    audit: Any = _Audit()
    case, person = Case(id=4, person_id=9), Person(id=9)
    notes = list_children(
        audit,
        "s",
        holder=case,
        kind="note",
        model=Note,
        part2_ok=False,
    )
    flags = list_children(
        audit,
        "s",
        holder=person,
        kind="riskflag",
        model=RiskFlag,
        part2_ok=True,
    )
    assert notes == rows["case"][:1]
    # a risk flag is shown as the viewer may see it: whole, under Part 2 consent
    assert flags == [RiskFlagPublic.model_validate(rows["person"][0])]
    assert asked == [("case", "s", Note, 4), ("person", "s", RiskFlag, 9)]
    assert [action for action, _ in audit.events] == ["note.list", "riskflag.list"]
