"""Private-key JWT client authentication (RFC 7523, SMART Backend Services):
a partner system registered with its public keys signs a client assertion and
gets a token; replayed, expired, wrongly addressed or wrongly signed assertions
are refused, and the CLI takes the key set from a file."""

from __future__ import annotations

import json
import secrets
import time
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from joserfc import jwt
from joserfc.jwk import ECKey, RSAKey

from nowrongdoor.care.db import Database
from nowrongdoor.care.fhir.clients import ASSERTION_TYPE, create_client
from nowrongdoor.care.models import Organization
from nowrongdoor.cli import app

AUD = "http://testserver/fhir/auth/token"


def _assertion(key: Any, client_id: str, alg: str = "RS384", **claims: Any) -> str:
    body = {
        "iss": client_id,
        "sub": client_id,
        "aud": AUD,
        "exp": int(time.time()) + 240,
        "jti": secrets.token_hex(8),
        **claims,
    }
    return jwt.encode({"alg": alg}, body, key, algorithms=[alg])


def _token(client: TestClient, assertion: str) -> Any:
    return client.post(
        "/fhir/auth/token",
        data={
            "grant_type": "client_credentials",
            "client_assertion_type": ASSERTION_TYPE,
            "client_assertion": assertion,
        },
    )


def _register(db: Database, org_id: int, key: Any) -> str:
    with db.session() as s:
        org = s.get(Organization, org_id)
        assert org is not None
        made = create_client(
            s, organization=org, name="Shelter EHR",
            jwks={"keys": [key.as_dict(private=False)]},
        )  # fmt: skip
    assert made.client_secret == ""
    return made.client_id


def test_a_signed_assertion_gets_a_token_once(
    db: Database, world: Any, records: Any, client: TestClient
) -> None:
    rec = records("a")
    key = RSAKey.generate_key(2048)
    cid = _register(db, world.orgs["p"], key)
    signed = _assertion(key, cid)
    got = _token(client, signed)
    assert got.status_code == 200, got.text
    bearer = {"Authorization": f"Bearer {got.json()['access_token']}"}
    tasks = client.get("/fhir/Task", headers=bearer).json()
    assert {e["resource"]["id"] for e in tasks["entry"]} == {str(rec.sent_referral_id)}
    # the same assertion again is a replay
    assert _token(client, signed).status_code == 401
    # an EC key works too (ES384)
    ec = ECKey.generate_key("P-384")
    ec_id = _register(db, world.orgs["q"], ec)
    assert _token(client, _assertion(ec, ec_id, alg="ES384")).status_code == 200


@pytest.mark.parametrize(
    "change",
    ["other-key", "expired", "far-future", "audience", "subject", "no-jti", "secret"],
)
def test_bad_assertions_are_refused(
    db: Database, world: Any, client: TestClient, change: str
) -> None:
    key = RSAKey.generate_key(2048)
    cid = _register(db, world.orgs["p"], key)
    now = int(time.time())
    if change == "secret":  # a JWT client has no secret to try
        r = client.post(
            "/fhir/auth/token",
            data={"grant_type": "client_credentials", "client_id": cid,
                  "client_secret": "anything-at-all"},
        )  # fmt: skip
        assert r.status_code == 401
        return
    signer, claims = key, {}
    if change == "other-key":
        signer = RSAKey.generate_key(2048)
    claims = {
        "other-key": {},
        "expired": {"exp": now - 10},
        "far-future": {"exp": now + 3600},
        "audience": {"aud": "https://elsewhere.example/token"},
        "subject": {"sub": "nwd-someone-else"},
        "no-jti": {"jti": ""},
    }[change]
    r = _token(client, _assertion(signer, cid, **claims))
    assert r.status_code == 401, r.text
    assert r.json()["error"] == "invalid_client"


