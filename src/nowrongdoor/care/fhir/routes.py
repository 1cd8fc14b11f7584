"""The ``/fhir`` REST API (FHIR R4 4.0.1): token endpoint, CapabilityStatement,
Task, ServiceRequest, Patient, Consent, Organization and HealthcareService.

Errors are OperationOutcome resources; every authenticated call is audited with
the calling client's id; Task updates take ``If-Match`` and answer 412 on a
stale version. What every ``/fhir`` router shares (the route class, the call
context ``FhirCall``, the search page) lives in :mod:`._call`; its public names
are also this module's.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable
from typing import Annotated, Any
from urllib.parse import unquote

from fastapi import Depends, Form, Query, Request
from fastapi.responses import JSONResponse, Response
from sqlalchemy import Select, func, select

from nowrongdoor.care import crud
from nowrongdoor.care.api.deps import AuditDep, SessionDep
from nowrongdoor.care.enums import ReferralStatus, Role
from nowrongdoor.care.errors import (
    ApiError,
    BadRequest,
    Conflict,
    Forbidden,
    NotFound,
)
from nowrongdoor.care.fhir._access import (
    visible_referral,
    visible_referrals,
    with_text,
)
from nowrongdoor.care.fhir._call import (
    FhirCall,
    FhirCallDep,
    SearchPage,
    SearchPageDep,
    base_url,
    fhir_answer,
    fhir_router,
    numeric_id,
    outcome,
    search_answer,
)
from nowrongdoor.care.fhir._capability import capability_statement
from nowrongdoor.care.fhir._format import other_version
from nowrongdoor.care.fhir._on_behalf import on_behalf_move
from nowrongdoor.care.fhir._search import (
    ReferralQuery,
    ServiceRequestQueryDep,
    TaskQueryDep,
    include_values,
    included_referrals,
    organization_id,
    referral_resources,
    referral_search,
    revinclude_values,
    service_names,
)
from nowrongdoor.care.fhir._task_answer import task_answer, updated_answer
from nowrongdoor.care.fhir.clients import (
    ASSERTION_TYPE,
    issue_token,
    issue_token_for_assertion,
)
from nowrongdoor.care.fhir.mapping import referral_status_of_task, task_status_of
from nowrongdoor.care.fhir.resources import (
    as_json,
    consent_resource,
    healthcare_service_resource,
    organization_resource,
    parse_resource,
    patient_resource,
    reference_of,
    service_request_resource,
    task_resource,
    version_of,
)
from nowrongdoor.care.fhir.task_output import join_note, outputs_of, split_note
from nowrongdoor.care.models import (
    Consent,
    Organization,
    PartnerService,
    Person,
    Referral,
    utcnow,
)
from nowrongdoor.care.rbac import require
from nowrongdoor.care.schemas import ReferralTransition

__all__ = ["ReferralQuery", "router"]

router = fhir_router()


# --- token endpoint -------------------------------------------------------------


def _basic_credentials(request: Request) -> tuple[str, str] | None:
    scheme, _, value = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        raw = base64.b64decode(value.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None
    cid, sep, secret = raw.partition(":")
    return (unquote(cid), unquote(secret)) if sep else None


def _oauth_error(status: int, error: str, description: str) -> JSONResponse:
    return JSONResponse(
        {"error": error, "error_description": description},
        status_code=status,
        headers={"Cache-Control": "no-store"},
    )


@router.post("/auth/token", summary="OAuth2 client-credentials token")
def token(
    request: Request,
    session: SessionDep,
    auditor: AuditDep,
    grant_type: Annotated[str, Form()] = "",
    client_id: Annotated[str, Form(max_length=64)] = "",
    client_secret: Annotated[str, Form(max_length=200)] = "",
    client_assertion_type: Annotated[str, Form(max_length=100)] = "",
    client_assertion: Annotated[str, Form(max_length=8000)] = "",
) -> JSONResponse:
    """Exchange client credentials (form fields, HTTP Basic, or a private-key
    JWT client assertion, RFC 7523) for a bearer token."""
    limiter = request.app.state.login_limiter
    peer = request.client.host if request.client else "unknown"
    if not limiter.hit(f"fhir-token:{peer}"):
        return _oauth_error(429, "slow_down", "too many token requests; wait a minute")
    if grant_type != "client_credentials":
        return _oauth_error(
            400, "unsupported_grant_type", "grant_type must be client_credentials"
        )
    basic = _basic_credentials(request)
    if basic is not None:
        client_id, client_secret = basic
    if client_assertion_type or client_assertion:
        if client_assertion_type != ASSERTION_TYPE or not client_assertion:
            wrong = f"client_assertion_type must be {ASSERTION_TYPE}"
            return _oauth_error(400, "invalid_request", wrong)
        named, issued = issue_token_for_assertion(
            session,
            assertion=client_assertion,
            audience=f"{base_url(request)}/auth/token",
        )
        client_id = named or "?"
    elif not client_id or not client_secret:
        return _oauth_error(
            400, "invalid_request", "client_id and client_secret needed"
        )
    else:
        issued = issue_token(session, client_id=client_id, client_secret=client_secret)
    if issued is None:
        auditor.commit(
            "fhir:token",
            outcome="failure",
            detail=f"client={client_id[:64]}",
        )
        return _oauth_error(401, "invalid_client", "unknown, revoked or wrong client")
    auditor.commit("fhir:token", detail=f"client={client_id}")
    return JSONResponse(
        {
            "access_token": issued.access_token,
            "token_type": "Bearer",
            "expires_in": issued.expires_in,
        },
        headers={"Cache-Control": "no-store", "Pragma": "no-cache"},
    )


@router.get("/metadata", summary="CapabilityStatement")
def metadata(request: Request) -> JSONResponse:
    """What this server supports (public, as FHIR expects)."""
    return fhir_answer(as_json(capability_statement(base_url(request))))


# --- Task and ServiceRequest ------------------------------------------------------


def _search(
    call: FhirCall,
    resource_type: str,
    owner: str | None,
    q: ReferralQuery,
    include: tuple[str, list[str]] = ("_include", []),
) -> JSONResponse:
    """One audited searchset page of the referrals the caller reaches, with
    what ``include`` (``_include`` or ``_revinclude`` and its applied values)
    brings: the other resource of each referral, under the caller's reach."""
    session, viewer = call.session, call.viewer
    require(viewer, "referral:read")
    rows, total = referral_search(
        session,
        viewer,
        resource_type=resource_type,
        owner=owner,
        status=q.status,
        dates=q.dates,
        count=q.page.count,
        offset=q.page.offset,
        ids=q.ids,
        sort=q.sort,
    )
    out = referral_resources(session, viewer, resource_type, rows)
    param, values = include
    included: list[dict[str, Any]] = []
    if values and not q.page.count_only:
        other = "ServiceRequest" if resource_type == "Task" else "Task"
        brought = included_referrals(session, viewer, rows)
        included = referral_resources(session, viewer, other, brought)
    query: dict[str, str | list[str]] = {
        k: v
        for k, v in {"owner": owner, "status": q.status, "_id": q.ids}.items()
        if v is not None
    }
    query.update({name: list(values) for name, values in q.dates.items()})
    if q.sort:
        query["_sort"] = ",".join(q.sort)
    if values:
        query[param] = values
    return search_answer(call, resource_type, out, total=total, query=query,
                         page=q.page, included=included)  # fmt: skip


