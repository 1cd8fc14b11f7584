"""Server-rendered pages for care managers, supervisors, partners and admins.

Jinja2 templates and htmx (vendored as a static file; no front-end build step).
The care app factory installs them with one call::

    from nowrongdoor.care.web import install_web
    install_web(app)
"""

from nowrongdoor.care.web._router import build_router, install_web
from nowrongdoor.care.web._templating import STATIC_DIR, TEMPLATE_DIR, Viewer

__all__ = ["STATIC_DIR", "TEMPLATE_DIR", "Viewer", "build_router", "install_web"]
