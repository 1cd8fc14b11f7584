"""Name the form a date is written in, so a date the run cannot read is
refused with a sentence that says why, and never guessed.

The run reads ``YYYY-MM-DD`` text (with or without a time and offset), typed
Parquet dates and the patterns a column map declares. Anything else is
rejected as written; this module only describes it (day first, month first,
two-digit year, a number such as an Excel serial date) for the reject reason,
the sentence that stops a run whose dates are all unreadable, and
``population inspect``. Pure Python over single values: both engines share it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

__all__ = [
    "DECLARE",
    "FHIR_HINT",
    "PARTIAL_HINT",
    "PIVOT_HINT",
    "date_shape",
    "explain_date_rejects",
    "fits_pattern",
    "unreadable_sentence",
    "written_form",
]

#: What to do about a date in a recognised form the run was not told about.
DECLARE = "declare the pattern in a column map's [formats] date"
#: What to do about a two-digit year (never read without a declared pivot).
PIVOT_HINT = (
    "declare the pattern (MM/DD/YY, DD/MM/YY ...) with [formats] "
    "two_digit_year_pivot in a column map; two-digit years are never guessed"
)

_PARTS = re.compile(r"^(\d{1,2})([/.-])(\d{1,2})\2(\d{4}|\d{2})$")
#: Excel stores a date as a day count (serial number): 1900 date system, day 1
#: = 1900-01-01 (with the 1900 leap-year bug), or 1904 date system, day 0 =
#: 1904-01-01; the same number is 1,462 days apart in the two (Microsoft,
#: "Date systems in Excel"). Five digits span 1927-2173 in the 1900 system.
_SERIAL = re.compile(r"^\d{5}(\.\d+)?$")


#: What to do about a FHIR date that is not YYYY-MM-DD: NDJSON is read
#: without a column map (FHIR R4 date and dateTime are YYYY, YYYY-MM or
#: YYYY-MM-DD, with a time and offset for dateTime;
#: https://hl7.org/fhir/R4/datatypes.html#date).
FHIR_HINT = (
    "FHIR R4 writes dates YYYY-MM-DD (the date and dateTime types), so fix the "
    "export (a column map does not apply to NDJSON)"
)


def written_form(value: str, fhir: bool = False) -> str | None:
    """A phrase naming the form of a written date the run does not read by
    default, with what to do, or ``None`` (ISO text, or not a date form).

    Args:
        value: The date as written (surrounding spaces are ignored).
        fhir: The date is from FHIR NDJSON, which no column map reads: the
            advice is to fix the export.

    Returns:
        For example ``written day first (DD/MM/YYYY); declare the pattern in a
        column map's [formats] date``.
    """
    found = _form(value.strip())
    if found is None:
        return None
    form, advice = found
    return f"{form}; {FHIR_HINT if fhir else advice}"


def _form(text: str) -> tuple[str, str] | None:
    if _SERIAL.match(text):
        return (
            "a number, like an Excel serial date",
            "export the column as YYYY-MM-DD text (serial numbers are not read: "
            "Excel's 1900 and 1904 date systems put the same number 1,462 days "
            "apart)",
        )
    m = _PARTS.match(text)
    if m is None:
        return None
    first, sep, second, year = m.groups()
    if len(year) == 2:
        return "written with a two-digit year", PIVOT_HINT
    if len(first) == 1 or len(second) == 1:
        return (
            "not zero-padded (the patterns are fixed width: 01/02/2025, not 1/2/2025)",
            "export the column zero-padded or as YYYY-MM-DD",
        )
    day_first = f"DD{sep}MM{sep}YYYY"
    month_first = f"MM{sep}DD{sep}YYYY"
    if int(first) > 12 and int(second) <= 12:
        return f"written day first ({day_first})", DECLARE
    if int(second) > 12 and int(first) <= 12:
        return f"written month first ({month_first})", DECLARE
    return (
        f"{day_first} or {month_first}, which the value cannot tell (no part above 12)",
        DECLARE,
    )


def date_shape(text: str) -> str:
    """A date pattern or a written date with each letter and digit as ``x``
    (``DD/MM/YYYY`` and ``03/21/2025`` are both ``xx/xx/xxxx``): a value fits a
    pattern of its shape, so two patterns of one shape would read one value
    two ways (the first that fits is used)."""
    return "".join("x" if c.isalnum() else c for c in text)


def fits_pattern(value: str, patterns: Sequence[str]) -> bool:
    """Whether a written date has the length and separators of one of a map's
    patterns (then a reject is a value that is not a date, such as
    ``02/30/08``, not a form the map was not told about)."""
    # each letter of a pattern (YYYY, MM, MON...) stands for one character
    shape = date_shape(value.strip())
    return any(p != "YYYY-MM-DD" and date_shape(p) == shape for p in patterns)


_REJECTED = re.compile(r"^(\S+) '(.*)' is not a valid (.+) date$")
#: A birth date written as a year, or a year and month (either order).
_PARTIAL = (
    (re.compile(r"^\d{4}$"), "a year only"),
    (re.compile(r"^(\d{4}[-/.]\d{2}|\d{2}[-/.]\d{4})$"), "a year and month"),
)
#: What to do about one (docs/population.md, "Partial birth dates").
PARTIAL_HINT = (
    "declare the pattern in a column map's [formats] partial_birth_date (read as "
    "the youngest age it allows)"
)


def _partial_form(value: str) -> str | None:
    """``a year only; declare ...`` for a birth date written as a year or a year
    and month, else ``None``."""
    text = value.strip()
    for shape, what in _PARTIAL:
        if shape.match(text):
            return f"{what}; {PARTIAL_HINT}"
    return None


def explain_date_rejects(
    rejects: list[dict[str, Any]],
    patterns: Callable[[str, str], Sequence[str]],
    partial: Sequence[str] = (),
    advise: Callable[[str, str, str], str | None] | None = None,
) -> int:
    """Add to each date reject's reason the form its value is written in
    (``... is not a valid YYYY-MM-DD date: it is written day first
    (DD/MM/YYYY); declare the pattern ...``), unless the value fits one of the
    patterns its column was read with (``patterns(file, role)``; then it is
    simply not a date, as ``02/30/08``). A birth
    date written as a year or a year and month (not from FHIR, which reads
    them) is told to declare ``partial_birth_date``, unless the map's
    ``partial`` patterns fit it already. A date written day first or month
    first gets ``advise(file, role, value)`` when that says what to declare
    (the column's own list, or that the column mixes orders), even when it
    fits its column's patterns (``21/03/2008`` read as ``MM/DD/YYYY``).

    Returns:
        How many rejects were explained so (dates in another form).
    """
    explained = 0
    for r in rejects:
        m = _REJECTED.match(r["reason"])
        fhir = str(r["file"]).lower().endswith(".ndjson")
        said = (
            None if m is None or advise is None else advise(r["file"], *m.group(1, 2))
        )
        if said is not None:
            r["reason"] += f": it is {said}"
            explained += 1
            continue
        if m is None or (
            not fhir and fits_pattern(m.group(2), patterns(r["file"], m.group(1)))
        ):
            continue
        form = None
        if m.group(1) == "birth_date" and not fhir:
            if fits_pattern(m.group(2), partial):
                continue
            form = _partial_form(m.group(2))
        form = form or written_form(m.group(2), fhir)
        if form is not None:
            r["reason"] += f": it is {form}"
            explained += 1
    return explained


def unreadable_sentence(
    file: str,
    row: int,
    column: str,
    what: str,
    value: str,
    label: str,
    advice: str | None = None,
) -> str:
    """The sentence that stops a run none of whose ``what`` (birth dates,
    service dates) is valid, naming the first such row and column and the form
    its date is written in (the value itself is not repeated: person data).

    Args:
        advice: The form and what to declare, when known for the column (a
            day-first or month-first date: ``_date_advice``).
    """
    fhir = str(file).lower().endswith(".ndjson")
    form = None if fhir or what != "birth date" else _partial_form(value)
    form = advice or form or written_form(value, fhir)
    head = (
        f"{file} row {row}, column {column}: no {what} in the input is a valid "
        f"{label} date, and this one is "
    )
    if form is None and fhir:
        return head + f"not either; {FHIR_HINT}"
    if form is None:
        return head + (
            "not either; give a column map with [formats] date for the pattern "
            f"the file uses (`nowrongdoor population inspect {file} --toml` "
            "proposes one)"
        )
    tail = (
        f" (`nowrongdoor population inspect {file} --toml` proposes one)"
        if DECLARE in form or PIVOT_HINT in form or "[formats" in (advice or "")
        else ""
    )
    return head + form + tail
