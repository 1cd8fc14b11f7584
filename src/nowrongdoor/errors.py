"""Errors a user can cause. The CLI turns them into one sentence and an exit code."""

from __future__ import annotations

__all__ = ["UserInputError"]


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
