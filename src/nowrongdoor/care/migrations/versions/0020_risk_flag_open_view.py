"""A risk flag keeps its open view: the tier, score and reasons of the flag
without its 42 CFR Part 2 reasons (substance use disorder records, 42 CFR 2.11,
2.12), shown to viewers whom no Part 2 consent covers (42 CFR 2.32) instead of
withholding the whole flag. ``risk_flag.open_tier`` and ``open_score`` come
from the worklist's columns of the same names; ``open_reasons`` (encrypted,
like ``reasons``) holds the reasons that are not Part 2. All NULL on a flag
without Part 2 reasons, and on one imported from a worklist written before the
columns existed (that flag stays withheld whole).

Create Date: 2026-12-07 19:40:00
"""

from __future__ import annotations

from nowrongdoor.care.migrations import _ops

revision: str = "0020_open_view"
down_revision: str | None = "0019_on_behalf"


# Added columns, all NULL-able (dropped in reverse order on the way down).
upgrade, downgrade = _ops.columns(
    "risk_flag",
    _ops.string("open_tier", 32, null=True),
    _ops.double("open_score", null=True),
    _ops.text("open_reasons", null=True),
)
