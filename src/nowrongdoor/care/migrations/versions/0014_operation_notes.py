"""Investigators' notes on operations, keyed to the stable operation key.

Create Date: 2026-12-07 01:30:00
"""

from __future__ import annotations

from nowrongdoor.care.migrations import _ops

revision: str = "0008_op_notes"
down_revision: str | None = "0007_queue_sort"

INV_OP_NOTE = _ops.Table(
    "inv_op_note",
    [
        _ops.organization(),
        _ops.string("op_key", 64),
        _ops.text("text"),
        _ops.actor("author_id"),
        _ops.stamp("created_at"),
    ],
    indexes={"ix_inv_op_note_org_op": ["organization_id", "op_key"]},
)


upgrade, downgrade = _ops.tables(INV_OP_NOTE)
