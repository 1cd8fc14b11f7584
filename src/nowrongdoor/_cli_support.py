"""Shared helpers for the area command groups (private)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from rich.console import Console
from rich.markup import escape

from nowrongdoor.settings import Settings, build_settings

__all__ = [
    "JsonFlag",
    "OrgOption",
    "OutDir",
    "Seed",
    "console",
    "err_console",
    "fail",
    "print_json",
    "say",
    "settings_from",
    "stage_spinner",
]

# Messages are never wrapped by the terminal's width: a file path or a
# "file:line" reference stays on one line, whole, so it can be copied.
console = Console(soft_wrap=True)
err_console = Console(stderr=True, soft_wrap=True)

# Options that mean the same in every command that takes them (one
# declaration, one help text).

#: ``--out DIR``: the folder a command writes its files to.
OutDir = Annotated[Path, typer.Option("--out", help="Output directory.")]
#: ``--seed``: every generator is deterministic for a seed.
Seed = Annotated[int, typer.Option("--seed", help="Random seed.")]
#: ``--json``: print JSON (stdout, no markup) instead of text or a table.
JsonFlag = Annotated[bool, typer.Option("--json", help="Print JSON.")]
#: ``--org``: the care organisation a command works for.
OrgOption = Annotated[
    str | None,
    typer.Option(
        "--org", help="Organisation id or exact name (default: the only plan)."
    ),
]


def fail(message: str, code: int = 2) -> NoReturn:
    """Print one error sentence to stderr and exit with ``code``."""
    say(f"[bold red]error:[/] {escape(message)}", err=True)
    raise typer.Exit(code)


def say(message: Any, *, markup: bool = True, err: bool = False) -> None:
    """Print a message as written: no highlighting, never wrapped.

    Args:
        message: Text (Rich markup unless ``markup`` is False), a renderable,
            or any value (pretty-printed).
        markup: Read ``[bold]``-style markup in ``message``.
        err: Print to stderr instead of stdout.
    """
    (err_console if err else console).print(message, highlight=False, markup=markup)


def print_json(data: Any) -> None:
    """Write ``data`` as JSON to stdout (no Rich markup, no wrapping)."""
    typer.echo(json.dumps(data, indent=2, ensure_ascii=False, default=str))


def settings_from(ctx: typer.Context) -> Settings:
    """The settings for this invocation, built once from ``--config`` and the env."""
    root = ctx.find_root()
    obj = root.obj if isinstance(root.obj, dict) else {}
    if "settings" not in obj:
        config: Path | None = obj.get("config")
        obj["settings"] = build_settings(config_file=config)
        root.obj = obj
    settings: Settings = obj["settings"]
    return settings


@contextmanager
def stage_spinner(label: str) -> Iterator[Callable[[str, int], None]]:
    """A transient spinner on stderr for a job that reports ``(stage, count)``.

    Yields the progress callback to pass to the job; the spinner shows the
    latest stage and count and the time elapsed, and disappears when done.
    """
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    with Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        TimeElapsedColumn(),
        console=err_console,
        transient=True,
    ) as bar:
        task = bar.add_task(label, total=None)
        yield lambda stage, n: bar.update(task, description=f"{stage} {n}")
