"""Pictures of the investigator workspace, served to the investigator only.

``GET /investigate/images/{sha256}``: a picture an import kept (the
``investigate_store_images`` setting on, and no matched minor's picture: those
are never on disk). Only ``investigation:read`` reaches it, for a picture of
the viewer's own organisation; every view is audited
(``investigation.image.read``) and the response is never cached.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from fastapi.responses import Response

from nowrongdoor.care.errors import NotFound
from nowrongdoor.care.investigate import crud
from nowrongdoor.care.investigate.images import SHA256, ImageStore
from nowrongdoor.care.web._session import PageCtx, needs

__all__ = ["router"]

router = APIRouter()

ReadDep = Annotated[PageCtx, Depends(needs("investigation:read"))]


@router.get("/investigate/images/{sha256}", name="inv_image")
def image(ctx: ReadDep, sha256: str) -> Response:
    """One kept picture, by its SHA-256 (audited; never cached)."""
    if not SHA256.match(sha256):
        raise NotFound("no such picture")
    img = crud.viewable_image(ctx.session, viewer=ctx.user, sha256=sha256)
    ctx.audit.target("inv_image", img.id)
    data = ImageStore(ctx.settings.resolved_image_dir).get(sha256)
    if data is None:
        raise NotFound("no such picture")
    ctx.audit.commit(
        "investigation.image.read", resource_type="inv_image", resource_id=img.id
    )
    return Response(
        data,
        media_type=img.media_type,
        headers={
            "Cache-Control": "no-store, private",
            "Content-Disposition": f'inline; filename="{sha256[:16]}"',
            "X-Content-Type-Options": "nosniff",
        },
    )
