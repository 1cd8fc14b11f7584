"""The linker's data: options, per-ad facts, merges, results (private).

See :mod:`nowrongdoor.ads.link` for the method and
:mod:`nowrongdoor.ads.link._combine` for the graph step. The per-ad step here
(:func:`prepare`) is pure, so an engine may run it on partitions.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from nowrongdoor.ads.link._graph import Hub
from nowrongdoor.ads.link._model import FSModel
from nowrongdoor.ads.link._pairs import PairData
from nowrongdoor.ads.link._text import mask_text, shingle_hashes

__all__ = [
    "AdFacts",
    "LinkOptions",
    "LinkResult",
    "Merge",
    "facts_of",
    "prepare",
]


@dataclass(frozen=True)
class LinkOptions:
    """Settings of the linker (see docs/linking.md).

    Attributes:
        text_threshold: Smallest Jaccard similarity of two ads' distinctive
            shingles that makes a text edge (and the LSH band threshold).
        shingle_size: Words per shingle.
        num_perm: MinHash permutations.
        image_distance: Largest pHash Hamming distance of one photo's copies.
        distinctive_groups: A shingle is distinctive when at most this many
            contact groups use it; commoner shingles weigh nothing.
        merge_weight: Match weight (log2 Bayes factor) a text or photo edge
            needs to join two contact groups.
        conflict_days: Window of the conflict test (days each way).
        random_pairs: Random pairs sampled to estimate u.
        rarity: How a shingle's commonness is counted: ``groups`` (distinct
            contact groups using it, the default) or ``ads`` (document
            frequency over ads, with the cap scaled by the mean ads per
            contact group; kept to measure the choice).
        use_text: Use the text signal.
        use_images: Use the photo signal.
    """

    text_threshold: float = 0.3
    shingle_size: int = 3
    num_perm: int = 128
    image_distance: int = 6
    distinctive_groups: int = 5
    merge_weight: float = 8.0
    conflict_days: float = 7.0
    random_pairs: int = 10_000
    rarity: str = "groups"
    use_text: bool = True
    use_images: bool = True


@dataclass(frozen=True, slots=True)
class AdFacts:
    """What the linker and the profiles keep of one ad (no free text)."""

    id: str
    posted_at: str
    city: str
    state: str
    phones: tuple[str, ...]
    emails: tuple[str, ...]
    handles: tuple[str, ...]
    names: tuple[str, ...]
    ages: tuple[int, ...]
    rates: tuple[tuple[float, int | None], ...]
    indicators: tuple[str, ...]
    images: tuple[str, ...]
    descriptors: tuple[Any, ...] = ()


@dataclass(frozen=True, slots=True)
class Merge:
    """One union of two groups of ads, with the edge that caused it.

    Attributes:
        a: Index of one ad.
        b: Index of the other ad.
        kind: ``phone``, ``email``, ``handle``, ``image`` or ``text``.
        evidence: What the two ads share (a contact, image pair, similarity).
        weight: Strength of the edge in [0, 1].
        levels: Comparison level of the pair in every comparison (see
            :data:`~nowrongdoor.ads.link._model.COMPARISONS`).
        match_weight: log2 Bayes factor of the pair under the fitted model.
    """

    a: int
    b: int
    kind: str
    evidence: str
    weight: float
    levels: tuple[int, ...] = ()
    match_weight: float | None = None


@dataclass
class LinkResult:
    """Operations found in a corpus.

    Attributes:
        facts: The ads, in input order.
        operation: Operation id of every ad (same order).
        merges: Every union with its evidence.
        hubs: Shared keys ignored as hubs (conflicting or unsupported groups).
        unreadable_images: ``(reference, reason)`` for skipped images.
        counts: Signal counts for the report.
        image_hashes: Image reference -> 64-bit pHash (readable images).
        model: The fitted Fellegi-Sunter model (``None`` without pairs).
        pair_data: What the comparisons read of every ad (for explanations).
        contact_group: Contact group of every ad.
        refused: Text or photo edges above the bar refused because the two
            clusters conflict: ``(a, b, match weight)``.
    """

    facts: list[AdFacts]
    operation: list[str]
    merges: list[Merge]
    hubs: list[Hub]
    unreadable_images: list[tuple[str, str]] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    image_hashes: dict[str, int] = field(default_factory=dict)
    model: FSModel | None = None
    pair_data: PairData | None = None
    contact_group: list[int] = field(default_factory=list)
    refused: list[tuple[int, int, float]] = field(default_factory=list)


def _strs(value: Any) -> tuple[str, ...]:
    if not value:
        return ()
    if isinstance(value, str):
        return (value,)
    return tuple(str(v) for v in value if v not in (None, ""))


def facts_of(rec: dict[str, Any]) -> AdFacts:
    """The linker's view of one scanned record."""
    locs = rec.get("locations") or []
    city = str(rec.get("city") or (locs[0].get("city") if locs else "") or "")
    state = str(rec.get("state") or (locs[0].get("state") if locs else "") or "")
    rates: list[tuple[float, int | None]] = []
    for r in rec.get("rates") or []:
        if isinstance(r, dict) and isinstance(r.get("amount"), int | float):
            minutes = r.get("minutes")
            rates.append((float(r["amount"]), int(minutes) if minutes else None))
    ages = tuple(int(a) for a in rec.get("ages") or [] if isinstance(a, int | float))
    if not ages and isinstance(rec.get("poster_age"), int):
        ages = (int(rec["poster_age"]),)
    return AdFacts(
        id=str(rec["id"]),
        posted_at=str(rec.get("posted_at") or ""),
        city=city,
        state=state.upper(),
        phones=_strs(rec.get("phones")),
        emails=tuple(e.lower() for e in _strs(rec.get("emails"))),
        handles=tuple(h.lower() for h in _strs(rec.get("handles"))),
        names=_strs(rec.get("names")),
        ages=ages,
        rates=tuple(rates),
        indicators=tuple(
            str(i.get("code"))
            for i in rec.get("indicators") or []
            if isinstance(i, dict)
        ),
        images=_strs(rec.get("images")),
        descriptors=tuple(rec.get("descriptors") or ()),
    )


