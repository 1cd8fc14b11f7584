"""Referrals to partners that run their own FHIR server: send, then poll.

A partner organisation configured with a FHIR endpoint (:func:`set_endpoint`,
CLI ``nowrongdoor fhir endpoint-set``) receives each referral sent to it as a
FHIR R4 ``transaction`` Bundle POSTed to its server: Patient (minimum
necessary), the Consent(s) the referral rests on, the Gravity SDOH
ServiceRequest and the referral-management Task. The job ``fhir-sync`` of the
one job runner (:mod:`nowrongdoor.care.jobs`, ``nowrongdoor jobs run``) does the
sending and then reads each open remote Task; status changes the partner made
flow into the referral's history as the partner system's account, and every
send and change is audited.

Idempotent: the Task carries our referral's identifier and the Bundle entry asks
``ifNoneExist`` on it (FHIR R4 conditional create,
http://hl7.org/fhir/R4/http.html#ccreate), so a retried POST whose first answer
was lost finds the Task it already created. Failures are retried with
exponential backoff (:data:`BACKOFF_MINUTES`); after :data:`MAX_ATTEMPTS` the
send is marked ``failed`` and audited as a failure.

Consent: the same rules as the ``/fhir`` API (:mod:`nowrongdoor.care.fhir._access`):
a substance-use referral is never sent without an active 42 CFR Part 2
disclosure consent covering the partner (42 CFR 2.31, 2.33).
"""

from __future__ import annotations

import datetime as dt
import secrets
import uuid
from collections import deque
from dataclasses import dataclass, field
from typing import Any

import httpx
from authlib.integrations.httpx_client import OAuth2Client
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.task import Task
from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from nowrongdoor.care import crud
from nowrongdoor.care.audit import AuditEntry, append_event
from nowrongdoor.care.crud import REFERRAL_MOVES
from nowrongdoor.care.db import Database
from nowrongdoor.care.enums import ConsentType, NeedCategory, ReferralStatus
from nowrongdoor.care.errors import ApiError
from nowrongdoor.care.fhir.clients import system_account
from nowrongdoor.care.fhir.inbound import DO_NOT_CONTACT
from nowrongdoor.care.fhir.mapping import referral_status_of_task
from nowrongdoor.care.fhir.resources import (
    as_json,
    consent_resource,
    patient_resource,
    service_request_resource,
    task_resource,
)
from nowrongdoor.care.fhir.task_output import join_note, outputs_of, split_note
from nowrongdoor.care.models import (
    Consent,
    FhirEndpoint,
    FhirOutbound,
    Organization,
    PartnerService,
    Person,
    Referral,
    User,
    utcnow,
)
from nowrongdoor.care.schemas import ReferralTransition
from nowrongdoor.settings import Settings

__all__ = [
    "BACKOFF_MINUTES",
    "MAX_ATTEMPTS",
    "REFERRAL_IDENTIFIER",
    "SyncReport",
    "referral_bundle",
    "set_endpoint",
    "status_path",
    "sync",
]

#: The system of the identifier our referrals carry in other servers' Tasks.
REFERRAL_IDENTIFIER = "urn:nowrongdoor:referral"
#: Wait before the n-th retry (minutes); the last value repeats.
BACKOFF_MINUTES = (1, 2, 4, 8, 16, 32, 60)
MAX_ATTEMPTS = 8
_TIMEOUT = httpx.Timeout(20.0, connect=5.0)
_TERMINAL = {
    ReferralStatus.COMPLETED,
    ReferralStatus.DECLINED,
    ReferralStatus.CANCELLED,
}
_RETRYABLE = {408, 425, 429, 500, 502, 503, 504}


