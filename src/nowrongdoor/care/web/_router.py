"""The web router and the one call that installs it into an app (private)."""

from __future__ import annotations

from fastapi import APIRouter, FastAPI
from fastapi.responses import FileResponse, HTMLResponse
from fastapi.routing import APIRoute
from fastapi.staticfiles import StaticFiles

from nowrongdoor.care.investigate import image_pages as _investigate_images
from nowrongdoor.care.investigate import pages as _investigate_pages
from nowrongdoor.care.training import catalogue_for
from nowrongdoor.care.web import (
    _admin_pages,
    _auth_pages,
    _case_pages,
    _kb_pages,
    _oversight_pages,
    _queue_pages,
    _referral_pages,
    _screening_pages,
    _token_pages,
    _training_pages,
    _work_pages,
)
from nowrongdoor.care.web._session import install_error_pages
from nowrongdoor.care.web._templating import STATIC_DIR

_PAGE_MODULES = (
    _auth_pages,
    _work_pages,
    _queue_pages,
    _screening_pages,
    _case_pages,
    _referral_pages,
    _admin_pages,
    _oversight_pages,
    _kb_pages,
    _training_pages,
    _token_pages,
    _investigate_pages,
    _investigate_images,
)


def build_router() -> APIRouter:
    """All page routes (HTML), without the static files.

    Every page answers HTML: the response class is set here, once, for every
    page module's routes.
    """
    router = APIRouter(include_in_schema=False)
    for module in _PAGE_MODULES:
        router.include_router(module.router, default_response_class=HTMLResponse)
    return router


def install_web(app: FastAPI) -> None:
    """Add the pages, their error pages and static files (CSS, vendored htmx).

    Args:
        app: The care service's FastAPI app (built by
            :func:`nowrongdoor.care.app.create_app`, which calls this).
    """
    app.include_router(build_router())
    # The plan's course files are read now: a bad one stops start-up with one
    # sentence naming the file, instead of failing the training pages later.
    catalogue_for(app.state.settings)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")

    @app.get("/favicon.ico", include_in_schema=False)
    def favicon() -> FileResponse:
        return FileResponse(STATIC_DIR / "favicon.svg", media_type="image/svg+xml")

    install_error_pages(
        app,
        pages={
            route.endpoint
            for module in _PAGE_MODULES
            for route in module.router.routes
            if isinstance(route, APIRoute)
        },
    )
