"""One Hyperscan pass per text that tells which patterns can match (private).

An ad is checked against some forty regular expressions (indicators, ages,
rates, names, places...), most of which find nothing in a given ad; even the
cheap tests before each of them (a literal substring test, a case-sensitive
gate pass, see :mod:`nowrongdoor.text._caseless`) add up to a pass over the
text per pattern. :class:`Prefilter` puts the gates of every registered
pattern into one Hyperscan database, compiled in Hyperscan's *prefilter*
mode, and scans a lower-cased text once: a pattern whose id is not reported
has no match in that text, and is not run at all. Python's ``re`` still
finds every match, so the output does not depend on Hyperscan.

What is sent to Hyperscan is written from Python's own parse of the gate
(``re._parser``), never from its source text, and only ever *widens* the
pattern (a pattern that could miss a match is not used):

* the scanned text is pure ASCII (other texts are not prefiltered: the
  callers then run every pattern as before), so a character class is
  written as the exact set of ASCII characters Python's ``re`` puts in it
  (asked of ``re`` itself, character by character), and a non-ASCII
  character, which cannot occur, as a byte that cannot either;
* look-arounds, ``\\b``, ``^`` and ``$`` are dropped (zero width: dropping
  one only allows more matches), a back-reference is any run of characters,
  an atomic group or a possessive repeat is an ordinary one;
* a pattern Python parses with a case-insensitive part, or that Hyperscan
  does not compile, gets no id (it is always run).

Hyperscan is an optional, platform-specific library (Intel's x86_64 wheels);
where it is not installed, :func:`prefilter` is ``None`` and every pattern is
run as before (same output, more time).
"""

from __future__ import annotations

import re
import threading
from typing import Any

try:  # Python 3.11+
    import re._parser as _sre_parse  # type: ignore[import-not-found]
except ImportError:  # pragma: no cover - older Pythons
    import sre_parse as _sre_parse  # type: ignore[no-redef]

try:
    import hyperscan as _hs
except ImportError:  # pragma: no cover - a platform without Hyperscan wheels
    _hs = None  # type: ignore[assignment]

__all__ = ["LiteralSet", "Prefilter", "hyperscan_source", "literal_set", "prefilter"]

#: Counted repeats keep bounds up to this; larger ones are dropped.
_MAX_COUNT = 12
#: Longer patterns (a gazetteer of thousands of city names) are not sent:
#: Hyperscan refuses them, and they match in most texts anyway.
_MAX_SOURCE = 16_000
#: A byte that no ASCII text holds: an item that needs a non-ASCII character.
_NEVER = r"[\x80]"


def _ascii_members(test: str, flags: int) -> frozenset[int]:
    """The ASCII code points a one-character pattern matches (asked of ``re``)."""
    pattern = re.compile(test, flags)
    return frozenset(c for c in range(128) if pattern.fullmatch(chr(c)))


def _char(code: int) -> str:
    return chr(code) if chr(code).isalnum() else f"\\x{code:02x}"


def _class(codes: frozenset[int]) -> str:
    """The ASCII characters ``codes`` as one item (a class written with ranges)."""
    if not codes:
        return _NEVER
    if len(codes) == 1:
        return _char(next(iter(codes)))
    ordered = sorted(codes)
    parts: list[str] = []
    start = prev = ordered[0]
    for code in [*ordered[1:], -1]:
        if code == prev + 1:
            prev = code
            continue
        parts.append(_char(start) if start == prev else f"{_char(start)}-{_char(prev)}")
        start = prev = code
    return "[" + "".join(parts) + "]"


class _Unsupported(Exception):
    """A construct the translation does not widen safely."""


