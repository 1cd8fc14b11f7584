"""Errors the care service turns into ``{"error": {"code", "message", "field"}}``."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from nowrongdoor.errors import UserInputError

__all__ = [
    "ApiError",
    "BadRequest",
    "Conflict",
    "Forbidden",
    "NotFound",
    "Unauthorized",
    "bad_request_on_user_input",
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

    def __init_subclass__(cls, *, status: int, code: str, **kwargs: Any) -> None:
        """``class NotFound(ApiError, status=404, code="not_found")``: a kind of
        error with its HTTP status and default code."""
        super().__init_subclass__(**kwargs)
        cls.status = status
        cls.code = code


class BadRequest(ApiError, status=400, code="bad_request"):
    """The request is well-formed but cannot be done (a rule says no)."""


class Unauthorized(ApiError, status=401, code="unauthorized"):
    """Not signed in, or the credentials are wrong."""


class Forbidden(ApiError, status=403, code="forbidden"):
    """Signed in, but this role or scope may not do it."""


class NotFound(ApiError, status=404, code="not_found"):
    """No such record."""


class Conflict(ApiError, status=409, code="conflict"):
    """The record's state does not allow it (a transition, a duplicate)."""


@contextmanager
def bad_request_on_user_input(field: str) -> Iterator[None]:
    """Answer a :class:`~nowrongdoor.errors.UserInputError` raised inside (a
    file or document a user sent) as a :class:`BadRequest` naming ``field``."""
    try:
        yield
    except UserInputError as exc:
        raise BadRequest(str(exc), field=field) from exc
