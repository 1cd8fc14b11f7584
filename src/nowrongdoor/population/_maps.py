"""Column maps: read claims as plans and states hold them.

A :class:`ColumnMap` says which of a file's columns play which role (member id,
birth date, claim id, service date, diagnosis codes), how its dates are written
(``DD/MM/YYYY``, ``YYYYMMDD``, ``DDMONYYYY`` ...: one list for every date
column, or one per column, so birth dates written day first and service dates
written month first are each read as written) and how its codes carry a
present-on-admission suffix. Our own layout is simply the default map; built-in
presets (``taf``, ``synpuf``) are maps shipped as TOML files in
``population/data/presets``. Converting dates and codes is written as Ibis
expressions (substrings and comparisons only), so it runs on DuckDB and Spark; a
date costs a few string operations per distinct value (the steps convert each
distinct date once and join it back to its lines), a code a few per code.
"""

from __future__ import annotations

import fnmatch
import re
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from nowrongdoor.errors import UserInputError, read_user_text
from nowrongdoor.population._dates import date_shape

if TYPE_CHECKING:
    import ibis.expr.types as ir

__all__ = [
    "DEFAULT_MAP",
    "PRESETS",
    "ROLES",
    "ColumnMap",
    "Resolved",
    "load_map",
    "load_preset",
    "map_from_settings",
    "partial_dates",
    "pattern_label",
    "resolve_columns",
    "strip_poa",
    "to_iso_date",
]

#: Roles a column can play, besides the diagnosis columns.
ROLES = ("member_id", "birth_date", "claim_id", "service_date", "dx_code")
#: Roles whose columns hold dates.
DATE_ROLES = ("birth_date", "service_date")
#: Built-in presets (file names under ``population/data/presets``).
PRESETS = ("taf", "synpuf")
_MONTHS = (
    *("JAN", "FEB", "MAR", "APR", "MAY", "JUN"),
    *("JUL", "AUG", "SEP", "OCT", "NOV", "DEC"),
)
_TOKENS = ("YYYY", "MON", "MM", "DD", "YY")
_STRFTIME = {"%Y": "YYYY", "%y": "YY", "%m": "MM", "%d": "DD", "%b": "MON"}


def _names(value: Any) -> Any:
    return (value,) if isinstance(value, str) else value


_EMPTY = (
    "the list is empty, so the column would read no date: give at least one "
    "pattern (YYYY-MM-DD for ISO dates)"
)


def _pattern_list(value: Any, partial: bool = False) -> tuple[str, ...]:
    """Date patterns as given (one or a list, strftime codes as tokens),
    checked one by one and together.

    Raises:
        ValueError: a pattern is not text or not a date pattern (see
            :func:`_date_plan`), or two have the same width and separators, so
            one written date would fit both and be read by whichever comes
            first (``DD/MM/YYYY`` and ``MM/DD/YYYY``; dates are never guessed).
    """
    out: list[str] = []
    seen: dict[str, str] = {}
    for pattern in _names(value):
        if not isinstance(pattern, str):
            raise ValueError("a date pattern must be text")
        for old, new in _STRFTIME.items():
            pattern = pattern.replace(old, new)
        _date_plan(pattern, partial)  # raises ValueError with the reason
        shape = date_shape(pattern)
        if shape in seen:
            raise ValueError(
                _same_shape(
                    f"date patterns {seen[shape]!r} and {pattern!r}",
                    pattern,
                    "be read by the first",
                    "give each date column its own list in [formats.date_by_column]",
                )
            )
        seen[shape] = pattern
        out.append(pattern)
    return tuple(out)


#: Token values of the example date in a refusal (2008-01-02).
_EXAMPLE = {"YYYY": "2008", "YY": "08", "MON": "JAN", "MM": "01", "DD": "02"}


def _same_shape(what: str, pattern: str, read: str, fix: str) -> str:
    """The refusal of two patterns of one shape (see :func:`date_shape`): a
    written date would fit both, and one reading would be chosen silently."""
    example = pattern
    for token in _TOKENS:
        example = example.replace(token, _EXAMPLE[token])
    return (
        f"{what} have the same width and separators, so a date such as {example} "
        f"would fit both and {read} (dates are never guessed): keep one, or {fix}"
    )


def _column_patterns(value: Any) -> tuple[str, ...]:
    """A list of full-date patterns (``date``, or a column's own): not empty."""
    out = _pattern_list(value)
    if not out:
        raise ValueError(_EMPTY)
    return out