class _Writer:
    """Hyperscan source from a parsed Python pattern (ASCII subjects only)."""

    def __init__(self, flags: int) -> None:
        self.dotall = bool(flags & re.DOTALL)
        self.flags = flags & ~(re.IGNORECASE | re.VERBOSE)

    def sequence(self, items: Any) -> str:
        return "".join(self.item(op, av) for op, av in items)

    def item(self, op: Any, av: Any) -> str:  # noqa: C901 - one case per opcode
        p = _sre_parse
        if op is p.LITERAL:
            return _class(frozenset([av])) if av < 128 else _NEVER
        if op is p.NOT_LITERAL:
            return _class(frozenset(range(128)) - {av})
        if op is p.ANY:
            return _class(frozenset(range(128)) - (set() if self.dotall else {10}))
        if op is p.IN:
            return _class(self.members(av))
        if op in (p.AT, p.ASSERT, p.ASSERT_NOT):
            return ""  # zero width: dropped, which only allows more matches
        if op is p.BRANCH:
            return "(?:" + "|".join(self.sequence(b) for b in av[1]) + ")"
        if op is p.SUBPATTERN:
            add_flags, del_flags = av[1], av[2]
            if add_flags & re.IGNORECASE:
                raise _Unsupported("case-insensitive part")
            del del_flags
            return "(?:" + self.sequence(av[-1]) + ")"
        if op is getattr(p, "ATOMIC_GROUP", None):
            return "(?:" + self.sequence(av) + ")"
        if op in (p.MAX_REPEAT, p.MIN_REPEAT, getattr(p, "POSSESSIVE_REPEAT", None)):
            low, high, body = av
            inner = "(?:" + self.sequence(body) + ")"
            # Long counted repeats make Hyperscan's compile slow: a bound
            # over the cap is dropped (more matches, never fewer).
            low = min(low, _MAX_COUNT)
            if high is p.MAXREPEAT or high > _MAX_COUNT:
                return f"{inner}{{{low},}}"
            return f"{inner}{{{low},{high}}}"
        if op is p.GROUPREF:
            return "[\\x00-\\x7f]*"
        if op is p.GROUPREF_EXISTS:
            _group, yes, no = av
            return (
                "(?:"
                + self.sequence(yes)
                + "|"
                + (self.sequence(no) if no else "")
                + ")"
            )
        raise _Unsupported(str(op))

    def members(self, items: Any) -> frozenset[int]:
        p = _sre_parse
        negate = False
        codes: set[int] = set()
        for op, av in items:
            if op is p.NEGATE:
                negate = True
            elif op is p.LITERAL:
                if av < 128:
                    codes.add(av)
            elif op is p.RANGE:
                codes.update(range(av[0], min(av[1], 127) + 1))
            elif op is p.CATEGORY:
                escape = _CATEGORIES.get(av)
                if escape is None:
                    raise _Unsupported(str(av))
                codes |= _ascii_members(escape, self.flags)
            else:
                raise _Unsupported(str(op))
        return frozenset(range(128)) - codes if negate else frozenset(codes)


def _category_escapes() -> dict[Any, str]:
    p = _sre_parse
    return {
        p.CATEGORY_DIGIT: r"\d",
        p.CATEGORY_NOT_DIGIT: r"\D",
        p.CATEGORY_SPACE: r"\s",
        p.CATEGORY_NOT_SPACE: r"\S",
        p.CATEGORY_WORD: r"\w",
        p.CATEGORY_NOT_WORD: r"\W",
    }


_CATEGORIES = _category_escapes()


def hyperscan_source(pattern: str, flags: int = 0) -> str | None:
    """A Hyperscan pattern that matches in every ASCII text ``pattern`` matches in.

    Args:
        pattern: A case-sensitive Python regular expression.
        flags: Its ``re`` flags (``re.IGNORECASE`` is not supported).

    Returns:
        The widened pattern (see the module's notes), or ``None`` when the
        pattern cannot be widened safely.
    """
    if flags & re.IGNORECASE:
        return None
    try:
        parsed = _sre_parse.parse(pattern, flags)
        if parsed.state.flags & re.IGNORECASE:
            return None
        return _Writer(parsed.state.flags).sequence(parsed)
    except (re.error, _Unsupported, RecursionError):
        return None


