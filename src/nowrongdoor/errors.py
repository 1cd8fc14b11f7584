"""Errors a user can cause. The CLI turns them into one sentence and an exit code.

Reading a file the user named goes through :func:`user_file` and
:func:`read_user_text`, so that a missing file, a folder, an unreadable file and
bytes that are not UTF-8 read alike in every command: one sentence naming the
file (and the line of the first bad byte), never a traceback.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

__all__ = ["UserInputError", "first_error", "read_user_text", "user_file"]


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


def _subject(path: Path, what: str) -> str:
    """How a message names a file: ``what`` first when given."""
    return f"{what} {path}" if what else str(path)


def user_file(path: Path, what: str = "") -> Path:
    """Check that a file the user named is there and is a file.

    Args:
        path: The file.
        what: What it is, to start the message (``"answers file"``); empty for
            the bare path.

    Returns:
        ``path``, as a :class:`~pathlib.Path`.

    Raises:
        UserInputError: ``path`` does not exist, or it is a folder.
    """
    path = Path(path)
    subject = _subject(path, what)
    if path.is_dir():
        raise UserInputError(f"{subject} is a folder, not a file")
    if not path.is_file():
        raise UserInputError(f"{subject} does not exist")
    return path


def read_user_text(path: Path, what: str = "", *, newline: str | None = None) -> str:
    """The UTF-8 text of a file the user named, or one sentence saying why not.

    Args:
        path: The file.
        what: What it is, to start the message (``"scoring model"``).
        newline: As for :func:`open`: ``None`` turns ``\r\n`` and ``\r`` into
            ``\n``; ``""`` keeps the line endings as written (for :mod:`csv`,
            through ``io.StringIO(text, newline="")``).

    Returns:
        The text.

    Raises:
        UserInputError: The file is missing, a folder, unreadable, or not UTF-8
            (the message gives the line of the first bad byte).
    """
    path = user_file(path, what)
    subject = _subject(path, what)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise UserInputError(f"{subject} cannot be read: {exc.strerror}") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise UserInputError(
            f"{subject} is not UTF-8 text (line {line}); save it as UTF-8"
        ) from None
    if newline is None:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text
