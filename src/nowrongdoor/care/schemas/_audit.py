"""Audit events (private)."""

from __future__ import annotations

import datetime as dt

from pydantic import Field

from nowrongdoor.care.schemas._common import Public


class AuditEventPublic(Public):
    """One audit event."""

    seq: int
    at: dt.datetime
    request_id: str | None
    user_id: int | None
    username: str | None
    role: str | None
    action: str
    resource_type: str | None
    resource_id: str | None
    person_id: int | None
    outcome: str
    detail: str | None
    hash: str


class ChainProblem(Public):
    """A break in the chain."""

    seq: int
    problem: str


class ChainReportPublic(Public):
    """The result of verifying the audit chain."""

    ok: bool
    checked: int
    checkpoints: int = Field(0, description="Checkpoints compared with.")
    unkeyed: int = Field(0, description="Events from before the keyed chain.")
    problems: list[ChainProblem]
