"""One-time keys of page forms that create records (a double submission
answers with the first one's address instead of a second record).

Create Date: 2026-12-07 13:00:00
"""

from __future__ import annotations

from nowrongdoor.care.migrations import _ops

revision: str = "0010_form_keys"
down_revision: str | None = "0009_inv_images"

FORM_KEY = _ops.Table(
    "form_key",
    [
        _ops.string("key", 64, unique=True),
        _ops.user_owned(),
        _ops.stamp("created_at"),
        _ops.string("redirect_to", 2048),
    ],
    indexes={"ix_form_key_user_created": ["user_id", "created_at"]},
)


upgrade, downgrade = _ops.tables(FORM_KEY)
