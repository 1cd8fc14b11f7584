"""nowrongdoor.ads: read online ads into structured, searchable facts.

    from nowrongdoor.ads import extract, iter_ads, scan
    record = extract("new in town, call nine0three 3l2 one8eight7, 80hh")
    record["phones"]        # ['+19033121887']
    scan("ads.jsonl", "scanned.jsonl", workers=2)

Every record has exactly the keys in ``OUTPUT_KEYS``; see docs/ads.md.
"""

from nowrongdoor.ads._extract import OUTPUT_KEYS, document_text, explain, extract
from nowrongdoor.ads._indicators import (
    REFERENCE_HOURLY_RATE,
    IndicatorDef,
    IndicatorHit,
    definitions,
)
from nowrongdoor.ads._ingest import (
    DEFAULT_MAX_CHARS,
    AdInput,
    BadRecord,
    SiteProfile,
    iter_ads,
    load_profile,
)
from nowrongdoor.ads._phones import area_code_state
from nowrongdoor.ads._scan import ScanSummary, parquet_schema, scan

__all__ = [
    "DEFAULT_MAX_CHARS",
    "OUTPUT_KEYS",
    "REFERENCE_HOURLY_RATE",
    "AdInput",
    "BadRecord",
    "IndicatorDef",
    "IndicatorHit",
    "ScanSummary",
    "SiteProfile",
    "area_code_state",
    "definitions",
    "document_text",
    "explain",
    "extract",
    "iter_ads",
    "load_profile",
    "parquet_schema",
    "scan",
]
