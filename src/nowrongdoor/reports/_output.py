"""Writing a report folder: HTML, CSV tables, PNG charts, each atomically (private)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Generic, TypeVar

from nowrongdoor._output import csv_text, out_folder, write_atomic
from nowrongdoor.errors import UserInputError
from nowrongdoor.reports._charts import Chart

__all__ = ["ReportWriter", "table_csv", "write_report"]

S = TypeVar("S")


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
        out_folder(out / sub)
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


@dataclass(frozen=True)
class ReportWriter(Generic[S]):
    """How one kind of report folder is made from what it reports on.

    The charts are drawn once and serve both the PNG files and the page.

    Attributes:
        page: File name of the page (``program.html``).
        charts: The charts of a subject.
        tables: The CSV tables of a subject: table name -> rows (header first).
        render: The page of a subject, given its charts.
    """

    page: str
    charts: Callable[[S], dict[str, Chart]]
    tables: Callable[[S], Mapping[str, Sequence[Sequence[object]]]]
    render: Callable[[S, dict[str, Chart]], str]

    def write(self, subject: S, out: Path) -> list[Path]:
        """Write the page, ``tables/*.csv`` and ``charts/*.png`` under ``out``.

        Args:
            subject: What the report is about (program metrics, a survey analysis).
            out: The report folder (created if missing).

        Returns:
            The files written (see :func:`write_report`).
        """
        charts = self.charts(subject)
        return write_report(
            out, self.tables(subject), charts, self.page, self.render(subject, charts)
        )