_ColumnPatterns = Annotated[tuple[str, ...], BeforeValidator(_column_patterns)]


def pattern_label(patterns: Sequence[str]) -> str:
    """Date patterns for messages (``DD/MM/YYYY or YYYYMMDD``)."""
    return " or ".join(patterns)


class Columns(BaseModel):
    """Which of the file's columns hold each role (first name found wins)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    member_id: tuple[str, ...] = ("member_id",)
    birth_date: tuple[str, ...] = ("birth_date",)
    claim_id: tuple[str, ...] = ("claim_id",)
    service_date: tuple[str, ...] = ("service_date",)
    dx: tuple[str, ...] = tuple(f"dx{i}" for i in range(1, 13))
    dx_code: tuple[str, ...] = ("dx_code",)

    @field_validator("*", mode="before")
    @classmethod
    def _as_tuple(cls, value: Any) -> Any:
        return _names(value)


class Formats(BaseModel):
    """How dates and codes are written."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    date: tuple[str, ...] = Field(
        ("YYYY-MM-DD",),
        description="Date patterns from YYYY, MM, DD, MON and separators (strftime "
        "%Y %m %d %b also accepted), tried in order; for every date column "
        "without its own list in date_by_column.",
    )
    date_by_column: dict[str, _ColumnPatterns] = Field(
        default_factory=dict,
        description="A date column's own patterns, replacing ``date`` for it: "
        "the key is a date role (birth_date, service_date) or a column name the "
        "map gives one (matched without regard to case; the column's name wins "
        "over its role).",
    )
    poa_separator: str | None = Field(
        None,
        min_length=1,
        max_length=3,
        description="Codes carry a present-on-admission suffix after this "
        "separator (F10.20-Y); the suffix is dropped.",
    )
    code_prefix: str | None = Field(
        None,
        min_length=1,
        max_length=20,
        description="Codes carry this code-system prefix (ICD10:F11.20), matched "
        "without regard to case; the prefix is dropped.",
    )

    two_digit_year_pivot: int | None = Field(
        None,
        ge=0,
        le=99,
        description="Needed by a pattern with a two-digit year (YY): a year below "
        "it is 20YY, others 19YY (30: 00-29 -> 2000-2029, 30-99 -> 1930-1999). "
        "Two-digit years are never read without it.",
    )

    partial_birth_date: tuple[str, ...] = Field(
        (),
        description="Patterns of birth dates written as a year or a year and "
        "month (YYYY, YYYY-MM, MM/YYYY). Such a member is scored at the youngest "
        "age the date allows on the as-of date, and the reasons say so. Empty: "
        "a birth date without a day is rejected (never guessed).",
    )

    @field_validator("partial_birth_date", mode="before")
    @classmethod
    def _check_partial(cls, value: Any) -> tuple[str, ...]:
        return _pattern_list(value, partial=True)

    @model_validator(mode="after")
    def _check_pivot(self) -> Formats:
        lists = (self.date, *self.date_by_column.values())
        short = [p for ps in lists for p in ps if "YY" in p and "YYYY" not in p]
        if short and self.two_digit_year_pivot is None:
            raise ValueError(
                f"date pattern {short[0]!r} has a two-digit year, which is never "
                "guessed: set two_digit_year_pivot (0-99; a year below it is 20YY, "
                "others 19YY, e.g. 30 reads 00-29 as 2000-2029 and 30-99 as "
                "1930-1999; docs/population.md, Two-digit years)"
            )
        return self

    @field_validator("date", mode="before")
    @classmethod
    def _check_date(cls, value: Any) -> tuple[str, ...]:
        return _column_patterns(value)

    def __hash__(self) -> int:
        # frozen, but date_by_column is a dict: hash its items as a set, so
        # equal formats (a dict's order does not count) hash alike
        return hash(
            tuple(
                frozenset(v.items()) if isinstance(v, dict) else v
                for v in self.__dict__.values()
            )
        )


