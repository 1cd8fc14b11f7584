"""Operations commands: ``backup``, ``restore`` and ``care purge``.

``backup`` and ``restore`` are top-level commands (see ``nowrongdoor.cli``);
importing this module also adds ``purge`` to the ``care`` group.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from nowrongdoor._cli_support import JsonFlag, print_json, say, settings_from
from nowrongdoor.care.cli import app as care_app
from nowrongdoor.care.cli import care_database, care_session

__all__ = ["backup", "care_purge", "jobs_app", "restore"]

jobs_app = typer.Typer(
    help="Scheduled work for cron: runs once across every instance.",
    no_args_is_help=True,
)


def backup(
    ctx: typer.Context,
    out: Annotated[
        Path, typer.Option("--out", help="Backup file to write (a tar file).")
    ],
) -> None:
    """Back up the care database with a manifest of the keys it needs."""
    from nowrongdoor.care.backup import backup as run_backup

    settings = settings_from(ctx)
    with care_database(settings) as db:
        manifest = run_backup(db.engine, settings, out)
    rows = sum(manifest.counts.values())
    say(
        f"backup {out}: {manifest.backend}, revision {manifest.schema_revision}, "
        f"{rows} rows, audit head {manifest.audit_head['seq']}, needs "
        f"{len(manifest.data_keys)} encryption key(s) "
        f"{', '.join(manifest.data_keys)}"
    )


def restore(
    ctx: typer.Context,
    path: Annotated[Path, typer.Argument(help="Backup file made by `backup`.")],
) -> None:
    """Restore a backup into an empty database; refuses when keys are missing."""
    from nowrongdoor.care.backup import restore as run_restore

    settings = settings_from(ctx)
    with care_database(settings, needs_schema=False) as db:
        report = run_restore(db.engine, settings, path)
    say(
        f"restored {path} (taken {report.manifest.created_at}): "
        f"{sum(report.manifest.counts.values())} rows, audit chain of "
        f"{report.audit_events} events verified, now at revision {report.revision}; "
        f"{report.purges_reapplied} record(s) purged again from the purge ledger"
    )


@care_app.command("purge")
def care_purge(
    ctx: typer.Context,
    dry_run: Annotated[
        bool,
        typer.Option(
            "--dry-run", help="List what would be purged and why; change nothing."
        ),
    ] = False,
    as_json: JsonFlag = False,
) -> None:
    """Purge records past their retention period (settings retention_*)."""
    from nowrongdoor.care.retention import plan_purge, purge

    settings = settings_from(ctx)
    removed = 0
    with care_session(settings) as (_, session):
        plan = plan_purge(session, settings)
        if not dry_run:
            removed = purge(session, plan, ledger=settings.resolved_purge_ledger)
    counts = plan.counts()
    if as_json:
        print_json(
            {
                "dry_run": dry_run,
                "counts": counts,
                "rows_deleted": removed,
                "items": [
                    {"kind": i.kind, "table": i.table, "id": i.id, "reason": i.reason}
                    for i in plan.items
                ],
            }
        )
        return
    for item in plan.items:
        say(f"{item.kind:<18} {item.table}:{item.id:<8} {item.reason}")
    summary = ", ".join(f"{v} {k}" for k, v in counts.items())
    verb = "would purge" if dry_run else f"purged ({removed} rows with dependents)"
    say(f"{verb}: {summary}")


@jobs_app.command("run")
def jobs_run(
    ctx: typer.Context,
    job: Annotated[
        list[str] | None,
        typer.Option(
            "--job",
            help="Job to run (repeatable): audit-checkpoint, purge, backup; "
            "default: all configured.",
        ),
    ] = None,
) -> None:
    """Run the due scheduled jobs once across instances (PostgreSQL advisory lock)."""
    from nowrongdoor.care.jobs import run_jobs

    settings = settings_from(ctx)
    with care_database(settings) as db:
        results = run_jobs(db, settings, job or None)
    for result in results:
        say(f"{result.name:<18} {result.status:<8} {result.detail}")
    if any(r.status == "failed" for r in results):
        raise typer.Exit(1)
