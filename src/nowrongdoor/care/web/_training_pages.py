"""Training pages: courses, quizzes, certificates and completion records
(private).

Module reading pages are public, like the rest of the knowledge base. Quizzes,
results, certificates and records need sign-in. A quiz page carries only each
question's stem and choices: the keys and explanations stay in the database
until the attempt is submitted.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response

from nowrongdoor.care import training as tr
from nowrongdoor.care.api.deps import SessionDep, SettingsDep
from nowrongdoor.care.errors import BadRequest, Forbidden, NotFound
from nowrongdoor.care.models import utcnow
from nowrongdoor.care.web._session import PageCtx, Read, ViewerDep, needs, text_query
from nowrongdoor.care.web._templating import render
from nowrongdoor.errors import UserInputError
from nowrongdoor.knowledge import load_knowledge
from nowrongdoor.settings import Settings
from nowrongdoor.training import Catalogue, Course, Module
from nowrongdoor.training import Quiz as QuizModel

router = APIRouter()

TakeDep = Annotated[PageCtx, Depends(needs("training:take"))]
#: The completion records' course filter (the page and its CSV).
CourseQuery = Annotated[dict[str, str], text_query(course=64)]

CSV_COLUMNS = (
    "organisation",
    "team",
    "username",
    "name",
    "role",
    "course_id",
    "modules_passed",
    "modules_total",
    "status",
    "completed_at",
    "renewal_due_at",
    "code",
)


#: How many of a person's latest attempts "My training" lists.
ATTEMPTS_SHOWN = 20


def _catalogue(settings: Settings) -> Catalogue:
    return tr.catalogue_for(settings)


def _course_module(
    catalogue: Catalogue, course_id: str, module_id: str
) -> tuple[Course, Module]:
    try:
        course = catalogue.get(course_id)
        return course, course.module(module_id)
    except UserInputError as exc:
        raise NotFound(str(exc)) from None


@router.get("/training/courses", name="my_training")
def my_training(ctx: TakeDep) -> HTMLResponse:
    """The signed-in person's courses, module results, certificates, attempts."""
    catalogue = _catalogue(ctx.settings)
    days = ctx.settings.training_renewal_days
    since = utcnow() - dt.timedelta(days=days)
    courses = []
    for course in catalogue:
        completion = tr.current_completion(
            ctx.session, user_id=ctx.user.id, course_id=course.id
        )
        status = tr.module_status(
            ctx.session, user_id=ctx.user.id, course=course, since=since
        )
        courses.append((course, completion, status))
    attempts = tr.own_attempts(ctx.session, user=ctx.user, limit=ATTEMPTS_SHOWN)
    return ctx.render(
        "training_courses.html",
        courses=courses,
        attempts=attempts,
        attempt_count=tr.attempt_count(ctx.session, user=ctx.user),
        renewal_days=days,
        titles={(c.id, m.id): m.title for c in catalogue for m in c.modules},
        records=tr.can_view_records(ctx.session, ctx.user),
    )


@router.get(
    "/training/courses/{course_id}/{module_id}",
    name="training_module",
)
def module_page(
    request: Request,
    viewer: ViewerDep,
    settings: SettingsDep,
    course_id: str,
    module_id: str,
) -> HTMLResponse:
    """A module's reading (public) and, for a signed-in person, its quiz."""
    course, module = _course_module(_catalogue(settings), course_id, module_id)
    kb = load_knowledge()
    return render(
        request,
        "training_module.html",
        viewer,
        course=course,
        module=module,
        entries=[kb.entries[i] for i in module.entries],
        position=[m.id for m in course.modules].index(module.id) + 1,
        pass_mark=settings.training_pass_mark,
        attempts_per_day=settings.training_attempts_per_day,
    )


@router.post(
    "/training/courses/{course_id}/{module_id}/attempts", name="training_start"
)
async def start_quiz(ctx: TakeDep, course_id: str, module_id: str) -> Response:
    """Start a new attempt at a module's quiz (limited per day; a repeat of the
    form goes to the attempt it started, not counting another)."""
    again = ctx.repeated(await ctx.request.form())
    if again is not None:
        return again
    course, module = _course_module(_catalogue(ctx.settings), course_id, module_id)
    attempt = tr.start_attempt(
        ctx.session,
        user=ctx.user,
        course=course,
        module_id=module.id,
        settings=ctx.settings,
    )
    answer = ctx.created(f"/training/attempts/{attempt.id}")
    ctx.audit.commit(
        "training.attempt.start",
        resource_type="training_attempt",
        resource_id=attempt.id,
    )
    return answer


@router.get(
    "/training/attempts/{attempt_id}",
    name="training_attempt",
)
def attempt_page(ctx: TakeDep, attempt_id: int) -> HTMLResponse:
    """The quiz (before submission, for its taker only) or its graded result."""
    attempt = tr.get_attempt(ctx.session, viewer=ctx.user, attempt_id=attempt_id)
    catalogue = _catalogue(ctx.settings)
    course, module = _course_module(catalogue, attempt.course_id, attempt.module_id)
    quiz: QuizModel = tr.quiz_of(attempt)
    if attempt.submitted_at is None:
        if attempt.user_id != ctx.user.id:
            raise Forbidden("this quiz has not been submitted yet")
        return ctx.render(
            "training_quiz.html",
            attempt=attempt,
            course=course,
            module=module,
            questions=[q.public() for q in quiz.questions],
        )
    kb = load_knowledge()
    completion = None
    if attempt.passed:
        completion = tr.current_completion(
            ctx.session, user_id=attempt.user_id, course_id=course.id
        )
    answers: dict[str, Any] = attempt.answers or {}
    return ctx.render(
        "training_result.html",
        attempt=attempt,
        course=course,
        module=module,
        questions=quiz.questions,
        answers=answers,
        cited={q.cites: kb.entries[q.cites] for q in quiz.questions},
        completion=completion,
        own=attempt.user_id == ctx.user.id,
    )