def set_endpoint(
    session: Session,
    *,
    organization: Organization,
    base_url: str,
    client_id: str,
    client_secret: str,
    owner_reference: str,
    token_url: str | None = None,
) -> FhirEndpoint:
    """Configure (or reconfigure) a partner organisation's FHIR server.

    Args:
        session: The care database session (the caller commits).
        organization: The partner organisation.
        base_url: Its FHIR base, e.g. ``https://ehr.example.org/fhir``.
        client_id: Our client id at that server.
        client_secret: Our client secret there (stored encrypted).
        owner_reference: The partner as its own server names it
            (``Organization/<id>``): the Task's owner.
        token_url: Its OAuth2 token endpoint (default ``<base_url>/auth/token``).

    Raises:
        ValueError: a URL is not http(s) or ``owner_reference`` is not
            ``Organization/<id>``.
    """
    base = base_url.rstrip("/")
    token = (token_url or f"{base}/auth/token").rstrip("/")
    for name, url in (("base URL", base), ("token URL", token)):
        if not url.startswith(("https://", "http://")):
            raise ValueError(f"the {name} {url!r} must start with https:// or http://")
    kind, _, rid = owner_reference.partition("/")
    if kind != "Organization" or not rid:
        raise ValueError(
            f"owner reference {owner_reference!r} must be Organization/<id>"
        )
    if not client_id.strip() or not client_secret:
        raise ValueError("the endpoint needs a client id and a client secret")
    endpoint = session.scalar(
        select(FhirEndpoint).where(FhirEndpoint.organization_id == organization.id)
    )
    if endpoint is None:
        account = system_account(
            session,
            organization,
            username=f"fhir-endpoint:{organization.id}:{secrets.token_hex(4)}",
            display_name=f"{organization.name[:150]} (FHIR system)",
        )
        endpoint = FhirEndpoint(organization_id=organization.id, user_id=account.id)
        session.add(endpoint)
    endpoint.base_url = base
    endpoint.token_url = token
    endpoint.client_id = client_id.strip()
    endpoint.client_secret = client_secret
    endpoint.owner_reference = owner_reference
    endpoint.disabled_at = None
    session.flush()
    return endpoint


def _urn() -> str:
    return f"urn:uuid:{uuid.uuid4()}"


def _consents(session: Session, referral: Referral) -> list[Consent]:
    kinds = [ConsentType.SHARE_WITH_PARTNERS]
    if referral.need_category == NeedCategory.SUBSTANCE_USE:
        kinds.append(ConsentType.PART2_DISCLOSURE)
    found = []
    for kind in kinds:
        consent = crud.covering_consent(
            session,
            person_id=referral.person_id,
            consent_type=kind,
            organization_id=referral.to_organization_id,
            person_org_id=referral.from_organization_id,
        )
        if consent is not None:
            found.append(consent)
    return found


def referral_bundle(
    session: Session, referral: Referral, endpoint: FhirEndpoint
) -> dict[str, Any]:
    """The transaction Bundle that sends ``referral`` to ``endpoint``'s server.

    Raises:
        ValueError: a substance-use referral lacks an active Part 2 consent
            covering the partner (it is never sent).
    """
    consents = _consents(session, referral)
    if referral.need_category == NeedCategory.SUBSTANCE_USE and not any(
        c.consent_type == ConsentType.PART2_DISCLOSURE for c in consents
    ):
        raise ValueError(
            "a substance-use referral needs an active 42 CFR Part 2 consent "
            "covering the partner before it leaves"
        )
    person = session.get(Person, referral.person_id)
    assert person is not None
    sender = session.get(Organization, referral.from_organization_id)
    requester = {"display": sender.name if sender else "Referring organisation"}
    patient_url, request_url, task_url = _urn(), _urn(), _urn()
    patient = as_json(
        patient_resource(person.pseudonym, birth_year=person.birth_year, phone=None)
    )
    patient.pop("id")
    entries: list[dict[str, Any]] = [
        {
            "fullUrl": patient_url,
            "resource": patient,
            "request": {"method": "POST", "url": "Patient"},
        },
    ]
    consent_urls = []
    for consent in consents:
        body = as_json(
            consent_resource(consent, pseudonym=person.pseudonym, active=True)
        )
        body.pop("id")
        body["patient"] = {"reference": patient_url}
        body.get("provision", {}).pop("actor", None)
        body["provision"]["actor"] = [
            {
                "role": {
                    "coding": [
                        {
                            "system": "http://terminology.hl7.org/CodeSystem/v3-ParticipationType",
                            "code": "IRCP",
                        }
                    ]
                },
                "reference": {"reference": endpoint.owner_reference},
            }
        ]
        url = _urn()
        consent_urls.append(url)
        entries.append(
            {
                "fullUrl": url,
                "resource": body,
                "request": {"method": "POST", "url": "Consent"},
            }
        )
    service = (
        session.get(PartnerService, referral.service_id)
        if referral.service_id
        else None
    )
    request = as_json(
        service_request_resource(
            referral,
            pseudonym=person.pseudonym,
            service_name=service.name if service else None,
        )
    )
    request.pop("id")
    request.update(
        subject={"reference": patient_url},
        requester=requester,
        performer=[{"reference": endpoint.owner_reference}],
    )
    request.pop("supportingInfo", None)
    if consent_urls:
        request["supportingInfo"] = [{"reference": u} for u in consent_urls]
    if referral.do_not_contact:
        request["extension"] = [{"url": DO_NOT_CONTACT, "valueBoolean": True}]
    entries.append(
        {
            "fullUrl": request_url,
            "resource": request,
            "request": {"method": "POST", "url": "ServiceRequest"},
        }
    )
    task = as_json(task_resource(referral, pseudonym=person.pseudonym, with_text=False))
    task.pop("id")
    task["meta"].pop("versionId", None)
    identifier = {"system": REFERRAL_IDENTIFIER, "value": str(referral.id)}
    task.update(
        identifier=[identifier],
        status="requested",
        focus={"reference": request_url},
        owner={"reference": endpoint.owner_reference},
        requester=requester,
    )
    task["for"] = {"reference": patient_url}
    entries.append(
        {
            "fullUrl": task_url,
            "resource": task,
            "request": {
                "method": "POST",
                "url": "Task",
                "ifNoneExist": f"identifier={REFERRAL_IDENTIFIER}|{referral.id}",
            },
        }
    )
    bundle = Bundle.model_validate({"type": "transaction", "entry": entries})
    return as_json(bundle)


