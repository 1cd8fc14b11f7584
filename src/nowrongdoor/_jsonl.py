"""Reading JSON Lines, shared by every area that reads them (a base module).

One reader so that every JSONL input treats its lines alike: read as bytes,
blank lines passed over, each other line decoded as UTF-8 and parsed as JSON,
numbered from 1. What a line that is not JSON means (skip it and say so, or
refuse the file) is the caller's to decide.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

__all__ = ["json_lines"]


def json_lines(path: Path) -> Iterator[tuple[int, Any]]:
    """``(line number, value)`` for each non-blank line of a JSON Lines file.

    Args:
        path: The file (the caller checks that it exists, to word its message).

    Yields:
        The line's number (from 1) and its parsed value, or, for a line that
        is not UTF-8 JSON, the ``ValueError`` (``UnicodeDecodeError`` or
        ``json.JSONDecodeError``) that says why.
    """
    with path.open("rb") as fh:
        for n, raw in enumerate(fh, start=1):
            if not raw.strip():
                continue
            try:
                value: Any = json.loads(raw.decode("utf-8"))
            except (UnicodeDecodeError, json.JSONDecodeError) as exc:
                value = exc
            yield n, value
