"""reports: its public names, each listed once in the module defining it."""

from __future__ import annotations

import importlib

import nowrongdoor.reports as reports

PUBLIC = {
    "AGE_BANDS",
    "METRIC_SPECS",
    "MetricSpec",
    "MetricTable",
    "Period",
    "ProgramMetrics",
    "ReferralOutcomes",
    "program_charts",
    "program_csv_tables",
    "program_metrics",
    "render_program_html",
    "write_program_report",
    "suppress_linked",
    "AGE_FIRST_BINS",
    "SURVEY_INSTRUMENT_ID",
    "SURVEY_URL",
    "Chart",
    "CountTable",
    "EntryKey",
    "GlobalKey",
    "ReferenceTable",
    "ReportedValue",
    "ReportingRow",
    "ReportingTable",
    "SuppressedTable",
    "SurveyAnalysis",
    "SurveyItem",
    "SurveyResponse",
    "analyse_survey",
    "bar_chart",
    "feasible_intervals",
    "line_chart",
    "load_survey_responses",
    "parse_survey_response",
    "render_survey_html",
    "suppress",
    "suppress_system",
    "survey_charts",
    "survey_csv_tables",
    "survey_items",
    "survey_questionnaire",
    "survey_reference",
    "survey_responses_from_care",
    "write_survey_report",
}


def test_public_names_are_unchanged_and_listed_once() -> None:
    assert len(reports.__all__) == len(set(reports.__all__))
    assert set(reports.__all__) == PUBLIC


def test_every_public_name_is_in_its_defining_modules_list() -> None:
    for name in reports.__all__:
        owner = getattr(getattr(reports, name), "__module__", None)
        if owner and owner.startswith("nowrongdoor.reports._"):
            assert name in importlib.import_module(owner).__all__, (name, owner)
