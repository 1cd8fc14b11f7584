"""``nowrongdoor ads``: scan, evaluate, link and match online ads."""

from __future__ import annotations

import typer

__all__ = ["app"]

app = typer.Typer(help="Online ads: extraction, indicators, operations, matching.")
