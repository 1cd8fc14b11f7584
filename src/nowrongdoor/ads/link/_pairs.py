"""What the pair comparisons read of every ad, and the comparison levels (private).

Text is compared on *distinctive* shingles only: masked word 3-grams used by
at most ``distinctive_groups`` contact groups (connected components of shared
phones, emails and handles; an ad without contacts is its own group). A site
footer, a disclaimer or a stock paragraph copied by many unrelated operations
is used by many groups and so carries no weight at all; an operation's own
wording is used by its own contacts only.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import numpy as np

__all__ = [
    "MIN_SHARED",
    "AdView",
    "PairData",
    "distinctive",
    "minutes_of",
    "pair_levels",
]

_TEXT_CUTS = (0.15, 0.3, 0.5, 0.7)
#: Distinctive shingles two ads must share before their similarity counts.
MIN_SHARED = 5
_DAY = 1440.0


def minutes_of(ts: str) -> float:
    """Minutes since 1970 of an ISO timestamp (``nan`` when unreadable)."""
    if not ts:
        return float("nan")
    try:
        when = datetime.fromisoformat(ts.replace("Z", "+00:00"))
    except ValueError:
        return float("nan")
    if when.tzinfo is not None:
        when = when.replace(tzinfo=None) - (when.utcoffset() or when - when)
    return (when - datetime(1970, 1, 1)).total_seconds() / 60.0


def distinctive(
    shingles: Sequence[np.ndarray], group_of: Sequence[int], max_groups: int
) -> tuple[list[np.ndarray], int]:
    """Keep the shingles used by at most ``max_groups`` contact groups.

    Returns:
        The distinctive shingles of every ad and the number of distinct
        shingles dropped as common.
    """
    n = len(shingles)
    sizes = np.fromiter((len(s) for s in shingles), np.int64, count=n)
    if not sizes.sum():
        return [np.zeros(0, np.uint32) for _ in shingles], 0
    flat = np.concatenate([s.astype(np.uint64) for s in shingles])
    owner = np.repeat(np.arange(n), sizes)
    groups = np.asarray(group_of, dtype=np.uint64)[owner]
    pairs = np.unique((flat << np.uint64(32)) | groups)
    hashes, counts = np.unique(pairs >> np.uint64(32), return_counts=True)
    common = hashes[counts > max_groups]
    if common.size:
        pos = np.minimum(np.searchsorted(common, flat), common.size - 1)
        keep = common[pos] != flat
    else:
        keep = np.ones(flat.size, dtype=bool)
    kept = np.bincount(owner[keep], minlength=n)
    parts = np.split(flat[keep].astype(np.uint32), np.cumsum(kept)[:-1])
    return parts, int(common.size)


@dataclass
class AdView:
    """The comparison inputs of one ad."""

    contacts: frozenset[str]
    text: np.ndarray
    photos: dict[int, int]  # photo cluster -> pHash
    names: frozenset[str]
    city: str
    state: str
    minute: float


@dataclass
class PairData:
    """Everything :func:`pair_levels` needs besides the two ads.

    Attributes:
        ads: Every ad's view.
        hub_keys: Contact keys ignored as hubs.
        rare_photos: Photo clusters used by at most two contact groups and
            not hubs.
    """

    ads: list[AdView]
    hub_keys: frozenset[str]
    rare_photos: frozenset[int]


def _text_level(a: np.ndarray, b: np.ndarray) -> tuple[int, float, int]:
    if not len(a) or not len(b):
        return 0, 0.0, 0
    inter = int(np.intersect1d(a, b, assume_unique=True).size)
    jac = inter / (len(a) + len(b) - inter)
    if inter < MIN_SHARED:  # a couple of rare 3-grams is chance, not a template
        return 1, jac, inter
    level = 1 + sum(jac >= c for c in _TEXT_CUTS)
    return level, jac, inter


def _photo_level(a: AdView, b: AdView, rare: frozenset[int]) -> tuple[int, int]:
    if not a.photos or not b.photos:
        return 0, -1
    shared = a.photos.keys() & b.photos.keys()
    if not shared:
        return 1, -1
    rare_shared = [c for c in shared if c in rare]
    if not rare_shared:
        return 2, -1
    d = min((a.photos[c] ^ b.photos[c]).bit_count() for c in rare_shared)
    return (4 if d <= 2 else 3), d


def pair_levels(data: PairData, i: int, j: int) -> tuple[list[int], dict[str, object]]:
    """Comparison levels of ads ``i`` and ``j`` (see ``COMPARISONS``).

    Returns:
        The levels and the details behind them (similarity, distance, shared
        contact) for the evidence text.
    """
    a, b = data.ads[i], data.ads[j]
    detail: dict[str, object] = {}
    if not a.contacts or not b.contacts:
        contact = 0
    else:
        shared = a.contacts & b.contacts
        real = shared - data.hub_keys
        contact = 3 if real else 2 if shared else 1
        if real:
            detail["contact"] = min(real)
    text, jac, inter = _text_level(a.text, b.text)
    detail["jaccard"], detail["shared_shingles"] = round(jac, 3), inter
    photo, dist = _photo_level(a, b, data.rare_photos)
    detail["photo_distance"] = dist
    name = 0 if not a.names or not b.names else 2 if a.names & b.names else 1
    gap = abs(a.minute - b.minute)
    if not (a.city or a.state) or not (b.city or b.state):
        place = 0
    elif a.city and a.city == b.city and a.state == b.state:
        place = 4
    elif a.state and a.state == b.state:
        place = 3
    else:
        place = 1 if gap <= 360 else 2
    if gap != gap:  # nan: a time is missing
        time = 0
    else:
        days = gap / _DAY
        time = 4 if days <= 7 else 3 if days <= 30 else 2 if days <= 120 else 1
    return [contact, text, photo, name, place, time], detail
