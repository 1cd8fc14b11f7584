"""Benchmark: backup and restore of a care database of ``--persons`` persons.

For each backend (SQLite file, PostgreSQL on 127.0.0.1:5432), one run:

1. a new database is migrated and filled with the same synthetic program as
   ``benchmarks/care_api.py`` (encrypted names, birth dates and contacts, one
   case each with a need, a goal, a note and a task, ``--referrals`` referrals
   with their status history), plus one audit event per person;
2. ``backup()`` writes the tar file (pg_dump custom format / SQLite online
   backup, and the manifest: counts, audit head, and the scan of every
   encrypted value for the keys it needs) - timed;
3. ``restore()`` loads it into a second, empty database, checks the counts,
   verifies the audit chain and migrates to head - timed.

Usage::

    .venv/bin/python benchmarks/care_backup.py --persons 10000
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

from nowrongdoor.care.audit import AuditEntry, append_event
from nowrongdoor.care.backup import backup, restore
from nowrongdoor.care.db import Database
from nowrongdoor.care.migrate import upgrade
from nowrongdoor.settings import build_settings

PG_ADMIN = "host=127.0.0.1 port=5432 user=postgres dbname=postgres connect_timeout=5"


def _care_api() -> Any:
    path = Path(__file__).with_name("care_api.py")
    spec = importlib.util.spec_from_file_location("care_api_bench", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["care_api_bench"] = module
    spec.loader.exec_module(module)
    return module


def _new_url(backend: str, tmp: Path, made: list[str]) -> str:
    if backend == "sqlite":
        return f"sqlite:///{(tmp / f'{uuid.uuid4().hex[:8]}.db').as_posix()}"
    import psycopg

    name = f"nwd_bench_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    made.append(name)
    return f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"


def run(backend: str, persons: int, referrals: int) -> dict[str, Any]:
    """Seed, back up and restore on ``backend``; returns the timings."""
    made: list[str] = []
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)

        def settings(url: str) -> Any:
            return build_settings(
                env={}, environment="test", data_dir=tmp, database_url=url
            )

        source = Database(settings(_new_url(backend, tmp, made)))
        upgrade(source.engine)
        _care_api().seed(source, persons, referrals, 7)
        with source.session() as s:
            for _ in range(persons):
                append_event(
                    s, AuditEntry(action="bench.seed"), user=None, request_id=None
                )
        out = tmp / "backup.tar"
        started = time.perf_counter()
        manifest = backup(source.engine, source.settings, out)
        backup_s = time.perf_counter() - started
        source.dispose()

        target = Database(settings(_new_url(backend, tmp, made)))
        started = time.perf_counter()
        report = restore(target.engine, target.settings, out)
        restore_s = time.perf_counter() - started
        target.dispose()
        result = {
            "backend": backend,
            "persons": manifest.counts["person"],
            "rows": sum(manifest.counts.values()),
            "audit_events": report.audit_events,
            "backup_mb": round(out.stat().st_size / 1e6, 1),
            "backup_s": round(backup_s, 1),
            "restore_s": round(restore_s, 1),
        }
    if made:
        import psycopg

        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            for name in made:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    return result


def main() -> None:
    """Run the benchmark on both backends and print one JSON line each."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--persons", type=int, default=10_000)
    parser.add_argument("--referrals", type=int, default=20_000)
    parser.add_argument("--backends", nargs="+", default=["sqlite", "postgresql"])
    args = parser.parse_args()
    for backend in args.backends:
        print(json.dumps(run(backend, args.persons, args.referrals)), flush=True)


if __name__ == "__main__":
    main()