def test_wrong_assertion_type_and_private_keys_are_refused(
    db: Database, world: Any, client: TestClient
) -> None:
    r = client.post(
        "/fhir/auth/token",
        data={"grant_type": "client_credentials", "client_assertion_type": "saml",
              "client_assertion": "x"},
    )  # fmt: skip
    assert r.status_code == 400
    key = RSAKey.generate_key(2048)
    with db.session() as s, pytest.raises(ValueError, match="private key"):
        org = s.get(Organization, world.orgs["p"])
        assert org is not None
        create_client(s, organization=org, name="x",
                      jwks={"keys": [key.as_dict(private=True)]})  # fmt: skip


def test_the_cli_registers_a_jwt_client_from_a_key_file(
    runner: Any, db: Database, world: Any, client: TestClient, tmp_path: Path
) -> None:
    env = {
        "NOWRONGDOOR_DATABASE_URL": db.settings.resolved_database_url,
        "NOWRONGDOOR_SECRET_KEY": db.settings.secret_key.get_secret_value(),
        "NOWRONGDOOR_ENVIRONMENT": "test",
    }
    key = RSAKey.generate_key(2048)
    keys = tmp_path / "jwks.json"
    keys.write_text(json.dumps({"keys": [key.as_dict(private=False)]}))
    cmd = ["fhir", "client-create", "--org", "Shelter P", "--name", "EHR"]
    made = runner.invoke(app, [*cmd, "--jwks", str(keys)], env=env)
    assert made.exit_code == 0, made.output
    creds = json.loads(made.output)
    assert creds["client_secret"] is None and creds["auth"] == "private_key_jwt"
    got = _token(client, _assertion(key, creds["client_id"]))
    assert got.status_code == 200, got.text
    keys.write_text("{not json")
    bad = runner.invoke(app, [*cmd, "--jwks", str(keys)], env=env)
    assert bad.exit_code != 0 and "--jwks" in bad.output
    assert "Traceback" not in bad.output
    keys.write_text(json.dumps({"keys": [key.as_dict(private=True)]}))
    private = runner.invoke(app, [*cmd, "--jwks", str(keys)], env=env)
    assert private.exit_code != 0 and "private key material" in private.output


def test_a_bad_option_beside_a_good_key_file_is_not_blamed_on_the_file(
    runner: Any, db: Database, world: Any, tmp_path: Path
) -> None:
    env = {
        "NOWRONGDOOR_DATABASE_URL": db.settings.resolved_database_url,
        "NOWRONGDOOR_SECRET_KEY": db.settings.secret_key.get_secret_value(),
        "NOWRONGDOOR_ENVIRONMENT": "test",
    }
    keys = tmp_path / "jwks.json"
    public = RSAKey.generate_key(2048).as_dict(private=False)
    keys.write_text(json.dumps({"keys": [public]}))
    cmd = ["fhir", "client-create", "--org", "Shelter P", "--jwks", str(keys)]
    long = runner.invoke(
        app, [*cmd, "--name", "EHR", "--token-minutes", "9999"], env=env
    )
    assert long.exit_code != 0 and "5 to 1440 minutes" in long.output
    assert "--jwks" not in long.output and "Traceback" not in long.output
    unnamed = runner.invoke(app, [*cmd, "--name", " "], env=env)
    assert unnamed.exit_code != 0 and "a client needs a name" in unnamed.output
    assert "--jwks" not in unnamed.output


def test_a_shared_secret_key_is_refused_like_a_private_key() -> None:
    from nowrongdoor.care.fhir.clients import public_key_set

    for key in (
        {"kty": "oct", "k": "c2hhcmVkLXNlY3JldC1rZXktb2YtdGhlLXBhcnRuZXI"},
        {"kty": "RSA", "n": "AQAB", "e": "AQAB", "p": "AQAB"},
    ):
        with pytest.raises(ValueError, match="key 0 of the JWK Set holds private"):
            public_key_set({"keys": [key]})
    with pytest.raises(ValueError, match="key 0 of the JWK Set is not a JSON object"):
        public_key_set({"keys": [1]})
    public = RSAKey.generate_key(2048).as_dict(private=False)
    assert json.loads(public_key_set({"keys": [public]})) == {"keys": [public]}
