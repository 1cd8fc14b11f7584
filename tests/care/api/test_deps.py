"""The request context every signed-in API route takes (care.api.deps)."""

from __future__ import annotations

from pathlib import Path
from typing import Any, get_type_hints

from fastapi.routing import APIRoute

from nowrongdoor.care.api.deps import (
    RouteCtx,
    get_auditor,
    get_current_user,
    get_identity,
    get_session,
    get_settings,
)
from nowrongdoor.care.app import API_PREFIX, create_app

#: What a route must not take besides its context: the context holds them.
_SPREAD = {
    get_auditor,
    get_current_user,
    get_identity,
    get_session,
    get_settings,
}
#: The routes nobody is signed in to.
_ANONYMOUS = {("POST", "/auth/login"), ("GET", "/health")}


def _is_context(call: Any) -> bool:
    return get_type_hints(call).get("return") is RouteCtx


def test_every_signed_in_route_takes_one_context(
    tmp_path: Path, settings_for: Any
) -> None:
    settings = settings_for(tmp_path, f"sqlite:///{(tmp_path / 'care.db').as_posix()}")
    app = create_app(settings, include_web=False)
    seen = 0
    wrong: list[str] = []
    for route in app.router.routes:
        if not isinstance(route, APIRoute) or not route.path.startswith(API_PREFIX):
            continue
        if not route.include_in_schema:  # the API's own documentation pages
            continue
        calls = [d.call for d in route.dependant.dependencies]
        contexts = [c for c in calls if _is_context(c)]
        for method in route.methods:
            name = f"{method} {route.path}"
            if (method, route.path.removeprefix(API_PREFIX)) in _ANONYMOUS:
                if contexts:
                    wrong.append(f"{name}: takes a context")
                continue
            seen += 1
            if len(contexts) != 1:
                wrong.append(f"{name}: {len(contexts)} contexts")
            spread = sorted(c.__name__ for c in calls if c in _SPREAD)
            if spread:
                wrong.append(f"{name}: takes {', '.join(spread)} besides its context")
    assert seen > 40
    assert not wrong, wrong
