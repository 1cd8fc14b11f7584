"""A value found in scanned text, with its span there (private)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

__all__ = ["Span"]

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
