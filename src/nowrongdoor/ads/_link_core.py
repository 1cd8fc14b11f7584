"""Link scanned ads into operations (private; see :mod:`nowrongdoor.ads.link`).

Signals, strongest first: a shared phone number, email or social handle (after
normalisation); a shared photo (perceptual hash within a Hamming distance); a
near-duplicate text after masking the slots that vary between the ads of one
template. Each signal is an edge with its evidence. Keys that glue otherwise
unrelated ads (booking lines, verification handles, stock photos) are found by
the hub guard and ignored, with the reason. Union-find joins the rest; every
merge is kept with the edge that caused it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from nowrongdoor.ads._link_graph import Hub, UnionFind, find_hubs, index_keys
from nowrongdoor.ads._link_images import hamming, hash_images, image_clusters
from nowrongdoor.ads._link_text import mask_text, shingles, signatures, text_edges

#: Ads whose shingles are turned into MinHash signatures at a time (the shingles
#: are then dropped, so memory holds signatures, not texts).
_SIG_CHUNK = 20_000

__all__ = [
    "AdFacts",
    "LinkOptions",
    "LinkResult",
    "Merge",
    "combine",
    "facts_of",
    "link_facts",
    "prepare",
]


@dataclass(frozen=True)
class LinkOptions:
    """Thresholds of the linker (defaults tuned on the synthetic corpus).

    Attributes:
        text_threshold: Minimum estimated Jaccard similarity of two masked texts
            (word 3-gram shingles).
        shingle_size: Words per shingle.
        num_perm: MinHash permutations.
        image_distance: Largest pHash Hamming distance of one photo's copies.
        hub_max_groups: Unrelated groups (text templates) a shared contact may
            join before it can be a hub.
        image_hub_max_groups: Unrelated groups (templates joined with contacts)
            a shared photo may join before it can be a hub; lower, because one
            operation's photos rarely span groups its contacts do not join.
        hub_min_share: Groups per ad above which a wide key is a hub.
        use_text: Use the text signal.
        use_images: Use the photo signal.
    """

    text_threshold: float = 0.42
    shingle_size: int = 3
    num_perm: int = 128
    image_distance: int = 6
    hub_max_groups: int = 5
    image_hub_max_groups: int = 2
    hub_min_share: float = 0.5
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
    """

    a: int
    b: int
    kind: str
    evidence: str
    weight: float


@dataclass
class LinkResult:
    """Operations found in a corpus.

    Attributes:
        facts: The ads, in input order.
        operation: Operation id of every ad (same order).
        merges: Every union with its evidence.
        hubs: Shared keys ignored by the hub guard.
        unreadable_images: ``(reference, reason)`` for skipped images.
        counts: Signal counts for the report.
        image_hashes: Image reference -> 64-bit pHash (readable images).
    """

    facts: list[AdFacts]
    operation: list[str]
    merges: list[Merge]
    hubs: list[Hub]
    unreadable_images: list[tuple[str, str]] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    image_hashes: dict[str, int] = field(default_factory=dict)


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


def _ad_shingles(rec: dict[str, Any], facts: AdFacts, k: int) -> set[bytes]:
    text = rec.get("text")
    if not isinstance(text, str) or not text.strip():
        return set()
    places = {facts.city} | {
        str(loc.get("city") or "") for loc in rec.get("locations") or []
    }
    tokens = mask_text(
        text, rec.get("title"), facts.names, sorted(places, key=len), facts.handles
    )
    return shingles(tokens, k)


def prepare(
    records: Iterable[dict[str, Any]],
    options: LinkOptions,
    progress: Callable[[str, int], None] | None = None,
) -> tuple[list[AdFacts], np.ndarray]:
    """Per-ad step: the linker's facts and MinHash signatures of a batch of ads.

    Pure and independent per ad, so an engine may run it on partitions in
    parallel and concatenate the results in input order.

    Args:
        records: Scanned records.
        options: Thresholds (shingle size, permutations, text on or off).
        progress: Called with ``("read", count)``.

    Returns:
        The facts and a ``(len(facts), num_perm)`` signature matrix (zero
        columns when the text signal is off).
    """
    facts: list[AdFacts] = []
    sig_blocks: list[np.ndarray] = []
    pending: list[set[bytes]] = []
    for n, rec in enumerate(records):
        f = facts_of(rec)
        facts.append(f)
        if options.use_text:
            pending.append(_ad_shingles(rec, f, options.shingle_size))
            if len(pending) >= _SIG_CHUNK:
                sig_blocks.append(signatures(pending, options.num_perm))
                pending = []
        if progress and n % 2000 == 0:
            progress("read", n)
    if pending:
        sig_blocks.append(signatures(pending, options.num_perm))
    width = options.num_perm if options.use_text else 0
    sigs = np.vstack(sig_blocks) if sig_blocks else np.zeros((0, width), np.uint32)
    if not options.use_text:
        sigs = np.zeros((len(facts), 0), dtype=np.uint32)
    return facts, sigs


def link_facts(
    records: Iterable[dict[str, Any]],
    *,
    options: LinkOptions,
    image_root: Path | None = None,
    progress: Callable[[str, int], None] | None = None,
) -> LinkResult:
    """Link scanned records into operations (in this process).

    Args:
        records: Scanned records (the ``ads scan`` schema; ``text``, ``title``,
            ``posted_at``, ``city``, ``state`` and ``images`` used when present).
        options: Thresholds.
        image_root: Directory that relative image paths resolve against.
        progress: Called with ``(stage, count)``.

    Returns:
        The :class:`LinkResult`.
    """
    facts, sigs = prepare(records, options, progress)
    phash: dict[str, int] = {}
    unreadable: list[tuple[str, str]] = []
    if options.use_images:
        index = hash_images([r for f in facts for r in f.images], image_root)
        phash, unreadable = index.hashes, index.unreadable
    return combine(facts, sigs, phash, unreadable, options)


