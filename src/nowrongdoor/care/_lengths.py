"""Text the user gave is stored whole or refused, never cut to a column (private).

An importer measures each value against the column it is written to, with the
column's own length (the model is the one place the numbers live), and refuses
a longer one in one sentence naming where it came from, the field and the
limit.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import InstrumentedAttribute

from nowrongdoor.errors import UserInputError

__all__ = ["column_length", "fitted"]


def column_length(column: InstrumentedAttribute[Any]) -> int | None:
    """The most characters ``column`` holds (``None``: text of any length)."""
    length: int | None = getattr(column.type, "length", None)
    return length


def fitted(text: str, column: InstrumentedAttribute[Any], where: str) -> str:
    """``text``, when ``column`` can hold it whole.

    Args:
        text: The value to store.
        column: The model column it is written to.
        where: The file, row and field, to start the message
            (``"ads.jsonl, line 3: field city"``).

    Returns:
        ``text`` unchanged.

    Raises:
        UserInputError: ``text`` is longer than the column holds.
    """
    limit = column_length(column)
    if limit is not None and len(text) > limit:
        raise UserInputError(
            f"{where} has {len(text)} characters, more than the {limit} it may hold"
        )
    return text
