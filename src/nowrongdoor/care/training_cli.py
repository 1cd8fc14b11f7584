"""Training commands: ``nowrongdoor training courses | report | lead``.

The report reads the care database (completion records), so the group lives in
the care area; course definitions come from :mod:`nowrongdoor.training`.
"""

from __future__ import annotations

import csv
import sys
from typing import Annotated, Literal

import typer

from nowrongdoor._cli_support import console, print_json, say, settings_from
from nowrongdoor.errors import UserInputError

__all__ = ["app"]

app = typer.Typer(
    help="Staff training: courses, completion report, partner training leads.",
    no_args_is_help=True,
)

Format = Literal["table", "csv", "json"]


@app.command("courses")
def training_courses(ctx: typer.Context) -> None:
    """List the courses and their modules (shipped and the plan's own files)."""
    from nowrongdoor.care.training import catalogue_for

    catalogue = catalogue_for(settings_from(ctx))
    for course in catalogue:
        say(f"[bold]{course.id}[/]  {course.title} ({course.hours:g} hours)")
        for index, module in enumerate(course.modules, 1):
            quiz = f"{module.question_count} questions" if module.quiz else "reading"
            say(
                f"  {index:>2}. {module.id:<16} {module.title} "
                f"({module.minutes} min, {quiz}, {len(module.entries)} entries)"
            )


@app.command("report")
def training_report(
    ctx: typer.Context,
    course: Annotated[
        str | None, typer.Option("--course", help="Only this course id.")
    ] = None,
    org: Annotated[
        str | None,
        typer.Option("--org", help="Only this organisation (exact name)."),
    ] = None,
    people: Annotated[
        bool, typer.Option("--people", help="One row per person, not per team.")
    ] = False,
    fmt: Annotated[str, typer.Option("--format", help="table, csv or json.")] = "table",
) -> None:
    """Print course completion by organisation and team (or per person)."""
    from nowrongdoor.care.cli import care_session
    from nowrongdoor.care.enums import Role
    from nowrongdoor.care.models import User
    from nowrongdoor.care.training import catalogue_for, completion_rows

    if fmt not in ("table", "csv", "json"):
        raise UserInputError(f"--format must be table, csv or json, not {fmt!r}")
    settings = settings_from(ctx)
    catalogue = catalogue_for(settings)
    courses = [catalogue.get(course)] if course else list(catalogue)
    with care_session(settings) as (_, session):
        admin = User(id=0, role=Role.ADMIN, organization_id=0, username="cli")
        rows = completion_rows(
            session,
            viewer=admin,
            courses=courses,
            renewal_days=settings.training_renewal_days,
        )
    if org is not None:
        names = {r.organisation for r in rows}
        if org not in names:
            raise UserInputError(
                f"--org {org!r} matches no organisation with active users"
            )
        rows = [r for r in rows if r.organisation == org]
    if people:
        records = [r.model_dump(mode="json") for r in rows]
    else:
        groups: dict[tuple[str, str, str], list[str]] = {}
        for r in rows:
            groups.setdefault((r.organisation, r.team, r.course_id), []).append(
                r.status
            )
        records = [
            {
                "organisation": o,
                "team": t,
                "course_id": c,
                "people": len(s),
                "current": sum(x in ("current", "due") for x in s),
                "due": s.count("due"),
                "overdue": s.count("overdue"),
                "in_progress": s.count("in progress"),
                "not_started": s.count("not started"),
            }
            for (o, t, c), s in groups.items()
        ]
    _emit(records, fmt)


def _emit(records: list[dict[str, object]], fmt: str) -> None:
    if fmt == "json":
        print_json(records)
        return
    if not records:
        console.print("no users in scope")
        return
    columns = list(records[0])
    if fmt == "csv":
        from nowrongdoor.care.training import csv_cell

        writer = csv.DictWriter(sys.stdout, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows({k: csv_cell(v) for k, v in r.items()} for r in records)
        return
    from rich.table import Table

    table = Table(*columns)
    for record in records:
        table.add_row(*("" if record[c] is None else str(record[c]) for c in columns))
    console.print(table)


@app.command("lead")
def training_lead(
    ctx: typer.Context,
    username: Annotated[str, typer.Argument(help="A partner user.")],
) -> None:
    """Name a partner user their organisation's training lead (sees its records)."""
    from sqlalchemy import select

    from nowrongdoor.care.cli import _audit_cli, care_session
    from nowrongdoor.care.errors import Conflict
    from nowrongdoor.care.models import User
    from nowrongdoor.care.training import grant_lead

    with care_session(settings_from(ctx)) as (_, session):
        user = session.scalar(select(User).where(User.username == username))
        if user is None:
            raise UserInputError(f"no user named {username!r}")
        try:
            grant_lead(session, user=user, granted_by=None)
        except Conflict as exc:
            raise UserInputError(exc.message) from None
        _audit_cli(session, "training.lead.grant", f"user {user.id}")
        org = user.organization.name
    say(f"{username} is now the training lead of {org}")
