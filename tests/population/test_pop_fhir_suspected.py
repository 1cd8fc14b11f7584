"""A FHIR Condition whose verificationStatus is unconfirmed, provisional or
differential for a confirmed-exploitation code (T74.5-/T74.6-) is a suspicion:
it counts as the suspected code (T76.5-/T76.6-), with a reason that says so
(the same for every T74 code with a T76 counterpart:
test_pop_suspected_counterparts.py).

Rules: ICD-10-CM Official Guidelines for Coding and Reporting FY2026, I.C.19.f
(abuse documented as confirmed is coded T74.-, documented as suspected T76.-;
the T74 category excludes "adult and child maltreatment, suspected (T76.-)");
FHIR R4 Condition.verificationStatus (unconfirmed: "not sufficient diagnostic
and/or clinical evidence to treat this as a confirmed condition", with its
children provisional and differential; refuted and entered-in-error are not
diagnoses at all).
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from _pop_helpers import read_csv

from nowrongdoor.population import connect, score_population

_VER = "http://terminology.hl7.org/CodeSystem/condition-ver-status"


def _condition(
    cid: str, patient: str, codes: list[str], status: str | None, when: str
) -> dict:
    res: dict = {
        "resourceType": "Condition",
        "id": cid,
        "subject": {"reference": f"Patient/{patient}"},
        "onsetDateTime": when,
        "code": {
            "coding": [
                {"system": "http://hl7.org/fhir/sid/icd-10-cm", "code": c}
                for c in codes
            ]
        },
    }
    if status is not None:
        res["verificationStatus"] = {"coding": [{"system": _VER, "code": status}]}
    return res


def _score(tmp_path: Path, lines: list[dict], withhold: tuple[str, ...] = ()):
    path = tmp_path / "bulk.ndjson"
    path.write_text("\n".join(json.dumps(x) for x in lines) + "\n", encoding="utf-8")
    engine = connect("duckdb")
    try:
        result = score_population(
            [path],
            tmp_path / "out",
            engine=engine,
            as_of=date(2025, 6, 30),
            withhold=withhold,
        )
    finally:
        engine.close()
    return path, result


def test_suspected_code_maps_t74_to_t76() -> None:
    from nowrongdoor.population._fhir import suspected_code

    assert suspected_code("T74.51XA") == "T7651XA"
    assert suspected_code(" t7462xd ") == "T7662XD"
    assert suspected_code("T74.61") == "T7661"
    # every T74 code with a T76 twin, not only exploitation
    # (test_pop_suspected_counterparts.py checks the whole mapping)
    assert suspected_code("T74.11XA") == "T7611XA"
    assert suspected_code("T76.51XA") is None
    assert suspected_code("F11.20") is None


LINES = [
    {"resourceType": "Patient", "id": "P1", "birthDate": "1990-04-04"},
    {"resourceType": "Patient", "id": "P2", "birthDate": "2010-04-04"},
    {"resourceType": "Patient", "id": "P3", "birthDate": "1990-04-04"},
    {"resourceType": "Patient", "id": "P4", "birthDate": "1990-04-04"},
    _condition("c1", "P1", ["T74.51XA"], "provisional", "2025-02-02T09:30:00Z"),
    _condition("c2", "P2", ["T7462XA"], "unconfirmed", "2025-03-03"),
    # one coding converts; the other (a translation) stays unscored, named
    _condition("c3", "P3", ["T74.61XA", "F11.20"], "differential", "2025-04-04"),
    _condition("c4", "P4", ["T74.51XA"], "refuted", "2025-02-02"),
    _condition("c5", "P4", ["T74.52XA"], "entered-in-error", "2025-02-02"),
]


def test_unconfirmed_confirmed_exploitation_counts_as_suspected(
    tmp_path: Path,
) -> None:
    path, result = _score(tmp_path, LINES)
    worklist = read_csv(tmp_path / "out" / "worklist.csv")
    got = [(r["member_id"], r["tier"], r["pathway"]) for r in worklist]
    # suspected: at least high, Survive for the care team, never identified
    assert got == [
        ("P2", "high", "survive"),
        ("P1", "high", "survive"),
        ("P3", "high", "survive"),
    ]
    reasons = {r["member_id"]: json.loads(r["reasons"]) for r in worklist}
    (p1,) = reasons["P1"]
    assert (p1["indicator"], p1["code"], p1["date"]) == (
        "trafficking_suspected",
        "T76.51XA",
        "2025-02-02",
    )
    assert "verificationStatus 'provisional'" in p1["note"]
    assert "T74.51XA" in p1["note"] and "T76.51XA" in p1["note"]
    assert "I.C.19.f" in p1["note"]
    assert reasons["P2"][0]["code"] == "T76.62XA"
    assert "'unconfirmed'" in reasons["P2"][0]["note"]
    rejects = read_csv(tmp_path / "out" / "rejects.csv")
    assert [(r["row"], r["reason"]) for r in rejects] == [
        (
            "7",
            "Condition.verificationStatus is 'differential' (not confirmed); "
            "not scored",
        ),
        ("8", "Condition.verificationStatus is 'refuted' (ruled out); not scored"),
        (
            "9",
            "Condition.verificationStatus is 'entered-in-error' (not valid); "
            "not scored",
        ),
    ]
    assert result.summary["indicators"]["trafficking_suspected"] == "<11"
    assert result.summary["tiers"]["identified"] == 0
    ra = (tmp_path / "out" / "risk_assessments.ndjson").read_text()
    assert "counted as suspected" in ra


def test_a_withheld_reason_does_not_name_the_code_in_its_note(tmp_path: Path) -> None:
    _score(tmp_path, LINES, withhold=("abuse-exploitation",))
    text = (tmp_path / "out" / "worklist.csv").read_text()
    assert "T74" not in text and "T76" not in text
    ra = (tmp_path / "out" / "risk_assessments.ndjson").read_text()
    assert "T74" not in ra and "T76" not in ra
