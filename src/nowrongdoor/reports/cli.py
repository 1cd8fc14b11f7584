"""``nowrongdoor report``: program and survey reports, suppressed for publication."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from nowrongdoor._cli_support import console, settings_from
from nowrongdoor.errors import UserInputError

if TYPE_CHECKING:
    from nowrongdoor.care.db import CareSession
    from nowrongdoor.settings import Settings

__all__ = ["app"]

app = typer.Typer(
    help="Program reach/outcome and survivor-survey reports (small cells suppressed)."
)

OutDir = Annotated[
    Path,
    typer.Option("--out", help="Directory for the HTML report, CSV tables and PNGs."),
]

DatabaseUrl = Annotated[
    str | None,
    typer.Option("--database-url", help="Care database URL (default: settings)."),
]


def _date(value: str, option: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise UserInputError(
            f"{option} {value!r} is not a date; use YYYY-MM-DD"
        ) from None


def _check_database(url: str) -> None:
    from sqlalchemy import inspect
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        parsed = make_url(url)
    except ArgumentError:
        raise UserInputError(f"--database-url {url!r} is not a database URL") from None
    if parsed.get_backend_name() == "sqlite":
        path = parsed.database
        if not path or path == ":memory:" or not Path(path).is_file():
            raise UserInputError(
                f"care database {path or url} does not exist; create it with "
                "`nowrongdoor db upgrade` (or `nowrongdoor care seed` for demo data)"
            )
    from sqlalchemy import create_engine
    from sqlalchemy.exc import NoSuchModuleError

    try:
        engine = create_engine(parsed)
    except (NoSuchModuleError, ArgumentError, ImportError) as exc:
        raise UserInputError(
            f"--database-url {parsed.render_as_string()}: no database driver "
            f"{parsed.drivername!r} ({type(exc).__name__})"
        ) from None
    try:
        tables = set(inspect(engine).get_table_names())
    except Exception as exc:  # connection refused, bad credentials...
        raise UserInputError(
            f"cannot open the care database {parsed.render_as_string()}: "
            f"{type(exc).__name__}"
        ) from None
    finally:
        engine.dispose()
    missing = {"care_case", "referral", "screening"} - tables
    if missing:
        raise UserInputError(
            f"the care database has no {', '.join(sorted(missing))} table(s); run "
            "`nowrongdoor db upgrade` first"
        )


@contextmanager
def _care_session(settings: Settings) -> Iterator[CareSession]:
    """A session on the care database a report reads (checked first with
    :func:`_check_database`); the database is disposed after."""
    from nowrongdoor.care.db import open_database

    database = open_database(settings)
    try:
        with database.session() as session:
            yield session
    finally:
        database.dispose()


@app.command("program")
def program(
    ctx: typer.Context,
    start: Annotated[
        str, typer.Option("--from", help="First day of the period (YYYY-MM-DD).")
    ],
    end: Annotated[str, typer.Option("--to", help="Last day of the period.")],
    out: OutDir,
    database_url: DatabaseUrl = None,
    worklist: Annotated[
        Path | None,
        typer.Option(
            "--worklist",
            help="A population worklist output directory to add its tables.",
        ),
    ] = None,
) -> None:
    """Program reach and outcomes for a period, by month: HTML, CSV, PNG."""
    first, last = _date(start, "--from"), _date(end, "--to")
    settings = settings_from(ctx)
    if database_url:
        settings = settings.model_copy(update={"database_url": database_url})
    if worklist is not None and worklist.exists() and not worklist.is_dir():
        raise UserInputError(
            f"--worklist {worklist} is a file: give the folder `population score` wrote"
        )
    if worklist is not None and not worklist.is_dir():
        raise UserInputError(f"worklist directory {worklist} does not exist")
    _check_database(settings.resolved_database_url)

    from nowrongdoor.reports import program_metrics, write_program_report

    with console.status("Counting and suppressing..."):
        with _care_session(settings) as session:
            metrics = program_metrics(
                session,
                first,
                last,
                threshold=settings.suppression_threshold,
                worklist_dir=worklist,
            )
        written = write_program_report(metrics, out)
    console.print(
        f"program report for {first} to {last}: {out / 'program.html'} "
        f"({len(written)} files)"
    )


@app.command("survey")
def survey(
    ctx: typer.Context,
    out: OutDir,
    responses: Annotated[
        Path | None,
        typer.Option(
            "--responses",
            help=(
                "Survey QuestionnaireResponses: NDJSON, JSON array or Bundle "
                "(default: those stored in the care database)."
            ),
        ),
    ] = None,
    database_url: DatabaseUrl = None,
) -> None:
    """Survivor-survey tables and charts beside the deck's published figures."""
    from nowrongdoor.reports import (
        analyse_survey,
        load_survey_responses,
        survey_responses_from_care,
        write_survey_report,
    )

    settings = settings_from(ctx)
    if responses is not None and database_url:
        raise UserInputError(
            "give --responses FILE or --database-url URL, not both: the survey "
            "is read from one of them"
        )
    if responses is None:
        if database_url:
            settings = settings.model_copy(update={"database_url": database_url})
        _check_database(settings.resolved_database_url)
        with _care_session(settings) as session:
            parsed = survey_responses_from_care(session)
    else:
        parsed = load_survey_responses(responses)
    with console.status("Tabulating..."):
        analysis = analyse_survey(parsed, threshold=settings.suppression_threshold)
        written = write_survey_report(analysis, out)
    left_out = (
        f" ({analysis.left_out} entered in error, left out)"
        if analysis.left_out
        else ""
    )
    console.print(
        f"survey report from {len(parsed) - analysis.left_out} responses{left_out}: "
        f"{out / 'survey.html'} ({len(written)} files)"
    )
