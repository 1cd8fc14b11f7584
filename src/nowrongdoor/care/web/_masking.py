"""Display-level masking of small counts on the supervisor dashboard (private).

The reports layer (``nowrongdoor.reports``) does full primary and complementary
suppression, but it sits to the right of ``care`` in the layering rule, so the
care pages cannot import it. The dashboard therefore masks at display level with
the one small-cell rule of :mod:`nowrongdoor._privacy`: every count from 1 to
``threshold - 1`` is hidden, and a total is hidden whenever any count that adds
up to it is hidden (so a hidden count can never be recovered by subtraction).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from nowrongdoor import _privacy


@dataclass(frozen=True)
class Shown:
    """A count as displayed.

    Attributes:
        text: What the page prints (the number, or the mask).
        masked: True when the real value is hidden.
    """

    text: str
    masked: bool


def mask_count(value: int, threshold: int) -> Shown:
    """Show ``value`` unless it lies in ``1 .. threshold - 1``.

    Args:
        value: A non-negative count.
        threshold: Smallest count that may be shown (11 under the CMS policy).

    Returns:
        The display form.
    """
    return Shown(
        str(_privacy.mask_count(value, threshold)),
        _privacy.is_small_cell(value, threshold),
    )


def mask_series(
    counts: Mapping[str, int], threshold: int
) -> tuple[dict[str, Shown], Shown]:
    """Mask a series of counts and its total.

    Args:
        counts: Label to count.
        threshold: Smallest count that may be shown.

    Returns:
        The masked counts by label, and the total, itself masked when any count
        in the series is masked or the total is small.
    """
    shown = {label: mask_count(value, threshold) for label, value in counts.items()}
    total = sum(counts.values())
    if any(s.masked for s in shown.values()):
        return shown, Shown("suppressed", True)
    return shown, mask_count(total, threshold)


def mask_rate(numerator: int, denominator: int, threshold: int) -> Shown:
    """A percentage, hidden when either count is a small cell.

    Args:
        numerator: Count of successes.
        denominator: Count of all.
        threshold: Smallest count that may be shown.

    Returns:
        ``"NN%"``, ``"no data"`` for an empty denominator, or the mask.
    """
    if denominator == 0:
        return Shown("no data", False)
    if any(
        _privacy.is_small_cell(count, threshold)
        for count in (numerator, denominator - numerator, denominator)
    ):
        return Shown("suppressed", True)
    return Shown(f"{round(100 * numerator / denominator)}%", False)