@router.get("/Task", summary="Search Tasks")
def search_tasks(
    call: FhirCallDep,
    query: TaskQueryDep,
    include: Annotated[list[str], Depends(include_values)],
    owner: str | None = None,
) -> JSONResponse:
    """Tasks the caller reaches, by ``owner``, ``status``, ``_lastUpdated``,
    ``authored-on`` and ``modified``, in the ``_sort`` order, with
    ``_include=Task:focus`` (the ServiceRequests)."""
    return _search(call, "Task", owner, query, ("_include", include))


@router.get("/ServiceRequest", summary="Search ServiceRequests")
def search_service_requests(
    call: FhirCallDep,
    query: ServiceRequestQueryDep,
    revinclude: Annotated[list[str], Depends(revinclude_values)],
) -> JSONResponse:
    """ServiceRequests the caller reaches, by ``status`` (request-status; a
    Task status code is taken too), ``_lastUpdated`` and ``authored``, in the
    ``_sort`` order, with ``_revinclude=Task:focus`` (the Tasks)."""
    return _search(call, "ServiceRequest", None, query, ("_revinclude", revinclude))


def _referral(call: FhirCall, raw_id: str, resource_type: str) -> tuple[Referral, str]:
    """The referral ``raw_id`` names, if the caller reaches it, and its person's
    pseudonym (404 otherwise, as ``resource_type``)."""
    rid = numeric_id(raw_id, resource_type)
    referral = visible_referral(call.session, call.viewer, rid, resource_type)
    return referral, crud.pseudonym_of(call.session, referral.person_id)


