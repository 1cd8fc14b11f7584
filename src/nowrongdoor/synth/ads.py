"""Synthetic online ads with known truth: the one ad generator, in two modes.

- :func:`generate_ads` writes a corpus of operations, single ads and
  missing-person posters with its truth (for linking and matching).
- :func:`generate_gold_ads` yields ads with per-field gold labels (phones in
  every style of :data:`PHONE_STYLES`, ages, rates, places, indicators, ad kind)
  for extraction evaluation (``tests/data/make_ads_eval.py``) and benchmarks.

Both write phone numbers through one renderer. Everything is invented. Ads carry
only contacts, places, rates, claimed ages and indicator phrases (never explicit
content).

Files :func:`generate_ads` writes to ``out_dir``:

- ``ads.jsonl``: one raw ad a line (``id, text, title, posted_at, city, state,
  images, poster_age, site``), in posting order.
- ``scanned_truth.jsonl``: the same ads with the fields an extractor should find
  (the ``nowrongdoor ads scan`` schema plus the raw fields).
- ``posters.jsonl`` and ``posters.csv``: missing-person posters (``case_id, name,
  aliases, birth_date or age_at_missing, sex, race, height, weight, hair, eyes,
  marks, missing_date, city, state, photo``); planted cases and decoys.
- ``truth.json``: ``operations`` (ad id -> operation id; singletons have their own
  ids), ``cases`` (case id -> ad ids showing that person; empty for decoys) and
  the planted hub contacts (and, in a harder corpus, ``shared_booking_lines``
  and ``stock_photos``).
- ``images/`` and ``posters/``: small procedural PNG pictures.
"""

from __future__ import annotations

from nowrongdoor.synth._ads_gen import AdsCorpus, generate_ads
from nowrongdoor.synth._ads_gold import AREA_CODES as GOLD_AREA_CODES
from nowrongdoor.synth._ads_gold import generate_gold_ads
from nowrongdoor.synth._ads_hard import HARD, HardOptions
from nowrongdoor.synth._ads_phones import OBFUSCATED_STYLES, PHONE_STYLES
from nowrongdoor.synth._ads_posters import POSTER_FIELDS

__all__ = [
    "GOLD_AREA_CODES",
    "HARD",
    "OBFUSCATED_STYLES",
    "PHONE_STYLES",
    "POSTER_FIELDS",
    "AdsCorpus",
    "HardOptions",
    "generate_ads",
    "generate_gold_ads",
]
