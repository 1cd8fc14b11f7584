"""A value found in scanned text, with its span there (private)."""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from typing import Generic, TypeVar

__all__ = ["Cover", "Span", "SpanSet"]

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Span(Generic[T]):
    """A value a finder read and its span in the scanned text.

    Each finder normalises its own values: a phone number in E.164, an e-mail
    address or ``platform:handle``, a name or alias in title case, a physical
    descriptor as ``kind:value``, a claimed age.

    Attributes:
        value: The normalised value.
        start: Offset of the span's first character (-1 when it has no span).
        end: Offset just past the span's last character (-1 likewise).
    """

    value: T
    start: int
    end: int


class SpanSet:
    """Spans that do not overlap one another, kept sorted, for overlap tests.

    A finder that takes a match only when it overlaps no match taken before
    asks :meth:`overlaps` for each one: a binary search instead of a pass over
    every span taken (which made many matches take quadratic time).
    """

    __slots__ = ("_starts", "_ends")

    def __init__(self) -> None:
        self._starts: list[int] = []
        self._ends: list[int] = []

    def overlaps(self, start: int, end: int) -> bool:
        """Does ``start:end`` overlap a span of the set?"""
        k = bisect.bisect_left(self._starts, end) - 1
        return k >= 0 and self._ends[k] > start

    def add(self, start: int, end: int) -> None:
        """Add a span that overlaps none of the set's (check :meth:`overlaps`)."""
        k = bisect.bisect_left(self._starts, start)
        self._starts.insert(k, start)
        self._ends.insert(k, end)


class Cover:
    """The union of spans that may overlap, kept as sorted disjoint spans.

    :meth:`covers` asks whether an offset lies in any span added: a binary
    search, where a pass over every span added took quadratic time in an ad
    with many dates of birth.
    """

    __slots__ = ("_starts", "_ends")

    def __init__(self) -> None:
        self._starts: list[int] = []
        self._ends: list[int] = []

    def covers(self, offset: int) -> bool:
        """Is ``offset`` inside a span added (``start <= offset < end``)?"""
        k = bisect.bisect_right(self._starts, offset) - 1
        return k >= 0 and self._ends[k] > offset

    def add(self, start: int, end: int) -> None:
        """Add ``start:end``, merged with the spans it overlaps or touches."""
        k = bisect.bisect_right(self._starts, start)
        low = k - 1 if k > 0 and self._ends[k - 1] >= start else k
        high = k
        while high < len(self._starts) and self._starts[high] <= end:
            high += 1
        if low < high:
            start = min(start, self._starts[low])
            end = max(end, self._ends[high - 1])
        self._starts[low:high] = [start]
        self._ends[low:high] = [end]
