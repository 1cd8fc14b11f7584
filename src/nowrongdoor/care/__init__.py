"""Case management and closed-loop referrals: the care service.

Public entry points (imported lazily, so ``import nowrongdoor.care`` stays light)::

    from nowrongdoor.care import create_app, Database
    app = create_app(settings)            # FastAPI app: /api/v1 + the web pages

Modules: ``models`` (SQLAlchemy), ``schemas`` (Pydantic), ``crud`` (data access
with record scope), ``api`` (routers, dependencies), ``security``, ``rbac``,
``audit``, ``crypto``, ``hsds`` (partner directory import), ``imports`` (batch
outputs), ``migrate`` (Alembic). See docs/care.md.
"""

from __future__ import annotations

import importlib
from typing import Any

__all__ = ["Database", "create_app", "verify_chain"]

_LAZY = {
    "create_app": ("nowrongdoor.care.app", "create_app"),
    "Database": ("nowrongdoor.care.db", "Database"),
    "verify_chain": ("nowrongdoor.care.audit", "verify_chain"),
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        module, attr = _LAZY[name]
        return getattr(importlib.import_module(module), attr)
    raise AttributeError(f"module 'nowrongdoor.care' has no attribute {name!r}")
