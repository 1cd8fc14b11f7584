"""The ``/api/v1`` router: one router per resource."""

from __future__ import annotations

from fastapi import APIRouter

from nowrongdoor.care.api.routes import (
    audit,
    auth,
    cases,
    health,
    intakes,
    partners,
    persons,
    referrals,
    tasks,
    uploads,
    users,
)
from nowrongdoor.care.schemas import ErrorResponse

__all__ = ["api_router"]

_ERRORS: dict[int | str, dict[str, object]] = {
    code: {"model": ErrorResponse} for code in (400, 401, 403, 404, 409, 413, 422)
}

api_router = APIRouter(responses=_ERRORS)
for _module in (
    health,
    auth,
    users,
    persons,
    intakes,
    cases,
    referrals,
    tasks,
    partners,
    uploads,
    audit,
):
    api_router.include_router(_module.router)
