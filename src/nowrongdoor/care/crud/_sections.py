"""Rows of several tables in one statement, for pages that show many sections (private).

A case page shows a dozen short lists (needs, goals, notes, tasks, consents,
referrals with their history, ...). Reading each with its own query costs a
database round trip and, above all, the ORM's fixed CPU cost per statement,
which dominates such a page. :func:`load_sections` reads them all with one
``UNION ALL``: each branch turns its rows into a JSON object
(``json_build_object`` on PostgreSQL, ``json_object`` on SQLite) tagged with
its section, and the rows are decoded here column by column the way the ORM
would: encrypted columns decrypted once, timestamps made UTC-aware, booleans
and dates restored. Each record comes back as a read-only namespace with the
model's attribute names, which the Pydantic schemas read like ORM objects.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

from sqlalchemy import (
    Boolean,
    ColumnElement,
    Date,
    Float,
    Text,
    literal_column,
    select,
    union_all,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql.functions import FunctionElement

from nowrongdoor.care.crypto import Cipher
from nowrongdoor.care.models._base import (
    EncryptedJSON,
    EncryptedText,
    UTCDateTime,
    dialect_cipher,
)

__all__ = ["Section", "load_sections"]


def _dialect_function(
    name: str, *, postgresql: str, default: str
) -> type[FunctionElement[str]]:
    """A SQL function with a text result, written as the ``postgresql`` template
    on PostgreSQL and as ``default`` elsewhere (``{}``: the compiled arguments)."""
    element = type(
        name, (FunctionElement,), {"type": Text(), "inherit_cache": True, "name": name}
    )

    def writer(template: str) -> Callable[..., str]:
        def write(element: FunctionElement[str], compiler: Any, **kw: Any) -> str:
            return template.format(compiler.process(element.clauses, **kw))

        return write

    compiles(element, "postgresql")(writer(postgresql))
    compiles(element)(writer(default))
    return element


#: A JSON object (as text) of alternating key and value arguments.
_JsonRow = _dialect_function(
    "json_row", postgresql="json_build_object({})::text", default="json_object({})"
)
#: A floating-point column written without losing digits in the JSON: PostgreSQL
#: writes float8 in JSON with the shortest exact digits; SQLite's json_object
#: keeps 15 digits, and 17 (with '!') round-trip a double.
_ExactReal = _dialect_function(
    "exact_real", postgresql="{}", default="printf('%!.17g', {})"
)


def _utc(value: str) -> dt.datetime:
    return dt.datetime.fromisoformat(value).replace(tzinfo=dt.UTC)


def _decoding(column_type: Any) -> str | None:
    """How to turn a column's JSON value into what the ORM would have read."""
    for kind, decorated in (
        ("text", EncryptedText),
        ("json", EncryptedJSON),
        ("utc", UTCDateTime),
        ("bool", Boolean),
        ("date", Date),
        ("float", Float),
    ):
        if isinstance(column_type, decorated):
            return kind
    return None


def _decoders(cipher: Cipher) -> dict[str | None, Callable[[Any], Any] | None]:
    return {
        "text": cipher.decrypt,
        "json": cipher.decrypt_json,
        "utc": _utc,
        "bool": bool,
        "date": dt.date.fromisoformat,
        "float": float,
        None: None,
    }


@dataclass(frozen=True)
class Section:
    """One list of a page: every column of ``model`` for the rows ``where`` selects.

    ``where`` uses bind parameters (``bindparam("case_id")``), never values: the
    statement of a set of sections is compiled once per database dialect and
    cached; the values are given to :func:`load_sections`.

    Attributes:
        name: The section's name (the key of :func:`load_sections`'s result).
        model: The mapped class.
        where: The filter of its rows.
        extra: More values per row: (attribute name, SQL expression).
    """

    name: str
    model: Any
    where: ColumnElement[bool]
    extra: Sequence[tuple[str, ColumnElement[Any]]] = field(default=())


def _branch(section: Section, index: int) -> tuple[Any, list[tuple[str, str | None]]]:
    args: list[Any] = []
    decoders: list[tuple[str, str | None]] = []
    for attr in section.model.__mapper__.column_attrs:
        column = attr.columns[0]
        value = _ExactReal(column) if isinstance(column.type, Float) else column
        args += [literal_column(f"'{attr.key}'"), value]
        decoders.append((attr.key, _decoding(column.type)))
    for key, expr in section.extra:
        args += [literal_column(f"'{key}'"), expr]
        decoders.append((key, None))
    stmt: Any = select(
        literal_column(str(index)).label("section"), _JsonRow(*args).label("row")
    ).where(section.where)
    return stmt, decoders


@dataclass(frozen=True)
class _Compiled:
    sql: str
    positions: tuple[str, ...] | None  # parameter order (positional drivers)
    decoders: list[list[tuple[str, str | None]]]


_COMPILED: dict[tuple[str, str], _Compiled] = {}
_LOCK = threading.Lock()


def _compiled(dialect: Any, key: str, sections: Sequence[Section]) -> _Compiled:
    """The driver SQL of ``sections`` for ``dialect`` (compiled once, cached)."""
    found = _COMPILED.get((dialect.name, key))
    if found is not None:
        return found
    branches = [_branch(s, i) for i, s in enumerate(sections)]
    compiled = union_all(*(b[0] for b in branches)).compile(dialect=dialect)
    positions = tuple(compiled.positiontup or ()) if dialect.positional else None
    found = _Compiled(compiled.string, positions, [b[1] for b in branches])
    with _LOCK:
        _COMPILED[(dialect.name, key)] = found
    return found


def load_sections(
    session: Session, sections: Sequence[Section], params: dict[str, Any]
) -> dict[str, list[SimpleNamespace]]:
    """Every section's records in one statement (unordered: sort them yourself).

    Args:
        session: The request's session.
        sections: The lists to read (the same names always mean the same lists).
        params: The values of the sections' bind parameters.

    Returns:
        Section name -> its records, as namespaces with the model's attributes
        (decrypted, UTC-aware) and the section's extra values.
    """
    out: dict[str, list[SimpleNamespace]] = {s.name: [] for s in sections}
    if not sections:
        return out
    conn = session.connection()
    dialect = conn.dialect
    plan = _compiled(dialect, ",".join(s.name for s in sections), sections)
    decode = _decoders(dialect_cipher(dialect))
    args: Any = (
        tuple(params[name] for name in plan.positions)
        if plan.positions is not None
        else params
    )
    names = [s.name for s in sections]
    for index, raw in conn.exec_driver_sql(plan.sql, args):
        values = json.loads(raw)
        record = {}
        for key, kind in plan.decoders[int(index)]:
            value = values[key]
            fn = decode[kind]
            record[key] = value if value is None or fn is None else fn(value)
        out[names[int(index)]].append(SimpleNamespace(**record))
    return out
