"""How a Task goes back to the caller (private): its version headers, and the
answer to an update as ``Prefer: return=`` asks."""

from __future__ import annotations

import datetime as dt
from email.utils import format_datetime

from fastapi import Request
from fastapi.responses import JSONResponse, Response

from nowrongdoor.care.fhir._call import fhir_answer
from nowrongdoor.care.fhir._on_behalf import OnBehalfMove
from nowrongdoor.care.fhir.resources import (
    as_json,
    operation_outcome,
    task_resource,
    version_of,
)
from nowrongdoor.care.models import Referral

__all__ = ["task_answer", "updated_answer", "version_headers"]


def version_headers(referral: Referral) -> dict[str, str]:
    """``ETag`` (the Task's version) and ``Last-Modified`` (an HTTP-date, RFC
    9110 section 5.6.7) of a referral's Task (FHIR R4 http.html#read)."""
    at = referral.updated_at
    at = at.replace(tzinfo=dt.UTC) if at.tzinfo is None else at
    return {
        "ETag": f'W/"{version_of(referral)}"',
        "Last-Modified": format_datetime(at.astimezone(dt.UTC), usegmt=True),
    }


def task_answer(
    referral: Referral,
    pseudonym: str,
    *,
    with_text: bool = True,
    on_behalf: OnBehalfMove | None = None,
) -> JSONResponse:
    """A referral's Task as the answer, with its version as ``ETag``
    (``on_behalf``: see :func:`task_resource`)."""
    body = as_json(
        task_resource(
            referral, pseudonym=pseudonym, with_text=with_text, on_behalf=on_behalf
        )
    )
    answer = fhir_answer(body)
    answer.headers.update(version_headers(referral))
    return answer


def updated_answer(
    request: Request,
    referral: Referral,
    pseudonym: str,
    moved: str,
    on_behalf: OnBehalfMove | None = None,
) -> Response:
    """The answer to an update, as ``Prefer: return=`` asks (FHIR R4
    http.html#ops): ``minimal`` no body, ``OperationOutcome`` an outcome of the
    update, ``representation`` (the default) the Task; always with ``ETag`` and
    ``Last-Modified`` (http.html#update)."""
    prefer = request.headers.get("prefer", "")
    wants = {
        p.strip().partition("=")[2].strip().strip('"').lower()
        for p in prefer.split(",") if p.strip().lower().startswith("return=")
    }  # fmt: skip
    if "minimal" in wants:
        return Response(status_code=200, headers=version_headers(referral))
    if "operationoutcome" in wants:
        body = as_json(operation_outcome(
            "informational",
            f"Task/{referral.id} updated ({moved}), version {version_of(referral)}",
            severity="information",
        ))  # fmt: skip
        answer = fhir_answer(body)
        answer.headers.update(version_headers(referral))
        return answer
    return task_answer(referral, pseudonym, on_behalf=on_behalf)
