"""HTML rendering with Jinja2 templates shipped in ``reports/templates`` (private)."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

__all__ = ["render_template"]


@lru_cache(maxsize=1)
def _environment() -> Any:
    from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

    return Environment(
        loader=PackageLoader("nowrongdoor.reports", "templates"),
        autoescape=select_autoescape(["html"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render_template(name: str, **context: Any) -> str:
    """Render a report template (``fragment=True`` leaves out ``<html>``/CSS)."""
    context.setdefault("fragment", False)
    return str(_environment().get_template(name).render(**context))