def _read_task(call: FhirCall, task_id: str) -> JSONResponse:
    referral, pseudonym = _referral(call, task_id, "Task")
    answer = task_answer(
        referral,
        pseudonym,
        with_text=with_text(call.viewer),
        on_behalf=on_behalf_move(call.session, referral),
    )
    call.audit.commit_on("read Task", referral)
    return answer


def _read_service_request(call: FhirCall, request_id: str) -> JSONResponse:
    referral, pseudonym = _referral(call, request_id, "ServiceRequest")
    names = service_names(
        call.session, {referral.service_id} if referral.service_id else set()
    )
    body = as_json(
        service_request_resource(
            referral,
            pseudonym=pseudonym,
            service_name=names.get(referral.service_id or 0),
        )
    )
    call.audit.commit_on("read ServiceRequest", referral)
    return fhir_answer(body)


def _check_immutable(given: Any, current: dict[str, Any]) -> None:
    for element, attr in (
        ("focus", "focus"),
        ("for", "for_fhir"),
        ("owner", "owner"),
        ("requester", "requester"),
    ):
        sent = reference_of(getattr(given, attr))
        if sent is not None and sent != current[element]["reference"]:
            raise BadRequest(
                f"Task.{element} cannot change (only status, statusReason, "
                "businessStatus, note and output may)"
            )
    if given.intent != "order":
        raise BadRequest("Task.intent must be 'order'")


#: The body formats an update takes: FHIR R4 http.html#mime-type names
#: ``application/fhir+json`` for JSON (``application/json`` is accepted as JSON
#: too); a JSON Patch (http.html#patch) is ``application/json-patch+json``.
_RESOURCE_KINDS = ("application/fhir+json", "application/json")
_PATCH_KINDS = ("application/json-patch+json", "application/json")


def _check_content_type(call: FhirCall, kinds: tuple[str, ...]) -> None:
    """Refuse a body in a format other than ``kinds`` (RFC 9110 section 15.5.16:
    415 Unsupported Media Type). A request without a Content-Type is read as
    the first of ``kinds``."""
    given = call.request.headers.get("content-type")
    if given is None:
        return
    kind = given.partition(";")[0].strip().lower()
    if kind not in kinds:
        raise ApiError(
            f"Content-Type {kind or given!r} is not taken here; send "
            f"{' or '.join(kinds)}",
            status=415,
            code="unsupported_media_type",
        )
    version = other_version(given)
    if version is not None:  # versioning.html#mt-version: the body's version
        raise ApiError(
            f"Content-Type fhirVersion={version!r}: this server reads FHIR R4 "
            "(fhirVersion=4.0) bodies only",
            status=415,
            code="unsupported_media_type",
        )