def status_path(current: str, target: ReferralStatus) -> list[ReferralStatus]:
    """The partner-side moves that take a referral from ``current`` to ``target``.

    A poll may find the partner several steps on (accepted and completed since
    the last look): the path walks :data:`~nowrongdoor.care.crud.REFERRAL_MOVES`
    so every step is one the receiving partner may make. Empty when there is no
    such path (the remote status is behind ours or not reachable).
    """
    start = ReferralStatus(current)
    if start == target:
        return []
    seen = {start}
    queue: deque[tuple[ReferralStatus, list[ReferralStatus]]] = deque([(start, [])])
    while queue:
        at, path = queue.popleft()
        for (frm, to), side in REFERRAL_MOVES.items():
            nxt = ReferralStatus(to)
            if frm != at or side == "referrer" or nxt in seen:
                continue
            if nxt == target:
                return [*path, nxt]
            seen.add(nxt)
            queue.append((nxt, [*path, nxt]))
    return []


@dataclass
class SyncReport:
    """What one :func:`sync` did (counts only: no person data)."""

    queued: int = 0
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    polled: int = 0
    changed: int = 0
    errors: list[str] = field(default_factory=list)

    def summary(self) -> str:
        """One line for the job's audit event."""
        return (
            f"queued={self.queued} sent={self.sent} retrying={self.retrying} "
            f"failed={self.failed} polled={self.polled} changed={self.changed}"
        )


def _audit(
    session: Session,
    action: str,
    referral: Referral,
    detail: str,
    outcome: str = "success",
) -> None:
    append_event(
        session,
        AuditEntry(
            action=f"fhir:{action}",
            outcome=outcome,
            resource_type="referral",
            resource_id=str(referral.id),
            person_id=referral.person_id,
            detail=detail[:500],
        ),
        user=None,
        request_id=None,
    )


def _queue(session: Session) -> int:
    """Add an outbound row for every sent referral to a partner with an endpoint."""
    rows = session.execute(
        select(Referral.id, FhirEndpoint.id)
        .join(FhirEndpoint, FhirEndpoint.organization_id == Referral.to_organization_id)
        .outerjoin(FhirOutbound, FhirOutbound.referral_id == Referral.id)
        .where(
            Referral.status == ReferralStatus.SENT,
            FhirEndpoint.disabled_at.is_(None),
            FhirOutbound.id.is_(None),
        )
    ).all()
    for referral_id, endpoint_id in rows:
        session.add(FhirOutbound(referral_id=referral_id, endpoint_id=endpoint_id))
    session.flush()
    return len(rows)


