"""Liveness (no authentication, no database)."""

from __future__ import annotations

from fastapi import APIRouter

__all__ = ["router"]

router = APIRouter(tags=["health"])


@router.get("/health")
def health() -> dict[str, str]:
    """The service answers."""
    return {"status": "ok"}
