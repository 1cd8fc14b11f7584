"""``$export`` (FHIR Bulk Data, system level): kick-off, manifest, NDJSON files
that validate, the caller's reach only, and who may ask."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from fastapi.testclient import TestClient
from fhir.resources.R4B import get_fhir_model_class

ASYNC = {"Prefer": "respond-async"}
QYIT = {
    "unsafe-work": True,
    "afraid-to-leave": False,
    "exchanged-sex": False,
    "tricked-into-work": None,
}


def _kick_off(client: TestClient, headers: dict[str, str], **params: str) -> Any:
    return client.get("/fhir/$export", params=params, headers={**headers, **ASYNC})


def _manifest(client: TestClient, headers: dict[str, str], **params: str) -> Any:
    started = _kick_off(client, headers, **params)
    assert started.status_code == 202, started.text
    status = client.get(started.headers["content-location"], headers=headers)
    assert status.status_code == 200, status.text
    return status.json()


def _lines(client: TestClient, url: str, headers: dict[str, str]) -> list[Any]:
    r = client.get(url, headers=headers)
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("application/fhir+ndjson")
    return [json.loads(line) for line in r.text.splitlines()]


def test_an_export_holds_what_the_caller_reaches_as_valid_ndjson(
    client: TestClient, world: Any, records: Any
) -> None:
    rec = records("a")
    records("b")  # another plan's records never appear
    cm = world.headers("cm_a")
    screening = client.post(
        f"/api/v1/persons/{rec.person_id}/screenings",
        json={"instrument_id": "qyit", "answers": QYIT},
        headers=cm,
    )
    assert screening.status_code == 201, screening.text
    manifest = _manifest(client, cm)
    assert manifest["requiresAccessToken"] is True and manifest["error"] == []
    files = {o["type"]: o for o in manifest["output"]}
    assert set(files) == {"Patient", "Task", "ServiceRequest", "Condition", "Goal",
                          "QuestionnaireResponse"}  # fmt: skip
    got: dict[str, list[Any]] = {}
    for kind, out in files.items():
        got[kind] = _lines(client, out["url"], cm)
        assert len(got[kind]) == out["count"]
        for resource in got[kind]:
            assert resource["resourceType"] == kind
            get_fhir_model_class(kind).model_validate(resource)
    assert {p["id"] for p in got["Patient"]} == {rec.pseudonym}
    assert {t["id"] for t in got["Task"]} == {
        str(rec.draft_referral_id),
        str(rec.sent_referral_id),
    }
    assert {c["id"] for c in got["Condition"]} == {str(rec.need_id)}
    assert {q["id"] for q in got["QuestionnaireResponse"]} == {
        str(screening.json()["id"])
    }
    assert "Mara" not in json.dumps(got)
    # the files are the asker's alone
    other = world.headers("cm_b")
    assert client.get(files["Task"]["url"], headers=other).status_code == 404
    # _type and _since narrow it
    only = _manifest(client, cm, _type="Task,Condition")
    assert {o["type"] for o in only["output"]} == {"Task", "Condition"}
    later = (dt.datetime.now(dt.UTC) + dt.timedelta(hours=1)).isoformat()
    assert _manifest(client, cm, _since=later)["output"] == []


def test_export_refusals_and_delete(
    client: TestClient, world: Any, records: Any, systems: Any
) -> None:
    records("a")
    cm = world.headers("cm_a")
    no_prefer = client.get("/fhir/$export", headers=cm)
    assert no_prefer.status_code == 400
    assert no_prefer.json()["resourceType"] == "OperationOutcome"
    assert _kick_off(client, cm, _type="Claim").status_code == 400
    assert _kick_off(client, cm, _since="yesterday").status_code == 400
    assert _kick_off(client, cm, _outputFormat="text/csv").status_code == 400
    assert _kick_off(client, systems["p"]).status_code == 403
    assert _kick_off(client, world.headers("partner_p")).status_code == 403
    started = _kick_off(client, cm)
    url = started.headers["content-location"]
    # only the asker deletes (or reads) an export; nobody anonymous
    assert client.delete(url, headers=world.headers("cm_b")).status_code == 404
    assert client.delete(url, headers=world.headers("partner_p")).status_code in (
        403,
        404,
    )
    assert client.delete(url).status_code == 401
    assert client.get(url, headers=cm).status_code == 200
    assert client.delete(url, headers=cm).status_code == 202
    assert client.get(url, headers=cm).status_code == 404
