"""Supervisor dashboard and administration pages (private).

The dashboard shows counts only, scoped by role, with every count from 1 to 10
masked (see :mod:`nowrongdoor.care.web._masking`). Administration covers users
and roles, the audit log (with chain verification) and the partner-directory
import (Open Referral HSDS 3 JSON, or a zipped CSV package).
"""

from __future__ import annotations

import io
import json
import statistics
import tempfile
import zipfile
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.routing import iter_route_contexts
from starlette.datastructures import UploadFile

from nowrongdoor.care import crud
from nowrongdoor.care.audit import verify_chain
from nowrongdoor.care.enums import CaseStatus, Pathway, Role
from nowrongdoor.care.errors import BadRequest, Conflict, Forbidden
from nowrongdoor.care.hsds import import_hsds, load_hsds, tables_from_document
from nowrongdoor.care.schemas import UserCreate, UserUpdate
from nowrongdoor.care.web import _forms as f
from nowrongdoor.care.web._masking import Shown, mask_count, mask_rate, mask_series
from nowrongdoor.care.web._session import Page, PageCtx, Read, needs, paged, text_query
from nowrongdoor.errors import UserInputError

router = APIRouter()

CaseRead = Annotated[PageCtx, Depends(needs("case:read"))]
UserManage = Annotated[PageCtx, Depends(needs("user:manage"))]
AuditRead = Annotated[PageCtx, Depends(needs("audit:read"))]
ImportDep = Annotated[PageCtx, Depends(needs("partner:import"))]
#: The audit log's filters, page offset and chain check.
AuditQuery = Annotated[
    dict[str, str],
    text_query(action=60, username=150, outcome=16, person_id=20, verify=8),
]

DASHBOARD_ROLES = frozenset({Role.SUPERVISOR, Role.ADMIN, Role.ANALYST})
MAX_UPLOAD_BYTES = 5_000_000


def _threshold(ctx: PageCtx) -> int:
    return int(ctx.settings.suppression_threshold)


@router.get("/dashboard", name="dashboard")
def dashboard(ctx: CaseRead) -> HTMLResponse:
    """Caseloads, overdue tasks, loop closure, time to accept, cases by pathway."""
    user, session = ctx.user, ctx.session
    if user.role not in DASHBOARD_ROLES:
        raise Forbidden("the dashboard is for supervisors, analysts and admins")
    threshold = _threshold(ctx)
    counts = crud.dashboard_counts(session, viewer=user)
    hours = counts.accept_hours
    median_accept: Shown
    if not hours:
        median_accept = Shown("no data", False)
    elif len(hours) < threshold:
        median_accept = Shown("suppressed", True)
    else:
        median_accept = Shown(f"{statistics.median(hours):.1f} hours", False)

    statuses = [s.value for s in CaseStatus]
    by_pathway: list[tuple[str, dict[str, Shown], Shown]] = []
    for pathway in Pathway:
        cells = {s: counts.by_pathway.get((pathway.value, s), 0) for s in statuses}
        shown, total = mask_series(cells, threshold)
        by_pathway.append((pathway.value, shown, total))
    loads_shown, loads_total = mask_series(counts.caseloads, threshold)
    overdue_shown, overdue_total = mask_series(counts.overdue, threshold)
    return ctx.render(
        "dashboard.html",
        read=Read("dashboard.read", detail="aggregate counts, small cells masked"),
        threshold=threshold,
        caseloads=loads_shown,
        caseloads_total=loads_total,
        overdue=overdue_shown,
        overdue_total=overdue_total,
        sent=mask_count(counts.sent, threshold),
        completed=mask_count(counts.completed, threshold),
        loop_rate=mask_rate(counts.completed, counts.sent, threshold),
        median_accept=median_accept,
        by_pathway=by_pathway,
        statuses=statuses,
        program_report=any(
            route.path == "/reports/program"
            for route in iter_route_contexts(ctx.request.app.routes)
        ),
    )


# --- admin ---------------------------------------------------------------------


