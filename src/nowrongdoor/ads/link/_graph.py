"""Union-find, shared-key index and the hub record of the linker (private)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

__all__ = ["Hub", "UnionFind", "index_keys"]


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


def index_keys(values: Iterable[tuple[int, Iterable[str]]]) -> dict[str, list[int]]:
    """``key -> ad indices`` for keys carried by at least two ads."""
    index: dict[str, list[int]] = {}
    for i, keys in values:
        for key in set(keys):
            index.setdefault(key, []).append(i)
    return {k: v for k, v in index.items() if len(v) > 1}
