"""Small-cell suppression: the one rule for which counts may be shown.

A base module (like ``settings`` and ``errors``): any layer may import it, so the
population summary, the care dashboard and the program reports hide the same
counts. Source: the CMS Cell Size Suppression Policy (ResDAC,
https://resdac.org/articles/cms-cell-size-suppression-policy): no cell from 1 to
10 may be published, nor any value from which such a cell can be worked out.
The threshold is a setting (``suppression_threshold``, default
:data:`SMALL_CELL_THRESHOLD`).

This module holds the cell rule and the one-dimensional case (a series of counts
that add up to a published total). Two-dimensional tables with row and column
totals need linear programs to prove nothing hidden can be recovered; that is
``nowrongdoor.reports`` (its ``suppress`` builds on :func:`is_small_cell`).
"""

from __future__ import annotations

from collections.abc import Mapping

__all__ = [
    "SMALL_CELL_THRESHOLD",
    "is_small_cell",
    "mask_count",
    "suppress_counts",
]

#: Smallest count that may be published under the CMS cell-size policy.
SMALL_CELL_THRESHOLD = 11


def is_small_cell(value: int, threshold: int = SMALL_CELL_THRESHOLD) -> bool:
    """True when ``value`` must not be shown: from 1 to ``threshold - 1``.

    Zero is shown (an empty cell reveals nobody).

    Args:
        value: A non-negative count.
        threshold: Smallest count that may be shown.
    """
    return 0 < value < threshold


def mask_count(value: int, threshold: int = SMALL_CELL_THRESHOLD) -> int | str:
    """``value``, or ``"<threshold"`` when it is a small cell.

    Args:
        value: A non-negative count.
        threshold: Smallest count that may be shown.
    """
    return f"<{threshold}" if is_small_cell(value, threshold) else int(value)


def suppress_counts(
    counts: Mapping[str, int],
    threshold: int = SMALL_CELL_THRESHOLD,
    *,
    complementary: bool,
) -> dict[str, int | str]:
    """Suppress the small cells of a series: 1 to ``threshold - 1`` become ``"<N"``.

    Args:
        counts: Cell -> count.
        threshold: Smallest count shown.
        complementary: The cells add up to a published total, so when exactly one
            cell is suppressed the next smallest non-zero cell is suppressed too
            (otherwise the first could be worked out by subtraction).

    Returns:
        Cell -> count or ``"<threshold"``.
    """
    small = {k for k, v in counts.items() if is_small_cell(v, threshold)}
    if complementary and len(small) == 1:
        others = sorted((v, k) for k, v in counts.items() if k not in small and v > 0)
        if others:
            small.add(others[0][1])
    return {k: (f"<{threshold}" if k in small else int(v)) for k, v in counts.items()}