async def _write_task(
    call: FhirCall,
    task_id: str,
    to_task: Callable[[bytes], tuple[bytes, frozenset[str]]],
    kinds: tuple[str, ...],
) -> Response:
    """Update Task ``task_id`` from the request body (one of the formats
    ``kinds``), ``to_task`` making the body the new Task's JSON and naming the
    partner's elements it clears (in a worker thread: the update locks its
    row)."""
    _check_content_type(call, kinds)
    raw = await call.request.body()
    return await _run_sync(lambda: _update_task(task_id, *to_task(raw), call))


@router.put("/Task/{task_id}", summary="Update a Task")
async def update_task(task_id: str, call: FhirCallDep) -> Response:
    """Move a Task's status, set businessStatus and notes (If-Match honoured)."""
    return await _write_task(
        call, task_id, lambda raw: (raw, frozenset()), _RESOURCE_KINDS
    )


_PATCHABLE = ("/status", "/statusReason", "/businessStatus", "/note", "/output")
#: The partner's elements a ``remove`` clears (an update without them keeps them).
_CLEARABLE = ("businessStatus", "note", "output")


def _apply_patch(current: dict[str, Any], raw: bytes) -> tuple[bytes, frozenset[str]]:
    """Apply a JSON Patch (RFC 6902) limited to the Task's mutable elements;
    the new Task's JSON and the partner's elements it removed (RFC 6902
    section 4.2) and did not add again."""
    try:
        ops = json.loads(raw)
    except ValueError:
        raise BadRequest("the PATCH body is not JSON") from None
    if not isinstance(ops, list) or not ops:
        raise BadRequest("the PATCH body must be a JSON Patch array of operations")
    task = dict(current)
    for i, op in enumerate(ops):
        if not isinstance(op, dict) or op.get("op") not in ("add", "replace", "remove"):
            raise BadRequest(f"operation {i}: op must be add, replace or remove")
        path = str(op.get("path", ""))
        if path in ("/note/-", "/output/-") and op["op"] == "add":
            key = path[1:-2]
            task[key] = [*task.get(key, []), op.get("value")]
            continue
        if path not in _PATCHABLE:
            raise BadRequest(
                f"operation {i}: only {', '.join(_PATCHABLE)} (and /note/-, "
                "/output/-) may change"
            )
        key = path[1:]
        if op["op"] == "remove":
            task.pop(key, None)
        else:
            task[key] = op.get("value")
    cleared = frozenset(k for k in _CLEARABLE if k in current and k not in task)
    return json.dumps(task).encode("utf-8"), cleared


@router.patch("/Task/{task_id}", summary="Patch a Task (JSON Patch)")
async def patch_task(task_id: str, call: FhirCallDep) -> Response:
    """JSON Patch of status, statusReason, businessStatus, note (If-Match honoured)."""

    def patched(raw: bytes) -> tuple[bytes, frozenset[str]]:
        referral, pseudonym = _referral(call, task_id, "Task")
        return _apply_patch(as_json(task_resource(referral, pseudonym=pseudonym)), raw)

    return await _write_task(call, task_id, patched, _PATCH_KINDS)


async def _run_sync(func: Callable[..., Response], *args: Any) -> Response:
    from starlette.concurrency import run_in_threadpool

    return await run_in_threadpool(func, *args)


def _matches(if_match: str, version: str) -> bool:
    """Whether an ``If-Match`` field names the Task's current ``version``.

    RFC 9110 section 13.1.1: ``*`` matches any current representation, and the
    field may list entity tags, comma-separated; weak tags (``W/"3"``) are
    compared by their opaque value, as FHIR R4 http.html#concurrency uses them.
    """
    tags = [t.strip() for t in if_match.split(",")]
    if "*" in tags:
        return True
    return version in {t.removeprefix("W/").strip('"') for t in tags}


