"""The ``/api/v1`` routes sit flat on the app: each request is matched once."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi.routing import iter_route_contexts
from starlette.routing import Route

from nowrongdoor.care.app import API_PREFIX, create_app


def test_api_routes_are_the_apps_own_routes(tmp_path: Path, settings_for: Any) -> None:
    settings = settings_for(tmp_path, f"sqlite:///{(tmp_path / 'care.db').as_posix()}")
    app = create_app(settings, include_web=False)
    every = {
        (str(r.path), method)
        for r in iter_route_contexts(app.routes)
        if str(r.path).startswith(API_PREFIX + "/")
        for method in r.methods or ()
    }
    own = {
        (r.path, method)
        for r in app.router.routes
        if isinstance(r, Route) and r.path.startswith(API_PREFIX + "/")
        for method in r.methods or ()
    }
    assert ("/api/v1/cases/{case_id}", "GET") in own
    assert ("/api/v1/referrals/{referral_id}/status", "POST") in own
    # nothing under the prefix is reached through a nested (included) router
    assert every == own
