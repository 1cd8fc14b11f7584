"""Near-duplicate ad text: slot masking, word shingles, MinHash LSH (private).

Ads of one template differ in the slots (names, prices, ages, phone numbers,
cities, emails, handles) and in small edits. Masking the slots first makes ads of
one template nearly identical, so MinHash LSH over word 3-gram shingles finds
them and the MinHash estimate of the Jaccard similarity confirms each pair. The
banding runs on a numpy signature matrix (an in-memory index of a million ads in
datasketch's dict-based ``MinHashLSH`` would not fit comfortably).
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from nowrongdoor.ads._link_graph import UnionFind

__all__ = [
    "TextEdge",
    "lsh_params",
    "mask_text",
    "shingles",
    "signatures",
    "text_edges",
]

_EMAIL = re.compile(r"\S+@\S+|\b\w+\s+(?:at)\s+\w+\s+(?:dot)\s+com\b")
_DIGITS = re.compile(r"[0-9][0-9 ().,\-/]*")
_WORD = re.compile(r"[a-z]+|#")


@dataclass(frozen=True)
class TextEdge:
    """Two ads whose masked texts are near duplicates.

    Attributes:
        a: Index of the first ad.
        b: Index of the second ad.
        jaccard: MinHash estimate of the Jaccard similarity of their shingles.
    """

    a: int
    b: int
    jaccard: float


def mask_text(
    text: str,
    title: str | None = None,
    names: Sequence[str] = (),
    places: Sequence[str] = (),
    handles: Sequence[str] = (),
) -> list[str]:
    """Lower-case word tokens with the slots masked.

    Names become ``name``, places ``city``, emails ``email``, handles ``handle``
    and every run of digits (prices, ages, phone numbers) ``#``.

    Args:
        text: Ad body.
        title: Ad title, prepended when given.
        names: Names extracted from the ad.
        places: City names of the ad.
        handles: ``platform:handle`` strings extracted from the ad.

    Returns:
        The masked word tokens.
    """
    t = f"{title or ''} {text}".lower()
    t = _EMAIL.sub(" email ", t)
    for h in handles:
        t = t.replace(h.split(":", 1)[-1].lower(), " handle ")
    for place in places:
        if place:
            t = t.replace(place.lower(), " city ")
    for name in names:
        if name and len(name) > 1:
            t = re.sub(rf"\b{re.escape(name.lower())}\b", " name ", t)
    t = _DIGITS.sub(" # ", t)
    return _WORD.findall(t)


def shingles(tokens: Sequence[str], k: int = 3) -> set[bytes]:
    """Word ``k``-gram shingles as bytes (a single shingle for short texts)."""
    if not tokens:
        return set()
    if len(tokens) <= k:
        return {" ".join(tokens).encode()}
    return {" ".join(tokens[i : i + k]).encode() for i in range(len(tokens) - k + 1)}


def _crc32(data: bytes) -> int:
    return zlib.crc32(data)


def signatures(
    shingle_sets: Iterable[set[bytes]], num_perm: int = 128, chunk: int = 20_000
) -> np.ndarray:
    """MinHash signatures (datasketch, crc32 hashing) as a ``uint32`` matrix.

    Computed in chunks so the datasketch objects never hold the whole corpus;
    empty shingle sets get an all-``0xFFFFFFFF`` row that matches nothing.
    """
    from datasketch import MinHash

    rows: list[np.ndarray] = []
    buf: list[set[bytes]] = []

    def flush() -> None:
        mats = MinHash.bulk(
            (s or {b"\x00empty"} for s in buf), num_perm=num_perm, hashfunc=_crc32
        )
        block = np.vstack([m.hashvalues.astype(np.uint32) for m in mats])
        block[[not s for s in buf]] = np.uint32(0xFFFFFFFF)
        rows.append(block)
        buf.clear()

    for s in shingle_sets:
        buf.append(s)
        if len(buf) >= chunk:
            flush()
    if buf:
        flush()
    if not rows:
        return np.zeros((0, num_perm), dtype=np.uint32)
    return np.vstack(rows)


def lsh_params(threshold: float, num_perm: int) -> tuple[int, int]:
    """Bands and rows minimising false positives plus false negatives.

    The usual MinHash LSH choice: for each split of ``num_perm`` into ``b``
    bands of ``r`` rows, integrate the probability of a wrong decision below and
    above ``threshold`` and keep the smallest sum.
    """
    grid = np.linspace(0.0, 1.0, 201)
    best = (1, num_perm)
    best_err = float("inf")
    for b in range(1, num_perm + 1):
        r = num_perm // b
        if r < 1:
            break
        p = 1.0 - (1.0 - grid**r) ** b
        fp = np.trapezoid(np.where(grid < threshold, p, 0.0), grid)
        fn = np.trapezoid(np.where(grid >= threshold, 1.0 - p, 0.0), grid)
        if fp + fn < best_err:
            best, best_err = (b, r), float(fp + fn)
    return best


def text_edges(
    sigs: np.ndarray,
    *,
    threshold: float = 0.42,
    progress: Callable[[int], None] | None = None,
) -> list[TextEdge]:
    """Near-duplicate pairs that connect the ads (a spanning forest).

    Banded LSH over the MinHash signatures: ads that agree on every row of some
    band are candidates (bands tuned for a threshold a little below
    ``threshold``), and a candidate pair is kept when the share of agreeing
    permutations (the MinHash estimate of the Jaccard similarity) reaches
    ``threshold``. Pairs already connected are not re-checked, so a template with
    thousands of ads costs about linear time; the result is one confirming pair
    per merge.

    Args:
        sigs: Signature matrix from :func:`signatures`.
        threshold: Minimum estimated Jaccard similarity of a pair.
        progress: Called with the number of bands done.

    Returns:
        The pairs, each with its estimated Jaccard similarity.
    """
    n, num_perm = sigs.shape
    if n < 2:
        return []
    bands, rows = lsh_params(max(0.05, threshold - 0.07), num_perm)
    valid = sigs[:, 0] != np.uint32(0xFFFFFFFF)
    uf = UnionFind(n)
    edges: list[TextEdge] = []
    mult = np.array(
        [0x9E3779B97F4A7C15 * (k + 1) % 2**64 | 1 for k in range(rows)],
        dtype=np.uint64,
    )
    for band in range(bands):
        block = sigs[:, band * rows : (band + 1) * rows].astype(np.uint64)
        with np.errstate(over="ignore"):
            keys = (block * mult).sum(axis=1, dtype=np.uint64)
        keys[~valid] = np.arange(int((~valid).sum()), dtype=np.uint64) ^ np.uint64(
            0xA5A5A5A5A5A5A5A5
        )
        order = np.argsort(keys, kind="stable")
        sk = keys[order]
        same = np.flatnonzero(sk[1:] == sk[:-1])
        if same.size == 0:
            continue
        starts = np.flatnonzero(np.diff(np.concatenate(([-2], same))) != 1)
        for g in np.split(same, starts[1:]):
            members = order[g[0] : g[-1] + 2].tolist()
            _verify_group(members, sigs, threshold, uf, edges)
        if progress:
            progress(band + 1)
    return edges


def _verify_group(
    members: list[int],
    sigs: np.ndarray,
    threshold: float,
    uf: UnionFind,
    edges: list[TextEdge],
) -> None:
    anchors: list[int] = []
    for m in members:
        others = members if len(members) <= 30 else anchors
        for o in others:
            if o == m:
                break
            if uf.find(o) == uf.find(m):
                continue
            est = float(np.count_nonzero(sigs[m] == sigs[o])) / sigs.shape[1]
            if est >= threshold:
                uf.union(o, m)
                edges.append(TextEdge(min(o, m), max(o, m), round(est, 3)))
        if len(anchors) < 3 and all(uf.find(a) != uf.find(m) for a in anchors):
            anchors.append(m)