def _check_move(
    old: str, target: ReferralStatus, *, partner_side: bool, reason: str | None
) -> None:
    """Refuse a Task move the referral rules forbid, in Task terms.

    The diagnostics name ``Task.status`` and the FHIR R4 task-status codes
    (http://hl7.org/fhir/R4/valueset-task-status.html), and the moves the
    caller's side may make from the current status, and whose move it is
    (SDOHCC-TaskForReferralManagement STU 2.2, "Checking Task Status": the
    owner accepts, rejects and completes, the requester cancels); a rejected
    or cancelled Task needs ``Task.statusReason`` (same profile,
    Task.statusReason). :func:`crud.transition_referral` still checks the
    caller's permissions.

    Raises:
        Conflict: no move goes from ``old`` to ``target``.
        Forbidden: the move is the other side's (the Task's owner accepts,
            rejects and completes; its requester cancels before acceptance).
        BadRequest: a rejection or cancellation without a reason.
    """
    sides = ("partner", "either") if partner_side else ("referrer", "either")
    here, there = task_status_of(old), task_status_of(target)
    if (old, str(target)) not in crud.REFERRAL_MOVES:
        mine = sorted(
            task_status_of(to)
            for (frm, to), side in crud.REFERRAL_MOVES.items()
            if frm == old and side in sides
        )
        if not any(frm == old for frm, _ in crud.REFERRAL_MOVES):
            then = f"{here!r} is final"
        elif mine:
            then = f"from {here!r} it may go to " + (
                f"{', '.join(mine[:-1])} or {mine[-1]}" if len(mine) > 1 else mine[0]
            )
        else:
            then = f"the other side moves it from {here!r}"
        raise Conflict(f"Task.status cannot go from {here!r} to {there!r}; {then}")
    side = crud.REFERRAL_MOVES[(old, str(target))]
    if side not in sides:
        who, other = (
            ("owner (the receiving organisation)", "requester")
            if side == "partner"
            else ("requester (the referring organisation)", "owner")
        )
        raise Forbidden(
            f"Task.status {there!r} is set from {here!r} by the Task's {who}, "
            f"not its {other}"
        )
    if target in (ReferralStatus.DECLINED, ReferralStatus.CANCELLED) and not reason:
        raise BadRequest(
            f"Task.statusReason.text is needed when Task.status becomes {there!r}"
        )


def _update_task(
    task_id: str,
    raw: bytes,
    cleared: frozenset[str],
    call: FhirCall,
) -> Response:
    from fhir.resources.R4B.task import Task

    session, viewer = call.session, call.viewer
    rid = numeric_id(task_id, "Task")
    referral = visible_referral(session, viewer, rid)
    session.refresh(
        referral, with_for_update=session.get_bind().dialect.name != "sqlite"
    )
    given = parse_resource(Task, raw)
    if given.id is not None and given.id != task_id:
        raise BadRequest(f"Task.id {given.id!r} does not match the URL ({task_id})")
    pseudonym = crud.pseudonym_of(session, referral.person_id)
    current = as_json(task_resource(referral, pseudonym=pseudonym))
    if_match = call.request.headers.get("if-match")
    if if_match is not None and not _matches(if_match, version_of(referral)):
        return outcome(
            412,
            f"Task/{task_id} has changed (version {version_of(referral)}); "
            "read it again",
        )
    _check_immutable(given, current)
    target = referral_status_of_task(str(given.status or ""))
    if target is None:
        raise BadRequest(f"Task.status {given.status!r} is not one we use")
    old = referral.status
    note = "\n".join(n.text for n in (given.note or []) if n.text) or None
    business = given.businessStatus.text if given.businessStatus else None
    outputs = outputs_of(given)
    old_note, old_outputs = split_note(referral.response_note)
    partner_side = (
        viewer.role == Role.PARTNER_USER
        and referral.to_organization_id == viewer.organization_id
    )
    if not partner_side:
        # the referrer sends back the Task it read (FHIR update is read, change,
        # PUT the whole resource): the partner's text in it, unchanged, is no
        # change of the referrer's; a change is refused
        if (
            (note is not None and note != old_note)
            or (business is not None and business != referral.business_status)
            or (outputs is not None and outputs != old_outputs)
            or cleared
        ):
            raise Forbidden(
                "only the receiving partner sets businessStatus, notes and outputs"
            )
        note, business, outputs = None, None, None
    if target != old:
        reason = given.statusReason.text if given.statusReason else None
        _check_move(old, target, partner_side=partner_side, reason=reason or note)
        crud.transition_referral(
            session,
            actor=viewer,
            referral=referral,
            data=ReferralTransition(status=target, reason=reason or note),
        )
    changed = False
    # the note and the outputs share response_note (task_output); either one
    # absent from the body keeps what was there (the transition may have put
    # the partner's reason in the note)
    kept_note = note if note is not None else split_note(referral.response_note)[0]
    kept_outputs = outputs if outputs is not None else old_outputs
    response = join_note(
        None if "note" in cleared else kept_note,
        [] if "output" in cleared else kept_outputs,
    )
    if response != referral.response_note:
        referral.response_note = response
        changed = True
    # kept whole: the request body's size limit (max_request_bytes) bounds it
    if "businessStatus" in cleared:
        business = None
        changed = changed or referral.business_status is not None
        referral.business_status = None
    if business is not None and business != referral.business_status:
        referral.business_status = business
        changed = True
    if changed and target == old:
        referral.updated_at = utcnow()
    session.flush()
    moved = f"{task_status_of(old)}->{task_status_of(referral.status)}"
    call.audit.commit_on("update Task", referral, detail=moved)
    return updated_answer(call.request, referral, pseudonym, moved,
                          on_behalf_move(session, referral))  # fmt: skip


