"""Case-insensitive patterns with a fast case-sensitive gate (private).

Python's ``re`` compiles every letter of an IGNORECASE pattern to a two-case
set, so the branches of an alternation lose their quick first-letter check: a
long alternation of phrases is several times slower than the same pattern
matched case-sensitively. :class:`CaselessPattern` keeps the IGNORECASE pattern
for the matches themselves and first asks a *gate*, the pattern with its
literal letters lower-cased, matched case-sensitively against the lower-cased
text. When the gate finds nothing, neither can the pattern; as most phrases
occur in few ads, most calls end at the gate.

The gate is exact only where lower-casing is a faithful case fold, which
:func:`lower_text` checks: the lower-cased text must keep its length (so offsets
do not move) and hold neither of the two letters ``re`` folds specially (dotless
``ı`` and long ``ſ``). For every other code point, an IGNORECASE letter matches
a character exactly when its lower case equals the letter, and ``\\w``, ``\\d``
and ``\\s`` do not change under lower-casing (checked over all of Unicode in
``tests/text/test_caseless.py``). A case-sensitive part of a pattern (``(?-i:P)``)
becomes case-insensitive in the gate, which only widens it.

Before the gate, a pattern with a short set of literal strings that every
match needs (:func:`nowrongdoor.text._literals.required_literals`: "post" for
a post id, "eye" for an eye colour) asks whether one of them is a substring of
the lower-cased text, a search in C far cheaper than a pass of the gate; when
none is, there is no match and no pattern runs.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from nowrongdoor.text._dispatch import guard_pattern
from nowrongdoor.text._literals import required_literals
from nowrongdoor.text._prefilter import prefilter

__all__ = ["CaselessPattern", "lower_pattern", "lower_text"]

# Letters whose IGNORECASE matching differs from comparing lower case.
_SPECIAL_FOLDS = ("\u0131", "\u017f")
# Escapes whose letters are not a class or an assertion: hex, Unicode, octal
# and back-references. A pattern with one of them gets no gate.
_UNSAFE_ESCAPES = frozenset("xuUN0123456789gk")


_PREFILTER = prefilter()


def lower_text(text: str) -> str | None:
    """The lower-cased text, or ``None`` when a gate cannot read it.

    Args:
        text: Any text.

    Returns:
        ``text.lower()`` when it keeps every offset and has no specially folded
        letter; ``None`` otherwise (callers then match without the gate).
    """
    lower = text.lower()
    if len(lower) != len(text):
        return None
    if not lower.isascii() and any(ch in lower for ch in _SPECIAL_FOLDS):
        return None
    return lower


def lower_pattern(source: str) -> str | None:
    """The pattern with its literal letters lower-cased, for a gate.

    Escapes (``\\w``, ``\\S``, ``\\b``...) and group names are kept as written;
    a pattern with a hex, Unicode, octal or back-reference escape gets ``None``.

    Args:
        source: A regular expression.

    Returns:
        The lower-cased pattern, or ``None`` when it cannot be lower-cased safely.
    """
    out: list[str] = []
    i = 0
    n = len(source)
    while i < n:
        ch = source[i]
        if ch == "\\":
            if i + 1 >= n or source[i + 1] in _UNSAFE_ESCAPES:
                return None
            out.append(source[i : i + 2])
            i += 2
            continue
        if source.startswith(("(?P<", "(?P="), i):
            close = source.find(">" if source[i + 3] == "<" else ")", i)
            if close < 0:
                return None
            out.append(source[i : close + 1])
            i = close + 1
            continue
        out.append(ch.lower())
        i += 1
    return "".join(out)


class CaselessPattern:
    """An IGNORECASE pattern that first asks a lower-cased, case-sensitive gate.

    Args:
        source: The pattern.
        flags: Extra ``re`` flags (IGNORECASE is always added).

    Attributes:
        regex: The compiled IGNORECASE pattern (the matches come from it).
        exact: True when the pattern has no case-sensitive part, so the gate's
            matches have the pattern's spans (see :meth:`finditer_spans`).
        literals: Lower-cased strings one of which every match needs in the
            lower-cased text, or ``None`` (see :func:`required_literals`).
    """

    __slots__ = ("_gate", "_pid", "exact", "literals", "regex")

    def __init__(self, source: str, flags: int = 0) -> None:
        self.literals = required_literals(source, flags | re.IGNORECASE)
        source = guard_pattern(source, flags | re.IGNORECASE)
        self.regex = re.compile(source, flags | re.IGNORECASE)
        lowered = lower_pattern(source)
        gate: re.Pattern[str] | None = None
        if lowered is not None:
            try:
                gate = re.compile(lowered, flags & ~re.IGNORECASE)
            except re.error:
                gate = None
        self._gate = gate
        #: The gate's matches are the pattern's (no case-sensitive part).
        self.exact = gate is not None and "(?-i" not in source
        self._pid = (
            _PREFILTER.register(lowered, flags & ~re.IGNORECASE)
            if _PREFILTER is not None and gate is not None and lowered is not None
            else None
        )

    def possible(self, lower: str | None) -> bool:
        """False only when the pattern surely has no match.

        Args:
            lower: The text from :func:`lower_text` (``None``: no gate).
        """
        if lower is None:
            return True
        if not self.may_match(lower):
            return False
        gate = self._gate
        return gate is None or gate.search(lower) is not None

    def may_match(self, lower: str | None) -> bool:
        """False only when the pattern surely has no match; no regex pass is run.

        Cheaper than :meth:`possible` (which also runs the gate): one Hyperscan
        scan of ``lower`` answers for every pattern at once
        (:mod:`nowrongdoor.text._prefilter`); without it (no Hyperscan, a
        non-ASCII text, a pattern it cannot take) the required literals are
        looked for.

        Args:
            lower: The text from :func:`lower_text` (``None``: no gate).
        """
        if lower is None:
            return True
        pid = self._pid
        if pid is not None and _PREFILTER is not None:
            found = _PREFILTER.candidates(lower)
            if found is not None:
                return pid in found
        literals = self.literals
        return literals is None or any(map(lower.__contains__, literals))

    def search(self, text: str, lower: str | None = None) -> re.Match[str] | None:
        """Like ``regex.search(text)``, gated by ``lower`` (:func:`lower_text`)."""
        if not self.possible(lower):
            return None
        return self.regex.search(text)

    def exists(self, text: str, lower: str | None = None) -> bool:
        """``regex.search(text) is not None``, in one pass over ``lower`` when exact.

        When the pattern is :attr:`exact` and ``lower`` is given, the gate's
        answer is the pattern's (see :meth:`fast`); otherwise the gate is asked
        first and then ``regex``.
        """
        if self.exact and lower is not None and self._gate is not None:
            return self.may_match(lower) and self._gate.search(lower) is not None
        return self.search(text, lower) is not None

    def finditer(self, text: str, lower: str | None = None) -> Iterator[re.Match[str]]:
        """Like ``regex.finditer(text)``, gated by ``lower`` (:func:`lower_text`)."""
        if not self.possible(lower):
            return iter(())
        return self.regex.finditer(text)

    def fast(self, text: str, lower: str | None = None) -> tuple[re.Pattern[str], str]:
        """A compiled pattern and a subject with ``regex``'s spans on ``text``.

        When the pattern is :attr:`exact` and ``lower`` is given, that is the
        gate and ``lower``: same spans and groups as ``regex`` on ``text``, but
        the matched characters are lower case (read them from ``text`` by span
        where case matters). Otherwise it is ``regex`` and ``text``.
        """
        if self.exact and lower is not None and self._gate is not None:
            return self._gate, lower
        return self.regex, text

    def finditer_spans(
        self, text: str, lower: str | None = None
    ) -> Iterator[re.Match[str]]:
        """``regex.finditer(text)``'s matches found the fast way (see :meth:`fast`)."""
        if not self.may_match(lower):
            return iter(())
        pattern, subject = self.fast(text, lower)
        return pattern.finditer(subject)
