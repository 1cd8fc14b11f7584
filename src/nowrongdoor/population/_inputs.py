"""Find, classify and read input files into the pipeline's raw tables.

Claims files come wide (``dx1 .. dx12`` per claim line) or long (one ``dx_code`` per
row, with a members file); FHIR Bulk Data comes as NDJSON. Whatever the format,
the result is two Ibis tables: raw members (``member_id, birth_date``) and
diagnoses (``member_id, claim_id, service_date, date, dx_field, dx_code``; ``date``
parsed once per distinct value and joined back to its claim lines), each with
``_file`` and ``_row`` so that every reject can name its source row.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from nowrongdoor.errors import UserInputError
from nowrongdoor.population._fhir import FHIR_PARTIAL_DATES, read_fhir
from nowrongdoor.population._maps import (
    DEFAULT_MAP,
    ColumnMap,
    resolve_columns,
    strip_poa,
    to_iso_date,
)
from nowrongdoor.population._steps import DATE_RANGE, clean_lines, clean_members

if TYPE_CHECKING:
    import ibis.expr.types as ir

    from nowrongdoor.population._backends import Engine

__all__ = [
    "DELIMITER_NAMES",
    "InputFile",
    "RawInputs",
    "csv_delimiter",
    "date_patterns_of",
    "discover",
    "header_and_delimiter",
    "load_inputs",
    "read_header",
]

Kind = Literal["wide", "long", "members", "fhir"]
WIDE_REQUIRED = ("member_id", "claim_id", "service_date")
_WIDE_NEEDED = "member_id, birth_date, claim_id, service_date, dx1"
#: ``_line`` = a file's number times this plus the row: one integer naming a line.
LINE_SHIFT = 1 << 40
LONG_REQUIRED = ("member_id", "claim_id", "service_date", "dx_code")
MEMBERS_REQUIRED = ("member_id", "birth_date")
#: The longest header line read (a header is a few hundred bytes).
_MAX_HEADER = 1 << 20
#: Field delimiters read, in the order a tie goes: commas, then what European
#: spreadsheet exports and warehouses use instead (semicolons, tabs, '|').
DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}
_SUFFIXES = {
    ".csv": "csv",
    ".parquet": "parquet",
    ".pq": "parquet",
    ".ndjson": "ndjson",
}


@dataclass(frozen=True)
class InputFile:
    """One input file, its format and what it holds.

    Attributes:
        path: The file.
        fmt: ``csv``, ``parquet`` or ``ndjson``.
        kind: ``wide`` or ``long`` claims, ``members``, or ``fhir``.
        roles: Role (``member_id``, ``birth_date``, ``claim_id``,
            ``service_date``, ``dx_code``) -> the file's column for it.
        dx: The file's diagnosis columns (wide claims), in order.
        cmap: The column map the file was read with.
        delimiter: The CSV file's field delimiter (sniffed from its header).
    """

    path: Path
    fmt: str
    kind: Kind
    roles: tuple[tuple[str, str], ...] = ()
    dx: tuple[str, ...] = ()
    cmap: ColumnMap = DEFAULT_MAP
    delimiter: str = ","

    def col(self, role: str) -> str:
        """The file's own column for a role."""
        return dict(self.roles)[role]

    def has(self, role: str) -> bool:
        """Whether the file has a column for ``role``."""
        return role in dict(self.roles)

    def date_patterns(self, role: str) -> tuple[str, ...]:
        """The patterns the file's date column for ``role`` is read with
        (FHIR: ``YYYY-MM-DD``, no map applies)."""
        if self.kind == "fhir":
            return DEFAULT_MAP.formats.date
        return self.cmap.date_patterns(role, dict(self.roles).get(role))


def date_patterns_of(
    files: Sequence[InputFile],
) -> Callable[[str, str], tuple[str, ...]]:
    """``(file name, role) -> the patterns its date column was read with``, for
    the messages that name them (an unknown file: ``YYYY-MM-DD``)."""
    by_name = {str(f.path): f for f in files}

    def patterns(name: str, role: str) -> tuple[str, ...]:
        f = by_name.get(str(name))
        return f.date_patterns(role) if f else DEFAULT_MAP.formats.date

    return patterns


