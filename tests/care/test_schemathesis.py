"""Schemathesis against the care API's OpenAPI document, for every role.

Every operation gets a few generated requests, valid (positive) and invalid
(negative), each sent as every role, on SQLite and on PostgreSQL; every default
check must pass: no server error, no undocumented status code, no response
outside its schema, no invalid input accepted, no valid input refused. ``make
fuzz`` runs more examples (``NWD_SCHEMATHESIS_EXAMPLES``).
"""

from __future__ import annotations

import os
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis.generation.modes import GenerationMode

ROLES = ["admin_a", "supervisor_a", "cm_a", "analyst_a", "partner_p"]
EXAMPLES = int(os.environ.get("NWD_SCHEMATHESIS_EXAMPLES", "3"))


@pytest.fixture(scope="module")
def campaign(database: Any, request: pytest.FixtureRequest) -> Any:
    """World, records and the app, once per backend."""
    wipe = request.getfixturevalue("wipe_fn")
    wipe(database)
    world = request.getfixturevalue("build_world_fn")(database)
    for org in ("a", "b"):
        request.getfixturevalue("make_records_fn")(database, world, org)
    app = request.getfixturevalue("make_app_fn")(database)
    yield world, app
    wipe(database)


def _run(operation: Any, mode: GenerationMode, world: Any) -> list[str]:
    found: list[str] = []

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def check(case: Any) -> None:
        for role in ROLES:
            try:
                case.call_and_validate(headers=world.headers(role))
            except (Exception, BaseExceptionGroup) as exc:  # every failure is reported
                first = str(exc).strip().splitlines()[:3]
                found.append(
                    f"{operation.label} [{mode}] as {role}: {' | '.join(first)}"
                )
                return

    try:
        check()
    except Unsatisfiable:  # nothing to make invalid (no parameters, no body)
        assert mode == GenerationMode.NEGATIVE
    return found


def test_every_operation_for_every_role(campaign: Any) -> None:
    world, app = campaign
    schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", app)
    failures: list[str] = []
    operations = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            failures.extend(_run(operation, mode, world))
    assert operations > 40
    assert not failures, f"{len(failures)} failure(s):\n" + "\n".join(failures)
