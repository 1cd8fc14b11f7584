"""Who is looking at a page (private).

Resolves the signed-in user from the care service's session cookie into a
:class:`Viewer` for the templates.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from nowrongdoor.care.web._templating import ANONYMOUS, Viewer


def current_viewer(request: Request) -> Viewer:
    """The viewer for this request (anonymous until the care auth is wired)."""
    viewer = getattr(request.state, "viewer", None)
    return viewer if isinstance(viewer, Viewer) else ANONYMOUS


ViewerDep = Annotated[Viewer, Depends(current_viewer)]
