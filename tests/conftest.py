"""Shared test fixtures. Heavy fixtures (Spark, PostgreSQL, browser) live in the
area conftest files and are created only when a test asks for them."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from nowrongdoor.settings import Settings, build_settings


@pytest.fixture
def runner() -> CliRunner:
    """A Typer CLI runner."""
    return CliRunner()


@pytest.fixture
def settings(tmp_path) -> Settings:
    """Settings isolated in a temporary data directory, no environment read."""
    return build_settings(env={}, data_dir=tmp_path, environment="test")
