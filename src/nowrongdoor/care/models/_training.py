"""Training records: quiz attempts, course completions, partner training leads
(private).

No person (client) data: these rows are about staff. An attempt keeps its quiz
(questions and keys) on the server; pages show only the stems and choices
until the attempt is submitted.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from nowrongdoor.care.models._base import Base
from nowrongdoor.care.models._columns import TrainingRecord, created_now

__all__ = ["TrainingAttempt", "TrainingCompletion", "TrainingLead"]


class TrainingAttempt(TrainingRecord, Base):
    """One try at a module's quiz by one user."""

    __tablename__ = "training_attempt"

    module_id: Mapped[str] = mapped_column(String(64))
    seed: Mapped[int] = mapped_column()
    quiz: Mapped[dict[str, Any]] = mapped_column(JSON)
    started_at: Mapped[dt.datetime] = created_now()
    submitted_at: Mapped[dt.datetime | None] = mapped_column()
    answers: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    correct: Mapped[int | None] = mapped_column()
    total: Mapped[int] = mapped_column()
    percent: Mapped[int | None] = mapped_column()
    pass_mark: Mapped[int] = mapped_column()
    passed: Mapped[bool | None] = mapped_column()


class TrainingCompletion(TrainingRecord, Base):
    """A course completed (every module's quiz passed): the certificate."""

    __tablename__ = "training_completion"

    course_title: Mapped[str] = mapped_column(String(300))
    hours: Mapped[float] = mapped_column()
    completed_at: Mapped[dt.datetime] = created_now()
    renewal_due_at: Mapped[dt.datetime] = mapped_column()
    code: Mapped[str] = mapped_column(String(32), unique=True)


class TrainingLead(Base):
    """A partner organisation's training lead: sees its own staff's records."""

    __tablename__ = "training_lead"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("app_user.id", ondelete="CASCADE"), primary_key=True
    )
    granted_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("app_user.id", ondelete="SET NULL")
    )
    granted_at: Mapped[dt.datetime] = created_now()


Index(
    "ix_training_attempt_user_module",
    TrainingAttempt.user_id,
    TrainingAttempt.course_id,
    TrainingAttempt.module_id,
    TrainingAttempt.started_at,
)
Index(
    "ix_training_completion_user_course",
    TrainingCompletion.user_id,
    TrainingCompletion.course_id,
    TrainingCompletion.completed_at,
)
Index("ix_training_completion_org", TrainingCompletion.organization_id)
