"""Parsing a received FHIR resource: the refusal names the element at fault."""

from __future__ import annotations

import pytest
from fhir.resources.R4B.task import Task

from nowrongdoor.care.errors import BadRequest
from nowrongdoor.care.fhir.resources import parse_resource


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (
            b'{"resourceType": "Task", "intent": "order"}',
            "not a valid R4 Task: status: Value for the field 'status' is required.",
        ),
        (
            b'{"resourceType": "Task", "status": "requested", "intent": "order",'
            b' "input": [{"type": 5}]}',
            "not a valid R4 Task: input.0.type.root: Value is expected from the "
            "instance of CodeableConcept, but got type <class 'int'>",
        ),
    ],
)
def test_parse_resource_names_the_first_element_at_fault(
    raw: bytes, message: str
) -> None:
    with pytest.raises(BadRequest) as info:
        parse_resource(Task, raw)
    assert info.value.message == message
    assert info.value.status == 400


def test_parse_resource_returns_a_valid_resource() -> None:
    task = parse_resource(
        Task, b'{"resourceType": "Task", "status": "requested", "intent": "order"}'
    )
    assert task.status == "requested"