@dataclass
class RawInputs:
    """Raw tables ready for validation.

    ``members`` has one row per member record (a claim line of wide claims), for
    rejects; ``member_groups`` the member rows as ``member_id, birth`` (text
    birth dates: one row per distinct member id and birth date), for everything
    else. ``lines`` has one row per claim line (``member_id, service_date,
    date, _file, _row, _line``): the screen looks the member and date of its
    few kept diagnoses up there instead of carrying them through the scan of
    every code.
    """

    members: ir.Table
    member_groups: ir.Table
    diagnoses: ir.Table
    lines: ir.Table
    fhir_rejects: list[dict[str, Any]]
    fhir_ignored: dict[str, int]
    files: list[InputFile]
    members_separate: bool
    #: (member id, code without dot, ``YYYY-MM-DD``) -> why a FHIR code was
    #: counted as another (see :class:`~nowrongdoor.population._fhir.FhirRows`).
    fhir_notes: dict[tuple[str, str, str], str] = field(default_factory=dict)


def read_header(path: Path, fmt: str) -> list[str]:
    """The column names of a CSV or Parquet file (a CSV file's split at the
    delimiter :func:`csv_delimiter` finds).

    Raises:
        UserInputError: the file is unreadable, empty, not UTF-8 text, or its
            header is not valid CSV.
    """
    return header_and_delimiter(path, fmt)[0]


def header_and_delimiter(path: Path, fmt: str) -> tuple[list[str], str]:
    """The column names of a CSV or Parquet file and its field delimiter (a
    CSV file's as :func:`csv_delimiter` finds it; ``","`` for Parquet), from
    one read of the header.

    Raises:
        UserInputError: as :func:`read_header`.
    """
    if fmt == "parquet":
        import pyarrow.parquet as pq

        try:
            return list(pq.read_schema(path).names), ","
        except Exception as exc:
            first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            raise UserInputError(
                f"{path} is not a readable Parquet file: {first}"
            ) from None
    with open(path, "rb") as handle:
        raw = handle.readline(_MAX_HEADER)
    if len(raw) >= _MAX_HEADER and not raw.endswith(b"\n"):
        raise UserInputError(
            f"{path} line 1 (the header) is longer than 1 MB: it is not a claims CSV"
        )
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise UserInputError(
            f"{path} line 1 (the header) is UTF-16 text (it starts with a UTF-16 "
            "byte-order mark, as Excel's 'Unicode Text' writes it), not UTF-8; "
            "save the file as UTF-8"
        )
    if b"\0" in raw:
        raise UserInputError(
            f"{path} line 1 (the header) holds NUL bytes: it is a binary file, "
            "not CSV text"
        )
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UserInputError(
            f"{path} line 1 (the header) is not UTF-8 text (byte {exc.start + 1}); "
            "save the file as UTF-8"
        ) from None
    header, sep = _sniff(path, text)
    if not header or not any(h.strip() for h in header):
        raise UserInputError(f"{path} is empty: it has no header row")
    return header, sep


def csv_delimiter(path: Path) -> str:
    """A CSV file's field delimiter: of comma, semicolon, tab and '|', the one
    that splits the header line into the most columns (a tie goes to the
    earlier; a one-column header is comma-separated).

    Raises:
        UserInputError: as :func:`read_header`.
    """
    return header_and_delimiter(path, "csv")[1]


def _sniff(path: Path, text: str) -> tuple[list[str], str]:
    """The header line split at its delimiter, and the delimiter."""
    best: tuple[list[str], str] = ([], ",")
    for sep in DELIMITER_NAMES:
        try:
            fields = next(csv.reader([text], delimiter=sep), [])
        except csv.Error as exc:
            raise UserInputError(
                f"{path} line 1 (the header) is not valid CSV: {exc}"
            ) from None
        if len(fields) > len(best[0]):
            best = (fields, sep)
    return best


