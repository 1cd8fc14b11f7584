"""Synthetic online-ad corpus with operations, missing-person posters and truth.

Everything it writes is invented. Ads carry only contacts, places, rates, claimed
ages and indicator phrases (never explicit content).

Files written to ``out_dir``:

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

from collections.abc import Callable
from pathlib import Path

from nowrongdoor.synth._ads_gen import AdsCorpus, generate
from nowrongdoor.synth._ads_hard import HARD, HardOptions
from nowrongdoor.synth._ads_posters import POSTER_FIELDS

__all__ = ["HARD", "POSTER_FIELDS", "AdsCorpus", "HardOptions", "generate_ads"]


def generate_ads(
    operations: int,
    seed: int,
    out_dir: Path,
    *,
    singletons: int | None = None,
    missing: int | None = None,
    mean_ads: float = 8.0,
    images: bool = True,
    progress: Callable[[int], None] | None = None,
    hard: HardOptions | None = None,
) -> AdsCorpus:
    """Generate a deterministic synthetic ad corpus with ground truth.

    Args:
        operations: Number of multi-ad operations.
        seed: Random seed; the same seed and arguments give the same files.
        out_dir: Directory to write into (created if missing).
        singletons: One-off ads (default: as many as ``operations``).
        missing: Planted missing persons (default ``operations // 10``, at least
            one); as many decoy posters are added.
        mean_ads: Mean number of ads per operation (at least two each).
        images: Write procedural images (off for large scale runs).
        progress: Called with the number of operations done so far.
        hard: Failure classes of ad linking to plant (shared boilerplate, site
            footers, free-written ads, stock photos, shared booking lines,
            burner phones; see :class:`HardOptions`; :data:`HARD` plants all).

    Returns:
        An :class:`AdsCorpus` summary.

    Raises:
        ValueError: ``operations`` is negative or ``mean_ads`` not positive.
    """
    if operations < 0:
        raise ValueError("operations must be zero or more")
    if mean_ads <= 0:
        raise ValueError("mean_ads must be positive")
    return generate(
        operations,
        seed,
        Path(out_dir),
        singletons=singletons,
        missing=missing,
        mean_ads=mean_ads,
        images=images,
        progress=progress,
        hard=hard,
    )
