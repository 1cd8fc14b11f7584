"""Training records: attempts, grading, completions, certificates and scope.

Courses and quizzes come from :mod:`nowrongdoor.training`; this module keeps
the records in the care database. Keyword-only functions taking a session; the
caller commits.

Who sees which records:

- everyone signed in: their own attempts and certificates;
- a supervisor: their organisation's; an admin: everyone's;
- a partner organisation's *training lead* (a partner user an admin named with
  ``nowrongdoor training lead``): their own organisation's staff, and nothing
  else (never referrals or cases beyond what a partner user already sees).
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

from sqlalchemy import ColumnElement, func, select, true
from sqlalchemy.orm import Session

from nowrongdoor.care.enums import Role
from nowrongdoor.care.errors import Conflict, Forbidden, NotFound
from nowrongdoor.care.models import (
    Organization,
    TrainingAttempt,
    TrainingCompletion,
    TrainingLead,
    User,
    utcnow,
)
from nowrongdoor.care.schemas import TrainingRecord
from nowrongdoor.settings import Settings
from nowrongdoor.training import (
    Catalogue,
    Course,
    Quiz,
    generate_quiz,
    grade,
    load_catalogue,
)

__all__ = [
    "attempt_count",
    "can_view_records",
    "catalogue_for",
    "certificate",
    "completion_rows",
    "csv_cell",
    "current_completion",
    "get_attempt",
    "grant_lead",
    "is_lead",
    "lapsed",
    "module_status",
    "own_attempts",
    "quiz_of",
    "records_clause",
    "start_attempt",
    "submit_attempt",
    "training_due",
    "verify_code",
]


@lru_cache(maxsize=8)
def _catalogue(files: tuple[Path, ...]) -> Catalogue:
    return load_catalogue(files)


def csv_cell(value: object) -> object:
    """A CSV cell a spreadsheet will not run as a formula.

    A name or team typed as ``=...``, ``+...``, ``-...``, ``@...`` or starting
    with a tab or carriage return is kept as text, with a leading apostrophe.
    """
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def catalogue_for(settings: Settings) -> Catalogue:
    """The course catalogue: shipped courses and the plan's own files."""
    return _catalogue(tuple(settings.training_course_files))


def is_lead(session: Session, user: User) -> bool:
    """Whether ``user`` is a partner organisation's training lead."""
    return session.get(TrainingLead, user.id) is not None


def can_view_records(session: Session, user: User) -> bool:
    """Whether ``user`` may open the completion records of others."""
    if user.role in (Role.ADMIN, Role.SUPERVISOR):
        return True
    return user.role == Role.PARTNER_USER and is_lead(session, user)


def records_clause(session: Session, user: User) -> ColumnElement[bool]:
    """A WHERE clause on :class:`User` limiting staff to ``user``'s scope."""
    if user.role == Role.ADMIN:
        return true()
    if can_view_records(session, user):
        return User.organization_id == user.organization_id
    return User.id == user.id


def _in_scope(session: Session, viewer: User, owner_id: int) -> bool:
    if owner_id == viewer.id:
        return True
    owner = session.get(User, owner_id)
    if owner is None or not can_view_records(session, viewer):
        return False
    return viewer.role == Role.ADMIN or owner.organization_id == viewer.organization_id


def grant_lead(session: Session, *, user: User, granted_by: User | None) -> None:
    """Name a partner user their organisation's training lead.

    Raises:
        Conflict: ``user`` is not a partner user (staff roles already have
            their scope).
    """
    if user.role != Role.PARTNER_USER:
        raise Conflict(
            f"{user.username} is a {user.role}; only partner users are named "
            "training leads"
        )
    if not is_lead(session, user):
        session.add(
            TrainingLead(
                user_id=user.id,
                granted_by_id=granted_by.id if granted_by is not None else None,
            )
        )


def _day_start(now: dt.datetime) -> dt.datetime:
    return now.replace(hour=0, minute=0, second=0, microsecond=0)


