"""The ``nowrongdoor`` command: one sub-command group per area.

Area groups live in ``nowrongdoor.<area>.cli`` and expose ``app`` (a Typer
group); top-level commands expose a function. They import heavy libraries inside
their commands, so ``nowrongdoor --help`` stays fast and works on a core install.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Annotated, Any

import typer
from pydantic import ValidationError
from typer.core import TyperGroup

from nowrongdoor import __version__
from nowrongdoor._cli_support import fail
from nowrongdoor.errors import UserInputError, first_error

__all__ = ["app", "main"]

#: (name, module, attribute): sub-command groups, each a Typer app.
GROUPS: list[tuple[str, str, str]] = [
    ("kb", "nowrongdoor.knowledge.cli", "app"),
    ("notes", "nowrongdoor.text.cli", "app"),
    ("synth", "nowrongdoor.synth.cli", "app"),
    ("ads", "nowrongdoor.ads.cli", "app"),
    ("screen", "nowrongdoor.screening.cli", "app"),
    ("population", "nowrongdoor.population.cli", "app"),
    ("report", "nowrongdoor.reports.cli", "app"),
    ("care", "nowrongdoor.care.cli", "app"),
    ("db", "nowrongdoor.care.cli", "db_app"),
    ("users", "nowrongdoor.care.cli", "users_app"),
    ("audit", "nowrongdoor.care.cli", "audit_app"),
    ("partners", "nowrongdoor.care.cli", "partners_app"),
    ("training", "nowrongdoor.care.training_cli", "app"),
    ("jobs", "nowrongdoor.care.ops_cli", "jobs_app"),
    ("fhir", "nowrongdoor.care.fhir.cli", "app"),
]

#: (name, module, attribute): top-level commands, each a function.
COMMANDS: list[tuple[str, str, str]] = [
    ("classify", "nowrongdoor.screening.cli", "classify"),
    ("serve", "nowrongdoor.care.cli", "serve"),
    ("backup", "nowrongdoor.care.ops_cli", "backup"),
    ("restore", "nowrongdoor.care.ops_cli", "restore"),
]


#: The exit status of a command stopped by Ctrl-C (128 + SIGINT).
INTERRUPTED = 130


class _Root(TyperGroup):
    """Root group that turns user errors into one sentence and an exit code,
    and Ctrl-C at a question (click's ``Abort``) into exit 130 like elsewhere."""

    def invoke(self, ctx: typer.Context) -> Any:  # type: ignore[override]
        try:
            return super().invoke(ctx)
        except typer.Abort as exc:
            if isinstance(exc.__context__, KeyboardInterrupt):
                raise typer.Exit(INTERRUPTED) from None
            raise
        except UserInputError as exc:
            fail(str(exc), exc.exit_code)
        except ValidationError as exc:
            field, message = first_error(exc, exc.title)
            fail(f"setting {field}: {message}")
        except FileNotFoundError as exc:
            fail(str(exc))


app = typer.Typer(
    cls=_Root,
    name="nowrongdoor",
    help=(
        "Find people who are being trafficked or at high risk, and get them to "
        "safety and care - whichever door they come through."
    ),
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode="rich",
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"nowrongdoor {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    ctx: typer.Context,
    config: Annotated[
        Path | None,
        typer.Option(
            "--config",
            help="TOML settings file (NOWRONGDOOR_* environment variables win).",
            dir_okay=False,
        ),
    ] = None,
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Show the version."
        ),
    ] = False,
) -> None:
    ctx.obj = {"config": config}


def _register() -> None:
    for name, module, attr in GROUPS:
        app.add_typer(getattr(importlib.import_module(module), attr), name=name)
    for name, module, attr in COMMANDS:
        app.command(name)(getattr(importlib.import_module(module), attr))


_register()


def main() -> None:
    """Console-script entry point."""
    app()
