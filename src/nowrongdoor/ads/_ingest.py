"""Streaming ad ingest: JSONL, CSV and folders of saved HTML pages (private).

Bad records (bytes that are not UTF-8, broken JSON, empty text, ads over the size
limit, HTML pages missing the text field) are reported as :class:`BadRecord`
(file, line, reason) to the caller's sink and skipped; the stream goes on.
"""

from __future__ import annotations

import csv
import io
import json
import re
import tomllib
import warnings
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from nowrongdoor.errors import UserInputError, read_user_text

__all__ = [
    "AdInput",
    "BadRecord",
    "DEFAULT_MAX_CHARS",
    "SiteProfile",
    "field_text",
    "iter_ads",
    "load_profile",
]

#: Ads longer than this many characters are reported and skipped.
DEFAULT_MAX_CHARS = 200_000

_FIELDS = (
    "id",
    "text",
    "title",
    "url",
    "posted_at",
    "site",
    "city",
    "state",
    "images",
    "poster_age",
)


@dataclass(frozen=True, slots=True)
class AdInput:
    """One ad as read from its source.

    Attributes:
        id: The ad id (may be empty: the extractor then uses the post id or a hash).
        text: Body text.
        title, url, posted_at, site, city, state, poster_age: Optional metadata.
        images: Image paths or URLs.
        source: ``file:line`` the ad came from.
        extra: Other fields of the input record (for example ``gold``).
    """

    id: str
    text: str
    title: str | None = None
    url: str | None = None
    posted_at: str | None = None
    site: str | None = None
    city: str | None = None
    state: str | None = None
    images: tuple[str, ...] = ()
    poster_age: str | None = None
    source: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    def extract_kwargs(self) -> dict[str, Any]:
        """Keyword arguments for :func:`nowrongdoor.ads.extract`."""
        return {
            "title": self.title,
            "city": self.city,
            "state": self.state,
            "poster_age": self.poster_age,
            "posted_at": self.posted_at,
            "id": self.id or None,
        }


@dataclass(frozen=True, slots=True)
class BadRecord:
    """A record that could not be read: where it is and why."""

    file: str
    line: int
    reason: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.reason}"


BadSink = Callable[[BadRecord], None]


def _warn(bad: BadRecord) -> None:
    warnings.warn(f"skipped ad {bad}", stacklevel=3)


def field_text(value: Any) -> str | None:
    """An ad's metadata field as text: numbers written out, anything but text
    or a number (a list, an object) ``None``. One rule for ``ads scan`` and for
    the raw ads ``ads link`` and ``ads match`` read."""
    if value is None:
        return None
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, str):
        return value
    return None


def _make(
    raw: dict[str, Any], path: Path, line: int, max_chars: int, sink: BadSink
) -> AdInput | None:
    text = raw.get("text")
    if text is None:
        text = ""
    title = field_text(raw.get("title")) or None
    if not isinstance(text, str) or not (text.strip() or (title or "").strip()):
        # A title-only ad (contact and age in the title) is read: the title is
        # scanned with the text.
        sink(BadRecord(str(path), line, "empty or missing text and title"))
        return None
    if len(text) > max_chars:
        sink(
            BadRecord(
                str(path),
                line,
                f"ad text is {len(text):,} characters, over the {max_chars:,} limit",
            )
        )
        return None
    images = raw.get("images") or ()
    if isinstance(images, str):
        images = tuple(p for p in re.split(r"[|;,\s]+", images) if p)
    elif isinstance(images, list):
        images = tuple(str(p) for p in images)
    else:
        images = ()
    extra = {k: v for k, v in raw.items() if k not in _FIELDS}
    return AdInput(
        id=field_text(raw.get("id")) or "",
        text=text,
        title=title,
        url=field_text(raw.get("url")) or None,
        posted_at=field_text(raw.get("posted_at")) or None,
        site=field_text(raw.get("site")) or None,
        city=field_text(raw.get("city")) or None,
        state=field_text(raw.get("state")) or None,
        images=images,
        poster_age=field_text(raw.get("poster_age")) or None,
        source=f"{path}:{line}",
        extra=extra,
    )


