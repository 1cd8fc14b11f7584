"""Program reach and outcome reports, privacy-safe.

Every number a report or a web page shows comes from the functions here:

* :func:`suppress` - primary and complementary cell suppression of a 2-D count
  table with margins (CMS cell-size policy), audited with linear programs.

Heavy libraries (SciPy, SQLAlchemy, Matplotlib) are imported inside the functions
that need them, so ``import nowrongdoor.reports`` stays light.
"""

from nowrongdoor.reports._suppress import (
    CountTable,
    EntryKey,
    SuppressedTable,
    feasible_intervals,
    suppress,
)

__all__ = [
    "CountTable",
    "EntryKey",
    "SuppressedTable",
    "feasible_intervals",
    "suppress",
]