def _read_consent(call: FhirCall, consent_id: str) -> JSONResponse:
    cid = numeric_id(consent_id, "Consent")
    stmt = visible_referrals(call.session, call.viewer).where(
        Referral.consent_id == cid
    )
    referral = call.session.scalars(stmt.limit(1)).first()
    consent = call.session.get(Consent, cid) if referral is not None else None
    if referral is None or consent is None:
        raise NotFound(f"Consent/{consent_id} is not known")
    pseudonym = crud.pseudonym_of(call.session, consent.person_id)
    body = as_json(
        consent_resource(
            consent, pseudonym=pseudonym, active=crud.consent_active(consent)
        )
    )
    call.audit.commit("read Consent", resource_type="consent",
           resource_id=consent.id, person_id=consent.person_id)  # fmt: skip
    return fhir_answer(body)


# --- Patient and directory --------------------------------------------------------


def _read_patient(call: FhirCall, patient_id: str) -> JSONResponse:
    person = call.session.scalar(
        select(Person).where(Person.pseudonym == patient_id[:20])
    )
    if person is None:
        raise NotFound(f"Patient/{patient_id} is not known")
    stmt = visible_referrals(call.session, call.viewer).where(
        Referral.person_id == person.id
    )
    mine = list(call.session.scalars(stmt))
    if not mine:
        raise NotFound(f"Patient/{patient_id} is not known")
    reachable = call.viewer.role == Role.PARTNER_USER and any(
        r.status in (ReferralStatus.ACCEPTED, ReferralStatus.IN_PROGRESS)
        and not r.do_not_contact
        for r in mine
    )
    phone = None
    if reachable and not person.do_not_contact:
        phone = (person.contacts or {}).get("phone")
    body = as_json(
        patient_resource(person.pseudonym, birth_year=person.birth_year, phone=phone)
    )
    call.audit.commit(
        "read Patient",
        resource_type="person",
        resource_id=person.id,
        person_id=person.id,
    )
    return fhir_answer(body)


def _directory_search(
    call: FhirCall,
    resource_type: str,
    stmt: Select[Any],
    to_resource: Callable[[Any], Any],
    query: dict[str, str],
    page: SearchPage,
) -> JSONResponse:
    """One page of ``stmt`` (directory rows) as an audited searchset Bundle."""
    rows, total = crud.paginate(
        call.session, stmt, limit=page.count, offset=page.offset
    )
    out = [as_json(to_resource(row)) for row in rows]
    return search_answer(call, resource_type, out, total=total, query=query, page=page)