#: Users the administration page lists a page.
USERS_PAGE_SIZE = 100


@router.get("/admin", name="admin")
def admin_home(
    ctx: UserManage, page: Annotated[Page, paged(USERS_PAGE_SIZE)]
) -> HTMLResponse:
    """Users and roles, a page at a time."""
    return _admin_response(ctx, page)


def _admin_response(
    ctx: PageCtx, page: Page | None = None, form_error: dict[str, Any] | None = None
) -> HTMLResponse:
    """The users page (the first without ``page``); with ``form_error`` (a
    refused new user) status 400, the form's values kept but the password, and
    no read recorded."""
    shown = page or Page(1, USERS_PAGE_SIZE)
    users, total = crud.list_users(ctx.session, viewer=ctx.user, **shown.window)
    orgs = crud.organization_choices(ctx.session)
    if form_error is not None:
        form_error["values"].pop("password", None)
    return ctx.render(
        "admin.html",
        status_code=400 if form_error else 200,
        read=None
        if form_error
        else Read(
            "user.list",
            resource_type="user",
            detail=f"page {shown.number}, {len(users)} of {total} rows",
        ),
        form_error=form_error,
        users=users,
        **shown.fields(total),
        orgs={o.id: o for o in orgs},
        roles=[r.value for r in Role],
        error=ctx.request.query_params.get("error", ""),
    )


@router.post("/admin/users")
async def admin_create_user(ctx: UserManage) -> Response:
    """Create a user in an organisation, with a role."""
    form = await ctx.posted_form(
        "new-user-form",
        lambda error: _admin_response(ctx, form_error=error),
        ("username", "display_name", "organization_id", "role", "team", "password"),
    )
    again = ctx.repeated(form)
    if again is not None:
        return again
    data = f.build(
        UserCreate,
        username=f.text(form, "username"),
        display_name=f.text(form, "display_name"),
        role=f.choice(f.text(form, "role"), {r.value: "" for r in Role}, "role"),
        team=f.text(form, "team"),
        password=f.text(form, "password"),
        organization_id=f.integer(form, "organization_id"),
    )
    try:
        created = crud.create_user(ctx.session, data=data)
    except Conflict:
        raise BadRequest(
            f"The username {data.username} is taken; choose another.",
            field="username",
        ) from None
    answer = ctx.created("/admin#users")
    ctx.audit.commit("user.create", resource_type="user", resource_id=created.id)
    return answer


@router.post("/admin/users/{user_id}")
async def admin_update_user(ctx: UserManage, user_id: int) -> Response:
    """Change a user's role or team, deactivate, reactivate or unlock."""
    form = await ctx.request.form()
    target = crud.get_user(ctx.session, viewer=ctx.user, user_id=user_id)
    role = f.text(form, "role")
    active = f.text(form, "active")
    data = f.build(
        UserUpdate,
        role=f.choice(role, {r.value: "" for r in Role}, "role") if role else None,
        team=f.text(form, "team"),
        is_active=None if active is None else active == "yes",
        unlock=form.get("unlock") == "on",
    )
    if target.id == ctx.user.id and data.is_active is False:
        raise BadRequest("you cannot deactivate your own account", field="active")
    crud.update_user(ctx.session, user=target, data=data)
    ctx.audit.commit("user.update", resource_type="user", resource_id=target.id)
    return RedirectResponse("/admin#users", status_code=303)


def _whole(value: str, name: str, *, minimum: int) -> int | None:
    """A whole-number query value; ``None`` when empty.

    Raises:
        BadRequest: not a whole number of at least ``minimum`` (names the field).
    """
    value = value.strip()
    if not value:
        return None
    if not value.isdigit() or int(value) < minimum:
        raise BadRequest(
            f"{f.field_label(name)} must be a whole number of at least {minimum}.",
            field=name,
        )
    return int(value)


#: Audit events the audit log page lists a page.
AUDIT_PAGE_SIZE = 50


