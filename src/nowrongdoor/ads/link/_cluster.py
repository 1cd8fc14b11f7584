"""Negative evidence and clustering that cannot chain (private).

*Conflict*: two groups of ads cannot be one operation when each posted in its
city both shortly before and shortly after an ad of the other in another city
(within ``window`` days each way): one controller's phones do not take turns
between two cities at once. A shared key (contact or photo) is a *hub*
when it joins groups that conflict: a booking line, a verification handle or a
stock photo used by operations that work at the same time in different places.
The test reads only contacts, places and times, never the text, so hub
detection does not depend on the groups it protects.

*Constrained merge*: contact groups are joined by text or photo edges in
decreasing match weight, and only when the edge clears the bar and the two
growing clusters do not conflict, so one wrong edge cannot chain two markets.
"""

from __future__ import annotations

import bisect
import heapq
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from nowrongdoor.ads.link._graph import Hub, UnionFind

__all__ = [
    "Event",
    "GroupEdge",
    "conflicts",
    "find_conflict_hubs",
    "key_activity",
    "merge_groups",
    "unsupported_keys",
]

#: ``(minute, place)`` of one ad; place is ``city|state`` (``""`` unknown).
Event = tuple[float, str]


def _one_way(a: Sequence[Event], b: Sequence[Event], window: float) -> int:
    """Ads of ``b`` posted elsewhere while ``a`` sat in one city around them."""
    times = [t for t, _ in a]
    hits = 0
    for t, place in b:
        if not place:
            continue
        k = bisect.bisect_left(times, t)
        if k == 0 or k >= len(a):
            continue
        (t0, p0), (t1, p1) = a[k - 1], a[k]
        if p0 and p0 == p1 and p0 != place and t - t0 <= window and t1 - t <= window:
            hits += 1
    return hits


def conflicts(a: Sequence[Event], b: Sequence[Event], window: float) -> int:
    """Interleavings of two time-sorted event lists in different cities.

    Both ways are needed: each group posted in its city on both sides of an ad
    of the other. One way only is what a single operation does when it leaves
    a city for a short trip and comes back with another phone.
    """
    if not a or not b:
        return 0
    ab, ba = _one_way(a, b, window), _one_way(b, a, window)
    return ab + ba if ab and ba else 0


def find_conflict_hubs(
    keys: dict[str, list[int]],
    partners_of: Sequence[Sequence[str]],
    ads_of: dict[str, list[int]],
    events: Sequence[Event],
    *,
    window: float,
    max_groups: int = 40,
) -> tuple[dict[str, list[int]], list[Hub]]:
    """Split shared keys into usable keys and hubs that join conflicting groups.

    A key's ads are grouped by their *partners* (their other contacts for a
    contact key, their contact group for a photo; ads sharing a partner are
    one group; ads with no partner are left out), and each group's activity
    is every ad of its partners that are no wider than the key (partners
    joining fewer groups), not only those carrying the key. The key is a hub
    when two groups conflict.

    Args:
        keys: ``kind:value`` -> indices of the ads carrying it.
        partners_of: Partner keys of every ad.
        ads_of: Partner key -> indices of the ads carrying it.
        events: ``(minute, place)`` of every ad.
        window: Minutes each way of the conflict test.
        max_groups: Largest groups of a key tested pairwise (largest first).

    Returns:
        The usable keys and the hubs.
    """
    usable: dict[str, list[int]] = {}
    hubs: list[Hub] = []
    activity = key_activity(keys, partners_of, ads_of, max_groups=max_groups)
    for key, ads in keys.items():
        groups = activity[key]
        if len(groups) < 2:
            usable[key] = ads
            continue
        evs = [sorted(events[i] for i in g) for g in groups]
        found = 0
        for x in range(len(evs)):
            for y in range(x + 1, len(evs)):
                found = conflicts(evs[x], evs[y], window)
                if found:
                    break
            if found:
                break
        if not found:
            usable[key] = ads
            continue
        hubs.append(
            Hub(
                key=key,
                ads=len(ads),
                groups=len(groups),
                reason=(
                    f"shared by {len(ads)} ads of {len(groups)} otherwise unrelated "
                    "groups, two of which posted in different cities at the same "
                    f"time ({found} interleaved ads); ignored as a hub"
                ),
            )
        )
    return usable, hubs


def key_activity(
    keys: dict[str, list[int]],
    partners_of: Sequence[Sequence[str]],
    ads_of: dict[str, list[int]],
    *,
    max_groups: int = 40,
) -> dict[str, list[set[int]]]:
    """The partner groups of every key, each as the set of its ads' activity.

    A group's activity is its own ads carrying the key plus every ad of its
    partners that are no wider than the key (join no more groups): a booking
    line seen from one of its operations' phones would otherwise lend that
    phone its spread. At most ``max_groups`` groups per key, largest first.
    """
    local = {key: _local_groups(key, ads, partners_of) for key, ads in keys.items()}
    width = {key: len(g) for key, g in local.items()}
    out: dict[str, list[set[int]]] = {}
    for key, groups in local.items():
        sets = []
        for own, partners in groups[:max_groups]:
            members = set(own)
            for p in partners:
                if width.get(p, 0) <= width[key]:
                    members.update(ads_of.get(p, ()))
            sets.append(members)
        out[key] = sets
    return out


