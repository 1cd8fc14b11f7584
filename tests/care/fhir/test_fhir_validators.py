"""Every kind of resource /fhir returns validates with fhir.resources (R4B
models) and with an independent validator, the npm ``fhir`` package (FHIR.js,
R4 structure definitions and value sets). The test installs FHIR.js into a
cache under the temporary directory when it is missing (never skips)."""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from fhir.resources.R4B import get_fhir_model_class

FHIRJS_VERSION = "4.12.0"
CACHE = Path(tempfile.gettempdir()) / "nowrongdoor-fhirjs"
SCRIPT = """
const {Fhir} = require('fhir');
const fhir = new Fhir();
const items = JSON.parse(require('fs').readFileSync(0, 'utf8'));
const out = items.map((r) => {
  const res = fhir.validate(r);
  return {valid: res.valid, errors: res.messages.filter((m) => m.severity === 'error')};
});
process.stdout.write(JSON.stringify(out));
"""


@pytest.fixture(scope="module")
def fhirjs() -> Path:
    """The node_modules folder holding FHIR.js, installed on first use."""
    modules = CACHE / "node_modules"
    if not (modules / "fhir" / "package.json").exists():
        npm = shutil.which("npm")
        assert npm, "npm is needed to install the FHIR.js validator"
        CACHE.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [npm, "install", "--no-audit", "--no-fund", f"fhir@{FHIRJS_VERSION}"],
            cwd=CACHE,
            check=True,
            capture_output=True,
            timeout=600,
        )
    return modules


def _fhirjs_validate(modules: Path, resources: list[dict[str, Any]]) -> list[Any]:
    node = shutil.which("node")
    assert node, "node is needed to run the FHIR.js validator"
    done = subprocess.run(
        [node, "-e", SCRIPT],
        input=json.dumps(resources),
        capture_output=True,
        text=True,
        check=True,
        env={"NODE_PATH": str(modules), "PATH": str(Path(node).parent)},
        timeout=120,
    )
    result: list[Any] = json.loads(done.stdout)
    return result


def _collect(client: TestClient, world: Any, rec: Any, headers: Any) -> list[Any]:
    rid = rec.sent_referral_id
    got = [
        client.get("/fhir/metadata").json(),
        client.get("/fhir/Task", headers=headers).json(),
        client.get("/fhir/ServiceRequest", headers=headers).json(),
        client.get(f"/fhir/ServiceRequest/{rid}", headers=headers).json(),
        client.get(f"/fhir/Patient/{rec.pseudonym}", headers=headers).json(),
        client.get(f"/fhir/Consent/{rec.consent_id}", headers=headers).json(),
        client.get("/fhir/Organization", headers=headers).json(),
        client.get(f"/fhir/Organization/{world.orgs['p']}", headers=headers).json(),
        client.get("/fhir/HealthcareService", headers=headers).json(),
        client.get(
            f"/fhir/HealthcareService/{world.services['p']}", headers=headers
        ).json(),
        client.get("/fhir/Task/999999", headers=headers).json(),  # OperationOutcome
    ]
    task = client.get(f"/fhir/Task/{rid}", headers=headers).json()
    for status, extra in (
        ("received", {"businessStatus": {"text": "Queued"}}),
        ("rejected", {"statusReason": {"text": "No beds tonight"}}),
    ):
        task = {**task, "status": status, **extra}
        moved = client.put(f"/fhir/Task/{rid}", json=task, headers=headers)
        assert moved.status_code == 200, moved.text
        got.append(moved.json())
    return got


def _exchange(
    db: Any, client: TestClient, world: Any, rec: Any, headers: Any
) -> list[Any]:
    """The transaction Bundle our outbound side sends, and the answer to it."""
    from nowrongdoor.care.fhir.outbound import referral_bundle
    from nowrongdoor.care.models import FhirEndpoint, Referral

    with db.session() as s:
        referral = s.get(Referral, rec.sent_referral_id)
        endpoint = FhirEndpoint(owner_reference=f"Organization/{world.orgs['q']}")
        sent = referral_bundle(s, referral, endpoint)
    answer = client.post("/fhir", json=sent, headers=headers)
    assert answer.status_code == 200, answer.text
    return [sent, answer.json()]


def _clinical(client: TestClient, world: Any, rec: Any) -> list[Any]:
    """Condition, Goal and QuestionnaireResponse, read and searched by staff."""
    cm = world.headers("cm_a")
    case = f"/api/v1/cases/{rec.case_id}"
    goal = client.post(
        f"{case}/goals",
        json={"description": "Keep the flat", "need_id": rec.need_id},
        headers=cm,
    ).json()
    answers = {"unsafe-work": True, "afraid-to-leave": False,
               "exchanged-sex": False, "tricked-into-work": None}  # fmt: skip
    screening = client.post(
        f"/api/v1/persons/{rec.person_id}/screenings",
        json={"instrument_id": "qyit", "answers": answers},
        headers=cm,
    ).json()
    return [
        client.get(f"/fhir/Condition/{rec.need_id}", headers=cm).json(),
        client.get("/fhir/Condition", headers=cm).json(),
        client.get(f"/fhir/Goal/{goal['id']}", headers=cm).json(),
        client.get("/fhir/Goal", headers=cm).json(),
        client.get(f"/fhir/QuestionnaireResponse/{screening['id']}", headers=cm).json(),
        client.get("/fhir/QuestionnaireResponse", headers=cm).json(),
    ]


def test_every_returned_resource_validates_twice(
    db: Any, client: TestClient, world: Any, records: Any, systems: Any, fhirjs: Path
) -> None:
    rec = records("a")
    resources = _collect(client, world, rec, systems["p"])
    resources += _exchange(db, client, world, rec, systems["p"])
    resources += _clinical(client, world, rec)
    kinds = {r["resourceType"] for r in resources}
    assert kinds == {
        "CapabilityStatement", "Bundle", "ServiceRequest", "Patient", "Consent",
        "Organization", "HealthcareService", "OperationOutcome", "Task",
        "Condition", "Goal", "QuestionnaireResponse",
    }  # fmt: skip
    for resource in resources:
        get_fhir_model_class(resource["resourceType"]).model_validate(resource)
    verdicts = _fhirjs_validate(fhirjs, resources)
    bad = [
        (r["resourceType"], v["errors"])
        for r, v in zip(resources, verdicts, strict=True)
        if not v["valid"]
    ]
    assert bad == []


def test_the_independent_validator_can_fail(fhirjs: Path) -> None:
    broken = {"resourceType": "Task", "status": "bogus", "intent": "order"}
    assert _fhirjs_validate(fhirjs, [broken])[0]["valid"] is False