def _classify(path: Path, fmt: str, cmap: ColumnMap) -> InputFile:
    header, sep = header_and_delimiter(path, fmt)
    found = resolve_columns(header, cmap)
    roles = found.roles
    pairs = tuple(sorted(roles.items()))

    def need(kind: Kind, required: Sequence[str], what: str) -> InputFile:
        for role in required:
            if role not in roles:
                raise UserInputError(_missing(path, what, role, required, cmap))
        return InputFile(path, fmt, kind, pairs, found.dx, cmap, sep)

    if found.dx:
        return need("wide", WIDE_REQUIRED, "wide claims")
    if "dx_code" in roles:
        return need("long", LONG_REQUIRED, "long claims")
    if "claim_id" in roles or "service_date" in roles:
        if cmap.is_default:
            raise UserInputError(
                f"claims file {path} has no column 'dx1' (wide format) or "
                "'dx_code' (long format)"
            )
        raise UserInputError(
            f"claims file {path} has no diagnosis column: map '{cmap.name}' looks "
            f"for {_quoted(cmap.columns.dx)} (wide) or "
            f"{_quoted(cmap.columns.dx_code)} (long)"
        )
    if "member_id" in roles:
        return need("members", MEMBERS_REQUIRED, "members")
    if cmap.is_default:
        raise UserInputError(
            f"{path} has no column 'member_id': it is neither a claims file nor a "
            "members file"
        )
    raise UserInputError(
        f"{path} has no member id column (map '{cmap.name}' looks for "
        f"{_quoted(cmap.columns.member_id)}): it is neither a claims file nor a "
        "members file"
    )


def _quoted(names: Sequence[str]) -> str:
    return " or ".join(f"'{n}'" for n in names)


def _missing(
    path: Path, what: str, role: str, required: Sequence[str], cmap: ColumnMap
) -> str:
    if cmap.is_default:
        needed = _WIDE_NEEDED if what == "wide claims" else ", ".join(required)
        return f"{what} file {path} has no column '{role}' (needed: {needed})"
    wanted: tuple[str, ...] = getattr(cmap.columns, role)
    return (
        f"{what} file {path} has no column for {role}: map '{cmap.name}' looks for "
        f"{_quoted(wanted)}"
    )


def discover(
    paths: Sequence[Path], column_map: ColumnMap | None = None
) -> list[InputFile]:
    """Expand directories and classify every input file by its columns.

    Args:
        paths: Files or directories (a directory contributes its ``.csv``,
            ``.parquet`` and ``.ndjson`` files, sorted by name).
        column_map: How to read the files' columns, dates and codes; ``None``
            means our own layout.

    Returns:
        The classified files.

    Raises:
        UserInputError: a path is missing, has an unknown extension, lacks a
            required column, or long claims (or wide claims without birth dates)
            come without a members file.
    """
    cmap = column_map or DEFAULT_MAP
    files: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if not path.exists():
            raise UserInputError(f"input {path} does not exist")
        if path.is_dir():
            inner = sorted(
                p
                for p in path.iterdir()
                if p.is_file()
                and p.suffix.lower() in _SUFFIXES
                and not p.name.startswith(".")
            )
            if not inner:
                raise UserInputError(
                    f"input directory {path} holds no .csv, .parquet or .ndjson file"
                )
            files.extend(inner)
        else:
            files.append(path)
    out: list[InputFile] = []
    for path in files:
        fmt = _SUFFIXES.get(path.suffix.lower())
        if fmt is None:
            raise UserInputError(
                f"input {path} is not .csv, .parquet or .ndjson, so it cannot be read"
            )
        out.append(
            InputFile(path, fmt, "fhir")
            if fmt == "ndjson"
            else _classify(path, fmt, cmap)
        )
    kinds = {f.kind for f in out}
    if "long" in kinds and not kinds & {"members", "fhir"}:
        raise UserInputError(
            "long-format claims need a members file (member_id, birth_date); none "
            "was given"
        )
    no_birth = [f for f in out if f.kind == "wide" and not f.has("birth_date")]
    if no_birth and not kinds & {"members", "fhir"}:
        raise UserInputError(_no_birth(no_birth[0], cmap))
    return out


