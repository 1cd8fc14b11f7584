"""Union-find and the hub guard that combine link signals (private)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

__all__ = ["Hub", "UnionFind", "find_hubs"]


class UnionFind:
    """Disjoint sets over ``0..n-1`` with path halving and union by size."""

    def __init__(self, n: int) -> None:
        self.parent = list(range(n))
        self.size = [1] * n

    def find(self, x: int) -> int:
        """The representative of ``x``'s set."""
        parent = self.parent
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(self, a: int, b: int) -> bool:
        """Join the sets of ``a`` and ``b``; ``True`` if they were apart."""
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return False
        if self.size[ra] < self.size[rb]:
            ra, rb = rb, ra
        self.parent[rb] = ra
        self.size[ra] += self.size[rb]
        return True

    def labels(self) -> list[int]:
        """The representative of every element."""
        return [self.find(i) for i in range(len(self.parent))]


@dataclass(frozen=True)
class Hub:
    """A shared key (contact or image) ignored because it glues unrelated ads.

    Attributes:
        key: ``kind:value`` (for example ``phone:+17025550100``).
        ads: Number of ads carrying it.
        groups: Number of otherwise unrelated ad groups it would join.
        reason: One sentence for the report.
    """

    key: str
    ads: int
    groups: int
    reason: str


def find_hubs(
    keys: dict[str, list[int]],
    group_of: Sequence[int],
    contacts_of: Sequence[Sequence[str]],
    *,
    max_groups: int,
    min_share: float,
) -> tuple[dict[str, list[int]], list[Hub]]:
    """Split shared keys into usable keys and hubs.

    A key's *groups* are the distinct groups (connected components of the other
    signals: text templates and photos) among the ads that carry it. One
    operation's phone number spans few groups: its ads share templates and
    photos. A booking line, verification handle or stock photo used by many
    unrelated posters spans as many groups as it has ads, and its ads carry many
    different other contacts (each poster's own number). A key is a hub when it
    spans more than ``max_groups`` groups, the groups are at least ``min_share``
    of its ads, and its ads carry more than ``max_groups`` other contacts (so an
    operation whose ads share nothing but one phone number is not a hub).

    Args:
        keys: ``kind:value`` -> indices of the ads carrying it (two or more).
        group_of: Group label of every ad.
        contacts_of: Contact keys of every ad.
        max_groups: Groups a key may span before it can be a hub.
        min_share: Groups per ad above which a wide key is a hub.

    Returns:
        The usable keys and the hubs.
    """
    usable: dict[str, list[int]] = {}
    hubs: list[Hub] = []
    for key, ads in keys.items():
        groups = len({group_of[i] for i in ads})
        partners = len({c for i in ads for c in contacts_of[i]} - {key})
        if (
            groups > max_groups
            and groups >= min_share * len(ads)
            and partners > max_groups
        ):
            hubs.append(
                Hub(
                    key=key,
                    ads=len(ads),
                    groups=groups,
                    reason=(
                        f"shared by {len(ads)} ads in {groups} otherwise unrelated "
                        f"groups with {partners} other contacts (more than "
                        f"{max_groups}); ignored as a hub"
                    ),
                )
            )
        else:
            usable[key] = ads
    return usable, hubs


def index_keys(values: Iterable[tuple[int, Iterable[str]]]) -> dict[str, list[int]]:
    """``key -> ad indices`` for keys carried by at least two ads."""
    index: dict[str, list[int]] = {}
    for i, keys in values:
        for key in set(keys):
            index.setdefault(key, []).append(i)
    return {k: v for k, v in index.items() if len(v) > 1}
