"""Find the knowledge base's pimp-culture terms in text, with spans (private)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from nowrongdoor.text._caseless import CaselessPattern, lower_text
from nowrongdoor.text._dispatch import branch_name, dispatch_pattern
from nowrongdoor.text._normalize import Normalized, normalize

if TYPE_CHECKING:
    from nowrongdoor.knowledge import KnowledgeBase, LexiconTerm

__all__ = ["CONTEXT_WINDOW", "TermMatch", "find_lexicon_terms"]

#: Characters on each side of an ambiguous term searched for a context pattern.
CONTEXT_WINDOW = 80


@dataclass(frozen=True, slots=True)
class TermMatch:
    """One lexicon term found in a text.

    Attributes:
        term_id: Knowledge-base id of the term (``lexicon.<slug>``).
        term: The canonical spelling.
        start: Start offset in the original text.
        end: End offset in the original text (exclusive).
        text: The matched characters of the original text.
        meaning: What the term means, from the knowledge base.
        category: The term's category (role, money, rule...).
        ambiguous: True when the word is ordinary in everyday speech.
        in_context: True when the hit counts: always for unambiguous terms; for
            ambiguous ones only when a context pattern is within
            ``CONTEXT_WINDOW`` characters.
    """

    term_id: str
    term: str
    start: int
    end: int
    text: str
    meaning: str
    category: str
    ambiguous: bool
    in_context: bool


@dataclass(frozen=True, slots=True)
class _Compiled:
    entry: LexiconTerm
    patterns: tuple[re.Pattern[str], ...]
    context: re.Pattern[str] | None


class _Index:
    """The lexicon compiled once per knowledge base."""

    def __init__(self, terms: tuple[LexiconTerm, ...]) -> None:
        compiled: list[_Compiled] = []
        groups: list[str] = []
        branches: list[tuple[str, str]] = []
        for term in terms:
            context = (
                re.compile(
                    "|".join(rf"(?<!\w)(?:{p})(?!\w)" for p in term.context_patterns),
                    re.IGNORECASE,
                )
                if term.context_patterns
                else None
            )
            group = "|".join(f"(?:{p})" for p in term.patterns)
            groups.append(f"(?P<t{len(compiled)}>{group})")
            branches.extend((f"t{len(compiled)}", p) for p in term.patterns)
            compiled.append(_Compiled(term, tuple(term.compiled()), context))
        self.terms = tuple(compiled)
        # Which terms occur: at each position where a term matches, the first
        # term (in lexicon order) that matches there; only those terms are then
        # matched in full.
        self.any = (
            CaselessPattern(r"(?<!\w)(?:" + "|".join(groups) + r")(?!\w)")
            if groups
            else None
        )
        # The same answer from the same alternation with its branches grouped by
        # first character (nowrongdoor.text._dispatch): several times faster.
        dispatched = dispatch_pattern(branches, re.IGNORECASE) if branches else None
        self.first: re.Pattern[str] | None = (
            re.compile(rf"(?<!\w){dispatched}(?!\w)", re.IGNORECASE)
            if dispatched is not None
            else None
        )

    def present(self, body: str, lower: str | None) -> set[int]:
        """The numbers of the terms :attr:`any` finds first at some position.

        Args:
            body: The normalised text.
            lower: ``lower_text(body)`` (``None``: no lower-cased text).
        """
        out: set[int] = set()
        if self.any is None:
            return out
        pos = 0
        # The two alternations have the same branches: when ``any`` surely
        # has no match, neither has ``first``.
        if not self.any.may_match(lower):
            return out
        if self.first is None:
            if not self.any.possible(lower):
                return out
            while (hit := self.any.regex.search(body, pos)) is not None:
                out.add(int((hit.lastgroup or "t0")[1:]))
                pos = hit.start() + 1
            return out
        while (hit := self.first.search(body, pos)) is not None:
            out.add(int(branch_name(hit.lastgroup or "t0")[1:]))
            pos = hit.start() + 1
        return out


_INDEXES: dict[int, tuple[KnowledgeBase, _Index]] = {}


def _index(kb: KnowledgeBase) -> _Index:
    cached = _INDEXES.get(id(kb))
    if cached is None or cached[0] is not kb:
        cached = (kb, _Index(kb.lexicon))
        _INDEXES[id(kb)] = cached
    return cached[1]


def find_lexicon_terms(
    text: str | Normalized,
    kb: KnowledgeBase | None = None,
    *,
    lower: str | None = None,
) -> list[TermMatch]:
    """Find pimp-culture lexicon terms in a text.

    The text is normalised first (see :func:`normalize`), so look-alike letters
    and zero-width characters do not hide a term; spans point into the original.
    Ambiguous terms ("daddy", "family", "game") are returned with
    ``in_context=False`` unless one of the term's context patterns occurs within
    ``CONTEXT_WINDOW`` characters; callers that flag or highlight should use only
    matches with ``in_context``.

    Args:
        text: The text, or an already normalised text.
        kb: Knowledge base to read the lexicon from; the shipped one by default.
        lower: ``lower_text`` of the normalised text, if the caller has it.

    Returns:
        Matches in text order (overlapping matches of different terms are kept).
    """
    if kb is None:
        from nowrongdoor.knowledge import load_knowledge

        kb = load_knowledge()
    norm = normalize(text) if isinstance(text, str) else text
    index = _index(kb)
    body = norm.text
    if index.any is None:
        return []
    present = index.present(body, lower if lower is not None else lower_text(body))
    if not present:
        return []
    found: list[TermMatch] = []
    seen: set[tuple[str, int, int]] = set()
    for number in sorted(present):
        item = index.terms[number]
        for pattern in item.patterns:
            for m in pattern.finditer(body):
                key = (item.entry.id, m.start(), m.end())
                if key in seen:
                    continue
                seen.add(key)
                in_context = True
                if item.entry.ambiguous:
                    in_context = _has_context(item, body, m.start(), m.end())
                start, end = norm.to_original(m.start(), m.end())
                found.append(
                    TermMatch(
                        term_id=item.entry.id,
                        term=item.entry.term,
                        start=start,
                        end=end,
                        text=norm.original[start:end],
                        meaning=item.entry.text,
                        category=item.entry.category,
                        ambiguous=item.entry.ambiguous,
                        in_context=in_context,
                    )
                )
    found.sort(key=lambda t: (t.start, t.end, t.term_id))
    return found


def _has_context(item: _Compiled, body: str, start: int, end: int) -> bool:
    if item.context is None:
        return False
    lo = max(0, start - CONTEXT_WINDOW)
    hi = min(len(body), end + CONTEXT_WINDOW)
    for m in item.context.finditer(body, lo, hi):
        # The term itself is not its own context.
        if m.end() <= start or m.start() >= end:
            return True
    return False
