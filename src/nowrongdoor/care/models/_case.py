"""Cases and what hangs off them: needs, goals, barriers, tasks, notes (private)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from nowrongdoor.care.models._base import (
    Base,
    EncryptedJSON,
    EncryptedText,
    utcnow,
)
from nowrongdoor.care.models._person import Person


class Case(Base):
    """A case on the Prevent or Survive/Thrive pathway for one person."""

    __tablename__ = "care_case"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id"))
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    pathway: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16), default="open")
    close_reason: Mapped[str | None] = mapped_column(String(32))
    close_note: Mapped[str | None] = mapped_column(EncryptedText)
    opened_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    activated_at: Mapped[dt.datetime | None] = mapped_column()
    closed_at: Mapped[dt.datetime | None] = mapped_column()
    reopened_count: Mapped[int] = mapped_column(default=0)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    person: Mapped[Person] = relationship(lazy="select")


class CaseEvent(Base):
    """One entry of a case's timeline (status changes and other milestones)."""

    __tablename__ = "case_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(
        ForeignKey("care_case.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(40))
    detail: Mapped[str | None] = mapped_column(EncryptedText)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class Need(Base):
    """A need in a Gravity Project SDOH domain (or human trafficking)."""

    __tablename__ = "need"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(
        ForeignKey("care_case.id", ondelete="CASCADE"), index=True
    )
    category: Mapped[str] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(16), default="identified")
    description: Mapped[str | None] = mapped_column(EncryptedText)
    sensitivity: Mapped[str] = mapped_column(String(16), default="normal")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class Goal(Base):
    """A goal of the person's plan."""

    __tablename__ = "goal"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(
        ForeignKey("care_case.id", ondelete="CASCADE"), index=True
    )
    need_id: Mapped[int | None] = mapped_column(ForeignKey("need.id"))
    description: Mapped[str] = mapped_column(EncryptedText)
    status: Mapped[str] = mapped_column(String(16), default="identified")
    target_date: Mapped[dt.date | None] = mapped_column()
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class Barrier(Base):
    """A barrier to independence (transport, documents, a debt, ...)."""

    __tablename__ = "barrier"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(
        ForeignKey("care_case.id", ondelete="CASCADE"), index=True
    )
    description: Mapped[str] = mapped_column(EncryptedText)
    status: Mapped[str] = mapped_column(String(16), default="identified")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class Task(Base):
    """A task with a due date, assigned to a user."""

    __tablename__ = "task"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int | None] = mapped_column(
        ForeignKey("care_case.id", ondelete="CASCADE"), index=True
    )
    organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id"))
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    title: Mapped[str] = mapped_column(EncryptedText)
    due_at: Mapped[dt.datetime | None] = mapped_column()
    status: Mapped[str] = mapped_column(String(16), default="open")
    completed_at: Mapped[dt.datetime | None] = mapped_column()
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class Note(Base):
    """A case note; the text is encrypted at rest."""

    __tablename__ = "note"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(
        ForeignKey("care_case.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    text: Mapped[str] = mapped_column(EncryptedText)
    sensitivity: Mapped[str] = mapped_column(String(16), default="normal")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class SafetyPlan(Base):
    """The person's safety plan (one per case), encrypted as a whole."""

    __tablename__ = "safety_plan"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(
        ForeignKey("care_case.id", ondelete="CASCADE"), unique=True
    )
    plan: Mapped[dict[str, Any]] = mapped_column(EncryptedJSON)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)


Index("ix_care_case_org_owner_status", Case.organization_id, Case.owner_id, Case.status)
Index("ix_care_case_org_opened", Case.organization_id, Case.opened_at, Case.id)
Index("ix_task_org_due", Task.organization_id, Task.due_at)
Index("ix_task_owner_status_due", Task.owner_id, Task.status, Task.due_at)