@router.get("/Organization", summary="Search the directory's organisations")
def search_organizations(
    call: FhirCallDep,
    page: SearchPageDep,
    name: str | None = Query(None, max_length=200),
) -> JSONResponse:
    """Organisations (partners and plans): directory data."""
    require(call.viewer, "partner:read")
    stmt = select(Organization)
    if name:
        stmt = stmt.where(func.lower(Organization.name).contains(name.lower()))
    query = {"name": name} if name else {}
    stmt = stmt.order_by(Organization.id)
    return _directory_search(
        call, "Organization", stmt, organization_resource, query, page
    )


@router.get("/HealthcareService", summary="Search the directory's services")
def search_services(
    call: FhirCallDep,
    page: SearchPageDep,
    organization: str | None = Query(None, max_length=80),
    service_type: str | None = Query(None, alias="service-type", max_length=80),
) -> JSONResponse:
    """Partner services, by ``organization`` and ``service-type``."""
    require(call.viewer, "partner:read")
    stmt = select(PartnerService)
    if organization:
        org_id = organization_id("organization", organization)
        stmt = stmt.where(PartnerService.organization_id == org_id)
    if service_type:
        stmt = stmt.where(PartnerService.service_types.contains(f"|{service_type}|"))
    query = {
        k: v
        for k, v in {"organization": organization, "service-type": service_type}.items()
        if v
    }
    stmt = stmt.order_by(PartnerService.id)
    return _directory_search(
        call, "HealthcareService", stmt, healthcare_service_resource, query, page
    )


#: How one resource type is read: ``(call, id in the URL)`` -> the answer.
_Read = Callable[[FhirCall, str], JSONResponse]


def _directory_read(
    kind: str, model: Any, audit_type: str, build: Callable[[Any], Any]
) -> _Read:
    """How a directory row (an Organization, a HealthcareService) is read."""

    def read(call: FhirCall, raw_id: str) -> JSONResponse:
        row = call.session.get(model, numeric_id(raw_id, kind))
        if row is None:
            raise NotFound(f"{kind}/{raw_id} is not known")
        call.audit.commit(f"read {kind}", resource_type=audit_type, resource_id=row.id)
        return fhir_answer(as_json(build(row)))

    return read


# --- reads: one route shell, the reading rules of each resource type --------------

#: kind -> (permission, route name, summary, docstring, how it is read).
_READS: dict[str, tuple[str, str, str, str, _Read]] = {
    "Task": ("referral:read", "read_task", "Read a Task",
             "One Task, with its version as ``ETag``.", _read_task),
    "ServiceRequest": ("referral:read", "read_service_request",
                       "Read a ServiceRequest",
                       "One ServiceRequest (the referral's request).",
                       _read_service_request),
    "Consent": ("referral:read", "read_consent", "Read a Consent",
                "A consent a referral in the caller's reach rests on (its "
                "supportingInfo).", _read_consent),
    "Patient": ("referral:read", "read_patient", "Read a Patient (pseudonymous)",
                "The minimum necessary: pseudonym, birth year, and a phone only "
                "while a referral to the caller is accepted or in progress and "
                "contact is allowed.", _read_patient),
    "Organization": ("partner:read", "read_organization", "Read an Organization",
                     "One organisation of the directory.",
                     _directory_read("Organization", Organization,
                                     "organization", organization_resource)),
    "HealthcareService": ("partner:read", "read_service",
                          "Read a HealthcareService", "One partner service.",
                          _directory_read("HealthcareService", PartnerService,
                                          "service", healthcare_service_resource)),
}  # fmt: skip


def _reader(permission: str, read: _Read, doc: str) -> Callable[..., JSONResponse]:
    def endpoint(item_id: str, call: FhirCallDep) -> JSONResponse:
        require(call.viewer, permission)
        return read(call, item_id)

    endpoint.__doc__ = doc
    return endpoint


for _kind, (_permission, _name, _summary, _doc, _read) in _READS.items():
    router.add_api_route(
        f"/{_kind}/{{item_id}}",
        _reader(_permission, _read, _doc),
        methods=["GET"],
        summary=_summary,
        name=_name,
    )