def start_attempt(
    session: Session,
    *,
    user: User,
    course: Course,
    module_id: str,
    settings: Settings,
    now: dt.datetime | None = None,
) -> TrainingAttempt:
    """Start a quiz attempt: a fresh seed, its quiz kept on the server.

    Raises:
        NotFound: the module does not exist or has no quiz.
        Conflict: the daily attempt limit for this module is used up.
    """
    now = now or utcnow()
    module = next((m for m in course.modules if m.id == module_id), None)
    if module is None or not module.quiz:
        raise NotFound(f"course {course.id} has no quiz for module {module_id!r}")
    # One start at a time per person: a second tab's start waits here for the
    # first to commit, then counts it (without the lock both would count the
    # same earlier attempts and pass the limit together).
    session.execute(select(User.id).where(User.id == user.id).with_for_update())
    today = session.scalars(
        select(TrainingAttempt.id).where(
            TrainingAttempt.user_id == user.id,
            TrainingAttempt.course_id == course.id,
            TrainingAttempt.module_id == module_id,
            TrainingAttempt.started_at >= _day_start(now),
        )
    ).all()
    limit = settings.training_attempts_per_day
    if len(today) >= limit:
        raise Conflict(
            f"you have used today's {limit} attempts at this module; "
            "try again tomorrow (UTC)"
        )
    seed = secrets.randbelow(2**31)
    quiz = generate_quiz(course.id, module, seed)
    attempt = TrainingAttempt(
        user_id=user.id,
        organization_id=user.organization_id,
        course_id=course.id,
        module_id=module_id,
        seed=seed,
        quiz=quiz.model_dump(mode="json"),
        started_at=now,
        total=len(quiz.questions),
        pass_mark=settings.training_pass_mark,
    )
    session.add(attempt)
    session.flush()
    return attempt


def quiz_of(attempt: TrainingAttempt) -> Quiz:
    """The quiz an attempt was given (read back from the server-side copy)."""
    return Quiz.model_validate(attempt.quiz)


def get_attempt(session: Session, *, viewer: User, attempt_id: int) -> TrainingAttempt:
    """An attempt ``viewer`` may see (their own, or one in their records scope).

    Raises:
        NotFound: no such attempt.
        Forbidden: someone else's attempt outside the viewer's scope.
    """
    attempt = session.get(TrainingAttempt, attempt_id)
    if attempt is None:
        raise NotFound(f"no training attempt {attempt_id}")
    if not _in_scope(session, viewer, attempt.user_id):
        raise Forbidden("this attempt belongs to someone outside your scope")
    return attempt


def module_status(
    session: Session, *, user_id: int, course: Course, since: dt.datetime | None
) -> dict[str, TrainingAttempt | None]:
    """Per quiz module, the best passed attempt since ``since`` (None if none)."""
    query = select(TrainingAttempt).where(
        TrainingAttempt.user_id == user_id,
        TrainingAttempt.course_id == course.id,
        TrainingAttempt.passed.is_(True),
    )
    if since is not None:
        query = query.where(TrainingAttempt.submitted_at > since)
    passed: dict[str, TrainingAttempt | None] = {
        m.id: None for m in course.quiz_modules
    }
    for attempt in session.scalars(query.order_by(TrainingAttempt.submitted_at)):
        best = passed.get(attempt.module_id, None)
        if attempt.module_id in passed and (
            best is None or (attempt.percent or 0) > (best.percent or 0)
        ):
            passed[attempt.module_id] = attempt
    return passed


def current_completion(
    session: Session, *, user_id: int, course_id: str
) -> TrainingCompletion | None:
    """The user's latest completion of a course (current or due for renewal)."""
    return session.scalars(
        select(TrainingCompletion)
        .where(
            TrainingCompletion.user_id == user_id,
            TrainingCompletion.course_id == course_id,
        )
        .order_by(TrainingCompletion.completed_at.desc(), TrainingCompletion.id.desc())
        .limit(1)
    ).first()


def own_attempts(
    session: Session, *, user: User, limit: int = 20
) -> list[TrainingAttempt]:
    """The user's latest attempts, newest first."""
    return list(
        session.scalars(
            select(TrainingAttempt)
            .where(TrainingAttempt.user_id == user.id)
            .order_by(TrainingAttempt.started_at.desc(), TrainingAttempt.id.desc())
            .limit(limit)
        )
    )


