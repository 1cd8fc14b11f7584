"""Referral status <-> FHIR Task.status, checked against a table written from
the issue and the FHIR R4 value sets (not from the mapping module)."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from nowrongdoor.care.enums import ReferralStatus
from nowrongdoor.care.fhir.mapping import (
    referral_status_of_task,
    service_request_status,
    task_status_of,
)

#: Written before the mapping: issue 20's list of pairs.
EXPECTED = [
    ("draft", "draft"),
    ("sent", "requested"),
    ("received", "received"),
    ("accepted", "accepted"),
    ("in_progress", "in-progress"),
    ("completed", "completed"),
    ("declined", "rejected"),
    ("cancelled", "cancelled"),
]
#: FHIR R4 task-status (http://hl7.org/fhir/R4/valueset-task-status.html).
R4_TASK_STATUS = {
    "draft", "requested", "received", "accepted", "rejected", "ready",
    "cancelled", "in-progress", "on-hold", "failed", "completed",
    "entered-in-error",
}  # fmt: skip
#: FHIR R4 request-status (http://hl7.org/fhir/R4/valueset-request-status.html).
R4_REQUEST_STATUS = {
    "draft", "active", "on-hold", "revoked", "completed", "entered-in-error",
    "unknown",
}  # fmt: skip


@pytest.mark.parametrize(("ours", "task"), EXPECTED)
def test_each_status_maps_both_ways(ours: str, task: str) -> None:
    assert task_status_of(ours) == task
    assert referral_status_of_task(task) == ours
    assert task in R4_TASK_STATUS
    assert service_request_status(ours) in R4_REQUEST_STATUS


def test_every_referral_status_is_mapped() -> None:
    assert {s.value for s in ReferralStatus} == {ours for ours, _ in EXPECTED}


@pytest.mark.parametrize(
    "code", ["ready", "on-hold", "failed", "entered-in-error", "x"]
)
def test_task_codes_without_a_referral_status_map_to_none(code: str) -> None:
    assert referral_status_of_task(code) is None


def test_unknown_referral_status_is_an_error() -> None:
    with pytest.raises(ValueError):
        task_status_of("bogus")


def _move(client: TestClient, rid: int, who: dict[str, str], **body: Any) -> Any:
    return client.post(f"/api/v1/referrals/{rid}/status", json=body, headers=who)


def test_received_sits_between_sent_and_accepted(
    client: TestClient, world: Any, records: Any
) -> None:
    rec = records("a")
    rid, partner = rec.sent_referral_id, world.headers("partner_p")
    assert (
        _move(client, rid, world.headers("cm_a"), status="received").status_code == 403
    )
    ok = _move(client, rid, partner, status="received")
    assert ok.status_code == 200, ok.text
    assert ok.json()["status"] == "received"
    assert _move(client, rid, partner, status="received").status_code == 409
    assert _move(client, rid, partner, status="accepted").status_code == 200
    events = client.get(f"/api/v1/referrals/{rid}", headers=world.headers("cm_a"))
    assert [e["to_status"] for e in events.json()["events"]] == [
        "draft", "sent", "received", "accepted",
    ]  # fmt: skip
