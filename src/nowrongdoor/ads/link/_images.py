"""Shared photos by perceptual hash (private).

Each image gets a 64-bit pHash (:mod:`nowrongdoor._phash`, the one the care
workspace keeps too). Re-uploaded copies of one photo
(brightness, re-compression, rescaling, a small crop) stay within a few bits;
unrelated pictures differ in about half of them. Images within ``max_distance``
bits are joined into photo clusters; a cluster shared by two ads is a link.
Mirrored copies are not found (pHash is not mirror-invariant).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from nowrongdoor._phash import hamming
from nowrongdoor._phash import phash_file as _phash
from nowrongdoor.ads.link._graph import UnionFind

__all__ = ["ImageIndex", "hamming", "hash_images", "image_clusters"]


@dataclass
class ImageIndex:
    """Perceptual hashes of the images of a corpus.

    Attributes:
        hashes: Image reference (as written in the ad) -> 64-bit pHash.
        unreadable: ``(reference, reason)`` for images that could not be read.
    """

    hashes: dict[str, int] = field(default_factory=dict)
    unreadable: list[tuple[str, str]] = field(default_factory=list)


def hash_images(
    refs: Sequence[str],
    root: Path | None,
    progress: Callable[[int], None] | None = None,
) -> ImageIndex:
    """pHash every distinct image reference; unreadable images are reported.

    Args:
        refs: Image references (paths, relative to ``root`` when not absolute).
        root: Directory relative references resolve against (``None``: the
            current directory).
        progress: Called with the number of images done.

    Returns:
        The :class:`ImageIndex`.
    """
    from PIL import UnidentifiedImageError

    index = ImageIndex()
    for n, ref in enumerate(dict.fromkeys(refs)):
        path = Path(ref)
        if not path.is_absolute() and root is not None:
            path = root / path
        try:
            index.hashes[ref] = _phash(path)
        except FileNotFoundError:
            index.unreadable.append((ref, "file not found"))
        except (UnidentifiedImageError, OSError, ValueError) as exc:
            index.unreadable.append(
                (ref, f"not a readable image ({type(exc).__name__})")
            )
        if progress and n % 500 == 0:
            progress(n)
    return index


def image_clusters(hashes: dict[str, int], max_distance: int) -> dict[str, int]:
    """Cluster images whose hashes are within ``max_distance`` bits.

    Up to 40,000 distinct hashes are compared exhaustively (vectorised XOR and
    popcount); above that, only pairs that agree exactly on one of four 16-bit
    bands are compared (an approximation that finds most close copies).

    Args:
        hashes: Image reference -> pHash.
        max_distance: Largest Hamming distance of one photo's copies.

    Returns:
        Image reference -> cluster id (the smallest hash of its cluster).
    """
    distinct = sorted(set(hashes.values()))
    if not distinct:
        return {}
    arr = np.array(distinct, dtype=np.uint64)
    uf = UnionFind(len(arr))
    if len(arr) <= 40_000:
        step = 2_000
        for start in range(0, len(arr), step):
            block = arr[start : start + step]
            dist = np.bitwise_count(block[:, None] ^ arr[None, :])
            rows, cols = np.nonzero(dist <= max_distance)
            for r, c in zip(rows.tolist(), cols.tolist(), strict=True):
                if c > r + start:
                    uf.union(r + start, c)
    else:
        for band in range(4):
            keys = (arr >> np.uint64(16 * band)) & np.uint64(0xFFFF)
            order = np.argsort(keys, kind="stable")
            sorted_keys = keys[order]
            bounds = np.flatnonzero(np.diff(sorted_keys)) + 1
            for members in np.split(order, bounds):
                if len(members) < 2:
                    continue
                sub = arr[members]
                dist = np.bitwise_count(sub[:, None] ^ sub[None, :])
                rows, cols = np.nonzero(dist <= max_distance)
                for r, c in zip(rows.tolist(), cols.tolist(), strict=True):
                    if c > r:
                        uf.union(int(members[r]), int(members[c]))
    root_hash: dict[int, int] = {}
    for i in range(len(arr)):
        r = uf.find(i)
        root_hash.setdefault(r, int(arr[i]))
    cluster_of = {int(arr[i]): root_hash[uf.find(i)] for i in range(len(arr))}
    return {ref: cluster_of[h] for ref, h in hashes.items()}
