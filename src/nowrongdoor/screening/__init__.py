"""Screening: FHIR-based instruments, their scoring, and the legal decision aid.

Instruments are FHIR R4B Questionnaires with a scoring sidecar; answers come in
as ``{linkId: true | false | null}`` or a QuestionnaireResponse, and a result goes
out with its FHIR QuestionnaireResponse, RiskAssessment and (when positive) Flag::

    from nowrongdoor.screening import classify, score
    result = score("qyit", {"unsafe-work": True, "afraid-to-leave": False,
                            "exchanged-sex": False, "tricked-into-work": False})
    result.positive, result.recommended_pathway, result.to_fhir()
    classify({"age": 16, "commercial_sex_act": True}).classification
"""

from nowrongdoor.screening._classify import FACT_KEYS, Classification, classify
from nowrongdoor.screening._engine import (
    check_population,
    get_instrument,
    list_instruments,
    normalise_answers,
    outside_population,
    score,
)
from nowrongdoor.screening._models import (
    Hotline,
    Instrument,
    InstrumentInfo,
    Item,
    ReportingContact,
    Safety,
)
from nowrongdoor.screening._registry import (
    InstrumentDataError,
    InstrumentRegistry,
    default_registry,
    load_instrument_files,
)
from nowrongdoor.screening._result import ScreeningResult
from nowrongdoor.screening._safety import reporting_states, safety_response

__all__ = [
    "FACT_KEYS",
    "Classification",
    "Hotline",
    "Instrument",
    "InstrumentDataError",
    "InstrumentInfo",
    "InstrumentRegistry",
    "Item",
    "ReportingContact",
    "Safety",
    "ScreeningResult",
    "check_population",
    "classify",
    "default_registry",
    "get_instrument",
    "list_instruments",
    "load_instrument_files",
    "normalise_answers",
    "outside_population",
    "reporting_states",
    "safety_response",
    "score",
]