def combine(
    facts: list[AdFacts],
    sigs: np.ndarray,
    phash: dict[str, int],
    unreadable: list[tuple[str, str]],
    options: LinkOptions,
) -> LinkResult:
    """Graph step: edges, hub guard and union-find over prepared ads.

    Args:
        facts: The ads' facts, in input order.
        sigs: Their MinHash signatures (same order).
        phash: Image reference -> pHash of the readable images.
        unreadable: Images that could not be read, with the reason.
        options: Thresholds.

    Returns:
        The :class:`LinkResult`.
    """
    n_ads = len(facts)
    counts: dict[str, int] = {"ads": n_ads}
    if options.use_text and n_ads > 1 and sigs.shape[1]:
        t_edges = text_edges(sigs, threshold=options.text_threshold)
    else:
        t_edges = []
    counts["text_pairs"] = len(t_edges)
    uf_text = UnionFind(n_ads)
    for e in t_edges:
        uf_text.union(e.a, e.b)
    group_text = uf_text.labels()

    # photos: clusters of near-identical hashes
    image_keys: dict[str, list[int]] = {}
    if options.use_images and phash:
        cluster = image_clusters(phash, options.image_distance)
        image_keys = index_keys(
            (i, [f"image:{cluster[r]:016x}" for r in f.images if r in cluster])
            for i, f in enumerate(facts)
        )
    contacts_of = [
        [f"phone:{p}" for p in f.phones]
        + [f"email:{e}" for e in f.emails]
        + [f"handle:{h}" for h in f.handles]
        for f in facts
    ]
    # contacts first: a key's groups are the text templates of its ads
    contact_keys = index_keys(enumerate(contacts_of))
    contact_ok, contact_hubs = find_hubs(
        contact_keys,
        group_text,
        contacts_of,
        max_groups=options.hub_max_groups,
        min_share=options.hub_min_share,
    )
    # photos: a photo's groups are the templates and contacts of its ads
    uf_mid = UnionFind(n_ads)
    for e in t_edges:
        uf_mid.union(e.a, e.b)
    for ads in contact_ok.values():
        for j in ads[1:]:
            uf_mid.union(ads[0], j)
    image_ok, image_hubs = find_hubs(
        image_keys,
        uf_mid.labels(),
        contacts_of,
        max_groups=options.image_hub_max_groups,
        min_share=options.hub_min_share,
    )

    uf = UnionFind(n_ads)
    merges: list[Merge] = []
    weights = {"phone": 1.0, "email": 1.0, "handle": 0.9}
    for key in sorted(contact_ok, key=lambda k: (k.split(":", 1)[0] != "phone", k)):
        ads = contact_ok[key]
        kind, value = key.split(":", 1)
        for j in ads[1:]:
            if uf.union(ads[0], j):
                merges.append(
                    Merge(ads[0], j, kind, f"shared {kind} {value}", weights[kind])
                )
    for _key, ads in sorted(image_ok.items()):
        for j in ads[1:]:
            if uf.union(ads[0], j):
                merges.append(_image_merge(facts, ads[0], j, phash))
    for e in sorted(t_edges, key=lambda e: -e.jaccard):
        if uf.union(e.a, e.b):
            merges.append(
                Merge(
                    e.a,
                    e.b,
                    "text",
                    f"near-duplicate text (estimated Jaccard {e.jaccard:.2f} "
                    "on masked word 3-grams)",
                    e.jaccard,
                )
            )
    counts["contact_keys"] = len(contact_ok)
    counts["image_keys"] = len(image_ok)
    counts["merges"] = len(merges)
    return LinkResult(
        facts=facts,
        operation=_operation_ids(uf, n_ads),
        merges=merges,
        hubs=contact_hubs + image_hubs,
        unreadable_images=unreadable,
        counts=counts,
        image_hashes=phash,
    )


def _image_merge(
    facts: Sequence[AdFacts], a: int, b: int, phash: dict[str, int]
) -> Merge:
    best: tuple[int, str, str] | None = None
    for ra in facts[a].images:
        for rb in facts[b].images:
            if ra in phash and rb in phash:
                d = hamming(phash[ra], phash[rb])
                if best is None or d < best[0]:
                    best = (d, ra, rb)
    if best is None:
        return Merge(a, b, "image", "same photo cluster", 0.8)
    d, ra, rb = best
    return Merge(
        a,
        b,
        "image",
        f"same photo: {ra} ~ {rb} (pHash Hamming distance {d} of 64)",
        round(1.0 - d / 64, 3),
    )


def _operation_ids(uf: UnionFind, n: int) -> list[str]:
    labels = uf.labels()
    first: dict[int, int] = {}
    size: dict[int, int] = {}
    for i, r in enumerate(labels):
        first.setdefault(r, i)
        size[r] = size.get(r, 0) + 1
    order = sorted(first, key=lambda r: (-size[r], first[r]))
    width = max(6, len(str(len(order))))
    name = {r: f"OP-{k + 1:0{width}d}" for k, r in enumerate(order)}
    return [name[r] for r in labels]