class ColumnMap(BaseModel):
    """A column map: names, date and code formats of someone else's claims files."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = "our layout"
    source: str | None = None
    columns: Columns = Columns()
    formats: Formats = Formats()

    @property
    def is_default(self) -> bool:
        """True for our own layout with ISO dates and no suffixes."""
        return self == DEFAULT_MAP

    @model_validator(mode="after")
    def _check_date_columns(self) -> ColumnMap:
        names = [n for role in DATE_ROLES for n in getattr(self.columns, role)]
        known = {n.lower() for n in (*DATE_ROLES, *names)}
        seen: dict[str, str] = {}
        for key in self.formats.date_by_column:
            where = f"formats.date_by_column.{key}"
            if key.lower() not in known:
                listed = ", ".join(repr(n) for n in dict.fromkeys(names))
                raise ValueError(
                    f"{where}: {key!r} is not a date column of the map: name a date "
                    f"role (birth_date, service_date) or a column the map gives "
                    f"one ({listed})"
                )
            if key.lower() in seen:
                raise ValueError(
                    f"{where}: {key!r} names the same column as "
                    f"{seen[key.lower()]!r} (names are matched without regard to "
                    "case): keep one list"
                )
            seen[key.lower()] = key
        return self

    @model_validator(mode="after")
    def _check_partial_shapes(self) -> ColumnMap:
        """A partial birth date pattern may not share a shape with a pattern a
        birth date column is read with (``YYYYMM`` and ``YYMMDD``): the full
        date would be read first, and ``200803`` would be 2020-08-03."""
        lists: dict[str, tuple[str, ...]] = {}
        for name in self.columns.birth_date:
            key = self.own_date_key("birth_date", name)
            where = "formats.date" if key is None else f"formats.date_by_column.{key}"
            lists[where] = self.date_patterns("birth_date", name)
        for partial in self.formats.partial_birth_date:
            for where, patterns in lists.items():
                full = next(
                    (p for p in patterns if date_shape(p) == date_shape(partial)), None
                )
                if full is not None:
                    raise ValueError(
                        "formats.partial_birth_date: "
                        + _same_shape(
                            f"partial pattern {partial!r} and the birth date "
                            f"pattern {full!r} ({where})",
                            partial,
                            "be read as a full date, never as a year and month",
                            "export the partial dates with a separator (YYYY-MM)",
                        )
                    )
        return self

    def date_patterns(self, role: str, column: str | None = None) -> tuple[str, ...]:
        """The date patterns a column is read with: its own list (by the
        file's column name, then by its role), else the map-wide ``date``.

        Args:
            role: ``birth_date`` or ``service_date``.
            column: The file's column for the role, if known.
        """
        key = self.own_date_key(role, column)
        return self.formats.date if key is None else self.formats.date_by_column[key]

    def own_date_key(self, role: str, column: str | None = None) -> str | None:
        """The ``[formats.date_by_column]`` key (as the map spells it) that
        gives a column its own date patterns, or ``None`` (the map-wide list).

        Args:
            role: ``birth_date`` or ``service_date``.
            column: The file's column for the role, if known.
        """
        own = {k.lower(): k for k in self.formats.date_by_column}
        for name in (column, role):
            if name is not None and name.lower() in own:
                return own[name.lower()]
        return None


DEFAULT_MAP = ColumnMap()


def _date_plan(
    pattern: str, partial: bool = False
) -> tuple[int, dict[str, int], dict[int, str]]:
    """Token positions of a fixed-width date pattern.

    Args:
        pattern: The pattern.
        partial: A partial birth date pattern (a year, or a year and month, and
            no day: ``YYYY``, ``YYYY-MM``, ``MM/YYYY``).

    Returns:
        Total length, token -> start offset, and separator offset -> character.

    Raises:
        ValueError: the pattern lacks a year, month or day (or, partial, is not
            YYYY with an optional MM), or repeats one.
    """
    pos: dict[str, int] = {}
    seps: dict[int, str] = {}
    i = at = 0
    while i < len(pattern):
        for token in _TOKENS:
            if pattern.startswith(token, i):
                month = token in ("MM", "MON") and bool({"MM", "MON"} & set(pos))
                year = token in ("YYYY", "YY") and bool({"YYYY", "YY"} & set(pos))
                if token in pos or month or year:
                    raise ValueError(f"date pattern {pattern!r} repeats {token}")
                pos[token] = at
                at += len(token)
                i += len(token)
                break
        else:
            if pattern[i].isalnum():
                raise ValueError(
                    f"date pattern {pattern!r}: {pattern[i]!r} is not YYYY, MM, DD, "
                    "MON, YY or a separator"
                )
            seps[at] = pattern[i]
            at += 1
            i += 1
    if partial:
        if "YYYY" not in pos or not set(pos) <= {"YYYY", "MM"}:
            raise ValueError(
                f"partial birth date pattern {pattern!r} needs YYYY, optionally "
                "with MM, and no DD, MON or YY (a year, or a year and month)"
            )
        return at, pos, seps
    if (
        not ({"YYYY", "YY"} & set(pos))
        or "DD" not in pos
        or not ({"MM", "MON"} & set(pos))
    ):
        raise ValueError(
            f"date pattern {pattern!r} needs YYYY, DD and MM or MON (zero-padded; "
            "YY for a two-digit year)"
        )
    return at, pos, seps


def to_iso_date(
    col: ir.Value, patterns: Sequence[str], pivot: int | None = None
) -> ir.Value:
    """A date column written in ``patterns`` rewritten as ``YYYY-MM-DD`` text.

    Typed date columns are returned unchanged, and so is a value that fits no
    pattern other than ``YYYY-MM-DD`` (ISO text, with or without a time, is parsed
    later), so a reject shows what the file holds. The first pattern whose length
    and separators fit a value is used. A two-digit year (``YY``) below
    ``pivot`` is 20YY, others 19YY (compared as two-character text: the same on
    every engine, and a year that is not two digits makes no date).
    """
    import ibis

    dtype = col.type()
    others = [p for p in patterns if p != "YYYY-MM-DD"]
    if dtype.is_date() or dtype.is_timestamp() or not others:
        return col
    text = col.cast("string")
    branches = []
    for pattern in others:
        length, pos, seps = _date_plan(pattern)
        if "YYYY" in pos:
            year = text.substr(pos["YYYY"], 4)
        else:
            if pivot is None:  # Formats refuses such a map; never guess a century
                raise ValueError("a two-digit year needs two_digit_year_pivot")
            yy = text.substr(pos["YY"], 2)
            century = ibis.ifelse(yy < f"{pivot:02d}", "20", "19")
            year = century + yy
        day = text.substr(pos["DD"], 2)
        if "MM" in pos:
            month = text.substr(pos["MM"], 2)
        else:
            # One lookup instead of twelve comparisons: the abbreviation's place in
            # "JAN FEB ..." is 0, 4, 8 ... (-1 or anything else is no month).
            at = ibis.literal(" ".join(_MONTHS)).find(
                text.substr(pos["MON"], 3).upper()
            )
            month = ibis.ifelse(
                at % 4 == 0,
                ibis.literal("010203040506070809101112").substr(at // 2, 2),
                ibis.literal("??"),
            )
        fits = text.length() == length
        for at, char in seps.items():
            fits = fits & (text.substr(at, 1) == char)
        iso = year + ibis.literal("-") + month + ibis.literal("-") + day
        branches.append((fits.fill_null(False), iso))
    return ibis.cases(*branches, else_=text)


def partial_dates(
    text: ir.StringValue, patterns: Sequence[str]
) -> tuple[ir.Value, ir.IntegerValue]:
    """Birth dates written as a year or a year and month, as the latest day they
    allow (``2008`` -> 2008-12-31, ``2008-02`` -> 2008-02-29), and their
    precision (2: year only, 1: year and month, 0: fits no pattern).

    The latest day gives the youngest age the partial date allows on any
    as-of date, so a member who may be a minor is scored as one. The last day
    of a month is the first of 31, 30, 29, 28 that is a real date (an invalid
    date casts to null on both engines).

    Args:
        text: Birth dates as text (spaces already trimmed).
        patterns: Partial patterns (:attr:`Formats.partial_birth_date`).

    Returns:
        The date (null when no pattern fits or the year or month is not a
        number) and the precision.
    """
    import ibis

    branches_day = []
    branches_precision = []
    for pattern in patterns:
        length, pos, seps = _date_plan(pattern, partial=True)
        shape = ""
        at = 0
        while at < length:
            token = next((t for t, p in pos.items() if p == at), None)
            if token is not None:
                shape += "[0-9]" + "{" + str(len(token)) + "}"
                at += len(token)
            else:
                shape += re.escape(seps[at])
                at += 1
        fits = text.re_search("^" + shape + "$").fill_null(False)
        year = text.substr(pos["YYYY"], 4)
        if "MM" in pos:
            first = year + "-" + text.substr(pos["MM"], 2) + "-"
            day = ibis.coalesce(
                *((first + last).try_cast("date") for last in ("31", "30", "29", "28"))
            )
            precision = 1
        else:
            day = (year + "-12-31").try_cast("date")
            precision = 2
        branches_day.append((fits, day))
        branches_precision.append((fits, precision))
    if not branches_day:
        return ibis.null("date"), ibis.literal(0, "int64")
    return (
        ibis.cases(*branches_day, else_=ibis.null("date")),
        ibis.cases(*branches_precision, else_=0).cast("int64"),
    )


def strip_poa(
    code: ir.StringValue, separator: str | None, prefix: str | None = None
) -> ir.StringValue:
    """Drop a present-on-admission suffix (``F10.20-Y`` -> ``F10.20``) and a
    code-system prefix (``ICD10:F10.20`` -> ``F10.20``, any case)."""
    import ibis

    if prefix:
        code = ibis.ifelse(
            code.upper().startswith(prefix.upper()), code.substr(len(prefix)), code
        )
    if not separator:
        return code
    at = code.find(separator)  # 0-based, -1 when absent (both engines)
    return ibis.ifelse(at >= 0, code.substr(0, at), code)


@dataclass(frozen=True)
class Resolved:
    """A file's columns for each role under a map.

    Attributes:
        roles: Role -> the file's column name (roles the file lacks are absent).
        dx: The file's diagnosis columns, in map order.
        missing: Role -> the names the map looked for, for roles not found.
    """

    roles: dict[str, str]
    dx: tuple[str, ...]
    missing: dict[str, tuple[str, ...]]


def _dx_sort_key(name: str) -> tuple[str, int]:
    m = re.search(r"(\d+)$", name)
    return (name[: m.start()] if m else name, int(m.group(1)) if m else -1)


def resolve_columns(header: Sequence[str], cmap: ColumnMap) -> Resolved:
    """Match a file's header against a map, without regard to case.

    Args:
        header: Column names as written in the file.
        cmap: The map.

    Returns:
        The resolved roles, diagnosis columns and missing roles.
    """
    by_lower: dict[str, str] = {}
    for h in header:
        by_lower.setdefault(h.strip().lower(), h)
    roles: dict[str, str] = {}
    missing: dict[str, tuple[str, ...]] = {}
    cols = cmap.columns
    for role in ROLES:
        wanted: tuple[str, ...] = getattr(cols, role)
        found = next(
            (by_lower[w.lower()] for w in wanted if w.lower() in by_lower), None
        )
        if found is None:
            missing[role] = wanted
        else:
            roles[role] = found
    dx: list[str] = []
    taken = set(roles.values())
    for pattern in cols.dx:
        p = pattern.lower()
        if any(c in p for c in "*?["):
            hits = sorted(
                (orig for low, orig in by_lower.items() if fnmatch.fnmatchcase(low, p)),
                key=lambda n: _dx_sort_key(n.lower()),
            )
        else:
            hits = [by_lower[p]] if p in by_lower else []
        for h in hits:
            if h not in dx and h not in taken:
                dx.append(h)
    return Resolved(roles=roles, dx=tuple(dx), missing=missing)


def _parse(data: Mapping[str, Any], where: str) -> ColumnMap:
    try:
        return ColumnMap.model_validate(dict(data))
    except ValidationError as exc:
        first = exc.errors()[0]
        msg = first["msg"].removeprefix("Value error, ")
        # a check of the whole map (no loc) names its key in its message
        field = ".".join(str(p) for p in first["loc"])
        head = f"{field}: " if field else ""
        raise UserInputError(f"column map {where}: {head}{msg}") from None


def load_map(path: Path) -> ColumnMap:
    """Read a column map from a TOML file.

    Raises:
        UserInputError: the file is missing, not TOML, or not a valid map.
    """
    path = Path(path)
    text = read_user_text(path, "column map", newline="")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise UserInputError(f"column map {path} is not valid TOML: {exc}") from None
    return _parse(data, str(path))


def load_preset(name: str) -> ColumnMap:
    """A built-in preset map by name (``taf`` or ``synpuf``).

    Raises:
        UserInputError: unknown preset name.
    """
    if name not in PRESETS:
        raise UserInputError(f"--preset {name!r} is not one of {', '.join(PRESETS)}")
    text = (
        resources.files("nowrongdoor.population")
        .joinpath("data", "presets", f"{name}.toml")
        .read_text(encoding="utf-8")
    )
    return _parse(tomllib.loads(text), f"preset {name}")


def map_from_settings(data: Mapping[str, Any] | None) -> ColumnMap | None:
    """The ``[population.map]`` table of the settings file as a map, if any."""
    if not data:
        return None
    return _parse(data, "[population.map] in the settings")
