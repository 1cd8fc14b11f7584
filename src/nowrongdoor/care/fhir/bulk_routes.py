"""``/fhir/$export`` (FHIR Bulk Data Access 2.0, system level): kick-off, status
(the manifest) and NDJSON files; see :mod:`nowrongdoor.care.fhir.bulk`.

Staff only (``case:read``; partners' systems get their referrals by search).
The export completes during the kick-off request, so the status answers 200
with the manifest at once; only the user who asked reads it and its files.
"""

from __future__ import annotations

import datetime as dt

from fastapi import Query
from fastapi.responses import JSONResponse, Response
from sqlalchemy import select

from nowrongdoor.care.enums import Role
from nowrongdoor.care.errors import BadRequest, Forbidden, NotFound
from nowrongdoor.care.fhir._call import FhirCall, FhirCallDep, base_url, fhir_router
from nowrongdoor.care.fhir.bulk import EXPORT_TYPES, build_export
from nowrongdoor.care.models import FhirExport, User, utcnow
from nowrongdoor.care.rbac import require

__all__ = ["router"]

router = fhir_router()
NDJSON = "application/fhir+ndjson"
_FORMATS = {NDJSON, "application/ndjson", "ndjson"}


def _instant(raw: str, name: str) -> dt.datetime:
    try:
        at = dt.datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        at = None
    if at is None or at.tzinfo is None:
        raise BadRequest(f"{name}={raw!r} must be an instant with a time zone")
    return at.astimezone(dt.UTC)


def _permit(viewer: User) -> None:
    if viewer.role == Role.PARTNER_USER:
        raise Forbidden("bulk export is for the plan's staff; partners search")
    require(viewer, "case:read")


@router.get("/$export", summary="Bulk export kick-off (NDJSON)")
def kick_off(
    call: FhirCallDep,
    types: str | None = Query(None, alias="_type", max_length=300),
    since: str | None = Query(None, alias="_since", max_length=40),
    output_format: str | None = Query(None, alias="_outputFormat", max_length=60),
) -> Response:
    """Start an export; answers 202 with ``Content-Location`` of its status."""
    request, viewer = call.request, call.viewer
    _permit(viewer)
    if "respond-async" not in request.headers.get("prefer", ""):
        raise BadRequest("bulk export needs the header 'Prefer: respond-async'")
    if output_format is not None and output_format not in _FORMATS:
        raise BadRequest(f"_outputFormat={output_format!r}: only {NDJSON}")
    wanted = [t.strip() for t in types.split(",") if t.strip()] if types else []
    unknown = [t for t in wanted if t not in EXPORT_TYPES]
    if unknown:
        raise BadRequest(
            f"_type {', '.join(unknown)} is not exported; types are "
            f"{', '.join(EXPORT_TYPES)}"
        )
    export = build_export(
        call.session,
        viewer,
        types=wanted or list(EXPORT_TYPES),
        since=_instant(since, "_since") if since else None,
        request_url=str(request.url),
    )
    counts = " ".join(
        f"{k}={v.count(chr(10))}" for k, v in sorted(export.files.items())
    )
    call.audit.commit("export", detail=counts or "empty")
    return Response(
        status_code=202,
        headers={
            "Content-Location": f"{base_url(request)}/$export-status/{export.key}"
        },
    )


def _mine(call: FhirCall, key: str) -> FhirExport:
    """The caller's own unexpired export ``key`` (after the bulk permission check)."""
    _permit(call.viewer)
    export = call.session.scalar(select(FhirExport).where(FhirExport.key == key[:64]))
    if (
        export is None
        or export.requested_by_id != call.viewer.id
        or export.expires_at <= utcnow()
    ):
        raise NotFound("no such export (unknown, someone else's, or expired)")
    return export


@router.get("/$export-status/{key}", summary="Bulk export status (manifest)")
def status(
    key: str, call: FhirCallDep,
) -> JSONResponse:  # fmt: skip
    """The manifest of a finished export."""
    export = _mine(call, key)
    base = base_url(call.request)
    at = export.transaction_time.astimezone(dt.UTC).isoformat(timespec="seconds")
    manifest = {
        "transactionTime": at.replace("+00:00", "Z"),
        "request": export.request_url,
        "requiresAccessToken": True,
        "output": [
            {
                "type": kind,
                "url": f"{base}/$export-file/{export.key}/{kind}.ndjson",
                "count": text.count("\n"),
            }
            for kind, text in sorted(export.files.items())
        ],
        "error": [],
    }
    call.audit.commit("export status")
    return JSONResponse(
        manifest,
        headers={"Expires": export.expires_at.strftime("%a, %d %b %Y %H:%M:%S GMT")},
    )


@router.get("/$export-file/{key}/{name}", summary="One NDJSON file of an export")
def file(
    key: str, name: str, call: FhirCallDep,
) -> Response:  # fmt: skip
    """One resource type's NDJSON."""
    export = _mine(call, key)
    kind = name.removesuffix(".ndjson")
    if kind not in export.files:
        raise NotFound(f"the export has no {name}")
    call.audit.commit("export file", detail=kind)
    return Response(export.files[kind], media_type=NDJSON)


@router.delete("/$export-status/{key}", summary="Delete an export")
def cancel(
    key: str, call: FhirCallDep,
) -> Response:  # fmt: skip
    """Delete an export and its files."""
    export = _mine(call, key)
    call.session.delete(export)
    call.audit.commit("export delete")
    return Response(status_code=202)
