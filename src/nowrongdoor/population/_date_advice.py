"""Which line of a column map reads a rejected day-first or month-first date,
written so an analyst can paste it, and never one that would misread another
column.

A date such as ``21/03/2008`` is written day first; ``03/21/2025`` month
first; ``05/07/2007`` either way (no part above 12). The run never guesses
which: it rejects what its map does not declare and says what to declare. The
advice is the map-wide ``[formats] date`` list only when no other date column
read with that list holds dates of the same shape in another order (or only
dates that cannot tell) and the map gives no column its own list (a pattern of
the shape in the list is then replaced); otherwise it is the column's own
``[formats.date_by_column]`` list. A column holding both orders is said to mix
them, with the rows of each: any one pattern would misread the others.

The orders are counted over every written value of the shape in the column,
read or not (a value read month first by a declared ``MM/DD/YYYY`` may have
been written day first), once, when a reject or a stop needs them: one
``GROUP BY`` per date column, on either engine, then plain Python.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from nowrongdoor.population._dates import date_shape, unreadable_sentence
from nowrongdoor.population._inputs import date_patterns_of
from nowrongdoor.population._maps import DATE_ROLES, pattern_label
from nowrongdoor.population._steps import DATE_RANGE

if TYPE_CHECKING:
    from nowrongdoor.population._backends import Engine
    from nowrongdoor.population._inputs import InputFile, RawInputs

__all__ = ["DateAdvice", "date_order", "first_unreadable"]

_PADDED = re.compile(r"^(\d{2})([/.-])(\d{2})\2(\d{4})$")
#: The same shape for the engines (no back-reference: RE2 has none).
_PADDED_SQL = r"^[0-9]{2}[/.-][0-9]{2}[/.-][0-9]{4}$"
_ISO = "YYYY-MM-DD"


def _is_date(year: str, month: str, day: str) -> bool:
    """A real date the run accepts (:data:`DATE_RANGE`, as the engines do)."""
    try:
        value = date(int(year), int(month), int(day))
    except ValueError:
        return False
    return DATE_RANGE[0] <= value <= DATE_RANGE[1]


def date_order(text: str) -> tuple[str, str] | None:
    """The separator and order of a zero-padded date with a four-digit year:
    ``day`` (valid only day first), ``month`` (only month first) or
    ``either``; ``None`` when it is no date in either order (or one before
    1900 or after 2100, rejected as such whatever its order) or another form."""
    m = _PADDED.match(text.strip())
    if m is None:
        return None
    first, sep, second, year = m.groups()
    day = _is_date(year, second, first)
    month = _is_date(year, first, second)
    if day and month:
        return sep, "either"
    if day or month:
        return sep, "day" if day else "month"
    return None


def _pattern(order: str, sep: str) -> str:
    return f"DD{sep}MM{sep}YYYY" if order == "day" else f"MM{sep}DD{sep}YYYY"


def _form(kind: str, sep: str) -> str:
    if kind == "either":
        return (
            f"{_pattern('day', sep)} or {_pattern('month', sep)}, which the value "
            "cannot tell (no part above 12)"
        )
    return f"written {kind} first ({_pattern(kind, sep)})"


@dataclass(frozen=True)
class _Column:
    file: str
    role: str
    name: str
    patterns: tuple[str, ...]
    own_key: str | None


def _state(c: Counter[str]) -> str | None:
    """How a column writes dates of one shape, or ``None`` (none such)."""
    if c["day"] and c["month"]:
        return "mixes"
    if c["day"] or c["month"]:
        return "day" if c["day"] else "month"
    return "either" if c["either"] else None


class DateAdvice:
    """The advice for a date written day first or month first, per column.

    Args:
        engine: The engine the raw tables live on.
        raw: The run's raw tables and files (FHIR files get no advice: no
            map applies to NDJSON).
    """

    def __init__(self, engine: Engine, raw: RawInputs) -> None:
        self._engine = engine
        self._raw = raw
        self._columns: dict[tuple[str, str], _Column] = {}
        for f in raw.files:
            if f.kind == "fhir":
                continue
            for role in DATE_ROLES:
                if f.has(role):
                    name = f.col(role)
                    self._columns[(str(f.path), role)] = _Column(
                        str(f.path),
                        role,
                        name,
                        f.date_patterns(role),
                        f.cmap.own_date_key(role, name),
                    )
        self._files: Sequence[InputFile] = raw.files
        self._counts: dict[tuple[str, str], dict[str, Counter[str]]] | None = None

    def _orders(self, file: str, role: str, sep: str) -> Counter[str]:
        if self._counts is None:
            self._counts = self._count()
        return self._counts.get((file, role), {}).get(sep, Counter())

    def _count(self) -> dict[tuple[str, str], dict[str, Counter[str]]]:
        """Rows of each order, by column and separator (one query a role)."""
        raw = self._raw
        out: dict[tuple[str, str], dict[str, Counter[str]]] = {}
        for role, table in (("birth_date", raw.members), ("service_date", raw.lines)):
            t = table.select("_file", written=table[role].cast("string").strip())
            t = t.filter(t.written.re_search(_PADDED_SQL).fill_null(False))
            grouped = t.group_by(["_file", "written"]).aggregate(n=t.count())
            for r in self._engine.to_arrow(grouped).to_pylist():
                found = date_order(str(r["written"]))
                if found is not None:
                    by_sep = out.setdefault((str(r["_file"]), role), {})
                    by_sep.setdefault(found[0], Counter())[found[1]] += int(r["n"])
        return out

    def advise(self, file: str, role: str, value: str) -> str | None:
        """``written day first (DD/MM/YYYY); declare it ...`` for a rejected
        date, or ``None`` when it is not a day-first or month-first date of a
        column a map reads (then the other hints apply)."""
        column = self._columns.get((str(file), role))
        found = date_order(value)
        if column is None or found is None:
            return None
        sep, kind = found
        c = self._orders(column.file, role, sep)
        form = _form(kind, sep)
        if _state(c) == "mixes":
            either = f", {c['either']} either way" if c["either"] else ""
            rows = "row" if c["day"] == 1 else "rows"
            return (
                f"{form}, but column {column.name} mixes day-first and month-first "
                f"dates ({c['day']} {rows} day first, {c['month']} month first"
                f"{either}), so no pattern reads it: export the column as "
                "YYYY-MM-DD (dates are never guessed)"
            )
        order = kind if kind != "either" else _state(c)
        if kind == "either" and order in ("day", "month"):
            form += f"; the column's other dates are written {order} first"
        return f"{form}; {self._declare(column, sep, order)}"

    def _declare(self, column: _Column, sep: str, order: str | None) -> str:
        """The line to paste: the map-wide list if that reads no other column
        differently, else the column's own (a list keeps its patterns of
        other shapes; one of this shape is replaced)."""
        shape = date_shape(_pattern("day", sep))
        orders = [order] if order in ("day", "month") else ["day", "month"]
        what = "it" if len(orders) == 1 else "the order the export uses"
        cmap = next(f.cmap for f in self._files if str(f.path) == column.file)
        # the map's own lists rule the map-wide list out already; else a clash
        own = column.own_key is not None or bool(cmap.formats.date_by_column)
        clash = None if own else self._clash(column, sep, order)
        wide = not own and clash is None
        base = cmap.formats.date if wide else column.patterns
        keep = [p for p in base if p != _ISO and date_shape(p) != shape]
        lists = " or ".join(_toml_list([*keep, _pattern(o, sep)]) for o in orders)
        if wide:
            return f"declare {what} in a column map: [formats] date = {lists}"
        return (
            f"declare {what} for column {column.name} alone in a column map: "
            f'[formats.date_by_column] "{column.own_key or column.name}" = {lists}'
            + (f" ({clash})" if clash else "")
        )

    def _clash(self, column: _Column, sep: str, order: str | None) -> str | None:
        """Another column read with the map-wide list whose dates of this shape
        that list, given ``order``, would read otherwise than written."""
        for other in self._columns.values():
            if other is column or other.own_key is not None:
                continue
            state = _state(self._orders(other.file, other.role, sep))
            if state is None or (state == order and order in ("day", "month")):
                continue
            where = "" if other.file == column.file else f" of {other.file}"
            said = {
                "mixes": "mixes day-first and month-first dates",
                "either": "has dates that cannot tell the order",
                "day": "is written day first",
                "month": "is written month first",
            }[state]
            return f"column {other.name}{where} {said}"
        return None


def _toml_list(patterns: Sequence[str]) -> str:
    return "[" + ", ".join(f'"{p}"' for p in patterns) + "]"


def first_unreadable(
    engine: Engine, raw: RawInputs, advice: DateAdvice, role: str
) -> str | None:
    """The sentence naming the first row (file, row, column) whose written
    birth or service date (``role``) is not a valid date, with the form it is
    written in and what to declare; ``None`` when every such date is empty."""
    if role == "birth_date":
        t = raw.members.select(
            "_file", "_row", written=raw.members.birth_date, ok=raw.members.birth
        )
    else:
        t = raw.lines.select(
            "_file", "_row", written=raw.lines.service_date, ok=raw.lines.date
        )
    bad = t.filter(t.ok.isnull() & t.written.notnull())
    bad = bad.filter(bad.written.re_search(r"[^ \t]"))
    rows = engine.to_arrow(bad.order_by(["_file", "_row"]).limit(1)).to_pylist()
    if not rows:
        return None
    first = rows[0]
    file, written = first["_file"], str(first["written"])
    column = _column_of(raw.files, file, role)
    label = pattern_label(date_patterns_of(raw.files)(file, role))
    what = "birth date" if role == "birth_date" else "service date"
    return unreadable_sentence(
        file,
        int(first["_row"]),
        column,
        what,
        written,
        label,
        advice.advise(file, role, written),
    )


def _column_of(files: Sequence[InputFile], name: str, role: str) -> str:
    """The column (or FHIR element) that holds ``role`` in the file ``name``."""
    for f in files:
        if str(f.path) == name:
            if f.kind == "fhir":
                return "Patient.birthDate" if role == "birth_date" else "its date"
            return dict(f.roles).get(role, role)
    return role
