"""Population fixtures: hand-built claims files and a session-scoped Spark session
that is created only when a test asks for it."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest


@pytest.fixture(scope="session")
def spark(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """One local Spark session for the whole run, bound to 127.0.0.1."""
    pytest.importorskip("pyspark")
    from nowrongdoor._spark import spark_session

    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    session = spark_session(tmp_path_factory.mktemp("spark") / "warehouse")
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()
