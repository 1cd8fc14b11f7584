"""Condition (needs), Goal and QuestionnaireResponse (screenings) over /fhir:
who reaches what (minimum necessary for partners, record scope and 42 CFR
Part 2 for staff), the Gravity codes, and audit."""

from __future__ import annotations

from typing import Any

import simple_icd_10_cm as icd
from fastapi.testclient import TestClient
from fhir.resources.R4B import get_fhir_model_class
from sqlalchemy import select

from nowrongdoor.care.db import Database
from nowrongdoor.care.enums import NeedCategory
from nowrongdoor.care.fhir.clinical import ICD10_OF_NEED, SDOH_DOMAIN
from nowrongdoor.care.models import AuditEvent

QYIT = {
    "unsafe-work": True,
    "afraid-to-leave": True,
    "exchanged-sex": False,
    "tricked-into-work": False,
}


def _ids(
    client: TestClient, path: str, headers: dict[str, str], **params: Any
) -> set[str]:
    r = client.get(path, params=params, headers=headers)
    assert r.status_code == 200, r.text
    body = r.json()
    get_fhir_model_class("Bundle").model_validate(body)
    return {e["resource"]["id"] for e in body.get("entry", [])}


def _setup(client: TestClient, world: Any, rec: Any) -> dict[str, int]:
    """A housing referral sent to p, a goal on the housing need, a Part 2 need,
    and a screening, all in plan a's case."""
    cm = world.headers("cm_a")
    case = f"/api/v1/cases/{rec.case_id}"
    goal = client.post(
        f"{case}/goals",
        headers=cm,
        json={"description": "Keep the flat", "need_id": rec.need_id},
    )
    sud = client.post(
        f"{case}/needs",
        headers=cm,
        json={
            "category": "substance_use",
            "sensitivity": "part2",
            "description": "Detox first",
        },
    )
    ref = client.post(
        "/api/v1/referrals",
        headers=cm,
        json={
            "case_id": rec.case_id,
            "service_id": world.services["p"],
            "need_category": "housing_instability",
        },
    )
    assert goal.status_code == sud.status_code == ref.status_code == 201
    sent = client.post(
        f"/api/v1/referrals/{ref.json()['id']}/status",
        headers=cm,
        json={"status": "sent"},
    )
    assert sent.status_code == 200, sent.text
    scr = client.post(
        f"/api/v1/persons/{rec.person_id}/screenings",
        headers=cm,
        json={"instrument_id": "qyit", "answers": QYIT, "case_id": rec.case_id},
    )
    assert scr.status_code == 201, scr.text
    return {"goal": goal.json()["id"], "sud": sud.json()["id"],
            "screening": scr.json()["id"]}  # fmt: skip


def test_staff_reach_their_scope_and_part2_needs_need_consent(
    db: Database, client: TestClient, world: Any, records: Any
) -> None:
    rec = records("a")
    made = _setup(client, world, rec)
    cm = world.headers("cm_a")
    patient = f"Patient/{rec.pseudonym}"
    # Part 2 need withheld: no Part 2 consent covering plan a yet
    assert _ids(client, "/fhir/Condition", cm, patient=patient) == {str(rec.need_id)}
    r = client.get(f"/fhir/Condition/{made['sud']}", headers=cm)
    assert r.status_code == 404 and r.json()["resourceType"] == "OperationOutcome"
    consent = client.post(f"/api/v1/persons/{rec.person_id}/consents", headers=cm,
                          json={"consent_type": "part2_disclosure",
                                "scope": "care_team"})  # fmt: skip
    assert consent.status_code == 201, consent.text
    assert _ids(client, "/fhir/Condition", cm, patient=patient) == {
        str(rec.need_id),
        str(made["sud"]),
    }
    goals = _ids(client, "/fhir/Goal", cm, patient=patient)
    assert goals == {str(rec.goal_id), str(made["goal"])}
    qrs = _ids(client, "/fhir/QuestionnaireResponse", cm, patient=patient)
    assert qrs == {str(made["screening"])}
    qr = client.get(f"/fhir/QuestionnaireResponse/{made['screening']}", headers=cm)
    assert qr.json()["subject"] == {"reference": patient}
    assert qr.json()["item"][0]["linkId"] == "unsafe-work"
    # another plan reaches none of it
    other = world.headers("cm_b")
    assert _ids(client, "/fhir/Condition", other) == set()
    assert _ids(client, "/fhir/Goal", other) == set()
    assert _ids(client, "/fhir/QuestionnaireResponse", other) == set()
    assert client.get(f"/fhir/Goal/{rec.goal_id}", headers=other).status_code == 404
    # an analyst: conditions without free text, no screenings
    analyst = world.headers("analyst_a")
    cond = client.get(f"/fhir/Condition/{rec.need_id}", headers=analyst).json()
    assert "note" not in cond
    goal = client.get(f"/fhir/Goal/{made['goal']}", headers=analyst).json()
    assert goal["description"]["text"] == "Goal (text withheld)"
    assert client.get("/fhir/QuestionnaireResponse", headers=analyst).status_code == 403
    with db.session() as s:
        actions = set(s.scalars(select(AuditEvent.action)))
    assert {"fhir:read Condition", "fhir:search Goal",
            "fhir:read QuestionnaireResponse"} <= actions  # fmt: skip


def test_a_partner_gets_only_the_condition_its_referral_addresses(
    client: TestClient, world: Any, records: Any, systems: Any
) -> None:
    rec = records("a")
    made = _setup(client, world, rec)
    p, q = systems["p"], systems["q"]
    assert _ids(client, "/fhir/Condition", p) == {str(rec.need_id)}
    cond = client.get(f"/fhir/Condition/{rec.need_id}", headers=p).json()
    assert cond["subject"] == {"reference": f"Patient/{rec.pseudonym}"}
    # the goal on that need, not the case's other goal
    assert _ids(client, "/fhir/Goal", p) == {str(made["goal"])}
    assert client.get(f"/fhir/Goal/{rec.goal_id}", headers=p).status_code == 404
    # never the Part 2 need, never screenings
    assert client.get(f"/fhir/Condition/{made['sud']}", headers=p).status_code == 404
    assert client.get("/fhir/QuestionnaireResponse", headers=p).status_code == 403
    # the other partner reaches nothing
    assert _ids(client, "/fhir/Condition", q) == set()
    assert _ids(client, "/fhir/Goal", q) == set()


def test_conditions_carry_gravity_categories_and_real_icd10cm_codes(
    client: TestClient, world: Any, records: Any
) -> None:
    for category, (code, title) in ICD10_OF_NEED.items():
        assert icd.is_valid_item(code), (category, code)
        assert icd.get_description(code) == title, (category, code)
    assert set(SDOH_DOMAIN) <= set(NeedCategory)
    rec = records("a")
    cond = client.get(
        f"/fhir/Condition/{rec.need_id}", headers=world.headers("cm_a")
    ).json()
    codes = {
        (c["system"], c["code"]) for cat in cond["category"] for c in cat["coding"]
    }
    assert ("http://hl7.org/fhir/us/core/CodeSystem/us-core-tags", "sdoh") in codes
    assert (
        "http://hl7.org/fhir/us/sdoh-clinicalcare/CodeSystem/SDOHCC-CodeSystemTemporaryCodes",
        "housing-instability",
    ) in codes
    assert cond["code"]["coding"][0] == {
        "system": "http://hl7.org/fhir/sid/icd-10-cm",
        "code": "Z59.819",
        "display": "Housing instability, housed unspecified",
    }
    assert cond["clinicalStatus"]["coding"][0]["code"] == "active"
