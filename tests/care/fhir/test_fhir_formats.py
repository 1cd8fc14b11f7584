"""Formats a partner's system may ask for (FHIR R4 http.html "Content Types and
encodings" and the ``_format`` parameter): JSON in its three spellings is served,
anything else - XML, Turtle, another FHIR version - is 406 Not Acceptable with an
OperationOutcome in JSON; ``_pretty=true`` indents the JSON."""

from __future__ import annotations

import json
from typing import Any

import pytest
from fastapi.testclient import TestClient
from fhir.resources.R4B.capabilitystatement import CapabilityStatement
from fhir.resources.R4B.operationoutcome import OperationOutcome
from fhir.resources.R4B.task import Task


def _refused(r: Any) -> str:
    assert r.status_code == 406, r.text
    assert r.headers["content-type"].startswith("application/fhir+json")
    issue = OperationOutcome.model_validate(r.json()).issue[0]
    assert issue.code == "not-supported"
    return str(issue.diagnostics)


@pytest.mark.parametrize(
    "accept",
    [
        "application/fhir+xml",
        "application/xml",
        "text/xml",
        "application/fhir+turtle",
        "text/html",
        "application/fhir+json; fhirVersion=3.0",
        "application/fhir+json; fhirVersion=5.0, application/fhir+xml",
        "application/fhir+json;q=0",
    ],
)
def test_a_format_we_do_not_serve_is_406(
    client: TestClient, records: Any, systems: Any, accept: str
) -> None:
    rid = records("a").sent_referral_id
    headers = {**systems["p"], "Accept": accept}
    assert "json" in _refused(client.get(f"/fhir/Task/{rid}", headers=headers))
    _refused(client.get("/fhir/Task", headers=headers))
    _refused(client.get("/fhir/metadata", headers={"Accept": accept}))


@pytest.mark.parametrize(
    "fmt", ["xml", "text/xml", "application/xml", "application/fhir+xml", "ttl",
            "application/fhir xml", "html"],
)  # fmt: skip
def test_format_parameter_asking_for_another_format_is_406(
    client: TestClient, records: Any, systems: Any, fmt: str
) -> None:
    rid = records("a").sent_referral_id
    # _format wins over Accept (http.html#mime-type): JSON accepted is not enough
    headers = {**systems["p"], "Accept": "application/fhir+json"}
    r = client.get(f"/fhir/Task/{rid}", params={"_format": fmt}, headers=headers)
    assert "_format" in _refused(r)
    _refused(client.get("/fhir/metadata", params={"_format": fmt}))


@pytest.mark.parametrize(
    ("accept", "fmt", "kind"),
    [
        (None, None, "application/fhir+json"),
        ("*/*", None, "application/fhir+json"),
        ("application/*", None, "application/fhir+json"),
        ("application/fhir+json", None, "application/fhir+json"),
        ("application/fhir+json; fhirVersion=4.0", None, "application/fhir+json"),
        ("application/json", None, "application/json"),
        ("application/json;fhirVersion=4.0", None, "application/json"),
        ("application/fhir+xml;q=0.9, application/json;q=0.5", None,
         "application/json"),
        ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", None,
         "application/fhir+json"),
        ("application/fhir+xml", "json", "application/fhir+json"),
        (None, "application/json", "application/json"),
        (None, "application/fhir+json", "application/fhir+json"),
        (None, "application/fhir json", "application/fhir+json"),
    ],
)  # fmt: skip
def test_json_in_every_spelling_is_served(
    client: TestClient,
    records: Any,
    systems: Any,
    accept: str | None,
    fmt: str | None,
    kind: str,
) -> None:
    rid = records("a").sent_referral_id
    headers = {**systems["p"], **({"Accept": accept} if accept else {})}
    params = {"_format": fmt} if fmt else {}
    r = client.get(f"/fhir/Task/{rid}", params=params, headers=headers)
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].split(";")[0] == kind
    Task.model_validate(r.json())
    search = client.get("/fhir/Task", params=params, headers=headers)
    assert search.status_code == 200, search.text
    assert search.headers["content-type"].split(";")[0] == kind


def test_errors_and_writes_negotiate_too(
    client: TestClient, records: Any, systems: Any
) -> None:
    rid = records("a").sent_referral_id
    xml = {**systems["p"], "Accept": "application/fhir+xml"}
    task = client.get(f"/fhir/Task/{rid}", headers=systems["p"]).json()
    moved = client.put(f"/fhir/Task/{rid}", json={**task, "status": "received"},
                       headers=xml)  # fmt: skip
    _refused(moved)
    again = client.get(f"/fhir/Task/{rid}", headers=systems["p"]).json()
    assert again["status"] == "requested"  # refused before anything changed
    # a 404 to an XML client is still the 406 (nothing it can read either way)
    _refused(client.get("/fhir/Task/999999", headers=xml))


def test_the_capability_statement_says_json_only_and_pretty_indents(
    client: TestClient, records: Any, systems: Any
) -> None:
    cs = CapabilityStatement.model_validate(client.get("/fhir/metadata").json())
    assert set(cs.format) == {"json", "application/fhir+json", "application/json"}
    assert not any("xml" in f for f in cs.format)
    rid = records("a").sent_referral_id
    flat = client.get(f"/fhir/Task/{rid}", headers=systems["p"])
    pretty = client.get(
        f"/fhir/Task/{rid}", params={"_pretty": "true"}, headers=systems["p"]
    )
    assert pretty.status_code == 200
    assert pretty.json() == flat.json()
    assert "\n  " in pretty.text and "\n" not in flat.text
    assert pretty.headers["etag"] == flat.headers["etag"]
    assert (
        "\n"
        not in client.get(
            f"/fhir/Task/{rid}", params={"_pretty": "false"}, headers=systems["p"]
        ).text
    )


def test_a_body_of_another_fhir_version_is_415(
    client: TestClient, records: Any, systems: Any
) -> None:
    # versioning.html#mt-version: the fhirVersion parameter of a Content-Type
    # names the version of the body; R4 (4.0) is the only one read here
    rid = records("a").sent_referral_id
    task = client.get(f"/fhir/Task/{rid}", headers=systems["p"]).json()
    moved = json.dumps({**task, "status": "received"})
    for kind in ("application/fhir+json; fhirVersion=3.0",
                 'application/json; fhirVersion="5.0"'):  # fmt: skip
        r = client.put(f"/fhir/Task/{rid}", content=moved,
                       headers={**systems["p"], "Content-Type": kind})  # fmt: skip
        assert r.status_code == 415, r.text
        said = OperationOutcome.model_validate(r.json()).issue[0].diagnostics
        assert "fhirVersion" in str(said)
    ok = client.put(
        f"/fhir/Task/{rid}", content=moved,
        headers={**systems["p"],
                 "Content-Type": "application/fhir+json; fhirVersion=4.0"},
    )  # fmt: skip
    assert ok.status_code == 200, ok.text


def test_the_dstu2_json_type_older_clients_send_is_json(
    client: TestClient, records: Any, systems: Any
) -> None:
    # application/json+fhir was FHIR JSON's type before STU3; older clients
    # (HAPI's among them) still list it
    rid = records("a").sent_referral_id
    for headers, params in (
        ({"Accept": "application/json+fhir"}, {}),
        ({}, {"_format": "application/json+fhir"}),
    ):
        r = client.get(f"/fhir/Task/{rid}", params=params,
                       headers={**systems["p"], **headers})  # fmt: skip
        assert r.status_code == 200, r.text
        assert r.headers["content-type"].startswith("application/fhir+json")
