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
from collections.abc import Iterator, Sequence

import numpy as np

__all__ = [
    "EMPTY",
    "lsh_buckets",
    "lsh_params",
    "mask_text",
    "minhash",
    "shingle_hashes",
    "shingles",
]

_EMAIL = re.compile(r"\S+@\S+|\b\w+\s+(?:at)\s+\w+\s+(?:dot)\s+com\b")
_DIGITS = re.compile(r"[0-9][0-9 ().,\-/]*")
_WORD = re.compile(r"[a-z]+|#")


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


def shingle_hashes(tokens: Sequence[str], k: int = 3) -> np.ndarray:
    """Sorted distinct crc32 hashes of the word ``k``-gram shingles of ``tokens``."""
    found = shingles(tokens, k)
    if not found:
        return np.zeros(0, dtype=np.uint32)
    return np.unique(np.fromiter((zlib.crc32(x) for x in found), np.uint32))


#: Mersenne prime of the universal hash family of :func:`minhash`.
_PRIME = np.uint64((1 << 61) - 1)
#: Signature value of an empty set (matches nothing).
EMPTY = np.uint32(0xFFFFFFFF)


def minhash(
    sets: Sequence[np.ndarray], num_perm: int = 128, seed: int = 1
) -> np.ndarray:
    """MinHash signatures of sets of 32-bit hashes, as a ``uint32`` matrix.

    ``h -> (a * h + b) mod (2^61 - 1)`` for ``num_perm`` random ``(a, b)``,
    computed for all sets at once with ``np.minimum.reduceat``; an empty set
    gets a row of :data:`EMPTY`.
    """
    n = len(sets)
    out = np.full((n, num_perm), EMPTY, dtype=np.uint32)
    sizes = np.fromiter((len(x) for x in sets), np.int64, count=n)
    keep = np.flatnonzero(sizes)
    if keep.size == 0:
        return out
    flat = np.concatenate([sets[int(i)] for i in keep]).astype(np.uint64)
    starts = np.concatenate(([0], np.cumsum(sizes[keep])[:-1]))
    rng = np.random.default_rng(seed)
    a = rng.integers(1, 1 << 31, num_perm, dtype=np.uint64)
    b = rng.integers(0, 1 << 31, num_perm, dtype=np.uint64)
    for p in range(num_perm):
        vals = (flat * a[p] + b[p]) % _PRIME
        mins = np.minimum.reduceat(vals, starts)
        out[keep, p] = (mins & np.uint64(0xFFFFFFFE)).astype(np.uint32)
    return out


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


def lsh_buckets(sigs: np.ndarray, threshold: float) -> Iterator[list[int]]:
    """Groups of rows that agree on every row of some LSH band.

    Bands and rows are chosen for a threshold a little below ``threshold`` so
    that pairs near it are found; rows of :data:`EMPTY` are never grouped.

    Args:
        sigs: Signature matrix from :func:`minhash`.
        threshold: Jaccard similarity the caller will confirm.

    Yields:
        The members of each bucket with two or more rows (one list per band).
    """
    n, num_perm = sigs.shape
    if n < 2 or num_perm == 0:
        return
    bands, rows = lsh_params(max(0.05, threshold - 0.07), num_perm)
    valid = sigs[:, 0] != EMPTY
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
            yield order[g[0] : g[-1] + 2].tolist()
