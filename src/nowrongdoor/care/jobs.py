"""Scheduled work that runs exactly once, however many instances run cron.

``nowrongdoor jobs run`` is meant for cron (or a systemd timer) on *every* app
server. Each job runs under a lock - a PostgreSQL advisory lock (on SQLite, a
file lock next to the database) - and, holding it, checks the audit log for a
successful run within ``job_interval_minutes``: the first instance runs the job
and records a ``job.<name>`` audit event; the others find the lock taken or the
recent run, and skip. Jobs:

* ``audit-checkpoint``: verify the audit chain and append a signed checkpoint;
* ``purge``: purge records past their retention period;
* ``backup``: write a backup to ``backup_dir`` (only when it is set);
* ``fhir-sync``: send referrals to partners' FHIR servers and poll their Tasks
  (:mod:`nowrongdoor.care.fhir.outbound`), every ``fhir_sync_minutes``.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import hashlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy import func, select, text

from nowrongdoor.care.audit import AuditEntry, append_event
from nowrongdoor.care.db import Database
from nowrongdoor.care.models import AuditEvent
from nowrongdoor.errors import UserInputError
from nowrongdoor.settings import Settings

__all__ = ["JOBS", "JobResult", "default_jobs", "run_jobs"]


@dataclass(frozen=True)
class JobResult:
    """What happened to one job in this run.

    Attributes:
        name: The job.
        status: ``ran``, ``skipped`` or ``failed``.
        detail: Counts or the reason (no person data).
    """

    name: str
    status: str
    detail: str


def _checkpoint(db: Database, settings: Settings) -> str:
    from nowrongdoor.care.audit import verify_chain

    with db.session() as session:
        report = verify_chain(
            session, checkpoint_file=settings.resolved_checkpoint_file, write=True
        )
    if not report.ok:
        raise UserInputError(
            f"audit chain broken ({len(report.problems)} problem(s)); "
            "run `nowrongdoor audit verify`"
        )
    seq = report.written.seq if report.written else 0
    return f"checkpoint at event {seq}"


def _purge(db: Database, settings: Settings) -> str:
    from nowrongdoor.care.retention import plan_purge, purge

    with db.session() as session:
        plan = plan_purge(session, settings)
        removed = purge(session, plan, ledger=settings.resolved_purge_ledger)
    counts = " ".join(f"{k}={v}" for k, v in plan.counts().items())
    return f"{counts} rows={removed}"


def _backup(db: Database, settings: Settings) -> str:
    from nowrongdoor.care.backup import backup

    if settings.backup_dir is None:
        raise UserInputError("the backup job needs the setting backup_dir")
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    out = settings.backup_dir / f"care-{stamp}.tar"
    manifest = backup(db.engine, settings, out)
    return f"{out.name} rows={sum(manifest.counts.values())}"


def _fhir_sync(db: Database, settings: Settings) -> str:
    from nowrongdoor.care.fhir.outbound import sync

    return sync(db, settings).summary()


#: Job name -> function returning a one-line summary.
JOBS: dict[str, Callable[[Database, Settings], str]] = {
    "audit-checkpoint": _checkpoint,
    "purge": _purge,
    "backup": _backup,
    "fhir-sync": _fhir_sync,
}


def _interval(settings: Settings, name: str) -> dt.timedelta:
    minutes = settings.job_interval_minutes
    if name == "fhir-sync":
        minutes = settings.fhir_sync_minutes
    return dt.timedelta(minutes=minutes)


def default_jobs(settings: Settings) -> list[str]:
    """The jobs ``jobs run`` runs without ``--job``."""
    names = ["audit-checkpoint", "purge", "fhir-sync"]
    if settings.backup_dir is not None:
        names.append("backup")
    return names


def _lock_key(name: str) -> int:
    digest = hashlib.sha256(f"nowrongdoor job {name}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


@contextmanager
def _job_lock(db: Database, settings: Settings, name: str) -> Iterator[bool]:
    """Hold the job's lock if it is free; yields whether it was taken."""
    if db.engine.dialect.name == "postgresql":
        key = _lock_key(name)
        with db.engine.connect() as conn:
            got = bool(
                conn.execute(
                    text("SELECT pg_try_advisory_lock(:k)"), {"k": key}
                ).scalar_one()
            )
            conn.commit()
            try:
                yield got
            finally:
                if got:
                    conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": key})
                    conn.commit()
        return
    path = settings.data_dir / f"job-{name}.lock"
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a") as fh:
        try:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)


def _last_run(db: Database, name: str) -> dt.datetime | None:
    with db.session() as session:
        last = session.scalar(
            select(func.max(AuditEvent.at)).where(
                AuditEvent.action == f"job.{name}", AuditEvent.outcome == "success"
            )
        )
    if last is not None and last.tzinfo is None:
        last = last.replace(tzinfo=dt.UTC)
    return last


def run_jobs(
    db: Database, settings: Settings, names: list[str] | None = None
) -> list[JobResult]:
    """Run each due job once across every instance.

    Args:
        db: The care database.
        settings: Job interval, retention, backup directory...
        names: Jobs to run (default :func:`default_jobs`).

    Returns:
        One result per job.

    Raises:
        UserInputError: an unknown job name.
    """
    wanted = names or default_jobs(settings)
    unknown = [n for n in wanted if n not in JOBS]
    if unknown:
        raise UserInputError(
            f"unknown job {', '.join(unknown)}; jobs are {', '.join(JOBS)}"
        )
    results = []
    for name in wanted:
        with _job_lock(db, settings, name) as got:
            if not got:
                results.append(JobResult(name, "skipped", "another instance runs it"))
                continue
            last = _last_run(db, name)
            now = dt.datetime.now(dt.UTC)
            if last is not None and now - last < _interval(settings, name):
                results.append(JobResult(name, "skipped", f"ran at {last.isoformat()}"))
                continue
            try:
                detail = JOBS[name](db, settings)
            except UserInputError as exc:
                outcome, detail = "failure", str(exc)
            else:
                outcome = "success"
            with db.session() as session:
                append_event(
                    session,
                    AuditEntry(action=f"job.{name}", outcome=outcome, detail=detail),
                    user=None,
                    request_id=None,
                )
            status = "ran" if outcome == "success" else "failed"
            results.append(JobResult(name, status, detail))
    return results