class _Remote:
    """One partner server, with a client-credentials token fetched on first use."""

    def __init__(self, endpoint: FhirEndpoint, transport: httpx.BaseTransport | None):
        self.endpoint = endpoint
        self.client = OAuth2Client(
            client_id=endpoint.client_id,
            client_secret=endpoint.client_secret,
            token_endpoint=endpoint.token_url,
            timeout=_TIMEOUT,
            transport=transport,
        )
        self._token = False

    def _ensure_token(self) -> None:
        if not self._token:
            self.client.fetch_token(grant_type="client_credentials")
            self._token = True

    def request(self, method: str, path: str, **kw: Any) -> httpx.Response:
        self._ensure_token()
        headers = {"Accept": "application/fhir+json", **kw.pop("headers", {})}
        url = f"{self.endpoint.base_url}/{path}".rstrip("/")
        return self.client.request(method, url, headers=headers, **kw)

    def close(self) -> None:
        self.client.close()


def _diagnostics(resp: httpx.Response) -> str:
    try:
        body = resp.json()
    except ValueError:
        return f"HTTP {resp.status_code}"
    issues = body.get("issue") if isinstance(body, dict) else None
    if issues:
        return f"HTTP {resp.status_code}: {issues[0].get('diagnostics', '')}"[:400]
    if isinstance(body, dict) and "error" in body:
        return f"HTTP {resp.status_code}: {body['error']}"[:400]
    return f"HTTP {resp.status_code}"


def _task_location(resp: httpx.Response) -> str | None:
    try:
        body = Bundle.model_validate_json(resp.content)
    except ValidationError:
        return None
    for entry in body.entry or []:
        location = entry.response.location if entry.response else None
        if location and location.startswith("Task/"):
            return "/".join(location.split("/")[:2])
    return None


def _send(
    session: Session, row: FhirOutbound, remote: _Remote, report: SyncReport
) -> None:
    referral = session.get(Referral, row.referral_id)
    assert referral is not None
    now = utcnow()
    row.attempts += 1
    retry = True
    try:
        bundle = referral_bundle(session, referral, remote.endpoint)
        resp = remote.request(
            "POST", "", json=bundle, headers={"Content-Type": "application/fhir+json"}
        )
        location = _task_location(resp) if resp.status_code == 200 else None
        if resp.status_code == 200 and location:
            row.state, row.remote_task, row.sent_at = "sent", location, now
            row.remote_status, row.last_error = "requested", None
            report.sent += 1
            _audit(
                session, "send Task", referral, f"to {location} attempt={row.attempts}"
            )
            return
        error = _diagnostics(resp) if resp.status_code != 200 else "no Task in reply"
        retry = resp.status_code in _RETRYABLE
    except ValueError as exc:  # Part 2 hold: never retried automatically
        error, retry = str(exc), False
    except (httpx.HTTPError, ApiError, OSError) as exc:
        error = f"{type(exc).__name__}: {exc}"[:400]
    except Exception as exc:  # noqa: BLE001 - authlib raises its own OAuth errors
        error = f"{type(exc).__name__}: {exc}"[:400]
    row.last_error = error
    if retry and row.attempts < MAX_ATTEMPTS:
        wait = BACKOFF_MINUTES[min(row.attempts, len(BACKOFF_MINUTES)) - 1]
        row.next_attempt_at = now + dt.timedelta(minutes=wait)
        report.retrying += 1
        _audit(
            session,
            "send Task",
            referral,
            f"attempt={row.attempts} retry in {wait} min: {error}",
            "failure",
        )
        return
    row.state = "failed"
    report.failed += 1
    _audit(
        session,
        "send Task",
        referral,
        f"gave up after attempt {row.attempts}: {error}",
        "failure",
    )


