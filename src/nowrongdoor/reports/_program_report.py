"""The program report: charts, CSV tables and a self-contained HTML page (private)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from nowrongdoor.reports._charts import Chart, bar_chart, line_chart
from nowrongdoor.reports._html import render_template
from nowrongdoor.reports._metrics import MetricTable, ProgramMetrics
from nowrongdoor.reports._output import ReportWriter
from nowrongdoor.reports._suppress import SuppressedTable

__all__ = [
    "program_charts",
    "program_csv_tables",
    "render_program_html",
    "write_program_report",
]

PROGRAM_TITLE = "Program reach and outcomes"

#: Monthly series on the trend chart: (label, table key).
_TRENDS = (
    ("Screenings", "screenings_by_month_instrument"),
    ("People identified", "identified_by_month_source"),
    ("Cases opened", "cases_by_month_pathway"),
    ("Referrals sent", "referrals_by_month_status"),
)

#: Bar charts of published totals: (chart, file name, title, table key, totals of
#: its columns or rows, series label).
_BARS = (
    ("referrals", "program_referrals_by_status",
     "Referrals sent in the period, by current status", "referrals_by_month_status",
     "col", "Referrals"),
    ("pathways", "program_cases_by_pathway", "Cases opened, by pathway",
     "cases_by_month_pathway", "col", "Cases"),
    ("needs", "program_needs_by_category", "Needs recorded, by SDOH category",
     "needs_by_category_status", "row", "Needs"),
)  # fmt: skip


def _row_totals(table: SuppressedTable) -> list[int | None]:
    if len(table.col_labels) == 1:
        return [row[0] for row in table.cells]
    return list(table.row_totals)


def program_charts(metrics: ProgramMetrics) -> dict[str, Chart]:
    """Charts drawn from published (suppressed) totals only."""
    charts: dict[str, Chart] = {}
    months = list(metrics.table("screenings_by_month_instrument").row_labels)
    series = {}
    for label, key in _TRENDS:
        table = metrics.table(key)
        by_month = dict(zip(table.row_labels, _row_totals(table), strict=True))
        series[label] = [by_month.get(month) for month in months]
    charts["monthly"] = line_chart(
        "program_monthly", "Reach by month", months, series, ylabel="Count"
    )
    for chart, name, title, key, by, label in _BARS:
        table = metrics.table(key)
        if by == "col":
            labels, totals = list(table.col_labels), list(table.col_totals)
        else:
            labels = [row.replace("_", " ") for row in table.row_labels]
            totals = _row_totals(table)
        values = [None if v is None else float(v) for v in totals]
        charts[chart] = bar_chart(name, title, labels, {label: values}, xlabel=label)
    return charts


def program_csv_tables(metrics: ProgramMetrics) -> dict[str, list[list[str]]]:
    """CSV rows per table; suppressed values are ``*``."""
    out: dict[str, list[list[str]]] = {
        item.spec.key: item.table.as_rows() for item in metrics.tables
    }
    r = metrics.referrals

    def show(value: float | int | None) -> str:
        return "*" if value is None else str(value)

    out["referral_outcomes"] = [
        ["measure", "value"],
        ["sent", show(r.sent)],
        ["accepted", show(r.accepted)],
        ["declined", show(r.declined)],
        ["completed", show(r.completed)],
        ["loop_closed", show(r.loop_closed)],
        [
            "loop_closure_rate_percent",
            show(
                None if r.loop_closure_rate is None else round(r.loop_closure_rate, 1)
            ),
        ],
        ["median_days_to_accept", show(r.median_days_to_accept)],
        ["median_days_to_complete", show(r.median_days_to_complete)],
    ]
    return out


def _sections(metrics: ProgramMetrics) -> list[tuple[str, list[MetricTable]]]:
    sections: dict[str, list[MetricTable]] = {}
    for item in metrics.tables:
        sections.setdefault(item.spec.section, []).append(item)
    return list(sections.items())


def render_program_html(
    metrics: ProgramMetrics,
    charts: dict[str, Chart] | None = None,
    *,
    fragment: bool = False,
) -> str:
    """The program report as HTML: a whole page, or a fragment for a web page.

    Args:
        metrics: From :func:`nowrongdoor.reports.program_metrics`.
        charts: Precomputed charts; drawn here when ``None``. Pass ``{}`` for
            tables only.
        fragment: Leave out ``<html>``, ``<head>`` and the stylesheet (for
            embedding in the supervisor/admin pages).
    """
    return render_template(
        "program.html",
        m=metrics,
        headline=metrics.headline(),
        charts=program_charts(metrics) if charts is None else charts,
        sections=_sections(metrics),
        title=PROGRAM_TITLE,
        fragment=fragment,
        generated=metrics.generated_at.astimezone(dt.UTC).strftime(
            "%Y-%m-%d %H:%M UTC"
        ),
    )


_WRITER = ReportWriter(
    "program.html", program_charts, program_csv_tables, render_program_html
)


def write_program_report(metrics: ProgramMetrics, out: Path) -> list[Path]:
    """Write ``program.html``, ``tables/*.csv`` and ``charts/*.png`` under ``out``."""
    return _WRITER.write(metrics, out)
