"""In Chromium: single sign-on through a real OpenID Connect provider.

The provider (``oidc-provider-mock``, Authlib-based) and the care app both run on
loopback; the browser follows every redirect itself: sign-in page -> provider's
authorisation page -> callback -> the start page.
"""

from __future__ import annotations

import shutil
import socket
import sqlite3
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from oidc_provider_mock import User as IdpUser
from oidc_provider_mock import run_server_in_thread
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

PLAN = "Hoosier Health Plan (synthetic)"
IDP_USERS = [
    # the seeded supervisor; her groups make her a care manager here
    IdpUser(
        sub="casey@idp",
        claims={"preferred_username": "supervisor", "groups": ["nwd-cm", "nwd-plan"]},
    ),
    IdpUser(
        sub="stranger@idp",
        claims={"preferred_username": "stranger", "groups": ["nwd-cm", "nwd-plan"]},
    ),
    IdpUser(
        sub="gone@idp",
        claims={"preferred_username": "cm.north2", "groups": ["nwd-cm", "nwd-plan"]},
    ),
]


def _serve(app: Any) -> Iterator[str]:
    """Run ``app`` under uvicorn on a free loopback port; yield its base URL."""
    import uvicorn

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = int(sock.getsockname()[1])
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "uvicorn failed"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@pytest.fixture(scope="module")
def sso_url(seeded_db: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The care app with single sign-on, and its provider, both on loopback."""
    from nowrongdoor.care.app import create_app
    from nowrongdoor.settings import build_settings

    data_dir = tmp_path_factory.mktemp("care-sso")
    shutil.copy(seeded_db.path, data_dir / "care.db")
    with sqlite3.connect(data_dir / "care.db") as conn:
        conn.execute("update app_user set is_active = 0 where username = 'cm.north2'")
    with run_server_in_thread(user_claims=IDP_USERS) as idp:
        settings = build_settings(
            env={},
            data_dir=data_dir,
            environment="test",
            cookie_secure=False,
            oidc_issuer=f"http://localhost:{idp.server_port}",
            oidc_client_id="nowrongdoor-care",
            oidc_client_secret="browser-test-client-secret",
            oidc_role_map={"nwd-cm": "care_manager"},
            oidc_org_map={"nwd-plan": PLAN},
        )
        yield from _serve(create_app(settings))


def _sso(page: Page, url: str, sub: str) -> None:
    page.goto(f"{url}/login")
    page.get_by_role("link", name="Sign in with your organisation's account").click()
    page.get_by_role("button", name=sub).click()  # the provider's page


def test_care_manager_from_group_signs_in(page: Page, sso_url: str) -> None:
    _sso(page, sso_url, "casey@idp")
    page.wait_for_url(f"{sso_url}/work")
    me = page.request.get(f"{sso_url}/api/v1/auth/me").json()
    assert me["user"]["username"] == "supervisor"
    assert me["user"]["role"] == "care_manager"
    assert me["organization"]["name"] == PLAN
    expect(page.locator("h1")).to_be_visible()


@pytest.mark.parametrize(
    ("sub", "why"),
    [("stranger@idp", "not registered"), ("gone@idp", "disabled")],
)
def test_unknown_and_disabled_users_are_refused(
    page: Page, sso_url: str, sub: str, why: str
) -> None:
    _sso(page, sso_url, sub)
    expect(page.locator("h1")).to_have_text("Sign-in refused")
    expect(page.locator("main")).to_contain_text(why)
    assert page.request.get(f"{sso_url}/api/v1/auth/me").status == 401
