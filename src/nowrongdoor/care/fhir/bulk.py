"""Bulk export (FHIR Bulk Data Access IG 2.0 system-level ``$export``) for the
plan's warehouse: NDJSON files of what the caller reaches over ``/fhir``.

The export is built at kick-off with the same builders and the same reach rules
as the searches (record scope, minimum necessary, 42 CFR Part 2 holds, free
text only for roles that may identify persons), so an export never shows more
than the caller could read one resource at a time. Files are stored encrypted
in the database (like person data) and expire after :data:`EXPORT_HOURS`.
Source: https://hl7.org/fhir/uv/bulkdata/export.html
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
from collections.abc import Callable, Iterable
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from nowrongdoor.care import crud
from nowrongdoor.care.fhir._access import visible_referrals, with_text
from nowrongdoor.care.fhir._on_behalf import on_behalf_moves
from nowrongdoor.care.fhir._search import service_names
from nowrongdoor.care.fhir.clinical import CLINICAL_KINDS
from nowrongdoor.care.fhir.resources import (
    as_json,
    patient_resource,
    service_request_resource,
    task_resource,
)
from nowrongdoor.care.models import FhirExport, Person, Referral, User, utcnow
from nowrongdoor.care.rbac import scope_clause

__all__ = ["EXPORT_HOURS", "EXPORT_TYPES", "build_export", "purge_expired"]

EXPORT_HOURS = 24
EXPORT_TYPES = (
    "Patient",
    "Task",
    "ServiceRequest",
    "Condition",
    "Goal",
    "QuestionnaireResponse",
)


def _ndjson(resources: Iterable[dict[str, Any]]) -> str:
    return "".join(json.dumps(r, separators=(",", ":")) + "\n" for r in resources)


def _after(at: dt.datetime | None, since: dt.datetime | None) -> bool:
    return since is None or (at is not None and at >= since)


def _referrals(session: Session, viewer: User, since: dt.datetime | None) -> list[Any]:
    stmt = visible_referrals(session, viewer)
    if since is not None:
        stmt = stmt.where(Referral.updated_at >= since)
    return list(session.scalars(stmt.order_by(Referral.id)))


def _tasks(session: Session, viewer: User, since: dt.datetime | None) -> list[Any]:
    rows = _referrals(session, viewer, since)
    names = crud.pseudonyms_of(session, {r.person_id for r in rows})
    moves = on_behalf_moves(session, rows)
    return [
        as_json(task_resource(r, pseudonym=names[r.person_id],
                              with_text=with_text(viewer),
                              on_behalf=moves.get(r.id)))
        for r in rows
    ]  # fmt: skip


def _requests(session: Session, viewer: User, since: dt.datetime | None) -> list[Any]:
    rows = _referrals(session, viewer, since)
    names = crud.pseudonyms_of(session, {r.person_id for r in rows})
    services = service_names(session, {r.service_id for r in rows if r.service_id})
    return [
        as_json(service_request_resource(r, pseudonym=names[r.person_id],
                                         service_name=services.get(r.service_id or 0)))
        for r in rows
    ]  # fmt: skip


def _patients(session: Session, viewer: User, since: dt.datetime | None) -> list[Any]:
    stmt = select(Person).where(
        scope_clause(viewer, Person.organization_id, Person.owner_id, Person.pool_team)
    )
    if since is not None:
        stmt = stmt.where(Person.updated_at >= since)
    return [
        as_json(patient_resource(p.pseudonym, birth_year=p.birth_year, phone=None))
        for p in session.scalars(stmt.order_by(Person.id))
    ]


def _clinical(kind: str) -> Callable[[Session, User, dt.datetime | None], list[Any]]:
    clinical = CLINICAL_KINDS[kind]

    def run(session: Session, viewer: User, since: dt.datetime | None) -> list[Any]:
        rows = [
            (item, pid)
            for item, pid in clinical.lister(session, viewer)
            if _after(getattr(item, clinical.stamp), since)
        ]
        names = crud.pseudonyms_of(session, {pid for _, pid in rows})
        text = with_text(viewer)
        return [clinical.to_json(item, names[pid], with_text=text)
                for item, pid in rows]  # fmt: skip

    return run


_BUILDERS: dict[str, Callable[[Session, User, dt.datetime | None], list[Any]]] = {
    "Patient": _patients,
    "Task": _tasks,
    "ServiceRequest": _requests,
    **{kind: _clinical(kind) for kind in CLINICAL_KINDS},
}


def purge_expired(session: Session) -> int:
    """Delete exports past their expiry; returns how many."""
    result = session.execute(
        delete(FhirExport).where(FhirExport.expires_at <= utcnow())
    )
    return int(getattr(result, "rowcount", 0) or 0)


def build_export(
    session: Session,
    viewer: User,
    *,
    types: list[str],
    since: dt.datetime | None,
    request_url: str,
) -> FhirExport:
    """Build and store one export of ``types`` changed since ``since``.

    Args:
        session: The care database session (the caller commits).
        viewer: The caller (staff): its reach decides what is exported.
        types: Resource types, each one of :data:`EXPORT_TYPES`.
        since: Only resources created or changed at or after this instant.
        request_url: The kick-off URL (echoed in the manifest).

    Returns:
        The stored export (files by resource type, empty types left out).
    """
    purge_expired(session)
    now = utcnow()
    files = {}
    for kind in types:
        lines = _ndjson(_BUILDERS[kind](session, viewer, since))
        if lines:
            files[kind] = lines
    export = FhirExport(
        key=secrets.token_urlsafe(24),
        requested_by_id=viewer.id,
        request_url=request_url[:2000],
        transaction_time=now,
        files=files,
        expires_at=now + dt.timedelta(hours=EXPORT_HOURS),
    )
    session.add(export)
    session.flush()
    return export