def _apply_remote(
    session: Session, row: FhirOutbound, referral: Referral, task: Task, actor: User
) -> bool:
    """Bring the referral to the remote Task's status; ``True`` if it moved."""
    target = referral_status_of_task(str(task.status))
    row.remote_status = str(task.status)
    if target is None:
        return False
    steps = status_path(referral.status, target)
    reason = task.statusReason.text if task.statusReason else None
    note = "\n".join(n.text for n in (task.note or []) if n.text) or None
    old_outputs = split_note(referral.response_note)[1]  # before the moves' notes
    for step in steps:
        why = reason or note
        if step in (ReferralStatus.DECLINED, ReferralStatus.CANCELLED) and not why:
            why = f"{step} in the partner's system"
        crud.transition_referral(
            session,
            actor=actor,
            referral=referral,
            data=ReferralTransition(status=step, reason=why),
        )
    # the note and the Task's outputs (Gravity: the outcome) share
    # response_note (task_output); an output we cannot keep is skipped, not
    # refused: the partner's server owns the Task
    outputs = outputs_of(task, strict=False)
    kept = join_note(
        note or split_note(referral.response_note)[0],
        outputs if outputs is not None else old_outputs,
    )
    if kept != referral.response_note:
        referral.response_note = kept
    business = task.businessStatus.text if task.businessStatus else None
    # the partner's status text is kept whole (the column is TEXT)
    if business and business != referral.business_status:
        referral.business_status = business
    if ReferralStatus(referral.status) in _TERMINAL:
        row.state = "closed"
    return bool(steps)


def _poll(
    session: Session, row: FhirOutbound, remote: _Remote, report: SyncReport
) -> None:
    referral = session.get(Referral, row.referral_id)
    assert referral is not None and row.remote_task
    if ReferralStatus(referral.status) in _TERMINAL:
        # closed here (e.g. cancelled by the referrer): nothing more to follow
        row.state = "closed"
        return
    report.polled += 1
    row.polled_at = utcnow()
    try:
        resp = remote.request("GET", row.remote_task)
        if resp.status_code != 200:
            raise ValueError(_diagnostics(resp))
        task = Task.model_validate_json(resp.content)
    except (httpx.HTTPError, ValueError, ValidationError) as exc:
        row.last_error = f"poll: {type(exc).__name__}: {exc}"[:400]
        report.errors.append(f"referral {referral.id}: {row.last_error}")
        _audit(session, "poll Task", referral, row.last_error, "failure")
        return
    except Exception as exc:  # noqa: BLE001 - authlib raises its own OAuth errors
        row.last_error = f"poll: {type(exc).__name__}: {exc}"[:400]
        _audit(session, "poll Task", referral, row.last_error, "failure")
        return
    row.last_error = None
    old = referral.status
    actor = remote.endpoint.user
    if _apply_remote(session, row, referral, task, actor):
        report.changed += 1
        _audit(
            session,
            "poll Task",
            referral,
            f"{row.remote_task} {old}->{referral.status}",
        )


def sync(
    db: Database, settings: Settings, *, transport: httpx.BaseTransport | None = None
) -> SyncReport:
    """Send due referrals to partners' FHIR servers and poll their open Tasks.

    Each referral is handled in its own transaction, so one partner's outage
    does not hold back the others.

    Args:
        db: The care database.
        settings: Unused today; the job runner's signature.
        transport: An httpx transport (tests); default the network.

    Returns:
        Counts of what happened.
    """
    del settings
    report = SyncReport()
    with db.session() as session:
        report.queued = _queue(session)
        session.commit()
        endpoints = {
            e.id: e
            for e in session.scalars(
                select(FhirEndpoint).where(FhirEndpoint.disabled_at.is_(None))
            )
        }
    remotes: dict[int, _Remote] = {}
    try:
        with db.session() as session:
            now = utcnow()
            due = session.scalars(
                select(FhirOutbound.id).where(
                    FhirOutbound.endpoint_id.in_(endpoints),
                    FhirOutbound.state.in_(("pending", "sent")),
                )
            ).all()
        for row_id in due:
            with db.session() as session:
                row = session.get(FhirOutbound, row_id)
                assert row is not None
                endpoint = session.get(FhirEndpoint, row.endpoint_id)
                assert endpoint is not None
                if row.endpoint_id not in remotes:
                    remotes[row.endpoint_id] = _Remote(endpoint, transport)
                remote = remotes[row.endpoint_id]
                remote.endpoint = endpoint
                if row.state == "pending":
                    if row.next_attempt_at > now:
                        continue
                    _send(session, row, remote, report)
                    if row.state != "sent":
                        session.commit()
                        continue
                _poll(session, row, remote, report)
                session.commit()
    finally:
        for remote in remotes.values():
            remote.close()
    return report