def _no_birth(f: InputFile, cmap: ColumnMap) -> str:
    if cmap.is_default:
        return (
            f"wide claims file {f.path} has no column 'birth_date' (needed: "
            f"{_WIDE_NEEDED}) and no members file (member_id, birth_date) was given"
        )
    return (
        f"wide claims file {f.path} has no birth date column (map '{cmap.name}' "
        f"looks for {_quoted(cmap.columns.birth_date)}) and no members file was "
        "given"
    )


def _string(t: ir.Table, f: InputFile, role: str) -> ir.Value:
    return t[f.col(role)].cast("string")


def _line_keys(
    t: ir.Table, f: InputFile, name: ir.Value, row: ir.Value, number: int
) -> dict[str, Any]:
    """The key columns of a claim's diagnosis lines, in output order: member,
    claim, service date (as written: :func:`_clean_lines` converts it), the
    file and row they come from, and ``_line`` (the file's ``number`` and the
    row as one integer: the screen joins its kept rows to their lines on it)."""
    return {
        "member_id": _string(t, f, "member_id"),
        "claim_id": _string(t, f, "claim_id"),
        "service_date": t[f.col("service_date")],
        "_file": name,
        "_row": row,
        "_line": row + number * LINE_SHIFT,
    }


def _clean_lines(lines: ir.Table, f: InputFile, typed: bool = False) -> ir.Table:
    """Claim lines with their service dates converted by the file's map (each
    distinct text value once) and parsed."""
    dtype = lines.service_date.type()
    if dtype.is_date() or dtype.is_timestamp():
        return clean_lines(lines, dates_in_range=typed)
    if not dtype.is_string():  # a number such as 20240131: read as its text
        lines = lines.mutate(service_date=lines.service_date.cast("string"))
    return clean_lines(lines, rewrite=_rewrite(f, "service_date"))


def _rewrite(f: InputFile, role: str) -> Callable[[ir.StringValue], ir.Value]:
    """Rewrites a file's text date column for ``role``, written in its map's
    patterns for that column (and two-digit-year pivot), as ``YYYY-MM-DD``."""
    patterns = f.date_patterns(role)
    pivot = f.cmap.formats.two_digit_year_pivot

    def rewrite(col: ir.StringValue) -> ir.Value:
        return to_iso_date(col, patterns, pivot)

    return rewrite


def _dates_in_range(f: InputFile, column: str) -> bool:
    """Whether a Parquet file's statistics show every value of a typed date
    column within 1900-01-01 .. 2100-12-31 (no statistics: unknown, False)."""
    from datetime import date, datetime

    import pyarrow.parquet as pq

    if f.fmt != "parquet":
        return False
    try:
        meta = pq.ParquetFile(f.path).metadata
        index = meta.schema.to_arrow_schema().get_field_index(column)
        if index < 0:
            return False
        for g in range(meta.num_row_groups):
            stats = meta.row_group(g).column(index).statistics
            if stats is None or not stats.has_min_max:
                return False
            for value in (stats.min, stats.max):
                day = value.date() if isinstance(value, datetime) else value
                if (
                    not isinstance(day, date)
                    or not DATE_RANGE[0] <= day <= DATE_RANGE[1]
                ):
                    return False
    except Exception:  # unreadable statistics: check every value instead
        return False
    return True


