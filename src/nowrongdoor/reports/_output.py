"""Writing report files atomically: HTML, CSV tables, PNG charts (private)."""

from __future__ import annotations

import csv
import io
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path

from nowrongdoor.errors import UserInputError

__all__ = ["csv_text", "prepare_out_dir", "write_atomic"]


def write_atomic(path: Path, data: str | bytes) -> Path:
    """Write ``data`` to ``path`` via a temporary file in the same directory.

    A reader never sees a half-written file: the temporary file is renamed over
    ``path`` only once it is complete (and removed if writing fails).
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    raw = data.encode("utf-8") if isinstance(data, str) else data
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(raw)
        os.chmod(tmp, 0o644)  # mkstemp makes 0600; reports are meant to be shared
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def csv_text(rows: Sequence[Sequence[object]]) -> str:
    """Rows as CSV text (header first)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    for row in rows:
        writer.writerow(["" if value is None else value for value in row])
    return buffer.getvalue()


def prepare_out_dir(out: Path) -> Path:
    """Create the output directory (and its ``tables``/``charts`` folders).

    Raises:
        UserInputError: ``out`` exists and is not a directory.
    """
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise UserInputError(f"output path {out} exists and is not a directory")
    for sub in ("", "tables", "charts"):
        (out / sub).mkdir(parents=True, exist_ok=True)
    return out
