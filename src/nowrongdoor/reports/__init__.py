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

from nowrongdoor.reports import (
    _charts,
    _metrics,
    _program_report,
    _reference,
    _suppress,
    _survey,
    _survey_report,
)
from nowrongdoor.reports._charts import *  # noqa: F403
from nowrongdoor.reports._instrument import (
    AGE_FIRST_BINS,
    SURVEY_INSTRUMENT_ID,
    SURVEY_URL,
    SurveyItem,
    survey_items,
    survey_questionnaire,
)
from nowrongdoor.reports._metrics import *  # noqa: F403
from nowrongdoor.reports._program_report import *  # noqa: F403
from nowrongdoor.reports._queries import AGE_BANDS, METRIC_SPECS, MetricSpec, Period
from nowrongdoor.reports._reference import *  # noqa: F403
from nowrongdoor.reports._suppress import *  # noqa: F403
from nowrongdoor.reports._survey import *  # noqa: F403
from nowrongdoor.reports._survey_report import *  # noqa: F403

__all__ = [
    "AGE_BANDS",
    "AGE_FIRST_BINS",
    "METRIC_SPECS",
    "MetricSpec",
    "Period",
    "SURVEY_INSTRUMENT_ID",
    "SURVEY_URL",
    "SurveyItem",
    "survey_items",
    "survey_questionnaire",
    *_charts.__all__,
    *_metrics.__all__,
    *_program_report.__all__,
    *_reference.__all__,
    *_suppress.__all__,
    *_survey.__all__,
    *_survey_report.__all__,
]
