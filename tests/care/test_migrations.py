"""Migrations: upgrade from empty, downgrade/upgrade round trip, schema = models."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text

from nowrongdoor.care.db import Database
from nowrongdoor.care.migrate import current_revision, downgrade, upgrade
from nowrongdoor.care.models import Base


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_db(request: pytest.FixtureRequest, tmp_path: Path, settings_for: Any) -> Any:
    """A brand-new empty database on each backend."""
    if request.param == "sqlite":
        url = f"sqlite:///{(tmp_path / 'fresh.db').as_posix()}"
        db = Database(settings_for(tmp_path, url))
        yield db
        db.dispose()
        return
    import psycopg

    name = f"nwd_test_mig_{uuid.uuid4().hex[:10]}"
    admin = "host=127.0.0.1 port=5432 user=postgres dbname=postgres connect_timeout=5"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    db = Database(
        settings_for(tmp_path, f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}")
    )
    yield db
    db.dispose()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _tables(db: Database) -> set[str]:
    return set(inspect(db.engine).get_table_names()) - {"alembic_version"}


def test_upgrade_from_empty_matches_models(empty_db: Database) -> None:
    assert current_revision(empty_db.engine) is None
    upgrade(empty_db.engine)
    assert current_revision(empty_db.engine) == "0001"
    assert _tables(empty_db) == set(Base.metadata.tables)
    with empty_db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
        head = conn.execute(text("SELECT last_seq, last_hash FROM audit_head")).one()
    assert diff == [], f"models and migrations differ: {diff}"
    assert head == (0, "0" * 64)


def test_downgrade_upgrade_round_trip(empty_db: Database) -> None:
    upgrade(empty_db.engine)
    downgrade(empty_db.engine, "base")
    assert current_revision(empty_db.engine) is None
    assert _tables(empty_db) == set()
    upgrade(empty_db.engine)
    assert _tables(empty_db) == set(Base.metadata.tables)
    upgrade(empty_db.engine)  # idempotent at head
    assert current_revision(empty_db.engine) == "0001"
