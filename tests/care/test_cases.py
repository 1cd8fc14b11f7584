"""Cases: life cycle, plan items, tasks, screenings and the case page."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select

from nowrongdoor.care.models import CaseEvent, Person

QYIT_POSITIVE = {
    "unsafe-work": True,
    "afraid-to-leave": True,
    "exchanged-sex": False,
    "tricked-into-work": False,
}


def test_case_life_cycle(client: TestClient, world: Any, records: Any) -> None:
    rec = records("a")
    cm = world.headers("cm_a")
    path = f"/api/v1/cases/{rec.case_id}/status"
    active = client.post(path, json={"status": "active"}, headers=cm).json()
    assert active["status"] == "active" and active["activated_at"]
    closed = client.post(
        path, json={"status": "closed", "reason": "goals_met"}, headers=cm
    ).json()
    assert closed["status"] == "closed" and closed["close_reason"] == "goals_met"
    reopened = client.post(path, json={"status": "open"}, headers=cm).json()
    assert reopened["status"] == "open" and reopened["reopened_count"] == 1
    assert reopened["close_reason"] is None
    detail = client.get(f"/api/v1/cases/{rec.case_id}", headers=cm).json()
    kinds = [e["kind"] for e in detail["events"]]
    assert kinds[0] == "opened" and kinds[-3:] == ["active", "closed", "reopened"]


def test_reassigning_needs_a_supervisor(
    client: TestClient, world: Any, records: Any
) -> None:
    rec = records("a")
    target = {"owner_id": world.users["cm2_a"].id}
    by_cm = client.patch(
        f"/api/v1/cases/{rec.case_id}", json=target, headers=world.headers("cm_a")
    )
    assert by_cm.status_code == 403
    by_sup = client.patch(
        f"/api/v1/cases/{rec.case_id}",
        json=target,
        headers=world.headers("supervisor_a"),
    )
    assert by_sup.status_code == 200 and by_sup.json()["owner_id"] == target["owner_id"]
    partner_owner = {"owner_id": world.users["partner_p"].id}
    bad = client.patch(
        f"/api/v1/cases/{rec.case_id}",
        json=partner_owner,
        headers=world.headers("supervisor_a"),
    )
    assert bad.status_code == 400 and bad.json()["error"]["field"] == "owner_id"


def test_case_page_holds_the_plan(client: TestClient, world: Any, records: Any) -> None:
    rec = records("a")
    cm = world.headers("cm_a")
    base = f"/api/v1/cases/{rec.case_id}"
    need = client.post(
        f"{base}/needs",
        json={
            "category": "human_trafficking",
            "description": "Exploited by a boyfriend",
        },
        headers=cm,
    ).json()
    goal = client.post(
        f"{base}/goals",
        json={"description": "Safe place", "need_id": need["id"]},
        headers=cm,
    )
    assert goal.status_code == 201
    plan = client.put(
        f"{base}/safety-plan",
        json={"safe_people": ["Aunt"], "code_word": "blue umbrella"},
        headers=cm,
    )
    assert plan.status_code == 200 and plan.json()["code_word"] == "blue umbrella"
    detail = client.get(base, headers=cm).json()
    assert {n["category"] for n in detail["needs"]} == {
        "housing_instability",
        "human_trafficking",
    }
    assert detail["safety_plan"]["safe_people"] == ["Aunt"]
    assert detail["person"]["given_name"] == "Mara"
    assert [r["id"] for r in detail["referrals"]] == [
        rec.sent_referral_id,
        rec.draft_referral_id,
    ]
    assert detail["consents"][0]["active"] is True
    assert len(detail["tasks"]) == 1 and len(detail["notes"]) == 1
    analyst = client.get(base, headers=world.headers("analyst_a")).json()
    assert analyst["notes"] == [] and analyst["safety_plan"] is None
    assert analyst["person"]["identity_withheld"] is True


def test_tasks_due_and_overdue(client: TestClient, world: Any, records: Any) -> None:
    rec = records("a")
    cm = world.headers("cm_a")
    past = (dt.datetime.now(dt.UTC) - dt.timedelta(days=2)).isoformat()
    task = client.post(
        "/api/v1/tasks",
        json={"title": "Overdue check-in", "case_id": rec.case_id, "due_at": past},
        headers=cm,
    ).json()
    assert task["overdue"] is True
    overdue = client.get("/api/v1/tasks?overdue=true&mine=true", headers=cm).json()
    assert [t["id"] for t in overdue["items"]] == [task["id"]]
    done = client.patch(
        f"/api/v1/tasks/{task['id']}", json={"status": "done"}, headers=cm
    )
    assert done.json()["completed_at"] and done.json()["overdue"] is False
    assert client.get("/api/v1/tasks?overdue=true", headers=cm).json()["items"] == []


def test_screening_is_scored_and_stored(
    client: TestClient, db: Any, world: Any, records: Any
) -> None:
    rec = records("a")
    cm = world.headers("cm_a")
    r = client.post(
        f"/api/v1/persons/{rec.person_id}/screenings",
        json={
            "instrument_id": "qyit",
            "answers": QYIT_POSITIVE,
            "case_id": rec.case_id,
        },
        headers=cm,
    )
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["positive"] is True and body["recommended_pathway"]
    response = body["questionnaire_response"]
    assert response["resourceType"] == "QuestionnaireResponse"
    with db.session() as s:
        person = s.get(Person, rec.person_id)
        assert person is not None
        # the response is about the person (by pseudonym), as the web page's is
        assert response["subject"] == {"reference": f"Patient/{person.pseudonym}"}
        # a screening run in a case is on the case's timeline, as from the web page
        kinds = s.scalars(
            select(CaseEvent.detail).where(
                CaseEvent.case_id == rec.case_id, CaseEvent.kind == "screening"
            )
        ).all()
    assert kinds == ["qyit: positive"]
    listed = client.get(
        f"/api/v1/persons/{rec.person_id}/screenings", headers=cm
    ).json()
    assert [s["id"] for s in listed] == [body["id"]]
    unknown = client.post(
        f"/api/v1/persons/{rec.person_id}/screenings",
        json={"instrument_id": "no-such", "answers": {}},
        headers=cm,
    )
    assert unknown.status_code == 422
    assert unknown.json()["error"]["field"] == "instrument_id"
    bad = client.post(
        f"/api/v1/persons/{rec.person_id}/screenings",
        json={"instrument_id": "qyit", "answers": {"unsafe-work": "perhaps"}},
        headers=cm,
    )
    assert bad.status_code == 422 and bad.json()["error"]["field"] == "answers"


def test_pseudonymous_roles_get_no_free_text(
    client: TestClient, world: Any, records: Any
) -> None:
    rec = records("a")
    cm = world.headers("cm_a")
    client.post(
        f"/api/v1/cases/{rec.case_id}/needs",
        json={
            "category": "legal",
            "description": "Needs help with a court date in Gary",
        },
        headers=cm,
    )
    analyst = client.get(
        f"/api/v1/cases/{rec.case_id}", headers=world.headers("analyst_a")
    )
    assert analyst.status_code == 200
    assert "Gary" not in analyst.text and "Safe housing" not in analyst.text
    staff = client.get(f"/api/v1/cases/{rec.case_id}", headers=cm)
    assert "Gary" in staff.text and "Safe housing" in staff.text


def test_roles_must_fit_the_organisation(client: TestClient, world: Any) -> None:
    admin = world.headers("admin_a")
    body = {
        "username": "admin.at.partner",
        "password": "a long enough password",
        "organization_id": world.orgs["p"],
        "role": "admin",
        "display_name": "X",
    }
    r = client.post("/api/v1/users", json=body, headers=admin)
    assert r.status_code == 400 and r.json()["error"]["field"] == "role"
    demote = client.patch(
        f"/api/v1/users/{world.users['partner_p'].id}",
        json={"role": "admin"},
        headers=admin,
    )
    assert demote.status_code == 400
