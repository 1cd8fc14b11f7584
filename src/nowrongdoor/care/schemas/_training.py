"""Training records (private)."""

from __future__ import annotations

import datetime as dt

from nowrongdoor.care.schemas._common import Public


class TrainingAttemptPublic(Public):
    """One quiz attempt, without its questions or keys."""

    id: int
    user_id: int
    course_id: str
    module_id: str
    started_at: dt.datetime
    submitted_at: dt.datetime | None
    correct: int | None
    total: int
    percent: int | None
    pass_mark: int
    passed: bool | None


class TrainingCompletionPublic(Public):
    """A course completion: what the certificate states."""

    user_id: int
    course_id: str
    course_title: str
    hours: float
    completed_at: dt.datetime
    renewal_due_at: dt.datetime
    code: str


class TrainingRecord(Public):
    """One person's standing in one course (a row of the completion view).

    ``status`` is ``current``, ``due`` (renewal due within 30 days),
    ``overdue``, ``in progress`` or ``not started``.
    """

    organisation: str
    team: str
    user_id: int
    username: str
    name: str
    role: str
    course_id: str
    modules_passed: int
    modules_total: int
    completed_at: dt.datetime | None
    renewal_due_at: dt.datetime | None
    code: str
    status: str
