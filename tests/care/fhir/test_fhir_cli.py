"""``nowrongdoor fhir client-create | client-revoke | clients`` on both backends."""

from __future__ import annotations

import json
from typing import Any

from fastapi.testclient import TestClient

from nowrongdoor.cli import app

CREATE = ["fhir", "client-create", "--org", "Shelter P"]


def _env(db: Any) -> dict[str, str]:
    return {
        "NOWRONGDOOR_DATABASE_URL": db.settings.resolved_database_url,
        "NOWRONGDOOR_SECRET_KEY": db.settings.secret_key.get_secret_value(),
        "NOWRONGDOOR_ENVIRONMENT": "test",
    }


def test_create_use_list_and_revoke(
    runner: Any, db: Any, world: Any, client: TestClient
) -> None:
    env = _env(db)
    made = runner.invoke(
        app,
        [*CREATE, "--name", "EHR", "--token-minutes", "30"],
        env=env,
    )
    assert made.exit_code == 0, made.output
    creds = json.loads(made.output)
    assert creds["organization_id"] == world.orgs["p"] and creds["token_minutes"] == 30
    form = {
        "grant_type": "client_credentials",
        "client_id": creds["client_id"],
        "client_secret": creds["client_secret"],
    }
    token = client.post("/fhir/auth/token", data=form)
    assert token.status_code == 200 and token.json()["expires_in"] == 1800
    listed = json.loads(runner.invoke(app, ["fhir", "clients"], env=env).output)
    assert listed[0]["client_id"] == creds["client_id"] and not listed[0]["revoked"]
    assert creds["client_secret"] not in json.dumps(listed)
    revoked = runner.invoke(app, ["fhir", "client-revoke", creds["client_id"]], env=env)
    assert revoked.exit_code == 0, revoked.output
    bearer = {"Authorization": f"Bearer {token.json()['access_token']}"}
    assert client.get("/fhir/Task", headers=bearer).status_code == 401
    assert client.post("/fhir/auth/token", data=form).status_code == 401


def test_bad_input_is_one_sentence(runner: Any, db: Any, world: Any) -> None:
    env = _env(db)
    unknown = runner.invoke(
        app, ["fhir", "client-create", "--org", "Nobody", "--name", "x"], env=env
    )
    assert unknown.exit_code != 0 and "matches 0 organisations" in unknown.output
    assert "Traceback" not in unknown.output
    too_long = runner.invoke(
        app,
        [*CREATE, "--name", "x", "--token-minutes", "9999"],
        env=env,
    )
    assert too_long.exit_code != 0 and "5 to 1440 minutes" in too_long.output
    assert "--token-minutes: the token lifetime" in too_long.output
    long_name = runner.invoke(app, [*CREATE, "--name", "EHR " * 60], env=env)
    assert long_name.exit_code == 2  # kept whole or refused, never cut
    assert " ".join(long_name.output.split()) == (
        "error: --name has 239 characters, more than the 200 it may hold"
    )
    listed = runner.invoke(app, ["fhir", "clients"], env=env)
    assert json.loads(listed.output) == []
    missing = runner.invoke(app, ["fhir", "client-revoke", "nwd-nope"], env=env)
    assert missing.exit_code != 0 and "no FHIR client" in missing.output


def test_endpoint_set_names_one_partner(runner: Any, db: Any, world: Any) -> None:
    env = _env(db)
    args = [
        "--base-url",
        "https://partner.example/fhir",
        "--client-id",
        "plan",
        "--owner",
        "Organization/7",
        "--client-secret",
        "s3cret-for-tests",
    ]
    unknown = runner.invoke(
        app, ["fhir", "endpoint-set", "--org", "Nobody", *args], env=env
    )
    assert unknown.exit_code != 0 and "matches 0 organisations" in unknown.output
    assert "Traceback" not in unknown.output
    done = runner.invoke(
        app, ["fhir", "endpoint-set", "--org", "Shelter P", *args], env=env
    )
    assert done.exit_code == 0, done.output
    assert "Shelter P: referrals go to https://partner.example/fhir" in done.output
