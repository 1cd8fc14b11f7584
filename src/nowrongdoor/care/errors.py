"""Errors the care service turns into ``{"error": {"code", "message", "field"}}``."""

from __future__ import annotations

__all__ = [
    "ApiError",
    "BadRequest",
    "Conflict",
    "Forbidden",
    "NotFound",
    "Unauthorized",
]


class ApiError(Exception):
    """An error with an HTTP status, a stable code, a message and maybe a field.

    Attributes:
        status: HTTP status code.
        code: Machine-readable code (``not_found``, ``forbidden``, ...).
        message: One sentence for a person.
        field: The request field at fault, if any (dotted path).
    """

    status = 400
    code = "bad_request"

    def __init__(
        self,
        message: str,
        *,
        field: str | None = None,
        code: str | None = None,
        status: int | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        if code is not None:
            self.code = code
        if status is not None:
            self.status = status


class BadRequest(ApiError):
    """The request is well-formed but cannot be done (a rule says no)."""

    status = 400
    code = "bad_request"


class Unauthorized(ApiError):
    """Not signed in, or the credentials are wrong."""

    status = 401
    code = "unauthorized"


class Forbidden(ApiError):
    """Signed in, but this role or scope may not do it."""

    status = 403
    code = "forbidden"


class NotFound(ApiError):
    """No such record."""

    status = 404
    code = "not_found"


class Conflict(ApiError):
    """The record's state does not allow it (a transition, a duplicate)."""

    status = 409
    code = "conflict"
