"""Program reach and outcome reports, privacy-safe.

Every number a report or a web page shows comes from the functions here, so the
CLI and the web pages share one implementation:

* :func:`suppress` - primary and complementary cell suppression of a 2-D count
  table with margins (CMS cell-size policy), audited with linear programs.
* :func:`program_metrics` - reach and outcomes from the care database (and a
  population worklist) for any period, every table from one query named in
  :data:`METRIC_SPECS`, suppressed with linked totals kept consistent.
* :func:`analyse_survey`, :func:`render_survey_html`, :func:`write_survey_report`
  - the survivor survey (a FHIR Questionnaire) in the deck's table shapes, beside
  the deck's published figures.

Heavy libraries (SciPy, SQLAlchemy, Matplotlib, Jinja2, fhir.resources) are
imported inside the functions that need them, so ``import nowrongdoor.reports``
stays light.
"""

from nowrongdoor.reports._charts import Chart, bar_chart, line_chart
from nowrongdoor.reports._instrument import (
    AGE_FIRST_BINS,
    SURVEY_INSTRUMENT_ID,
    SURVEY_URL,
    SurveyItem,
    survey_items,
    survey_questionnaire,
)
from nowrongdoor.reports._metrics import (
    MetricTable,
    ProgramMetrics,
    ReferralOutcomes,
    program_metrics,
    suppress_linked,
)
from nowrongdoor.reports._program_report import (
    program_charts,
    program_csv_tables,
    render_program_html,
    write_program_report,
)
from nowrongdoor.reports._queries import AGE_BANDS, METRIC_SPECS, MetricSpec, Period
from nowrongdoor.reports._reference import ReferenceTable, survey_reference
from nowrongdoor.reports._suppress import (
    CountTable,
    EntryKey,
    GlobalKey,
    SuppressedTable,
    feasible_intervals,
    suppress,
    suppress_system,
)
from nowrongdoor.reports._survey import (
    ReportedValue,
    ReportingRow,
    ReportingTable,
    SurveyAnalysis,
    SurveyResponse,
    analyse_survey,
    load_survey_responses,
    parse_survey_response,
    survey_responses_from_care,
)
from nowrongdoor.reports._survey_report import (
    render_survey_html,
    survey_charts,
    survey_csv_tables,
    write_survey_report,
)

__all__ = [
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
]
