"""Errors a user can cause. The CLI turns them into one sentence and an exit code."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

__all__ = ["UserInputError", "first_error"]


class UserInputError(ValueError):
    """Bad input from a user: a file, row, field, id or answer that cannot be used.

    The message is one sentence that names the file/row/field. The CLI prints it
    (never a traceback) and exits with ``exit_code``.

    Attributes:
        exit_code: Process exit status the CLI uses (2 by default, like a usage
            error).
    """

    def __init__(self, message: str, exit_code: int = 2) -> None:
        super().__init__(message)
        self.exit_code = exit_code


class _Invalid(Protocol):
    """A failed validation: pydantic's ``ValidationError`` or FastAPI's
    ``RequestValidationError``."""

    def errors(self) -> Sequence[Any]:
        """The errors, each a dict with ``loc`` and ``msg``."""


def first_error(exc: _Invalid, whole: str = "") -> tuple[str, str]:
    """Where and what the first error of a pydantic validation is.

    Args:
        exc: The validation error (it has at least one error).
        whole: The name to give when the error is about the whole value (no
            location).

    Returns:
        The dotted location (``items.0.linkId``, else ``whole``) and the message.
    """
    first = exc.errors()[0]
    return ".".join(str(p) for p in first["loc"]) or whole, first["msg"]
