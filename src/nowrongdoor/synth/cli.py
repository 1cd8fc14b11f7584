"""``nowrongdoor synth``: synthetic data generators (never real people)."""

from __future__ import annotations

import typer

__all__ = ["app"]

app = typer.Typer(help="Generate synthetic data for demos, tests and benchmarks.")