def _ad_shingles(rec: dict[str, Any], facts: AdFacts, k: int) -> np.ndarray:
    text = rec.get("text")
    if not isinstance(text, str) or not text.strip():
        return np.zeros(0, dtype=np.uint32)
    places = {facts.city} | {
        str(loc.get("city") or "") for loc in rec.get("locations") or []
    }
    tokens = mask_text(
        text, rec.get("title"), facts.names, sorted(places, key=len), facts.handles
    )
    return shingle_hashes(tokens, k)


def prepare(
    records: Iterable[dict[str, Any]],
    options: LinkOptions,
    progress: Callable[[str, int], None] | None = None,
) -> tuple[list[AdFacts], list[np.ndarray]]:
    """Per-ad step: the linker's facts and shingle hashes of a batch of ads.

    Pure and independent per ad, so an engine may run it on partitions in
    parallel and concatenate the results in input order.

    Args:
        records: Scanned records.
        options: Settings (shingle size, text on or off).
        progress: Called with ``("read", count)``.

    Returns:
        The facts and, per ad, the sorted ``uint32`` hashes of its masked
        shingles (empty when the text signal is off).
    """
    facts: list[AdFacts] = []
    shingles: list[np.ndarray] = []
    empty = np.zeros(0, dtype=np.uint32)
    for n, rec in enumerate(records):
        f = facts_of(rec)
        facts.append(f)
        shingles.append(
            _ad_shingles(rec, f, options.shingle_size) if options.use_text else empty
        )
        if progress and n % 2000 == 0:
            progress("read", n)
    return facts, shingles
