"""Single sign-on end to end against a real OpenID Connect provider.

The provider is ``oidc-provider-mock`` (an Authlib-based OpenID provider) run on
loopback by the test; the care app talks to it over HTTP for discovery, JWKS
and the token exchange, exactly as it would to Entra ID or Keycloak.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from fastapi.testclient import TestClient
from oidc_provider_mock import User as IdpUser
from oidc_provider_mock import run_server_in_thread
from pydantic import SecretStr
from sqlalchemy import select, update

from nowrongdoor.care.app import create_app
from nowrongdoor.care.db import Database
from nowrongdoor.care.models import AuditEvent, User

CLIENT_ID = "nowrongdoor-care"
GROUP_CM, GROUP_PLAN = "nwd-care-managers", "nwd-plan-a"

IDP_USERS = [
    # a registered analyst whose groups now make her a care manager
    IdpUser(
        sub="sub-casey",
        claims={"preferred_username": "analyst.a", "groups": [GROUP_CM, GROUP_PLAN]},
    ),
    IdpUser(
        sub="sub-stranger",
        claims={"preferred_username": "stranger", "groups": [GROUP_CM, GROUP_PLAN]},
    ),
    IdpUser(
        sub="sub-disabled",
        claims={"preferred_username": "cm2.a", "groups": [GROUP_CM]},
    ),
    IdpUser(
        sub="sub-nogroup",
        claims={"preferred_username": "cm3.a", "groups": ["unrelated"]},
    ),
]


@pytest.fixture(scope="module")
def issuer() -> Iterator[str]:
    with run_server_in_thread(user_claims=IDP_USERS) as server:
        yield f"http://localhost:{server.server_port}"


@pytest.fixture
def sso(db: Database, world: Any, issuer: str, settings_for: Any) -> TestClient:
    settings = db.settings.model_copy(
        update={
            "oidc_issuer": issuer,
            "oidc_client_id": CLIENT_ID,
            "oidc_client_secret": SecretStr("test-client-secret"),
            "oidc_role_map": {GROUP_CM: "care_manager", "nwd-admins": "admin"},
            "oidc_org_map": {GROUP_PLAN: "Plan A"},
        }
    )
    with db.session() as s:
        s.execute(update(User).where(User.username == "cm2.a").values(is_active=False))
    return TestClient(create_app(settings, database=db), follow_redirects=False)


def _through_provider(client: TestClient, sub: str) -> httpx.Response:
    """Start at /login/oidc, pick ``sub`` at the provider, return the callback."""
    start = client.get("/login/oidc", params={"next": "/people"})
    assert start.status_code == 303
    authorize = start.headers["location"]
    query = parse_qs(urlsplit(authorize).query)
    assert query["code_challenge_method"] == ["S256"]
    assert len(query["code_challenge"][0]) >= 43
    assert query["nonce"] and query["state"]
    assert query["client_id"] == [CLIENT_ID]
    picked = httpx.post(authorize, data={"sub": sub}, follow_redirects=False)
    assert picked.status_code in (302, 303), picked.text[:300]
    back = urlsplit(picked.headers["location"])
    assert back.path == "/login/oidc/callback"
    return client.get(f"{back.path}?{back.query}")


def test_care_manager_from_group_signs_in(sso: TestClient, db: Database) -> None:
    login = sso.get("/login")
    assert 'href="/login/oidc' in login.text
    done = _through_provider(sso, "sub-casey")
    assert done.status_code == 303, done.text[:500]
    assert done.headers["location"] == "/people"
    me = sso.get("/api/v1/auth/me")
    assert me.status_code == 200
    body = me.json()
    assert body["user"]["username"] == "analyst.a"
    assert body["user"]["role"] == "care_manager"  # from the group claim
    assert body["organization"]["name"] == "Plan A"
    assert sso.get("/people").status_code == 200
    with db.session() as s:
        event = s.scalars(
            select(AuditEvent)
            .where(AuditEvent.action == "auth.login", AuditEvent.detail == "oidc")
            .order_by(AuditEvent.seq.desc())
        ).first()
        assert event is not None and event.outcome == "success"


@pytest.mark.parametrize(
    ("sub", "why"),
    [
        ("sub-stranger", "not registered"),
        ("sub-disabled", "disabled"),
        ("sub-nogroup", "no role"),
    ],
)
def test_refused_without_a_session(sso: TestClient, sub: str, why: str) -> None:
    done = _through_provider(sso, sub)
    assert done.status_code == 403
    assert why in done.text
    assert sso.get("/api/v1/auth/me").status_code == 401


def test_forged_or_replayed_callback_is_refused(sso: TestClient) -> None:
    # no flow cookie: a callback with any code is refused
    fresh = TestClient(sso.app, follow_redirects=False)
    r = fresh.get("/login/oidc/callback", params={"code": "x", "state": "y"})
    assert r.status_code == 403
    assert "expired" in r.text
    # a state that does not match the cookie's
    sso.get("/login/oidc")
    r = sso.get("/login/oidc/callback", params={"code": "x", "state": "other"})
    assert r.status_code == 403


def test_a_group_mapped_to_no_role_is_refused_at_start(db: Database) -> None:
    from nowrongdoor.errors import UserInputError

    settings = db.settings.model_copy(
        update={
            "oidc_issuer": "https://login.example.org/realms/plan",
            "oidc_client_id": CLIENT_ID,
            "oidc_role_map": {"nwd-admins": "admin", GROUP_CM: "care-manager"},
        }
    )
    with pytest.raises(UserInputError) as caught:
        create_app(settings, database=db)
    assert str(caught.value) == (
        f"setting oidc_role_map: group {GROUP_CM!r} maps to 'care-manager', which "
        "is not a role (admin, supervisor, care_manager, analyst, partner_user, "
        "investigator)"
    )


def test_why_the_provider_refused_is_logged_for_the_it_team(
    sso: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    import logging

    def state() -> str:
        start = sso.get("/login/oidc")
        return parse_qs(urlsplit(start.headers["location"]).query)["state"][0]

    with caplog.at_level(logging.WARNING, logger="nowrongdoor.care.oidc"):
        r = sso.get(
            "/login/oidc/callback",
            params={"state": state(), "error": "unauthorized_client"},
        )
        assert r.status_code == 403 and "did not sign you in" in r.text
        # a code the provider never issued: its token endpoint refuses it
        r = sso.get("/login/oidc/callback", params={"state": state(), "code": "nope"})
        assert r.status_code == 403 and "did not sign you in" in r.text
    said = [
        rec.getMessage()
        for rec in caplog.records
        if rec.name == "nowrongdoor.care.oidc"
    ]
    assert said[0] == (
        "single sign-on refused by the identity provider: unauthorized_client"
    )
    assert said[1].startswith(
        "single sign-on: the identity provider's token endpoint refused the code ("
    ) and said[1].endswith("); check oidc_client_id and oidc_client_secret")
    assert "nope" not in " ".join(said)


def test_an_org_map_naming_no_organisation_is_logged(
    db: Database, world: Any, issuer: str, caplog: pytest.LogCaptureFixture
) -> None:
    import logging

    settings = db.settings.model_copy(
        update={
            "oidc_issuer": issuer,
            "oidc_client_id": CLIENT_ID,
            "oidc_client_secret": SecretStr("test-client-secret"),
            "oidc_role_map": {GROUP_CM: "care_manager"},
            "oidc_org_map": {GROUP_PLAN: "Plan  A"},  # mistyped
        }
    )
    client = TestClient(create_app(settings, database=db), follow_redirects=False)
    with caplog.at_level(logging.WARNING, logger="nowrongdoor.care.oidc"):
        assert _through_provider(client, "sub-casey").status_code == 303
    assert [
        r.getMessage() for r in caplog.records if r.name == "nowrongdoor.care.oidc"
    ] == [
        "single sign-on: oidc_org_map names organisation 'Plan  A', which is not in "
        "the database; the user's organisation is left as it was"
    ]
    assert client.get("/api/v1/auth/me").json()["organization"]["name"] == "Plan A"
