"""Cases, needs, goals, barriers, notes, safety plans, tasks, and their
presenters (private)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from pydantic import Field

from nowrongdoor.care.enums import (
    CaseStatus,
    CloseReason,
    NeedCategory,
    NeedStatus,
    Pathway,
    Sensitivity,
    TaskStatus,
)
from nowrongdoor.care.models import utcnow
from nowrongdoor.care.schemas._common import Id, Public, Strict
from nowrongdoor.care.schemas._person import (
    ConsentPublic,
    PersonPublic,
    RiskFlagPublic,
    ScreeningPublic,
)
from nowrongdoor.care.schemas._referral import WITHHELD, ReferralPublic

if TYPE_CHECKING:
    from nowrongdoor.care.models import Case, Task


class CaseCreate(Strict):
    """Open a case for a person on a pathway."""

    person_id: Id
    pathway: Pathway
    owner_id: Id | None = None


class CaseUpdate(Strict):
    """Change a case's pathway or owner."""

    pathway: Pathway | None = None
    owner_id: Id | None = None


class CaseTransition(Strict):
    """Move a case: open -> active -> closed (reason needed); closed -> open."""

    status: CaseStatus
    reason: CloseReason | None = None
    note: str | None = Field(None, max_length=5000)


class CasePublic(Public):
    """A case (list row)."""

    id: int
    person_id: int
    pseudonym: str
    organization_id: int
    owner_id: int | None
    pathway: str
    status: str
    close_reason: str | None = None
    opened_at: dt.datetime
    activated_at: dt.datetime | None = None
    closed_at: dt.datetime | None = None
    reopened_count: int = 0


#: The list row's fields the case row holds itself (all but the pseudonym).
_CASE_ROW = tuple(name for name in CasePublic.model_fields if name != "pseudonym")


def case_public(case: Case) -> CasePublic:
    """A case list row (built without re-validating values read from the database)."""
    return CasePublic.model_construct(
        pseudonym=case.person.pseudonym,
        **{name: getattr(case, name) for name in _CASE_ROW},
    )


class NeedCreate(Strict):
    """A need (Gravity Project SDOH domain or human trafficking)."""

    category: NeedCategory
    description: str | None = Field(None, max_length=5000)
    sensitivity: Sensitivity = Sensitivity.NORMAL


class NeedUpdate(Strict):
    """Change a need."""

    status: NeedStatus | None = None
    description: str | None = Field(None, max_length=5000)


class NeedPublic(Public):
    """A need."""

    id: int
    case_id: int
    category: str
    status: str
    description: str | None
    sensitivity: str
    created_at: dt.datetime


class GoalCreate(Strict):
    """A goal."""

    description: str = Field(min_length=1, max_length=5000)
    need_id: Id | None = None
    target_date: dt.date | None = None


class ProgressUpdate(Strict):
    """Change the status (and maybe the text) of a goal or barrier."""

    status: NeedStatus | None = None
    description: str | None = Field(None, min_length=1, max_length=5000)


class GoalPublic(Public):
    """A goal."""

    id: int
    case_id: int
    need_id: int | None
    description: str
    status: str
    target_date: dt.date | None
    created_at: dt.datetime


class BarrierCreate(Strict):
    """A barrier to independence."""

    description: str = Field(min_length=1, max_length=5000)


class BarrierPublic(Public):
    """A barrier."""

    id: int
    case_id: int
    description: str
    status: str
    created_at: dt.datetime


class NoteCreate(Strict):
    """A case note (encrypted at rest)."""

    text: str = Field(min_length=1, max_length=50_000)
    sensitivity: Sensitivity = Sensitivity.NORMAL


class NotePublic(Public):
    """A case note."""

    id: int
    case_id: int
    author_id: int | None
    text: str
    sensitivity: str
    created_at: dt.datetime


class SafetyPlanIn(Strict):
    """The safety plan (Stanley-Brown style sections, plus trafficking specifics)."""

    warning_signs: list[str] = Field(default_factory=list, max_length=50)
    coping_strategies: list[str] = Field(default_factory=list, max_length=50)
    safe_people: list[str] = Field(default_factory=list, max_length=50)
    safe_places: list[str] = Field(default_factory=list, max_length=50)
    code_word: str | None = Field(None, max_length=100)
    emergency_steps: list[str] = Field(default_factory=list, max_length=50)
    people_to_avoid: list[str] = Field(default_factory=list, max_length=50)


class SafetyPlanPublic(SafetyPlanIn):
    """A stored safety plan."""

    model_config = {"extra": "ignore"}
    case_id: Id
    updated_at: dt.datetime


class CaseEventPublic(Public):
    """A timeline entry."""

    id: int
    kind: str
    detail: str | None
    actor_id: int | None
    at: dt.datetime


class TaskCreate(Strict):
    """A task with a due date."""

    title: str = Field(min_length=1, max_length=500)
    due_at: dt.datetime | None = None
    case_id: Id | None = None
    owner_id: Id | None = None


class TaskUpdate(Strict):
    """Change a task."""

    title: str | None = Field(None, min_length=1, max_length=500)
    due_at: dt.datetime | None = None
    status: TaskStatus | None = None
    owner_id: Id | None = None


class TaskPublic(Public):
    """A task."""

    id: int
    case_id: int | None
    organization_id: int
    owner_id: int | None
    title: str
    due_at: dt.datetime | None
    status: str
    completed_at: dt.datetime | None
    created_at: dt.datetime
    overdue: bool = False


def task_public(task: Task) -> TaskPublic:
    """A task with its ``overdue`` flag."""
    out = TaskPublic.model_validate(task)
    out.overdue = bool(
        task.status == TaskStatus.OPEN and task.due_at and task.due_at < utcnow()
    )
    return out


class CaseDetail(CasePublic):
    """A case with everything on its page."""

    person: PersonPublic
    needs: list[NeedPublic]
    goals: list[GoalPublic]
    barriers: list[BarrierPublic]
    referrals: list[ReferralPublic]
    tasks: list[TaskPublic]
    notes: list[NotePublic]
    safety_plan: SafetyPlanPublic | None
    consents: list[ConsentPublic]
    screenings: list[ScreeningPublic]
    risk_flags: list[RiskFlagPublic]
    events: list[CaseEventPublic]
    part2_withheld: int = Field(
        0, description="Items withheld: substance-use data without Part 2 consent."
    )


def withhold_case_text(detail: CaseDetail) -> None:
    """Blank a case page's free text that may identify the person, in place
    (for roles that see pseudonymous data only; referrals are blanked as they
    are built, :func:`withhold_referral_text`)."""
    for need in detail.needs:
        if need.description:
            need.description = WITHHELD
    for goal in detail.goals:
        goal.description = WITHHELD
    for barrier in detail.barriers:
        barrier.description = WITHHELD
    for event in detail.events:
        if event.detail:
            event.detail = WITHHELD
