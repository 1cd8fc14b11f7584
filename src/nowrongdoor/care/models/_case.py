"""Cases and what hangs off them: needs, goals, barriers, tasks, notes (private)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from nowrongdoor.care.models._base import Base, EncryptedJSON, EncryptedText
from nowrongdoor.care.models._columns import (
    CaseChild,
    IdKey,
    child_of,
    created_now,
    ref,
    sensitivity_mark,
    updated_now,
)
from nowrongdoor.care.models._person import Person

__all__ = ["Barrier", "Case", "CaseEvent", "Goal", "Need", "Note", "SafetyPlan", "Task"]


class Case(IdKey, Base):
    """A case on the Prevent or Survive/Thrive pathway for one person."""

    __tablename__ = "care_case"

    person_id: Mapped[int] = ref("person", index=True)
    organization_id: Mapped[int] = ref("organization")
    owner_id: Mapped[int | None] = ref("app_user")
    pathway: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16), default="open")
    close_reason: Mapped[str | None] = mapped_column(String(32))
    close_note: Mapped[str | None] = mapped_column(EncryptedText)
    opened_at: Mapped[dt.datetime] = created_now()
    activated_at: Mapped[dt.datetime | None] = mapped_column()
    closed_at: Mapped[dt.datetime | None] = mapped_column()
    reopened_count: Mapped[int] = mapped_column(default=0)
    updated_at: Mapped[dt.datetime] = updated_now()

    person: Mapped[Person] = relationship(lazy="select")


class CaseEvent(CaseChild, Base):
    """One entry of a case's timeline (status changes and other milestones)."""

    __tablename__ = "case_event"

    kind: Mapped[str] = mapped_column(String(40))
    detail: Mapped[str | None] = mapped_column(EncryptedText)
    actor_id: Mapped[int | None] = ref("app_user")
    at: Mapped[dt.datetime] = created_now()


class Need(CaseChild, Base):
    """A need in a Gravity Project SDOH domain (or human trafficking)."""

    __tablename__ = "need"

    category: Mapped[str] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(16), default="identified")
    description: Mapped[str | None] = mapped_column(EncryptedText)
    sensitivity: Mapped[str] = sensitivity_mark()
    created_by_id: Mapped[int | None] = ref("app_user")
    created_at: Mapped[dt.datetime] = created_now()


class Goal(CaseChild, Base):
    """A goal of the person's plan."""

    __tablename__ = "goal"

    need_id: Mapped[int | None] = ref("need")
    description: Mapped[str] = mapped_column(EncryptedText)
    status: Mapped[str] = mapped_column(String(16), default="identified")
    target_date: Mapped[dt.date | None] = mapped_column()
    created_at: Mapped[dt.datetime] = created_now()


class Barrier(CaseChild, Base):
    """A barrier to independence (transport, documents, a debt, ...)."""

    __tablename__ = "barrier"

    description: Mapped[str] = mapped_column(EncryptedText)
    status: Mapped[str] = mapped_column(String(16), default="identified")
    created_at: Mapped[dt.datetime] = created_now()


class Task(IdKey, Base):
    """A task with a due date, assigned to a user."""

    __tablename__ = "task"

    case_id: Mapped[int | None] = child_of("care_case")
    organization_id: Mapped[int] = ref("organization")
    owner_id: Mapped[int | None] = ref("app_user")
    title: Mapped[str] = mapped_column(EncryptedText)
    due_at: Mapped[dt.datetime | None] = mapped_column()
    status: Mapped[str] = mapped_column(String(16), default="open")
    completed_at: Mapped[dt.datetime | None] = mapped_column()
    created_by_id: Mapped[int | None] = ref("app_user")
    created_at: Mapped[dt.datetime] = created_now()


class Note(CaseChild, Base):
    """A case note; the text is encrypted at rest."""

    __tablename__ = "note"

    author_id: Mapped[int | None] = ref("app_user")
    text: Mapped[str] = mapped_column(EncryptedText)
    sensitivity: Mapped[str] = sensitivity_mark()
    created_at: Mapped[dt.datetime] = created_now()


class SafetyPlan(IdKey, Base):
    """The person's safety plan (one per case), encrypted as a whole."""

    __tablename__ = "safety_plan"

    case_id: Mapped[int] = child_of("care_case", unique=True)
    plan: Mapped[dict[str, Any]] = mapped_column(EncryptedJSON)
    updated_by_id: Mapped[int | None] = ref("app_user")
    updated_at: Mapped[dt.datetime] = updated_now()


Index("ix_care_case_org_owner_status", Case.organization_id, Case.owner_id, Case.status)
Index("ix_care_case_org_opened", Case.organization_id, Case.opened_at, Case.id)
Index("ix_task_org_due", Task.organization_id, Task.due_at)
Index("ix_task_owner_status_due", Task.owner_id, Task.status, Task.due_at)