def _iter_jsonl(path: Path, max_chars: int, sink: BadSink) -> Iterator[AdInput]:
    with path.open("rb") as handle:
        for line_no, raw_line in enumerate(handle, start=1):
            if not raw_line.strip():
                continue
            try:
                line = raw_line.decode("utf-8")
            except UnicodeDecodeError as exc:
                sink(
                    BadRecord(
                        str(path), line_no, f"not valid UTF-8 at byte {exc.start}"
                    )
                )
                continue
            if len(line) > max_chars * 2 + 10_000:
                sink(
                    BadRecord(
                        str(path),
                        line_no,
                        f"record is {len(line):,} characters, over the "
                        f"{max_chars:,} limit",
                    )
                )
                continue
            try:
                raw = json.loads(line)
            except json.JSONDecodeError as exc:
                sink(BadRecord(str(path), line_no, f"broken JSON: {exc.msg}"))
                continue
            except RecursionError:
                sink(BadRecord(str(path), line_no, "JSON nested too deeply to read"))
                continue
            if not isinstance(raw, dict):
                sink(BadRecord(str(path), line_no, "a JSON line must be an object"))
                continue
            ad = _make(raw, path, line_no, max_chars, sink)
            if ad is not None:
                yield ad


def _iter_csv(path: Path, max_chars: int, sink: BadSink) -> Iterator[AdInput]:
    # The csv field limit is process-wide: raise it while this file is read and
    # put it back afterwards, so other readers keep their own limit.
    previous = csv.field_size_limit(max(max_chars * 4, 1_000_000))
    try:
        yield from _read_csv(path, max_chars, sink)
    finally:
        csv.field_size_limit(previous)


def _read_csv(path: Path, max_chars: int, sink: BadSink) -> Iterator[AdInput]:
    with path.open("rb") as binary:
        stream = io.TextIOWrapper(
            binary, encoding="utf-8", errors="surrogateescape", newline=""
        )
        reader = csv.DictReader(stream)
        if not reader.fieldnames or "text" not in reader.fieldnames:
            raise UserInputError(
                f"{path}: the CSV header must have a 'text' column "
                f"(found: {_header_text(reader.fieldnames)})."
            )
        while True:
            try:
                row = next(reader)
            except StopIteration:
                break
            except csv.Error as exc:
                sink(BadRecord(str(path), reader.line_num, f"broken CSV: {exc}"))
                continue
            line_no = reader.line_num
            bad_field = next(
                (k for k, v in row.items() if isinstance(v, str) and _has_surrogate(v)),
                None,
            )
            if bad_field is not None:
                sink(
                    BadRecord(
                        str(path), line_no, f"not valid UTF-8 in field {bad_field!r}"
                    )
                )
                continue
            ad = _make(dict(row), path, line_no, max_chars, sink)
            if ad is not None:
                yield ad


def _has_surrogate(value: str) -> bool:
    return not value.isascii() and any("\udc80" <= c <= "\udcff" for c in value)


@dataclass(frozen=True, slots=True)
class FieldRule:
    """Where one field sits in a saved page: a CSS selector, attribute and regex."""

    selector: str
    attr: str | None = None
    regex: re.Pattern[str] | None = None
    all: bool = False


@dataclass(frozen=True, slots=True)
class SiteProfile:
    """Where each field sits in a site's saved HTML pages."""

    name: str
    fields: dict[str, FieldRule]


