"""Fixtures for the web page tests."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))


@pytest.fixture
def kb_client():
    """A client for an app holding only the pages (no database)."""
    from fastapi import FastAPI
    from fastapi.testclient import TestClient

    from nowrongdoor.care.web import install_web

    app = FastAPI()
    install_web(app)
    with TestClient(app) as client:
        yield client