def lapsed(renewal_due_at: dt.datetime, now: dt.datetime) -> bool:
    """Whether a completion is past its renewal date.

    The renewal date is a day (UTC): a person told "renewal due 7 December" is
    due all that day and overdue from the next.
    """
    return now.astimezone(dt.UTC).date() > renewal_due_at.astimezone(dt.UTC).date()


def _due_soon(renewal_due_at: dt.datetime, now: dt.datetime) -> bool:
    """Whether the renewal date is within 30 days (counted in UTC days)."""
    left = renewal_due_at.astimezone(dt.UTC).date() - now.astimezone(dt.UTC).date()
    return left <= dt.timedelta(days=30)


def attempt_count(session: Session, *, user: User) -> int:
    """How many attempts the user has started, in all."""
    return int(
        session.scalar(
            select(func.count(TrainingAttempt.id)).where(
                TrainingAttempt.user_id == user.id
            )
        )
        or 0
    )


def verify_code(
    session: Session, code: str, *, now: dt.datetime | None = None
) -> dict[str, str | bool] | None:
    """What a public verification shows for a code: course, dates, initials.

    Returns:
        ``course``, ``hours``, ``completed``, ``renewal_due``, ``initials``,
        ``organisation`` and ``lapsed`` (the renewal date has passed: the
        certificate is no longer current), or None for an unknown code.
    """
    now = now or utcnow()
    completion = session.scalars(
        select(TrainingCompletion).where(
            TrainingCompletion.code == code.strip().upper()
        )
    ).first()
    if completion is None:
        return None
    holder = session.get(User, completion.user_id)
    org = session.get(Organization, completion.organization_id)
    initials = (
        "".join(part[0] for part in holder.display_name.split() if part).upper()
        if holder is not None
        else "?"
    )
    return {
        "course": completion.course_title,
        "hours": f"{completion.hours:g}",
        "completed": completion.completed_at.date().isoformat(),
        "renewal_due": completion.renewal_due_at.date().isoformat(),
        "initials": initials,
        "organisation": org.name if org is not None else "",
        "lapsed": lapsed(completion.renewal_due_at, now),
    }


def training_due(
    session: Session,
    *,
    user: User,
    courses: Sequence[Course],
    now: dt.datetime | None = None,
) -> list[dict[str, object]]:
    """Each course's standing for one person's work queue.

    Returns:
        Per course: ``course`` (the course), ``status`` (``current``, ``due``
        within 30 days, ``overdue`` or ``not completed``) and
        ``renewal_due_at`` (None when never completed).
    """
    now = now or utcnow()
    out: list[dict[str, object]] = []
    for course in courses:
        completion = current_completion(session, user_id=user.id, course_id=course.id)
        if completion is None:
            status = "not completed"
        else:
            status = _status(completion, 0, now)
        out.append(
            {
                "course": course,
                "status": status,
                "renewal_due_at": completion.renewal_due_at if completion else None,
            }
        )
    return out


def _certificate_code() -> str:
    raw = secrets.token_hex(8).upper()
    return "-".join(raw[i : i + 4] for i in range(0, 16, 4))


def submit_attempt(
    session: Session,
    *,
    user: User,
    attempt_id: int,
    answers: dict[str, str],
    course: Course,
    settings: Settings,
    now: dt.datetime | None = None,
) -> tuple[TrainingAttempt, TrainingCompletion | None]:
    """Grade an attempt; record a completion when the course is now complete.

    Returns:
        The graded attempt, and the new completion (None when none was made).

    Raises:
        NotFound / Forbidden: not the user's own attempt.
        Conflict: the attempt was already submitted.
    """
    now = now or utcnow()
    # locked and read afresh: the same quiz sent from a second tab waits here
    # for the first, then finds it submitted
    attempt = session.get(
        TrainingAttempt, attempt_id, with_for_update=True, populate_existing=True
    )
    if attempt is None:
        raise NotFound(f"no training attempt {attempt_id}")
    if attempt.user_id != user.id:
        raise Forbidden("only the person taking a quiz may answer it")
    if attempt.submitted_at is not None:
        raise Conflict("this attempt was already submitted; start a new one")
    result = grade(quiz_of(attempt), answers, attempt.pass_mark)
    attempt.answers = {k: v for k, v in result.answers.items()}
    attempt.correct = result.correct
    attempt.percent = result.percent
    attempt.passed = result.passed
    attempt.submitted_at = now
    session.flush()
    completion = None
    if result.passed:
        previous = current_completion(session, user_id=user.id, course_id=course.id)
        since = previous.completed_at if previous is not None else None
        status = module_status(session, user_id=user.id, course=course, since=since)
        if all(status.values()):
            completion = TrainingCompletion(
                user_id=user.id,
                organization_id=user.organization_id,
                course_id=course.id,
                course_title=course.title,
                hours=course.hours,
                completed_at=now,
                renewal_due_at=now + dt.timedelta(days=settings.training_renewal_days),
                code=_certificate_code(),
            )
            session.add(completion)
            session.flush()
    return attempt, completion


