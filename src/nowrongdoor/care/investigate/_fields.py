"""Typed fields of the files ``care import-ads`` reads (private).

Each reader takes a record's field and either returns it as the type the
workspace stores or stops the import with one sentence naming the file, line
and field (``where``), never a traceback.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from nowrongdoor.care.schemas._common import MAX_ID
from nowrongdoor.errors import UserInputError

__all__ = ["codes", "count", "listed", "number", "table", "text", "when"]


def when(value: Any, where: str) -> dt.datetime | None:
    """An ISO date or time as UTC (``None`` when absent or empty)."""
    if value in (None, ""):
        return None
    try:
        at = dt.datetime.fromisoformat(str(value))
    except ValueError:
        raise UserInputError(f"{where}: {value!r} is not an ISO date") from None
    return at.replace(tzinfo=dt.UTC) if at.tzinfo is None else at.astimezone(dt.UTC)


def codes(indicators: Any) -> str:
    """Indicator codes as the search column keeps them (``|a|b|``, sorted)."""
    found = sorted(
        {str(i.get("code")) for i in indicators or [] if isinstance(i, dict)}
    )
    return f"|{'|'.join(found)}|" if found else ""


def listed(rec: dict[str, Any], name: str, where: str) -> list[Any]:
    """``rec[name]`` as a list (empty when absent or empty).

    Raises:
        UserInputError: the field holds something else.
    """
    value = rec.get(name)
    if not value:
        return []
    if not isinstance(value, list):
        raise UserInputError(f"{where}: field {name} is not a list")
    return value


def table(rec: dict[str, Any], name: str, where: str) -> dict[str, Any]:
    """``rec[name]`` as a JSON object (empty when absent or empty)."""
    value = rec.get(name)
    if not value:
        return {}
    if not isinstance(value, dict):
        raise UserInputError(f"{where}: field {name} is not a JSON object")
    return value


def number(value: Any, where: str, name: str) -> float:
    """A finite number from a JSON number or numeric text (``None``, ``""``: 0).

    Raises:
        UserInputError: anything else (text, a list, an object, true/false,
            infinity).
    """
    if value is None or value == "":
        return 0.0
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise UserInputError(f"{where}: field {name} is not a number")
    try:
        parsed = float(value)
    except (ValueError, OverflowError):
        raise UserInputError(f"{where}: field {name} is not a number") from None
    if not math.isfinite(parsed):
        raise UserInputError(f"{where}: field {name} is not a finite number")
    return parsed


def count(value: Any, where: str, name: str) -> int:
    """A whole number from 0 to the largest database integer."""
    whole = int(number(value, where, name))
    if not 0 <= whole <= MAX_ID:
        raise UserInputError(f"{where}: field {name} is not between 0 and {MAX_ID}")
    return whole


def text(rec: dict[str, Any], name: str, where: str) -> str | None:
    """``rec[name]`` as text (``None`` when absent or empty)."""
    value = rec.get(name)
    if not value:
        return None
    if not isinstance(value, str):
        raise UserInputError(f"{where}: field {name} is not text")
    return value