class Prefilter:
    """Registered patterns, and which of them can match in a text.

    Patterns are registered once (:meth:`register`), as their modules first
    need them; the patterns registered since the last scan are compiled into
    one more database on the next scan (a compile takes up to a few tenths of
    a second, so they are compiled once, not again with every newcomer).
    :meth:`candidates` keeps the answer for the last texts it was asked about
    (by identity), so every pattern run on the same text shares one scan.
    """

    _memo_size = 2

    def __init__(self) -> None:
        self._sources: list[bytes] = []
        self._dbs: tuple[Any, ...] = ()
        self._built = 0
        self._lock = threading.Lock()
        self._memo: list[tuple[str, frozenset[int]]] = []
        self._scratch = _Scratch()

    def register(self, pattern: str, flags: int = 0) -> int | None:
        """An id for a case-sensitive pattern, or ``None`` when it is not prefiltered.

        Args:
            pattern: A case-sensitive Python regular expression.
            flags: Its ``re`` flags.
        """
        source = hyperscan_source(pattern, flags)
        if source is None or len(source) > _MAX_SOURCE:
            return None
        with self._lock:
            self._sources.append(source.encode("ascii"))
            self._memo = []
            return len(self._sources) - 1

    def _databases(self) -> tuple[Any, ...]:
        if self._built < len(self._sources):
            with self._lock:
                first = self._built
                new = self._sources[first:]
                if not new:  # another thread compiled them while this one waited
                    return self._dbs
                try:
                    db = _compile(new, first_id=first)
                except _hs.error:
                    # A pattern Hyperscan does not take: it matches always.
                    new = [s if _compiles(s) else b"" for s in new]
                    db = _compile(new, first_id=first)
                self._dbs = (*self._dbs, db)
                self._built = first + len(new)
        return self._dbs

    def candidates(self, text: str) -> frozenset[int] | None:
        """Ids of the patterns that can match in ``text`` (``None``: not ASCII)."""
        memo = self._memo
        if memo and memo[0][0] is text:  # the hot path: the text just scanned
            return memo[0][1]
        for seen, found in memo:
            if seen is text:
                return found
        if not text.isascii():
            return None
        ids: set[int] = set()
        data = text.encode("ascii")
        dbs = self._databases()
        spaces = self._scratch.for_databases(dbs)
        for db, space in zip(dbs, spaces, strict=False):
            db.scan(data, match_event_handler=_collect, context=ids, scratch=space)
        result = frozenset(ids)
        self._memo = [(text, result), *self._memo[: self._memo_size - 1]]
        return result


class _Scratch(threading.local):
    """Hyperscan scratch space of the calling thread, one per database.

    A database's own scratch serves one scan at a time (a second thread scanning
    at once fails with ``ScratchInUseError``), and pages run in a thread pool, so
    each thread scans with scratch of its own, allocated once per database.
    """

    def __init__(self) -> None:
        self.spaces: list[Any] = []

    def for_databases(self, dbs: tuple[Any, ...]) -> list[Any]:
        """This thread's scratch for each database in ``dbs``, in order."""
        spaces = self.spaces
        if len(spaces) < len(dbs):
            spaces.extend(_hs.Scratch(db) for db in dbs[len(spaces) :])
        return spaces


def _collect(pid: int, _start: int, _end: int, _flags: int, ids: set[int]) -> None:
    ids.add(pid)


_FLAGS = 0
if _hs is not None:
    _FLAGS = _hs.HS_FLAG_PREFILTER | _hs.HS_FLAG_SINGLEMATCH | _hs.HS_FLAG_ALLOWEMPTY


def _compile(sources: list[bytes], flags: int | None = None, first_id: int = 0) -> Any:
    assert _hs is not None
    db = _hs.Database(mode=_hs.HS_MODE_BLOCK)
    db.compile(
        expressions=sources,
        ids=list(range(first_id, first_id + len(sources))),
        elements=len(sources),
        flags=[_FLAGS if flags is None else flags] * len(sources),
    )
    return db


def _compiles(source: bytes) -> bool:
    try:
        _compile([source])
    except _hs.error:
        return False
    return True


_PREFILTER = Prefilter() if _hs is not None else None


class LiteralSet:
    """Which of a fixed set of strings occur in a text, in one Hyperscan pass.

    Exact for any text: a string occurs in a text exactly when its UTF-8 bytes
    occur in the text's (UTF-8 never matches inside another character).

    Args:
        strings: The strings (non-empty).
    """

    def __init__(self, strings: tuple[str, ...]) -> None:
        assert _hs is not None and strings and all(strings)
        self.strings = strings
        self._db = _compile(
            [
                "".join(f"\\x{b:02x}" for b in string.encode("utf-8")).encode("ascii")
                for string in strings
            ],
            _hs.HS_FLAG_SINGLEMATCH,
        )
        self._scratch = _Scratch()

    def present(self, text: str) -> set[int]:
        """The numbers (positions in ``strings``) of the strings found in ``text``."""
        ids: set[int] = set()
        self._db.scan(
            text.encode("utf-8", "surrogatepass"),
            match_event_handler=_collect,
            context=ids,
            scratch=self._scratch.for_databases((self._db,))[0],
        )
        return ids


def literal_set(strings: tuple[str, ...]) -> LiteralSet | None:
    """A :class:`LiteralSet`, or ``None`` where Hyperscan is not installed."""
    return LiteralSet(strings) if _hs is not None and strings else None


def prefilter() -> Prefilter | None:
    """The process's prefilter, or ``None`` where Hyperscan is not installed."""
    return _PREFILTER
