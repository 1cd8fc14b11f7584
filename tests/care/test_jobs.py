"""Scheduled jobs run once, however many instances run them at the same time."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from nowrongdoor.care.db import Database
from nowrongdoor.care.jobs import _job_lock, run_jobs
from nowrongdoor.care.migrate import upgrade
from nowrongdoor.care.models import AuditEvent
from nowrongdoor.errors import UserInputError

PG_ADMIN = "host=127.0.0.1 port=5432 user=postgres dbname=postgres connect_timeout=5"


@pytest.fixture(params=["sqlite", "postgresql"])
def job_db(
    request: pytest.FixtureRequest, tmp_path: Path, settings_for: Any
) -> Iterator[Database]:
    """A migrated database with a backup directory configured."""
    name = ""
    if request.param == "sqlite":
        url = f"sqlite:///{(tmp_path / 'care.db').as_posix()}"
    else:
        import psycopg

        name = f"nwd_jobs_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        url = f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
    db = Database(settings_for(tmp_path, url, backup_dir=tmp_path / "backups"))
    upgrade(db.engine)
    yield db
    db.dispose()
    if name:
        import psycopg

        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _job_events(db: Database) -> list[tuple[str, str]]:
    with db.session() as s:
        rows = s.execute(
            select(AuditEvent.action, AuditEvent.outcome)
            .where(AuditEvent.action.like("job.%"))
            .order_by(AuditEvent.seq)
        ).all()
    return [(a, o) for a, o in rows]


def test_two_instances_run_each_job_once(job_db: Database, tmp_path: Path) -> None:
    settings = job_db.settings
    env = {
        **os.environ,
        "NOWRONGDOOR_ENVIRONMENT": "test",
        "NOWRONGDOOR_DATA_DIR": str(settings.data_dir),
        "NOWRONGDOOR_DATABASE_URL": settings.resolved_database_url,
        "NOWRONGDOOR_SECRET_KEY": settings.secret_key.get_secret_value(),
        "NOWRONGDOOR_BACKUP_DIR": str(settings.backup_dir),
    }
    cmd = [sys.executable, "-m", "nowrongdoor", "jobs", "run"]
    procs = [
        subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    outs = [p.communicate(timeout=180)[0] for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outs
    events = _job_events(job_db)
    assert sorted(events) == [
        ("job.audit-checkpoint", "success"),
        ("job.backup", "success"),
        ("job.fhir-sync", "success"),
        ("job.purge", "success"),
    ], outs
    assert len(list((tmp_path / "backups").glob("care-*.tar"))) == 1
    checkpoints = settings.resolved_checkpoint_file.read_text().splitlines()
    assert len(checkpoints) == 1
    statuses = [
        line.split()[1]
        for out in outs
        for line in out.splitlines()
        if line.split()
        and line.split()[0] in {"audit-checkpoint", "purge", "backup", "fhir-sync"}
    ]
    assert sorted(statuses) == ["ran"] * 4 + ["skipped"] * 4, outs

    # a later run within the interval skips everything
    again = run_jobs(job_db, settings)
    assert {r.status for r in again} == {"skipped"}
    assert len(_job_events(job_db)) == 4


def test_a_held_lock_skips_the_job(job_db: Database) -> None:
    settings = job_db.settings
    with _job_lock(job_db, settings, "purge") as got:
        assert got
        result = run_jobs(job_db, settings, ["purge"])
    assert [(r.status, r.detail) for r in result] == [
        ("skipped", "another instance runs it")
    ]
    assert _job_events(job_db) == []
    done = run_jobs(job_db, settings, ["purge"])
    assert [r.status for r in done] == ["ran"]


def test_unknown_job_is_one_sentence(job_db: Database) -> None:
    with pytest.raises(UserInputError, match="unknown job nightly"):
        run_jobs(job_db, job_db.settings, ["nightly"])
