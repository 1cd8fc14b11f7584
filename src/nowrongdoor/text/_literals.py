"""Literal strings a regular expression's matches cannot do without (private).

A pattern such as ``\\bpost(?:ing)?\\s*id\\s*[:#]?\\s*\\d{5,12}`` can only match a
text that contains ``post``; ``(?:cash|money)\\s+only`` only one that contains
``only``. :func:`required_literals` reads such a set from the parsed pattern:
every match holds at least one of the strings. Asking ``literal in text`` (a
fast substring search in C) for a handful of them is much cheaper than a
regular-expression pass that tries the pattern at every position, so a
pattern whose literals are all absent is skipped without being run. It is
the idea of the "prefilter" of RE2 and Hyperscan, kept to what is plainly
safe:

* a run of literal characters in sequence is one string; a sequence needs
  every item, so any one item's set will do (the most selective is kept);
* an alternation needs one of its branches: the union of the branches' sets,
  or nothing when a branch has none;
* a repeat needs its body only when it repeats at least once; a positive
  look-ahead or look-behind needs its body too (in the text, if not in the
  match); anything else (classes, ``.``, negative look-arounds, back
  references, conditionals) gives nothing.

The strings are returned lower-cased; :class:`nowrongdoor.text.CaselessPattern`
looks for them in the lower-cased text (:func:`nowrongdoor.text.lower_text`),
where an IGNORECASE letter and a case-sensitive one are both found by their
lower case. For a case-sensitive pattern lower-casing only widens the test, so
the set is still a necessary condition on the lower-cased text.
"""

from __future__ import annotations

import re

try:  # Python 3.11+
    import re._parser as _sre_parse  # type: ignore[import-not-found]
except ImportError:  # pragma: no cover - older Pythons
    import sre_parse as _sre_parse  # type: ignore[no-redef]

__all__ = ["MAX_LITERALS", "required_literals"]

#: More strings than this and a gate of ``in`` tests costs about as much as a
#: regular-expression pass: :func:`required_literals` gives up.
MAX_LITERALS = 8

_Set = frozenset[str] | None


def _better(a: _Set, b: _Set) -> _Set:
    """The more selective of two necessary sets (fewer short strings is better)."""
    if a is None:
        return b
    if b is None:
        return a

    def key(s: frozenset[str]) -> tuple[bool, int, int, int]:
        shortest = min(len(x) for x in s)
        # A set too large to test is worst; a one-character string is in most
        # texts, two or more are selective; then fewer strings are better.
        return (len(s) <= MAX_LITERALS, min(shortest, 3), -len(s), shortest)

    return a if key(a) >= key(b) else b


def _sequence(items: object) -> _Set:
    p = _sre_parse
    best: _Set = None
    run: list[str] = []

    def close_run() -> None:
        nonlocal best
        if run:
            literal = "".join(run)
            # A letter whose lower case is longer ("İ") is not looked for.
            if literal and len(literal.lower()) == len(literal):
                best = _better(best, frozenset([literal.lower()]))
            run.clear()

    for op, av in items:  # type: ignore[attr-defined]
        if op is p.LITERAL:
            run.append(chr(av))
            continue
        if op is p.SUBPATTERN and not (av[1] or av[2]):
            # A group without flag changes is part of the run when it is a
            # plain literal string itself ("(?:http)").
            inner = list(av[-1])
            if inner and all(o is p.LITERAL for o, _ in inner):
                run.extend(chr(c) for _, c in inner)
                continue
        if op is p.AT:
            continue  # zero width: does not break a run of literals
        close_run()
        best = _better(best, _item(op, av))
    close_run()
    return best


def _item(op: object, av: object) -> _Set:
    p = _sre_parse
    if op is p.SUBPATTERN:
        return _sequence(av[-1])  # type: ignore[index]
    if op is p.BRANCH:
        union: set[str] = set()
        for branch in av[1]:  # type: ignore[index]
            found = _sequence(branch)
            if found is None:
                return None
            union |= found
        return frozenset(union)
    if op in (p.MAX_REPEAT, p.MIN_REPEAT, getattr(p, "POSSESSIVE_REPEAT", None)):
        repeat: tuple[int, int, object] = av  # type: ignore[assignment]
        return _sequence(repeat[2]) if repeat[0] >= 1 else None
    if op is p.ASSERT:
        return _sequence(av[1])  # type: ignore[index]
    if op is getattr(p, "ATOMIC_GROUP", None):
        return _sequence(av)
    return None


def required_literals(pattern: str, flags: int = 0) -> frozenset[str] | None:
    """Lower-cased strings one of which is in every text the pattern matches in.

    Args:
        pattern: A regular expression.
        flags: Its ``re`` flags.

    Returns:
        At most :data:`MAX_LITERALS` strings of two or more characters such
        that, when
        ``pattern`` has a match in a text, at least one of them is a substring
        of the lower-cased text; ``None`` when no such set is plainly known
        (or it would be larger). Verbose patterns are not read.
    """
    if flags & re.VERBOSE:
        return None
    try:
        parsed = _sre_parse.parse(pattern, flags)
    except re.error:
        return None
    found = _sequence(parsed)
    if not found or len(found) > MAX_LITERALS or min(map(len, found)) < 2:
        return None  # none known, too many, or a character most texts have
    return _minimal(found)


def _minimal(strings: frozenset[str]) -> frozenset[str]:
    """The set without strings that contain another member (those add nothing)."""
    return frozenset(s for s in strings if not any(o != s and o in s for o in strings))