def unsupported_keys(
    activity: dict[str, list[set[int]]],
    text: Sequence[np.ndarray],
    photos: Sequence[Iterable[int]],
    events: Sequence[Event],
    keys_of: Sequence[Iterable[str]],
    *,
    window: float,
    min_ads: int = 3,
    containment: float = 0.3,
    coverage: float = 0.9,
) -> list[Hub]:
    """Keys that join established groups with nothing else in common.

    A key's partner groups with at least ``min_ads`` ads of activity are
    *established* (an operation's own phone, not a burner used once). When a
    key joins two or more established groups, each must be tied to another of
    them by distinctive text (``containment`` of the smaller group's
    distinctive shingles), a photo, a hand-over (one group's last ad and
    the other's first in one city within ``window``: a phone replaced on the
    road), or the key itself being on at least ``coverage`` of both groups'
    ads (the identity an operation keeps while it changes phones); otherwise
    the key is a hub (a booking line on some ads of operations that never
    worked at the same time).

    Args:
        activity: Partner groups of every key (:func:`key_activity`).
        text: Distinctive shingles of every ad.
        photos: Photo clusters of every ad.
        events: ``(minute, place)`` of every ad.
        keys_of: Contact keys of every ad.
        window: Minutes of the hand-over test.
        min_ads: Activity of an established group.
        containment: Share of shingles that counts as shared text.
        coverage: Share of a group's ads carrying the key that ties it.

    Returns:
        The hubs found.
    """
    hubs: list[Hub] = []
    for key, groups in activity.items():
        est = [g for g in groups if len(g) >= min_ads]
        if len(est) < 2:
            continue
        shingles = []
        for g in est:
            parts = [text[i] for i in g if len(text[i])]
            shingles.append(np.unique(np.concatenate(parts)) if parts else None)
        pics = [{c for i in g for c in photos[i]} for g in est]
        ends = [(min(events[i] for i in g), max(events[i] for i in g)) for g in est]
        tied = [sum(key in keys_of[i] for i in g) >= coverage * len(g) for g in est]
        alone = 0
        for x in range(len(est)):
            if not any(
                (tied[x] and tied[y])
                or _supports(shingles[x], shingles[y], containment)
                or pics[x] & pics[y]
                or _hand_over(ends[x], ends[y], window)
                or _hand_over(ends[y], ends[x], window)
                for y in range(len(est))
                if y != x
            ):
                alone += 1
        if alone:
            n_ads = len(set().union(*groups))
            hubs.append(
                Hub(
                    key=key,
                    ads=n_ads,
                    groups=len(est),
                    reason=(
                        f"joins {len(est)} established groups (each with its own "
                        f"contacts), {alone} of which share no distinctive text or "
                        "photo with the others; ignored as a hub"
                    ),
                )
            )
    return hubs


def _hand_over(a: tuple[Event, Event], b: tuple[Event, Event], window: float) -> bool:
    (_, (last_t, last_p)), ((first_t, first_p), _) = a, b
    return bool(last_p) and last_p == first_p and abs(first_t - last_t) <= window


def _supports(a: np.ndarray | None, b: np.ndarray | None, share: float) -> bool:
    if a is None or b is None:
        return False
    inter = np.intersect1d(a, b, assume_unique=True).size
    return bool(inter >= share * min(len(a), len(b)))


def _local_groups(
    key: str, ads: list[int], partners_of: Sequence[Sequence[str]]
) -> list[tuple[list[int], set[str]]]:
    uf = UnionFind(len(ads))
    first: dict[str, int] = {}
    for k, i in enumerate(ads):
        for other in partners_of[i]:
            if other == key:
                continue
            if other in first:
                uf.union(first[other], k)
            else:
                first[other] = k
    grouped: dict[int, tuple[list[int], set[str]]] = {}
    for k, i in enumerate(ads):
        mine = {p for p in partners_of[i] if p != key}
        if not mine:  # an ad with nothing else says nothing about groups
            continue
        own, partners = grouped.setdefault(uf.find(k), ([], set()))
        own.append(i)
        partners.update(mine)
    out = list(grouped.values())
    out.sort(key=lambda g: (-len(g[0]) - len(g[1]), g[0][0]))
    return out


@dataclass(frozen=True)
class GroupEdge:
    """The best cross-group pair of two contact groups.

    Attributes:
        weight: Match weight (log2 Bayes factor) of the pair.
        a: One ad.
        b: The other ad.
    """

    weight: float
    a: int
    b: int


def merge_groups(
    group_of: Sequence[int],
    edges: Sequence[GroupEdge],
    events: Sequence[Event],
    *,
    window: float,
) -> tuple[list[int], list[GroupEdge], list[GroupEdge]]:
    """Join contact groups along edges, strongest first, unless they conflict.

    Args:
        group_of: Contact group of every ad.
        edges: Eligible edges (already above the bar), any order.
        events: ``(minute, place)`` of every ad.
        window: Conflict window in minutes.

    Returns:
        The cluster label of every ad, the edges used and the edges refused
        because the clusters conflict.
    """
    n_groups = max(group_of, default=-1) + 1
    members: dict[int, list[Event]] = {}
    for i, g in enumerate(group_of):
        members.setdefault(g, []).append(events[i])
    for evs in members.values():
        evs.sort()
    uf = UnionFind(n_groups)
    used: list[GroupEdge] = []
    refused: list[GroupEdge] = []
    for e in sorted(edges, key=lambda e: (-e.weight, e.a, e.b)):
        ra, rb = uf.find(group_of[e.a]), uf.find(group_of[e.b])
        if ra == rb:
            continue
        if conflicts(members[ra], members[rb], window):
            refused.append(e)
            continue
        uf.union(ra, rb)
        root = uf.find(ra)
        merged = list(heapq.merge(members.pop(ra), members.pop(rb)))
        members[root] = merged
        used.append(e)
    return [uf.find(g) for g in group_of], used, refused