@router.get("/admin/audit", name="audit_log")
def audit_log(
    ctx: AuditRead, page: Annotated[Page, paged(AUDIT_PAGE_SIZE)], query: AuditQuery
) -> HTMLResponse:
    """Browse the audit log, newest first, a page at a time; verify the hash
    chain on request.

    Empty fields are ignored (a form sends every field, filled or not); a
    person id that is not a whole number is named in a message.
    """
    person = _whole(query["person_id"], "person_id", minimum=1)
    action, username, outcome = query["action"], query["username"], query["outcome"]
    events, total = crud.list_audit_events(
        ctx.session,
        action=action,
        action_prefix=True,
        username=username,
        outcome=outcome,
        person_id=person,
        **page.window,
    )
    report = (
        verify_chain(
            ctx.session,
            checkpoint_file=ctx.settings.resolved_checkpoint_file,
        )
        if query["verify"].lower() in ("1", "true", "on")
        else None
    )
    return ctx.render(
        "audit.html",
        read=Read(
            "audit.list",
            resource_type="audit",
            detail=f"page {page.number}, {len(events)} of {total} rows",
        ),
        events=events,
        **page.fields(total),
        filters={
            "action": action,
            "username": username,
            "outcome": outcome,
            "person_id": person or "",
        },
        report=report,
    )


@router.get("/admin/partners", name="partner_import")
def partner_import_page(ctx: ImportDep) -> HTMLResponse:
    """The partner-directory import form and the partner organisations."""
    return _import_page(ctx, report=None, error=None, status_code=200)


def _import_page(
    ctx: PageCtx, *, report: Any, error: str | None, status_code: int
) -> HTMLResponse:
    orgs = crud.organization_choices(ctx.session, kind="partner")
    return ctx.render(
        "partner_import.html",
        status_code=status_code,
        orgs=orgs,
        report=report,
        error=error,
    )


@router.post("/admin/partners")
async def partner_import(ctx: ImportDep) -> HTMLResponse:
    """Import Open Referral HSDS 3 data: a JSON file or a zipped CSV package."""
    form = await ctx.request.form()
    upload = form.get("file")
    if not isinstance(upload, UploadFile) or not upload.filename:
        return _import_page(
            ctx,
            report=None,
            error="Choose a file to import (field file).",
            status_code=422,
        )
    raw = await upload.read(MAX_UPLOAD_BYTES + 1)
    if len(raw) > MAX_UPLOAD_BYTES:
        return _import_page(
            ctx,
            report=None,
            error=f"{upload.filename}: larger than {MAX_UPLOAD_BYTES} bytes.",
            status_code=413,
        )
    try:
        tables = _read_upload(upload.filename, raw)
        report = import_hsds(ctx.session, tables)
    except UserInputError as exc:
        ctx.audit.discard()
        return _import_page(ctx, report=None, error=str(exc), status_code=422)
    ctx.audit.commit(
        "partner.import",
        resource_type="organization",
        detail=f"{report.organizations} orgs, {report.services} services",
    )
    return _import_page(ctx, report=report, error=None, status_code=200)


def _read_upload(name: str, raw: bytes) -> Any:
    if name.lower().endswith(".json"):
        try:
            doc = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise UserInputError(f"{name}: not valid UTF-8 JSON ({exc})") from exc
        return tables_from_document(doc, name)
    if name.lower().endswith(".zip"):
        try:
            archive = zipfile.ZipFile(io.BytesIO(raw))
        except zipfile.BadZipFile as exc:
            raise UserInputError(f"{name}: not a zip file") from exc
        with tempfile.TemporaryDirectory() as tmp, archive:
            root = Path(tmp)
            for member in archive.infolist():
                target = (root / member.filename).resolve()
                if not target.is_relative_to(root.resolve()):
                    raise UserInputError(f"{name}: unsafe path {member.filename!r}")
            archive.extractall(root)
            package = next((p.parent for p in root.rglob("datapackage.json")), root)
            return load_hsds(package)
    raise UserInputError(
        f"{name}: upload an HSDS 3 JSON file (.json) or a zipped CSV package (.zip)"
    )
