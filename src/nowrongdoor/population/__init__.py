"""nowrongdoor.population: an explainable trafficking-risk worklist from claims and
FHIR Bulk Data, written once as Ibis expressions and run on DuckDB or Spark.

Heavy libraries (ibis, pyarrow, duckdb, pyspark) load only when a function that
needs them runs.
"""

from nowrongdoor.population._backends import Engine, connect
from nowrongdoor.population._model import TIERS, ScoringModel, load_scoring_model
from nowrongdoor.population._outputs import OUTPUT_FILES, WORKLIST_COLUMNS
from nowrongdoor.population._valueset_export import (
    VALUESET_CSV_COLUMNS,
    export_value_sets,
    fhir_value_set,
)
from nowrongdoor.population._valuesets import (
    SENSITIVITY_LABELS,
    ValueSet,
    icd10cm_codes,
    load_value_sets,
)

__all__ = [
    "OUTPUT_FILES",
    "SENSITIVITY_LABELS",
    "TIERS",
    "VALUESET_CSV_COLUMNS",
    "WORKLIST_COLUMNS",
    "Engine",
    "ScoreResult",
    "ScoringModel",
    "ValueSet",
    "connect",
    "export_value_sets",
    "fhir_value_set",
    "icd10cm_codes",
    "load_scoring_model",
    "load_value_sets",
    "score_population",
]


def __getattr__(name: str) -> object:
    # The pipeline imports ibis at module level; load it on first use only.
    if name in ("score_population", "ScoreResult", "STEPS"):
        from nowrongdoor.population import _pipeline

        return getattr(_pipeline, name)
    raise AttributeError(name)
