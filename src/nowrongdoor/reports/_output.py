"""Writing a report folder: HTML, CSV tables, PNG charts, each atomically (private)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from nowrongdoor._output import csv_text, write_atomic
from nowrongdoor.errors import UserInputError
from nowrongdoor.reports._charts import Chart

__all__ = ["table_csv", "write_report"]


def table_csv(rows: Sequence[Sequence[object]]) -> str:
    """A report table (header row first) as CSV text."""
    return csv_text(rows[0], rows[1:]) if rows else ""


def write_report(
    out: Path,
    tables: Mapping[str, Sequence[Sequence[object]]],
    charts: Mapping[str, Chart],
    html_name: str,
    html: str,
) -> list[Path]:
    """Write ``tables/*.csv``, ``charts/*.png`` and the HTML page under ``out``.

    Every file is renamed into place only when complete, so an interrupted run
    never leaves a half-written table, chart or page.

    Args:
        out: The report folder (created if missing).
        tables: Table name -> rows (header first).
        charts: The drawn charts.
        html_name: File name of the page (``program.html``).
        html: The page.

    Returns:
        The files written.

    Raises:
        UserInputError: ``out`` exists and is not a directory.
    """
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise UserInputError(f"output path {out} exists and is not a directory")
    for sub in ("tables", "charts"):
        (out / sub).mkdir(parents=True, exist_ok=True)
    written = [
        write_atomic(out / "tables" / f"{name}.csv", table_csv(rows))
        for name, rows in tables.items()
    ]
    written += [
        write_atomic(out / "charts" / f"{chart.name}.png", chart.png)
        for chart in charts.values()
    ]
    written.append(write_atomic(out / html_name, html))
    return written
