"""Fixtures for the web page tests (without a browser, and with Chromium)."""

from __future__ import annotations

import shutil
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from _web_html import login
from sqlalchemy import text

from _net import free_port

sys.path.insert(0, str(Path(__file__).parent))

ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts" / "web"


@dataclass(frozen=True)
class Seeded:
    """A seeded care database file and what is in it.

    Attributes:
        path: The SQLite file (copied per test, never used directly).
        logins: username -> role of the demo users.
    """

    path: Path
    logins: dict[str, str]


def _settings(data_dir: Path) -> Any:
    from nowrongdoor.settings import build_settings

    return build_settings(
        env={}, data_dir=data_dir, environment="test", cookie_secure=False
    )


@pytest.fixture(scope="session")
def seeded_db(tmp_path_factory) -> Seeded:
    """A care database seeded once per session with the synthetic demo program."""
    from nowrongdoor.care.db import Database
    from nowrongdoor.care.migrate import upgrade
    from nowrongdoor.care.seed import seed_demo

    data_dir = tmp_path_factory.mktemp("care-seed")
    db = Database(_settings(data_dir))
    upgrade(db.engine)
    with db.session() as session:
        report = seed_demo(session, cipher=db.cipher)
    db.dispose()
    return Seeded(
        path=data_dir / "care.db",
        logins={user: role for user, role, _org, _pw in report.logins},
    )


def app_on_copy(seeded: Seeded, data_dir: Path) -> Any:
    """The full care app (API and pages) on a private copy of the seeded file."""
    from nowrongdoor.care.app import create_app

    shutil.copy(seeded.path, data_dir / "care.db")
    return create_app(_settings(data_dir))


@pytest.fixture
def web_app(seeded_db, tmp_path):
    """The care app on a fresh copy of the seeded database."""
    return app_on_copy(seeded_db, tmp_path)


@pytest.fixture
def client(web_app):
    """An anonymous browser-like client (follows no redirects by itself)."""
    from fastapi.testclient import TestClient

    with TestClient(web_app, follow_redirects=False) as c:
        yield c


@pytest.fixture
def kb_client(client):
    """An anonymous client for the pages without person data."""
    return client


# -- Browser: Debian's Chromium, never a downloaded browser -------------------


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict:
    """Launch /usr/bin/chromium headless (pytest-playwright fixture override)."""
    return {
        **browser_type_launch_args,
        "executable_path": "/usr/bin/chromium",
        "args": [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


@pytest.fixture(scope="session")
def artifacts() -> Path:
    """Directory for browser screenshots (gitignored)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


def serve_in_thread(app: Any) -> Iterator[str]:
    """Run ``app`` under uvicorn in a background thread; yield its base URL."""
    import uvicorn

    port = free_port()
    config = uvicorn.Config(
        app, host="127.0.0.1", port=port, log_level="warning", lifespan="on"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@dataclass(frozen=True)
class LiveSite:
    """The care app served by uvicorn for the browser tests.

    Attributes:
        url: Base URL (``http://127.0.0.1:<port>``).
        db_path: Its SQLite file, to look up ids the way a test author would.
    """

    url: str
    db_path: Path

    def query(self, sql: str, *params: Any) -> list[tuple[Any, ...]]:
        """Run a read-only SQL query on the site's database."""
        import sqlite3

        with sqlite3.connect(f"file:{self.db_path}?mode=ro", uri=True) as conn:
            return list(conn.execute(sql, params).fetchall())


@pytest.fixture(scope="module")
def live(seeded_db, tmp_path_factory) -> Iterator[LiveSite]:
    """The full care app (seeded copy) served by uvicorn on a free port."""
    data_dir = tmp_path_factory.mktemp("care-live")
    app = app_on_copy(seeded_db, data_dir)
    for url in serve_in_thread(app):
        yield LiveSite(url=url, db_path=data_dir / "care.db")


@pytest.fixture(scope="module")
def live_url(live) -> str:
    """Base URL of the live site."""
    return live.url


@dataclass
class SignedIn:
    """A client signed in as one demo user."""

    client: Any
    csrf: str
    username: str

    def get(self, url: str, **kwargs: Any) -> Any:
        """GET ``url``."""
        return self.client.get(url, **kwargs)

    def post(self, url: str, data: dict[str, Any] | None = None, **kwargs: Any) -> Any:
        """POST a form with the CSRF token added."""
        return self.client.post(
            url, data={"csrf_token": self.csrf, **(data or {})}, **kwargs
        )


@pytest.fixture
def sign_in(client):
    """Sign the test client in as a demo user: ``sign_in("cm.north")``."""

    def _sign_in(username: str) -> SignedIn:
        client.cookies.clear()
        return SignedIn(client, login(client, username), username)

    return _sign_in


@pytest.fixture
def cm(sign_in) -> SignedIn:
    """Signed in as the north-team care manager."""
    return sign_in("cm.north")


@pytest.fixture
def north_case(web_app) -> int:
    """The first case of cm.north that is not closed (the seeded demo's)."""
    query = text(
        "select c.id from care_case c join app_user u on u.id = c.owner_id "
        "where u.username = 'cm.north' and c.status != 'closed' order by c.id"
    )
    with web_app.state.db.engine.connect() as conn:
        first = conn.execute(query).first()
    assert first is not None, "the seeded demo has no open case of cm.north"
    return int(first[0])
