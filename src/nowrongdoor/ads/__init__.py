"""nowrongdoor.ads: read online ads into structured, searchable facts.

    from nowrongdoor.ads import extract, iter_ads, link_file, match_files, scan
    record = extract("new in town, call nine0three 3l2 one8eight7, 80hh")
    record["phones"]        # ['+19033121887']
    scan("ads.jsonl", "scanned.jsonl", workers=2)
    link_file(Path("scanned.jsonl"), Path("linked"))      # operations, edges
    match_files(Path("posters.csv"), Path("scanned.jsonl"), Path("matches"))

Every record has exactly the keys in ``OUTPUT_KEYS``; see docs/ads.md.
Linking lives in the :mod:`nowrongdoor.ads.link` subpackage and missing-person
matching in :mod:`nowrongdoor.ads.match`; both are private and this module is
their one public face (docs/linking.md).
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
from nowrongdoor.ads.link._core import AdFacts, LinkOptions, LinkResult, Merge
from nowrongdoor.ads.link._explain import explain_pair
from nowrongdoor.ads.link._graph import Hub
from nowrongdoor.ads.link._io import ReadReport
from nowrongdoor.ads.link._metrics import (
    adjusted_rand_index,
    pairwise_scores,
    recall_at_k,
)
from nowrongdoor.ads.link._profiles import hourly_rate, profile_operations
from nowrongdoor.ads.link._run import explain_file, link_ads, link_file
from nowrongdoor.ads.match._model import COMPARISONS as MATCH_COMPARISONS
from nowrongdoor.ads.match._model import M_PROBABILITIES as MATCH_M_PROBABILITIES
from nowrongdoor.ads.match._posters import Poster, load_posters
from nowrongdoor.ads.match._run import MATCH_COLUMNS, Match, match_files, match_linked

__all__ = [
    "DEFAULT_MAX_CHARS",
    "MATCH_COLUMNS",
    "MATCH_COMPARISONS",
    "MATCH_M_PROBABILITIES",
    "OUTPUT_KEYS",
    "REFERENCE_HOURLY_RATE",
    "AdFacts",
    "AdInput",
    "BadRecord",
    "Hub",
    "IndicatorDef",
    "IndicatorHit",
    "LinkOptions",
    "LinkResult",
    "Match",
    "Merge",
    "Poster",
    "ReadReport",
    "ScanSummary",
    "SiteProfile",
    "adjusted_rand_index",
    "area_code_state",
    "definitions",
    "document_text",
    "explain",
    "explain_file",
    "explain_pair",
    "extract",
    "hourly_rate",
    "iter_ads",
    "link_ads",
    "link_file",
    "load_posters",
    "load_profile",
    "match_files",
    "match_linked",
    "pairwise_scores",
    "parquet_schema",
    "profile_operations",
    "recall_at_k",
    "scan",
]