def _member_groups(pairs: list[tuple[InputFile, ir.Table]]) -> list[ir.Table]:
    """The member rows of all files with parsed birth dates (``birth``).

    A birth date repeats on every claim line of a member, and in every file the
    member appears in (TAF: the IP, LT and OT claim headers and the DE base
    file): a text birth date is converted and parsed once per distinct (member
    id, birth date as written) pair instead of once per line, or once per file,
    which saves most of the member work. Typed (Parquet) birth dates need no
    conversion, so their rows go on as they are: a distinct pass would be a
    second aggregation beside the one per member. Files whose birth dates are
    typed, or written in other patterns, are grouped apart.

    Args:
        pairs: Each file with its ``member_id`` (text) and ``birth_date`` (as
            read) columns.
    """
    import ibis

    #: (type, patterns, pivot, partial patterns) -> tables; typed: no patterns
    by_kind: dict[tuple[Any, ...], list[ir.Table]] = {}
    first: dict[tuple[Any, ...], InputFile] = {}
    for f, t in pairs:
        dtype = t.birth_date.type()
        typed = dtype.is_date() or dtype.is_timestamp()
        if not typed:
            t = t.mutate(birth_date=t.birth_date.cast("string"))
        formats = f.cmap.formats
        read = (
            ()
            if typed
            else (
                f.date_patterns("birth_date"),
                formats.two_digit_year_pivot,
                formats.partial_birth_date,
            )
        )
        # DATE and TIMESTAMP columns cannot share a union: one group per type
        key = (str(t.birth_date.type()), *read)
        by_kind.setdefault(key, []).append(t)
        first.setdefault(key, f)
    out = []
    for key, tables in by_kind.items():
        g = ibis.union(*tables) if len(tables) > 1 else tables[0]
        if g.birth_date.type().is_string():
            g = g.distinct()
        f = first[key]
        text = len(key) > 1
        out.append(
            clean_members(
                g,
                _rewrite(f, "birth_date") if text else None,
                f.cmap.formats.partial_birth_date if text else (),
            )
        )
    return out


def _unpivot(base: ir.Table, present: list[str], fmt: str) -> ir.Table:
    """Wide claim lines -> one row per non-empty diagnosis (``dx_field``, ``dx_code``).

    A columnar file is unpivoted as a union of one filtered scan per dx column:
    each scan reads only the columns it needs, which measured about 4x faster than
    a generic unpivot on 10 million lines. A CSV file is parsed row by row anyway,
    so it is read once and unpivoted in place.
    """
    import ibis

    keep = [c for c in base.columns if c not in present]
    if fmt == "parquet":
        parts = []
        for c in present:
            part = base.select(*keep, dx_field=ibis.literal(c), dx_code=base[c])
            parts.append(part.filter(part.dx_code.notnull() & (part.dx_code != "")))
        return ibis.union(*parts) if len(parts) > 1 else parts[0]
    long = base.pivot_longer(present, names_to="dx_field", values_to="dx_code")
    return long.filter(long.dx_code.notnull() & (long.dx_code != ""))


def _used_columns(f: InputFile) -> list[str]:
    """The file's columns the run reads (its roles and diagnosis columns)."""
    return list(dict.fromkeys([col for _role, col in f.roles] + list(f.dx)))