def load_profile(path: Path) -> SiteProfile:
    """Read a site-profile TOML file (see docs/ads.md for the format).

    Raises:
        UserInputError: the file is missing, not UTF-8 TOML, lacks a ``text``
            rule, or a rule's selector or regex does not compile.
    """
    from selectolax.lexbor import LexborHTMLParser, SelectolaxError

    text = read_user_text(Path(path), "site profile")
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise UserInputError(
            f"{path}: not a valid site-profile TOML file ({exc})."
        ) from exc
    empty_page = LexborHTMLParser("")
    fields: dict[str, FieldRule] = {}
    for name, rule in (raw.get("fields") or {}).items():
        if name not in _FIELDS:
            raise UserInputError(
                f"{path}: unknown field {name!r}; fields: {', '.join(_FIELDS)}."
            )
        if isinstance(rule, str):
            rule = {"selector": rule}
        if not isinstance(rule, dict) or "selector" not in rule:
            raise UserInputError(f"{path}: field {name!r} needs a 'selector'.")
        try:
            regex = re.compile(rule["regex"]) if rule.get("regex") else None
        except re.error as exc:
            raise UserInputError(f"{path}: field {name!r} regex: {exc}.") from exc
        try:
            empty_page.css(str(rule["selector"]))
        except SelectolaxError:
            raise UserInputError(
                f"{path}: field {name!r} selector {rule['selector']!r} is not a "
                "CSS selector."
            ) from None
        fields[name] = FieldRule(
            selector=str(rule["selector"]),
            attr=rule.get("attr"),
            regex=regex,
            all=bool(rule.get("all", name == "images")),
        )
    if "text" not in fields:
        raise UserInputError(f"{path}: the site profile must say where 'text' is.")
    return SiteProfile(name=str(raw.get("name") or path.stem), fields=fields)


_PROFILE_NAMES = ("site-profile.toml", "_profile.toml", "profile.toml")


#: Elements nested deeper than this are flattened before parsing, as browsers do
#: (Blink's HTML parser re-parents elements beyond a DOM depth of 512).
MAX_HTML_DEPTH = 512
_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)(?:\s[^<>]*)?(/?)>")
# Void elements and elements the HTML parser closes by itself (a new <p>, <li>,
# <td>... ends the open one): they add no lasting depth.
_NO_DEPTH = frozenset(
    """
    area base br col embed hr img input link meta source track wbr param keygen
    p li dt dd tr td th option optgroup rb rp rt rtc thead tbody tfoot caption colgroup
    """.split()
)


def _nesting(html: str) -> Iterator[tuple[re.Match[str], int]]:
    """Each tag that opens or closes an element, with its depth (the depth an
    opening tag opens, the depth a closing tag closes; a stray close stays at 0)."""
    depth = 0
    for m in _TAG.finditer(html):
        if m.group(3) or m.group(2).lower() in _NO_DEPTH:
            continue
        if m.group(1):
            yield m, depth
            depth = max(0, depth - 1)
        else:
            depth += 1
            yield m, depth


def _flatten_deep(html: str) -> str:
    """Drop the tags nested deeper than :data:`MAX_HTML_DEPTH`, keeping their text.

    The HTML tree builder checks the stack of open elements at every start tag,
    so a page of N nested elements takes time quadratic in N (200,000 nested
    ``<div>`` took minutes). One linear pass counts the depth; a page within the
    limit is returned unchanged.
    """
    if html.count("<") <= MAX_HTML_DEPTH:
        return html
    if max((depth for _, depth in _nesting(html)), default=0) <= MAX_HTML_DEPTH:
        return html
    parts: list[str] = []
    cursor = 0
    for m, depth in _nesting(html):
        if depth > MAX_HTML_DEPTH:
            parts.append(html[cursor : m.start()])
            cursor = m.end()
    parts.append(html[cursor:])
    return "".join(parts)


