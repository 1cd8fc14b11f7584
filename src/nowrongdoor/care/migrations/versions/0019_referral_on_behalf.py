"""A referral's history records a partner's move made on its behalf: when the
receiving organisation is not on the system (no active account, no partner
client, no FHIR endpoint) the referring team records what the partner told
it. ``referral_event.told_via`` is how the partner told (phone, email, in
person, letter or fax; NULL for a move the actor made as themselves) and
``told_by`` who at the partner said it (encrypted, optional).

Create Date: 2026-12-07 19:00:00
"""

from __future__ import annotations

from nowrongdoor.care.migrations import _ops

revision: str = "0019_on_behalf"
down_revision: str | None = "0012_search_text"


# Added columns, all NULL-able (dropped in reverse order on the way down).
upgrade, downgrade = _ops.columns(
    "referral_event",
    _ops.string("told_via", 16, null=True),
    _ops.text("told_by", null=True),
)
