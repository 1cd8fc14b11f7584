"""Training records: quiz attempts, course completions, partner training leads.

Create Date: 2026-12-06 19:40:00
"""

from __future__ import annotations

from nowrongdoor.care.migrations import _ops

revision: str = "0003_training"
down_revision: str | None = "s21_audit_key"

TRAINING_ATTEMPT = _ops.Table(
    "training_attempt",
    [
        *_ops.training_record(),
        _ops.string("module_id", 64),
        _ops.integer("seed"),
        _ops.json("quiz"),
        _ops.stamp("started_at"),
        _ops.stamp("submitted_at", null=True),
        _ops.json("answers", null=True),
        _ops.integer("correct", null=True),
        _ops.integer("total"),
        _ops.integer("percent", null=True),
        _ops.integer("pass_mark"),
        _ops.flag("passed", null=True),
    ],
    indexes={
        "ix_training_attempt_user_module": [
            "user_id",
            "course_id",
            "module_id",
            "started_at",
        ]
    },
)

TRAINING_COMPLETION = _ops.Table(
    "training_completion",
    [
        *_ops.training_record(),
        _ops.string("course_title", 300),
        _ops.double("hours"),
        _ops.stamp("completed_at"),
        _ops.stamp("renewal_due_at"),
        _ops.string("code", 32, unique=True),
    ],
    indexes={
        "ix_training_completion_org": ["organization_id"],
        "ix_training_completion_user_course": ["user_id", "course_id", "completed_at"],
    },
)

TRAINING_LEAD = _ops.Table(
    "training_lead",
    [
        _ops.user_owned(),
        _ops.ref("granted_by_id", "app_user", null=True, ondelete="SET NULL"),
        _ops.stamp("granted_at"),
    ],
    key=("user_id",),
)


upgrade, downgrade = _ops.tables(TRAINING_ATTEMPT, TRAINING_COMPLETION, TRAINING_LEAD)