def _iter_html(
    folder: Path, profile: SiteProfile | None, max_chars: int, sink: BadSink
) -> Iterator[AdInput]:
    from selectolax.lexbor import LexborHTMLParser

    if profile is None:
        found = next(
            (folder / n for n in _PROFILE_NAMES if (folder / n).is_file()), None
        )
        if found is None:
            raise UserInputError(
                f"{folder}: a folder of HTML pages needs a site profile "
                f"(--profile FILE, or {_PROFILE_NAMES[0]} in the folder)."
            )
        profile = load_profile(found)
    for page in sorted(folder.rglob("*.htm*")):
        raw_bytes = page.read_bytes()
        try:
            html = raw_bytes.decode("utf-8")
        except UnicodeDecodeError as exc:
            sink(BadRecord(str(page), 1, f"not valid UTF-8 at byte {exc.start}"))
            continue
        tree = LexborHTMLParser(_flatten_deep(html))
        record: dict[str, Any] = {}
        missing: list[str] = []
        for name, rule in profile.fields.items():
            nodes = tree.css(rule.selector)
            values: list[str] = []
            for node in nodes if rule.all else nodes[:1]:
                value = (
                    node.attributes.get(rule.attr)
                    if rule.attr
                    else node.text(separator="\n")
                )
                if value is None:
                    continue
                value = value.strip()
                if rule.regex is not None:
                    m = rule.regex.search(value)
                    if m is None:
                        continue
                    value = m.group(1) if m.groups() else m.group(0)
                values.append(value)
            if not values:
                missing.append(name)
                continue
            record[name] = values if rule.all else values[0]
        if "text" in missing:
            sink(
                BadRecord(
                    str(page),
                    1,
                    f"page has no {profile.fields['text'].selector!r} "
                    "element (the ad text)",
                )
            )
            continue
        if "id" not in record:
            record["id"] = page.stem
        ad = _make(record, page, 1, max_chars, sink)
        if ad is not None:
            yield ad


def _header_text(names: Sequence[str] | None) -> str:
    """Header names for a one-line message (line breaks in names flattened)."""
    text = ", ".join(" ".join(name.split()) for name in names or [])
    return text[:200] or "nothing"


def iter_ads(
    path: str | Path,
    *,
    on_bad: BadSink | None = None,
    profile: SiteProfile | str | Path | None = None,
    max_chars: int = DEFAULT_MAX_CHARS,
) -> Iterator[AdInput]:
    """Stream ads from a JSONL or CSV file, or a folder of saved HTML pages.

    Nothing is loaded whole: records are read one at a time.

    Args:
        path: A ``.jsonl``/``.ndjson``/``.json`` file (one object per line), a
            ``.csv`` file with a header (``text`` required; ``id``, ``title``,
            ``url``, ``posted_at``, ``site``, ``city``, ``state``, ``images``,
            ``poster_age`` optional), or a folder of ``.html`` pages.
        on_bad: Called with each :class:`BadRecord`; by default a warning is
            issued for each, so nothing is lost silently.
        profile: Site profile for HTML folders (a path or a loaded profile);
            by default ``site-profile.toml`` in the folder.
        max_chars: Ads longer than this are reported and skipped.

    Yields:
        :class:`AdInput` records.

    Raises:
        UserInputError: the path does not exist, its kind is not known, or a
            profile is given for a file.
    """
    src = Path(path)
    sink = on_bad or _warn
    if not src.exists():
        raise UserInputError(f"{src}: no such file or folder.")
    if src.is_dir():
        loaded = (
            load_profile(Path(profile)) if isinstance(profile, (str, Path)) else profile
        )
        yield from _iter_html(src, loaded, max_chars, sink)
        return
    if profile is not None:
        raise UserInputError(
            f"{src} is a file: a site profile is only for a folder of HTML pages."
        )
    suffix = src.suffix.lower()
    if suffix in (".jsonl", ".ndjson", ".json"):
        yield from _iter_jsonl(src, max_chars, sink)
    elif suffix == ".csv":
        yield from _iter_csv(src, max_chars, sink)
    else:
        raise UserInputError(
            f"{src}: unknown input kind {suffix or '(no extension)'!r}; use .jsonl, "
            ".csv or a folder of .html pages."
        )