@router.post("/training/attempts/{attempt_id}", name="training_submit")
async def submit_quiz(ctx: TakeDep, attempt_id: int) -> Response:
    """Grade the answers; a pass on the last module completes the course (a
    repeat of the form goes to the graded result)."""
    form = await ctx.request.form()
    again = ctx.repeated(form)
    if again is not None:
        return again
    answers = {
        key: str(value)
        for key, value in form.items()
        if key.startswith("q") and isinstance(value, str)
    }
    attempt = tr.get_attempt(ctx.session, viewer=ctx.user, attempt_id=attempt_id)
    course, module = _course_module(
        _catalogue(ctx.settings), attempt.course_id, attempt.module_id
    )
    if attempt.submitted_at is None and attempt.user_id == ctx.user.id:
        questions = [q.public() for q in tr.quiz_of(attempt).questions]
        chosen = _chosen(questions, answers)
        missing = [q["id"] for q in questions if q["id"] not in chosen]
        if missing:
            # nothing graded, nothing spent: the quiz again, answers kept
            ctx.audit.discard()
            return ctx.render(
                "training_quiz.html",
                status_code=422,
                attempt=attempt,
                course=course,
                module=module,
                questions=questions,
                chosen=chosen,
                missing=missing,
            )
    attempt, completion = tr.submit_attempt(
        ctx.session,
        user=ctx.user,
        attempt_id=attempt_id,
        answers=answers,
        course=course,
        settings=ctx.settings,
    )
    detail = f"{attempt.percent}%, {'passed' if attempt.passed else 'not passed'}"
    if completion is not None:
        detail += f"; course {course.id} completed"
    answer = ctx.created(f"/training/attempts/{attempt.id}")
    ctx.audit.commit(
        "training.attempt.submit",
        resource_type="training_attempt",
        resource_id=attempt.id,
        detail=detail,
    )
    return answer


def _chosen(questions: list[dict[str, Any]], answers: dict[str, str]) -> dict[str, int]:
    """The posted answers that name one of their question's choices."""
    chosen: dict[str, int] = {}
    for q in questions:
        raw = answers.get(q["id"], "")
        if raw.isdigit() and int(raw) < len(q["choices"]):
            chosen[q["id"]] = int(raw)
    return chosen


@router.get(
    "/training/certificates/{code}",
    name="training_certificate",
)
def certificate_page(ctx: TakeDep, code: str) -> HTMLResponse:
    """A printable certificate (its holder, or records readers in scope)."""
    completion, holder = tr.certificate(ctx.session, viewer=ctx.user, code=code)
    org = holder.organization
    return ctx.render(
        "training_certificate.html",
        completion=completion,
        holder=holder,
        organisation=org.name if org is not None else "",
        lapsed=tr.lapsed(completion.renewal_due_at, utcnow()),
    )


@router.get("/training/verify", name="training_verify")
def verify_page(
    request: Request,
    viewer: ViewerDep,
    session: SessionDep,
    query: Annotated[dict[str, str], text_query(code=40)],
) -> HTMLResponse:
    """Public check of a certificate's verification code (initials, no names)."""
    code = query["code"]
    found = tr.verify_code(session, code) if code.strip() else None
    return render(
        request,
        "training_verify.html",
        viewer,
        code=code.strip(),
        found=found,
    )


def _records(ctx: PageCtx, course_id: str) -> tuple[list[Course], list[Any]]:
    if not tr.can_view_records(ctx.session, ctx.user):
        raise Forbidden("completion records are for supervisors and training leads")
    catalogue = _catalogue(ctx.settings)
    courses = list(catalogue)
    if course_id:
        courses = [c for c in courses if c.id == course_id]
        if not courses:
            # a filter value, not a resource path: a bad value is a bad request
            raise BadRequest(f"course: there is no course {course_id!r}")
    days = ctx.settings.training_renewal_days
    rows = tr.completion_rows(
        ctx.session, viewer=ctx.user, courses=courses, renewal_days=days
    )
    return courses, rows


@router.get("/training/records", name="training_records")
def records_page(ctx: TakeDep, query: CourseQuery) -> HTMLResponse:
    """Completion by organisation and team (supervisors, admins, partner leads)."""
    course = query["course"]
    courses, rows = _records(ctx, course)
    groups: dict[tuple[str, str], list[Any]] = {}
    for row in rows:
        groups.setdefault((row.organisation, row.team), []).append(row)
    summary = [
        (
            org,
            team,
            sum(1 for r in items if r.status in ("current", "due")),
            len(items),
        )
        for (org, team), items in groups.items()
    ]
    return ctx.render(
        "training_records.html",
        read=Read("training.records.read", resource_type="training_record"),
        rows=rows,
        summary=summary,
        courses=courses,
        all_courses=list(_catalogue(ctx.settings)),
        course=course,
    )


@router.get("/training/records.csv", name="training_records_csv")
def records_csv(ctx: TakeDep, query: CourseQuery) -> Response:
    """The completion records as CSV (same scope as the page)."""
    _courses, rows = _records(ctx, query["course"])
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for row in rows:
        values = row.model_dump()
        writer.writerow(
            [
                values[c].date().isoformat()
                if c.endswith("_at") and values[c] is not None
                else ("" if values[c] is None else tr.csv_cell(values[c]))
                for c in CSV_COLUMNS
            ]
        )
    ctx.audit.commit(
        "training.records.export", resource_type="training_record", detail="csv"
    )
    return Response(
        out.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="training-records.csv"'},
    )
