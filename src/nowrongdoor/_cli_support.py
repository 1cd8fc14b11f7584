"""Shared helpers for the area command groups (private)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, NoReturn

import typer
from rich.console import Console
from rich.markup import escape

from nowrongdoor.settings import Settings, build_settings

__all__ = ["console", "err_console", "fail", "print_json", "settings_from"]

console = Console()
err_console = Console(stderr=True)


def fail(message: str, code: int = 2) -> NoReturn:
    """Print one error sentence to stderr and exit with ``code``."""
    err_console.print(
        f"[bold red]error:[/] {escape(message)}", highlight=False, soft_wrap=True
    )
    raise typer.Exit(code)


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
