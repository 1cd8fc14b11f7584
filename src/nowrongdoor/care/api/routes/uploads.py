"""Upload batch outputs: a population worklist.

Ad-match leads no longer enter here: they are imported into the investigator
workspace (``care import-ads --match``) and reach the care team only once an
investigator confirms them (docs/investigate.md).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, UploadFile

from nowrongdoor.care.api.perms import WorklistImport
from nowrongdoor.care.errors import BadRequest, bad_request_on_user_input
from nowrongdoor.care.imports import (
    ImportCounts,
    import_worklist,
    parse_pool_routes,
)

__all__ = ["router"]

router = APIRouter(prefix="/imports", tags=["imports"])


def _text(upload: UploadFile, limit: int) -> str:
    data = upload.file.read(limit + 1)
    if len(data) > limit:
        raise BadRequest(
            "the file is too large", field="file", code="payload_too_large"
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise BadRequest("the file is not UTF-8 text", field="file") from exc


@router.post("/worklist")
def upload_worklist(
    ctx: WorklistImport,
    file: Annotated[UploadFile, File(description="worklist.csv")],
    source: Annotated[str, Form(min_length=1, max_length=150)],
) -> ImportCounts:
    """Import a population worklist as risk flags (matched by member id)."""
    settings, user = ctx.settings, ctx.user
    text = _text(file, settings.max_request_bytes)
    with bad_request_on_user_input("file"):
        counts = import_worklist(
            ctx.session,
            cipher=ctx.cipher,
            actor=user,
            organization_id=user.organization_id,
            text=text,
            name=file.filename or "worklist.csv",
            source=source,
            routes=parse_pool_routes(settings.pool_routes),
        )
    ctx.audit.commit(
        "import.worklist",
        resource_type="risk_flag",
        detail=f"{counts.rows} rows, {counts.new_persons} new persons",
    )
    return counts
