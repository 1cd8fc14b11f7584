"""The investigator workspace: operations, ads, contact blind indexes, link
evidence and missing-person leads imported from the ``ads`` commands' files.

Create Date: 2026-12-06 22:29:20.352977
"""

from __future__ import annotations

from nowrongdoor.care.migrations import _ops

revision: str = "0005_investigator"
down_revision: str | None = "0005_fhir_outbound"

INV_OPERATION = _ops.Table(
    "inv_operation",
    [
        _ops.organization(),
        _ops.string("op_key", 64),
        _ops.integer("size"),
        _ops.text("contacts", null=True),
        _ops.integer("contact_count"),
        _ops.string("cities", 4000),
        _ops.integer("city_count"),
        _ops.json("route", null=True),
        _ops.string("indicator_codes", 400),
        _ops.json("indicator_mix", null=True),
        _ops.integer("min_claimed_age", null=True),
        _ops.real("estimated_revenue", null=True),
        _ops.stamp("first_seen", null=True),
        _ops.stamp("last_seen", null=True),
        _ops.flag("current"),
        _ops.stamp("imported_at"),
    ],
    unique=[(None, ["organization_id", "op_key"])],
)

INV_AD = _ops.Table(
    "inv_ad",
    [
        _ops.organization(),
        _ops.string("ad_key", 200),
        _ops.ref("operation_id", "inv_operation", null=True, ondelete="SET NULL"),
        _ops.stamp("posted_at", null=True),
        _ops.string("city", 120, null=True),
        _ops.string("state", 8, null=True),
        _ops.string("site", 120, null=True),
        _ops.string("ad_kind", 16, null=True),
        _ops.real("score"),
        _ops.string("indicator_codes", 400),
        _ops.text("title", null=True),
        _ops.text("text", null=True),
        _ops.text("facts", null=True),
        _ops.stamp("imported_at"),
    ],
    unique=[(None, ["organization_id", "ad_key"])],
    indexes={"ix_inv_ad_operation_posted": ["operation_id", "posted_at"]},
)

INV_EDGE = _ops.Table(
    "inv_edge",
    [
        _ops.ref("operation_id", "inv_operation", index=True, ondelete="CASCADE"),
        _ops.string("source_key", 200),
        _ops.string("target_key", 200),
        _ops.string("kind", 32),
        _ops.text("evidence", null=True),
        _ops.real("weight"),
        _ops.json("levels", null=True),
        _ops.real("match_weight", null=True),
    ],
)

INV_LEAD = _ops.Table(
    "inv_lead",
    [
        _ops.organization(),
        _ops.string("case_key", 64),
        _ops.string("ad_key", 200),
        _ops.string("op_key", 64, null=True),
        _ops.integer("rank"),
        _ops.real("score"),
        _ops.real("probability", null=True),
        _ops.text("evidence", null=True),
        _ops.json("fields_used", null=True),
        _ops.json("fields_missing", null=True),
        _ops.text("poster", null=True),
        _ops.string("status", 16),
        _ops.text("reason", null=True),
        _ops.actor("decided_by_id"),
        _ops.stamp("decided_at", null=True),
        _ops.flag("current"),
        _ops.stamp("imported_at"),
    ],
    unique=[(None, ["organization_id", "case_key", "ad_key"])],
)

INV_CONTACT = _ops.Table(
    "inv_contact",
    [
        _ops.ref("ad_id", "inv_ad", index=True, ondelete="CASCADE"),
        _ops.string("kind", 16),
        _ops.string("value_bidx", 64, index=True),
    ],
)


upgrade, downgrade = _ops.tables(INV_OPERATION, INV_AD, INV_EDGE, INV_LEAD, INV_CONTACT)