def certificate(
    session: Session, *, viewer: User, code: str
) -> tuple[TrainingCompletion, User]:
    """A certificate the viewer may open, and its holder.

    Raises:
        NotFound: no such code.
        Forbidden: a certificate outside the viewer's scope.
    """
    completion = session.scalars(
        select(TrainingCompletion).where(TrainingCompletion.code == code.upper())
    ).first()
    if completion is None:
        raise NotFound("no certificate has this verification code")
    if not _in_scope(session, viewer, completion.user_id):
        raise Forbidden("this certificate belongs to someone outside your scope")
    holder = session.get(User, completion.user_id)
    assert holder is not None
    return completion, holder


def _status(
    completion: TrainingCompletion | None, passed: int, now: dt.datetime
) -> str:
    if completion is not None:
        if lapsed(completion.renewal_due_at, now):
            return "overdue"
        if _due_soon(completion.renewal_due_at, now):
            return "due"
        return "current"
    return "in progress" if passed else "not started"


def completion_rows(
    session: Session,
    *,
    viewer: User,
    courses: Sequence[Course],
    renewal_days: int,
    now: dt.datetime | None = None,
) -> list[TrainingRecord]:
    """Every active user in the viewer's scope x every course, sorted by
    organisation, team and name. Modules count as passed within the renewal
    period (``renewal_days`` back from ``now``)."""
    now = now or utcnow()
    window_start = now - dt.timedelta(days=renewal_days)
    users = session.execute(
        select(User, Organization.name)
        .join(Organization, Organization.id == User.organization_id)
        .where(records_clause(session, viewer), User.is_active.is_(True))
        .order_by(Organization.name, User.team, User.display_name)
    ).all()
    in_scope = records_clause(session, viewer)
    course_ids = [c.id for c in courses]
    latest: dict[tuple[int, str], TrainingCompletion] = {}
    for done in session.scalars(
        select(TrainingCompletion)
        .join(User, User.id == TrainingCompletion.user_id)
        .where(in_scope, TrainingCompletion.course_id.in_(course_ids))
        .order_by(TrainingCompletion.completed_at, TrainingCompletion.id)
    ):
        latest[(done.user_id, done.course_id)] = done
    passes = set(
        session.execute(
            select(
                TrainingAttempt.user_id,
                TrainingAttempt.course_id,
                TrainingAttempt.module_id,
            )
            .join(User, User.id == TrainingAttempt.user_id)
            .where(
                in_scope,
                TrainingAttempt.course_id.in_(course_ids),
                TrainingAttempt.passed.is_(True),
                TrainingAttempt.submitted_at > window_start,
            )
            .distinct()
        ).tuples()
    )
    rows: list[TrainingRecord] = []
    for user, org_name in users:
        for course in courses:
            completion = latest.get((user.id, course.id))
            passed = sum(
                (user.id, course.id, m.id) in passes for m in course.quiz_modules
            )
            rows.append(
                TrainingRecord(
                    organisation=org_name,
                    team=user.team or "",
                    user_id=user.id,
                    username=user.username,
                    name=user.display_name,
                    role=user.role,
                    course_id=course.id,
                    modules_passed=passed,
                    modules_total=len(course.quiz_modules),
                    completed_at=completion.completed_at if completion else None,
                    renewal_due_at=completion.renewal_due_at if completion else None,
                    code=completion.code if completion else "",
                    status=_status(completion, passed, now),
                )
            )
    return rows
