"""The web router and the one call that installs it into an app (private)."""

from __future__ import annotations

from fastapi import APIRouter, FastAPI
from fastapi.staticfiles import StaticFiles

from nowrongdoor.care.web import _kb_pages, _screening_pages
from nowrongdoor.care.web._templating import STATIC_DIR


def build_router() -> APIRouter:
    """All page routes (HTML), without the static files."""
    router = APIRouter(include_in_schema=False)
    router.include_router(_kb_pages.router)
    router.include_router(_screening_pages.router)
    return router


def install_web(app: FastAPI) -> None:
    """Add the pages and their static files (CSS, vendored htmx) to ``app``.

    Args:
        app: The care service's FastAPI app.
    """
    app.include_router(build_router())
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
