"""Compile a word list into a trie-shaped regular expression (private).

Python's ``re`` tries the branches of an alternation one by one; for hundreds
of words (number words, city names) a trie-shaped pattern, where words that
share a prefix share a branch, matches many times faster.
"""

from __future__ import annotations

import re

__all__ = ["trie_pattern"]


def trie_pattern(words: list[str] | set[str] | tuple[str, ...]) -> str:
    """A regex (no groups) matching any of ``words``, longest first at each point.

    Args:
        words: Literal words or phrases (matched as written; use
            ``re.IGNORECASE`` to ignore case).

    Returns:
        A pattern string; empty words are ignored.
    """
    trie: dict[str, dict] = {}  # type: ignore[type-arg]
    for word in words:
        if not word:
            continue
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}
    return _render(trie) if trie else "(?!)"


def _render(node: dict[str, dict]) -> str:  # type: ignore[type-arg]
    ends = "" in node
    branches: list[str] = []
    singles: list[str] = []
    for ch in sorted(k for k in node if k):
        child = node[ch]
        if list(child) == [""]:
            singles.append(ch)
        else:
            branches.append(re.escape(ch) + _render(child))
    if singles:
        if len(singles) == 1:
            branches.append(re.escape(singles[0]))
        else:
            branches.append("[" + "".join(_class_escape(c) for c in singles) + "]")
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    if ends:
        return "(?:" + body + ")?"
    return body


def _class_escape(ch: str) -> str:
    return "\\" + ch if ch in "\\]^-[" else ch