def load_inputs(engine: Engine, files: list[InputFile]) -> RawInputs:
    """Read the files through ``engine`` into raw member and diagnosis tables.

    Args:
        engine: The engine adapter.
        files: Classified files from :func:`discover`.

    Returns:
        Raw tables (string columns, ``_file``, ``_row``) and FHIR parse rejects.
    """
    import ibis
    import pyarrow as pa

    members: list[ir.Table] = []
    groups: list[ir.Table] = []
    pairs: list[tuple[InputFile, ir.Table]] = []
    diagnoses: list[ir.Table] = []
    lines: list[ir.Table] = []
    cols_l = ["member_id", "service_date", "date", "_file", "_row", "_line"]
    for number, f in enumerate(files):
        if f.kind == "fhir":
            continue
        t = engine.read_file(f.path, f.fmt, _used_columns(f), f.delimiter)
        name = ibis.literal(str(f.path))
        row = t["_row"].cast("int64")
        if f.kind == "members" or (f.kind == "wide" and f.has("birth_date")):
            people = t.select(
                member_id=_string(t, f, "member_id"),
                birth_date=t[f.col("birth_date")],
                _file=name,
                _row=row,
            )
            pairs.append((f, people.select("member_id", "birth_date")))
            members.append(
                clean_members(
                    people,
                    _rewrite(f, "birth_date"),
                    f.cmap.formats.partial_birth_date,
                )
            )
        sep = f.cmap.formats.poa_separator
        prefix = f.cmap.formats.code_prefix
        if f.kind == "wide":
            present = list(f.dx)
            typed = _dates_in_range(f, f.col("service_date"))
            base = _clean_lines(
                t.select(
                    **_line_keys(t, f, name, row, number),
                    **{c: strip_poa(t[c].cast("string"), sep, prefix) for c in present},
                ),
                f,
                typed,
            )
            lines.append(base.select(cols_l))
            diagnoses.append(_unpivot(base, present, f.fmt))
        elif f.kind == "long":
            long = _clean_lines(
                t.select(
                    **_line_keys(t, f, name, row, number),
                    dx_field=ibis.literal(f.col("dx_code")),
                    dx_code=strip_poa(_string(t, f, "dx_code"), sep, prefix),
                ),
                f,
            )
            lines.append(long.select(cols_l))
            diagnoses.append(long)
    if pairs:
        groups.extend(_member_groups(pairs))
    fhir_files = [f.path for f in files if f.kind == "fhir"]
    rejects: list[dict[str, Any]] = []
    ignored: dict[str, int] = {}
    notes: dict[tuple[str, str, str], str] = {}
    if fhir_files:
        rows = read_fhir(fhir_files)
        rejects, ignored, notes = rows.rejects, rows.ignored, rows.notes
        numbers = {str(f.path): n for n, f in enumerate(files)}
        for d in rows.diagnoses:
            d["_line"] = d["_row"] + numbers[d["_file"]] * LINE_SHIFT
        m_schema = pa.schema(
            [
                ("member_id", pa.string()),
                ("birth_date", pa.string()),
                ("_file", pa.string()),
                ("_row", pa.int64()),
            ]
        )
        d_schema = pa.schema(
            [
                ("member_id", pa.string()),
                ("claim_id", pa.string()),
                ("service_date", pa.string()),
                ("_file", pa.string()),
                ("_row", pa.int64()),
                ("_line", pa.int64()),
                ("dx_field", pa.string()),
                ("dx_code", pa.string()),
            ]
        )
        members.append(
            clean_members(
                engine.from_arrow(pa.Table.from_pylist(rows.members, m_schema)),
                partial=FHIR_PARTIAL_DATES,
            )
        )
        groups.append(members[-1])
        fhir_dx = clean_lines(
            engine.from_arrow(pa.Table.from_pylist(rows.diagnoses, d_schema))
        )
        # a resource's diagnoses share its row, member and date
        lines.append(fhir_dx.select(cols_l).distinct())
        diagnoses.append(fhir_dx)
    cols_m = ["member_id", "birth_date", "birth", "_file", "_row"]
    cols_d = [
        "member_id",
        "claim_id",
        "service_date",
        "date",
        "dx_field",
        "dx_code",
        "_file",
        "_row",
        "_line",
    ]
    all_m = [m.select(cols_m) for m in members]
    all_g = [g.select("member_id", "birth", "birth_precision") for g in groups]
    all_d = [d.select(cols_d) for d in diagnoses]
    if not all_m:
        raise UserInputError("the inputs hold no members (no Patient or member rows)")
    if not all_d:
        raise UserInputError("the inputs hold no claims or diagnoses")
    # Diagnoses are checked against the members file only when some claims carry
    # no birth date of their own (long claims, wide claims without one, FHIR):
    # wide claims with birth dates are their own member records, with or without
    # a members file (TAF claim headers carry BIRTH_DT beside the DE file).
    separate = any(
        f.kind in ("long", "fhir") or (f.kind == "wide" and not f.has("birth_date"))
        for f in files
    )
    return RawInputs(
        members=ibis.union(*all_m) if len(all_m) > 1 else all_m[0],
        member_groups=ibis.union(*all_g) if len(all_g) > 1 else all_g[0],
        diagnoses=ibis.union(*all_d) if len(all_d) > 1 else all_d[0],
        lines=ibis.union(*lines) if len(lines) > 1 else lines[0],
        fhir_rejects=rejects,
        fhir_ignored=ignored,
        files=files,
        members_separate=separate,
        fhir_notes=notes,
    )
