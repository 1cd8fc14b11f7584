"""``population inspect``: look at a claims file and propose a column map.

Reads the header and a sample of rows (never the whole file), guesses which
column plays which role from its name, the date pattern and the code format from
the sample values, and checks whether a built-in preset already reads the file.
The guess is a starting point for a map file, to be reviewed by a person.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from nowrongdoor.errors import UserInputError
from nowrongdoor.population._dates import date_shape
from nowrongdoor.population._inputs import DELIMITER_NAMES, header_and_delimiter
from nowrongdoor.population._maps import PRESETS, load_preset, resolve_columns

__all__ = ["Inspection", "inspect_file"]

_SAMPLE_BYTES = 4 << 20
#: A code-system prefix written before a code (``ICD10:F11.20``,
#: ``ICD-10-CM|T74.51XA``): letters, digits and dashes, then a separator, then
#: what starts an ICD-10-CM code (a letter and a digit).
_CODE_PREFIX = re.compile(r"^([A-Za-z][A-Za-z0-9-]*[:|/^])(?=[A-Za-z][0-9])")
_EXCLUDE_DX = re.compile(
    r"poa|vrsn|version|flag|ind|type|ccsr|desc|prcdr|proc|seq|qual"
)
_DX = re.compile(r"(^|[_ .-])(dx|diag|dgns|diagnosis|icd(9|10)?)(_?(cd|code))?")
_DATE_SHAPES: tuple[tuple[str, str], ...] = (
    ("YYYY-MM-DD", r"^\d{4}-\d{2}-\d{2}([T ].*)?$"),
    ("YYYYMMDD", r"^\d{8}$"),
    ("DDMONYYYY", r"^\d{2}[A-Za-z]{3}\d{4}$"),
    ("DD-MON-YYYY", r"^\d{2}-[A-Za-z]{3}-\d{4}$"),
    ("xx/xx/YYYY", r"^\d{2}/\d{2}/\d{4}$"),
    ("xx-xx-YYYY", r"^\d{2}-\d{2}-\d{4}$"),
    ("xx.xx.YYYY", r"^\d{2}\.\d{2}\.\d{4}$"),
    ("xx/xx/YY", r"^\d{2}/\d{2}/\d{2}$"),
    ("xx-xx-YY", r"^\d{2}-\d{2}-\d{2}$"),
    ("xx.xx.YY", r"^\d{2}\.\d{2}\.\d{2}$"),
)
_SERIAL = re.compile(r"^\d{5}(\.\d+)?$")
_UNPADDED = re.compile(r"^(\d\D\d{1,2}|\d{2}\D\d)\D\d{2,4}$")


@dataclass
class Inspection:
    """What ``inspect_file`` found.

    Attributes:
        path: The file.
        columns: Column names as written.
        samples: Column -> up to three distinct non-empty sample values.
        roles: Proposed role -> column.
        dx: Proposed diagnosis columns.
        date_patterns: Proposed date patterns (of every date column).
        column_patterns: Date column -> the patterns its sample fits.
        poa_separator: Proposed present-on-admission separator, if any.
        code_prefix: Proposed code-system prefix written before codes, if any.
        delimiter: A CSV file's field delimiter (``score`` finds it too).
        preset: A built-in preset that reads the file as it is, if any.
        notes: Things a person should check.
    """

    path: Path
    columns: list[str]
    samples: dict[str, list[str]]
    roles: dict[str, str] = field(default_factory=dict)
    dx: list[str] = field(default_factory=list)
    date_patterns: list[str] = field(default_factory=list)
    column_patterns: dict[str, list[str]] = field(default_factory=dict)
    poa_separator: str | None = None
    code_prefix: str | None = None
    delimiter: str = ","
    preset: str | None = None
    notes: list[str] = field(default_factory=list)

    def map_toml(self) -> str:
        """The proposed map as TOML text (for ``--map``)."""
        lines = [
            f"# proposed by `nowrongdoor population inspect {self.path.name}`: "
            "review before use",
            f'name = "{self.path.stem} layout"',
            "",
            "[columns]",
        ]
        for role in ("member_id", "birth_date", "claim_id", "service_date"):
            if role in self.roles:
                lines.append(f"{role} = {_toml_str(self.roles[role])}")
        if self.dx:
            lines.append(f"dx = {_toml_list(self.dx)}")
        elif "dx_code" in self.roles:
            lines.append(f"dx_code = {_toml_str(self.roles['dx_code'])}")
        lines += ["", "[formats]"]
        pats = self.date_patterns or ["YYYY-MM-DD"]
        # one list cannot hold two patterns of one shape (DD/MM/YYYY and
        # MM/DD/YYYY): each date column then gets its own
        own = len({date_shape(p) for p in pats}) < len(pats)
        lines.append(
            f"date = {_toml_list(['YYYY-MM-DD'] if own else pats)}"
            + ("  # the columns below have their own" if own else "")
        )
        if any("YY" in p and "YYYY" not in p for p in pats):
            lines.append(
                "# two_digit_year_pivot = 30  # required by a YY pattern: choose it "
                "(docs/population.md, Two-digit years)"
            )
        if self.poa_separator:
            lines.append(f"poa_separator = {_toml_str(self.poa_separator)}")
        if self.code_prefix:
            lines.append(f"code_prefix = {_toml_str(self.code_prefix)}")
        if own:
            lines += ["", "[formats.date_by_column]"]
            for column, its in self.column_patterns.items():
                lines.append(f"{_toml_str(column)} = {_toml_list(its)}")
        return "\n".join(lines) + "\n"


def _toml_str(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _toml_list(values: Sequence[str]) -> str:
    return "[" + ", ".join(_toml_str(v) for v in values) + "]"


def _sample_csv(path: Path, rows: int, delimiter: str = ",") -> dict[str, list[str]]:
    with open(path, "rb") as handle:
        raw = handle.read(_SAMPLE_BYTES)
    cut = raw.rfind(b"\n")
    raw = raw[: cut + 1] if cut > 0 else raw
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise UserInputError(
            f"{path} line {line}: the text is not UTF-8; save the file as UTF-8"
        ) from None
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        header = next(reader)
        seen: dict[str, list[str]] = {h: [] for h in header}
        for i, row in enumerate(reader):
            if i >= rows:
                break
            for h, v in zip(header, row, strict=False):
                v = v.strip()
                if v and v not in seen[h] and len(seen[h]) < 50:
                    seen[h].append(v)
    except csv.Error as exc:
        raise UserInputError(f"{path} is not valid CSV: {exc}") from None
    return seen


def _sample_parquet(path: Path, rows: int) -> dict[str, list[str]]:
    import pyarrow.parquet as pq

    try:
        batch = next(pq.ParquetFile(path).iter_batches(batch_size=rows), None)
    except Exception as exc:
        raise UserInputError(f"{path} is not a readable Parquet file: {exc}") from None
    if batch is None:
        return {}
    seen: dict[str, list[str]] = {}
    for name, col in zip(batch.schema.names, batch.columns, strict=True):
        values = [str(v) for v in col.to_pylist() if v not in (None, "")]
        seen[name] = list(dict.fromkeys(values))[:50]
    return seen


def _pick(columns: Sequence[str], pattern: str, avoid: str = r"$^") -> str | None:
    rx, bad = re.compile(pattern), re.compile(avoid)
    hits = [c for c in columns if rx.search(c.lower()) and not bad.search(c.lower())]
    return hits[0] if hits else None


def _date_patterns(values: Sequence[str], notes: list[str], column: str) -> list[str]:
    """The date patterns a column's sample fits, and notes on what cannot be
    proposed: a column with both day-first and month-first dates, two-digit
    years (a pivot is the analyst's decision, never proposed), Excel serial
    numbers and unpadded dates (never read; docs/population.md, "Dates")."""
    out: list[str] = []
    for name, shape in _DATE_SHAPES:
        fits = [v for v in values if re.match(shape, v)]
        if not fits:
            continue
        if name.startswith("xx"):
            sep, year = name[2], name[6:]
            firsts = [int(v[0:2]) for v in fits]
            seconds = [int(v[3:5]) for v in fits]
            day_first = f"DD{sep}MM{sep}{year}"
            month_first = f"MM{sep}DD{sep}{year}"
            if max(firsts) > 12 and max(seconds) > 12:
                notes.append(
                    f"{column}: the sample holds both day first ({day_first}) and "
                    f"month first ({month_first}) dates, which no one pattern reads; "
                    "fix the export (YYYY-MM-DD) before scoring"
                )
                continue
            if max(firsts) > 12:
                name = day_first
            elif max(seconds) > 12:
                name = month_first
            else:
                name = month_first
                notes.append(
                    f"{column}: the sample cannot tell {day_first} from "
                    f"{month_first} (no day above 12); {month_first} proposed, "
                    "check it"
                )
            if year == "YY":
                notes.append(
                    f"{column}: two-digit years ({name}): set two_digit_year_pivot "
                    "in the map yourself (a year below it is 20YY, others 19YY); "
                    "it is never proposed, since 1925 and 2025 are both written 25"
                )
        out.append(name)
    if any(_SERIAL.match(v) for v in values):
        notes.append(
            f"{column}: numbers like Excel serial dates (five digits) are not read; "
            "export the column as YYYY-MM-DD text (Excel's 1900 and 1904 date "
            "systems put the same number 1,462 days apart, so it is never guessed)"
        )
    if any(_UNPADDED.match(v) for v in values):
        notes.append(
            f"{column}: dates that are not zero-padded (1/2/2025) are not read; "
            "export them zero-padded (01/02/2025) or as YYYY-MM-DD"
        )
    return out


def _code_prefix(codes: Sequence[str]) -> str | None:
    """The code-system prefix most sampled codes are written with
    (``ICD10:F11.20`` -> ``ICD10:``), if at least a tenth of them carry it; the
    map's ``code_prefix`` drops it, matched without regard to case, from the
    codes that have it and leaves the others."""
    seen: dict[str, list[str]] = {}
    for value in codes:
        m = _CODE_PREFIX.match(value.strip())
        if m:
            seen.setdefault(m.group(1).upper(), []).append(m.group(1))
    if not seen:
        return None
    written = max(seen.values(), key=len)
    if len(written) * 10 < len(codes):
        return None
    return max(set(written), key=lambda w: (written.count(w), w))


def _trailing_number(name: str) -> int:
    m = re.search(r"(\d+)$", name)
    return int(m.group(1)) if m else -1


def inspect_file(path: Path, rows: int = 1000) -> Inspection:
    """Look at a claims or members file and propose a map.

    Args:
        path: A CSV or Parquet file.
        rows: Data rows to sample.

    Returns:
        The inspection.

    Raises:
        UserInputError: the file is missing or unreadable.
    """
    path = Path(path)
    if not path.is_file():
        raise UserInputError(f"{path} does not exist")
    suffix = path.suffix.lower()
    if suffix == ".ndjson":
        raise UserInputError(
            f"{path} is FHIR NDJSON: it is read as it is, no column map is needed"
        )
    if suffix not in (".csv", ".parquet", ".pq"):
        raise UserInputError(f"{path} is not .csv or .parquet, so it cannot be read")
    fmt = "csv" if suffix == ".csv" else "parquet"
    header, sep = header_and_delimiter(path, fmt)
    samples = (
        _sample_csv(path, rows, sep) if fmt == "csv" else _sample_parquet(path, rows)
    )
    found = Inspection(path=path, columns=list(header), samples=samples, delimiter=sep)
    if sep != ",":
        found.notes.append(
            f"the fields are separated by {DELIMITER_NAMES[sep]}s, not commas: "
            "`population score` reads them so (no map setting needed)"
        )
    for name in PRESETS:
        got = resolve_columns(header, load_preset(name))
        if "member_id" in got.roles and (got.dx or "birth_date" in got.roles):
            found.preset = name
            break
    guesses = {
        "member_id": _pick(
            header,
            r"member|mbr|bene|patient|person|msis|enrol|subscriber|desynpuf|^pat_?id",
            r"birth|dob|date|_dt$|claim|clm|state",
        ),
        "birth_date": _pick(header, r"birth|dob|bdate|bth_?dt"),
        "claim_id": _pick(
            header,
            r"(claim|clm).*(id|num|no|nbr|key)$|^(claim|clm)$",
            r"date|_dt|amt|type|line|orig|adj",
        ),
        "service_date": _pick(
            header,
            r"(svc|srvc|service|from|dos|bgn|begin|start|admsn|admit).*(date|dt|dos)?",
            r"birth|paid|pd_|adj|dschrg|end|thru|_hr$|type|cd$",
        ),
    }
    for role, col in guesses.items():
        if col is not None:
            found.roles[role] = col
    dx = [
        c
        for c in header
        if _DX.search(c.lower())
        and not _EXCLUDE_DX.search(c.lower())
        and c not in found.roles.values()
    ]
    numbered = [c for c in dx if re.search(r"\d+$", c)]
    single = [c for c in dx if c not in numbered]
    if numbered:
        # unnumbered ones (admitting, principal) first, then 1, 2, ... 10
        found.dx = single + sorted(numbered, key=_trailing_number)
    elif len(single) == 1:
        found.roles["dx_code"] = single[0]
    elif single:
        found.dx = single
    for role in ("birth_date", "service_date"):
        col = found.roles.get(role)
        if col:
            its = _date_patterns(samples.get(col, []), found.notes, col)
            if its:
                found.column_patterns[col] = its
            for p in its:
                if p not in found.date_patterns:
                    found.date_patterns.append(p)
    code_cols = found.dx or [found.roles.get("dx_code", "")]
    codes = [v for c in code_cols for v in samples.get(c, [])]
    for sep in ("-", ":", "_", " "):
        tail = re.compile(rf"{re.escape(sep)}[YNUW1]$")
        if codes and sum(bool(tail.search(v)) for v in codes) >= len(codes) / 2:
            found.poa_separator = sep
            break
    found.code_prefix = _code_prefix(codes)
    missing = [
        r for r in ("member_id", "claim_id", "service_date") if r not in found.roles
    ]
    if not found.dx and "dx_code" not in found.roles and "claim_id" in found.roles:
        missing.append("diagnosis columns")
    if missing and any(r in found.roles for r in ("claim_id", "service_date")):
        found.notes.append("no column found for " + ", ".join(missing))
    if "birth_date" not in found.roles:
        found.notes.append(
            "no birth date column: give a members file (member id, birth date) too"
        )
    return found
