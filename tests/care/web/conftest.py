"""Fixtures for the web page tests (without a browser, and with Chromium)."""

from __future__ import annotations

import socket
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).parent))

ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts" / "web"


def pages_only_app(settings: Any) -> Any:
    """An app holding only the pages (no database, nobody signed in)."""
    from fastapi import FastAPI

    from nowrongdoor.care.web import install_web

    app = FastAPI()
    app.state.settings = settings
    install_web(app)
    return app


@pytest.fixture
def kb_client(settings):
    """A client for the database-free pages."""
    from fastapi.testclient import TestClient

    app = pages_only_app(settings)
    with TestClient(app) as client:
        yield client


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


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


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


@pytest.fixture(scope="module")
def kb_live_url(tmp_path_factory) -> Iterator[str]:
    """The database-free pages served by uvicorn."""
    from nowrongdoor.settings import build_settings

    settings = build_settings(
        env={}, data_dir=tmp_path_factory.mktemp("web"), environment="test"
    )
    yield from serve_in_thread(pages_only_app(settings))
