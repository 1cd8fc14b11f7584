"""One alternation of many patterns, dispatched on the first character (private).

Python's ``re`` tries the branches of an alternation one by one at every
position. For a long alternation of patterns that each start with a known
character ("pimp", "b[i!1]tch", "(?:the|da)\\s+game"), :func:`dispatch_pattern`
groups the branches by their first character behind a look-ahead, so at a
position only the branches that can start there are tried. Within one first
character the branches keep their order, so the first branch (in the given
order) that matches at a position is the same as in the plain alternation.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

try:  # Python 3.11+
    import re._parser as _sre_parse  # type: ignore[import-not-found]
except ImportError:  # pragma: no cover - older Pythons
    import sre_parse as _sre_parse  # type: ignore[no-redef]

__all__ = ["branch_name", "dispatch_pattern", "first_chars", "guard_pattern"]


def _categories() -> dict[object, str]:
    p = _sre_parse
    return {
        p.CATEGORY_DIGIT: "\\d",
        p.CATEGORY_NOT_DIGIT: "\\D",
        p.CATEGORY_SPACE: "\\s",
        p.CATEGORY_NOT_SPACE: "\\S",
        p.CATEGORY_WORD: "\\w",
        p.CATEGORY_NOT_WORD: "\\W",
    }


def _first(items: object, categories: bool = False) -> tuple[set[str], bool] | None:
    """First characters of a parsed pattern and whether it can match empty.

    ``None`` when a first character is not plainly known (any character, a
    category such as ``\\w``, a negated class, a back-reference...). With
    ``categories``, a category is known too: it is returned as its escape
    (``"\\d"``, two characters), for a class such as ``[$\\d]``.
    """
    p = _sre_parse
    chars: set[str] = set()
    for op, av in items:  # type: ignore[attr-defined]
        if op is p.LITERAL:
            chars.add(chr(av))
            return chars, False
        if op is p.IN:
            for inner, arg in av:
                if inner is p.LITERAL:
                    chars.add(chr(arg))
                elif inner is p.RANGE and arg[1] - arg[0] < 256:
                    chars.update(chr(c) for c in range(arg[0], arg[1] + 1))
                elif categories and inner is p.CATEGORY and arg in _categories():
                    chars.add(_categories()[arg])
                else:
                    return None  # negated sets, categories, large ranges
            return chars, False
        if op in (p.AT, p.ASSERT, p.ASSERT_NOT):
            continue  # zero width: the next item starts the match
        if op is p.SUBPATTERN:
            inner_first = _first(av[-1], categories)
        elif op is p.BRANCH:
            inner_first = _branches(av[1], categories)
        elif op in (p.MAX_REPEAT, p.MIN_REPEAT):
            low, _high, sub = av
            inner_first = _first(sub, categories)
            if inner_first is not None and low == 0:
                inner_first = (inner_first[0], True)
        else:
            return None
        if inner_first is None:
            return None
        chars |= inner_first[0]
        if not inner_first[1]:
            return chars, False
    return chars, True


def _branches(
    branches: list[object], categories: bool = False
) -> tuple[set[str], bool] | None:
    chars: set[str] = set()
    empty = False
    for branch in branches:
        found = _first(branch, categories)
        if found is None:
            return None
        chars |= found[0]
        empty = empty or found[1]
    return chars, empty


def first_chars(pattern: str, flags: int = 0) -> frozenset[str] | None:
    """The characters a match of ``pattern`` can start with, if plainly known.

    Args:
        pattern: A regular expression.
        flags: Its ``re`` flags.

    Returns:
        The set of first characters as written (compare them case-insensitively
        under ``re.IGNORECASE``), or ``None`` when the pattern does not start
        with a literal, a plain class or a group or alternation of such (an
        optional or repeated start, an assertion, a category such as ``\\w``).
    """
    try:
        parsed = _sre_parse.parse(pattern, flags)
    except re.error:
        return None
    found = _first(parsed)
    if found is None or found[1] or not found[0]:
        return None  # not plainly known, or the pattern can match empty
    return frozenset(found[0])


def dispatch_pattern(branches: Sequence[tuple[str, str]], flags: int = 0) -> str | None:
    """An alternation of named branches, grouped by first character.

    Args:
        branches: ``(name, pattern)`` pairs in order; a name may repeat (each
            copy of a branch gets its own group, ``<name>__<k>``).
        flags: The flags the result will be compiled with (``re.IGNORECASE``:
            first characters are grouped case-insensitively).

    Returns:
        A pattern (no look-around at its ends) whose match at a position is
        the first branch, in the given order, that matches there; the group of
        that branch is the match's ``lastgroup``, named ``<name>__<k>`` (see
        :func:`branch_name`). A branch whose first character is not plainly
        known is tried at every position. ``None`` when most branches are such
        or the result does not compile (then use the plain alternation).
    """
    caseless = bool(flags & re.IGNORECASE)
    keyed: list[tuple[str, str, frozenset[str] | None]] = []
    for name, pattern in branches:
        chars = first_chars(pattern, flags)
        keys = None
        if chars is not None:
            keys = frozenset(c.lower() for c in chars) if caseless else chars
            if any(len(key) != 1 for key in keys):
                keys = None  # a letter whose lower case is two characters
        keyed.append((name, pattern, keys))
    known = sorted(set().union(*(k for _, _, k in keyed if k is not None)))
    if not known or sum(k is None for _, _, k in keyed) * 2 > len(keyed):
        return None  # too few branches with a known first character to gain
    count = 0
    parts: list[str] = []
    starts = "".join(_class_escape(c) for c in known)
    # One group of branches per first character; a branch whose first
    # character is unknown is in every group and in the group for the rest.
    for key in [*known, None]:
        group: list[str] = []
        for name, pattern, keys in keyed:
            if keys is None or (key is not None and key in keys):
                group.append(f"(?P<{name}__{count}>{pattern})")
                count += 1
        if not group:
            continue
        guard = f"(?={re.escape(key)})" if key is not None else f"(?![{starts}])"
        parts.append(f"{guard}(?:{'|'.join(group)})")
    source = "(?:" + "|".join(parts) + ")"
    if all(keys is not None for _, _, keys in keyed):
        source = f"(?=[{starts}]){source}"  # one class test before the groups
    try:
        re.compile(source, flags)
    except re.error:  # e.g. a named group inside a branch that is copied
        return None
    return source


def branch_name(group: str) -> str:
    """The branch name of a :func:`dispatch_pattern` group name."""
    return group.rsplit("__", 1)[0]


def _class_escape(ch: str) -> str:
    return "\\" + ch if ch in "\\]^-[" else ch


def guard_pattern(source: str, flags: int = 0) -> str:
    """``source`` behind a look-ahead for the characters a match can start with.

    Python's ``re`` tries a pattern that starts with a look-behind or ``\\b``
    at every position; one class test first skips the positions where no
    match can start. The look-ahead changes no match (see
    :func:`first_chars`; here a first item such as ``\\d`` is known too and
    goes into the class as written). Patterns whose first characters are not
    plainly known are returned as they are.

    Args:
        source: A regular expression.
        flags: The flags it will be compiled with.

    Returns:
        The pattern to compile instead (same matches, spans and groups).
    """
    try:
        found = _first(_sre_parse.parse(source, flags), categories=True)
    except re.error:
        return source
    if found is None or found[1] or not found[0]:
        return source  # not plainly known, or the pattern can match empty
    starts = found[0]
    escapes = sorted(c for c in starts if len(c) == 2 and c[0] == "\\")
    letters = starts.difference(escapes)
    caseless = bool(flags & re.IGNORECASE)
    lowered = sorted({c.lower() for c in letters} if caseless else letters)
    if any(len(c) != 1 for c in lowered):
        return source
    escaped = "".join("\\" + c if c in "\\]^-[" else c for c in lowered)
    escaped += "".join(escapes)  # categories such as \\d, as written
    guarded = f"(?=[{escaped}])(?:{source})"
    try:
        re.compile(guarded, flags)
    except re.error:  # e.g. global inline flags at the start of the source
        return source
    return guarded
