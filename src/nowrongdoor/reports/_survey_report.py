"""The survey report: charts, CSV tables and a self-contained HTML page (private)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from nowrongdoor.reports._charts import Chart, bar_chart
from nowrongdoor.reports._html import render_template
from nowrongdoor.reports._output import ReportWriter
from nowrongdoor.reports._survey import ReportingTable, SurveyAnalysis

__all__ = [
    "render_survey_html",
    "survey_charts",
    "survey_csv_tables",
    "write_survey_report",
]

SURVEY_TITLE = "Survivor survey: health, mental health and insurance"


def _series(table: ReportingTable) -> dict[str, list[float | None]]:
    series: dict[str, list[float | None]] = {}
    for c, column in enumerate(table.columns):
        suffix = "" if len(table.columns) == 1 else f" - {column.lower()}"
        series[f"Local{suffix}"] = [row.local[c].percent for row in table.rows]
        if table.reference is not None:
            series[f"Deck{suffix}"] = [row.reference[c] for row in table.rows]
    return series


def survey_charts(analysis: SurveyAnalysis) -> dict[str, Chart]:
    """One chart per survey table, from published (suppressed) values only."""
    charts: dict[str, Chart] = {}
    for table in analysis.tables:
        series = _series(table)
        charts[table.key] = bar_chart(
            f"survey_{table.key}",
            table.title,
            [row.label for row in table.rows],
            series,
            missing_labels={
                name: "not published" for name in series if name.startswith("Deck")
            },
        )
    age = analysis.age_first
    charts["age_first"] = bar_chart(
        "survey_age_first",
        age.title,
        list(age.row_labels),
        {"Respondents": [float(v) if v is not None else None for (v,) in age.cells]},
        xlabel="Respondents",
    )
    return charts


def survey_csv_tables(analysis: SurveyAnalysis) -> dict[str, list[list[object]]]:
    """CSV rows per table (suppressed values are empty; a column says why)."""
    out: dict[str, list[list[object]]] = {}
    for table in analysis.tables:
        header: list[object] = ["answer"]
        for column in table.columns:
            tag = (
                ""
                if len(table.columns) == 1
                else f"_{column.lower().replace(' ', '_')}"
            )
            header += [
                f"number_reporting{tag}",
                f"percent_reporting{tag}",
                f"deck_percent_reporting{tag}",
            ]
        rows: list[list[object]] = [header]
        for row in table.rows:
            line: list[object] = [row.label]
            for c, value in enumerate(row.local):
                line += [
                    "*" if value.number is None else value.number,
                    "*" if value.percent is None else f"{value.percent:.2f}",
                    "" if row.reference[c] is None else f"{row.reference[c]:.2f}",
                ]
            rows.append(line)
        respondents: list[object] = ["respondents answering"]
        for n in table.respondents:
            respondents += ["*" if n is None else n, "", ""]
        rows.append(respondents)
        out[f"survey_{table.key}"] = rows
    out["survey_age_first"] = [list(r) for r in analysis.age_first.as_rows()]
    out["survey_age_now"] = [list(r) for r in analysis.age_now.as_rows()]
    return out


def render_survey_html(
    analysis: SurveyAnalysis,
    charts: dict[str, Chart] | None = None,
    *,
    fragment: bool = False,
    generated: str | None = None,
) -> str:
    """The survey report as HTML (a whole page, or a fragment for a web page)."""
    return render_template(
        "survey.html",
        a=analysis,
        charts=charts if charts is not None else survey_charts(analysis),
        title=SURVEY_TITLE,
        fragment=fragment,
        generated=generated or dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
    )


_WRITER = ReportWriter(
    "survey.html", survey_charts, survey_csv_tables, render_survey_html
)


def write_survey_report(analysis: SurveyAnalysis, out: Path) -> list[Path]:
    """Write ``survey.html``, ``tables/*.csv`` and ``charts/*.png`` under ``out``."""
    return _WRITER.write(analysis, out)
