"""An alternation dispatched on first characters matches as the plain one does."""

from __future__ import annotations

import re

from nowrongdoor.text import branch_name, dispatch_pattern
from nowrongdoor.text._dispatch import first_chars

TEXTS = [
    "Pimp pimps P is P, M.O.B money over bitches; the game, da life, 304 16 yo",
    "new in town, brand new to the area; only visiting for 2 days! ask 4 Candy",
    "NO COPS no le, not a cop. Hotel room #12 incall inn calls 24/7 cash only",
    "ſtay KELVIN \u212a Kıtty İstanbul young girl teenager t33n 🍭 lollipops",
    "in town for a few days, in town until Sunday. nothing here at all",
    "",
]


def _plain(branches: list[tuple[str, str]]) -> re.Pattern[str]:
    body = "|".join(f"(?P<{n}_{k}>{p})" for k, (n, p) in enumerate(branches))
    return re.compile(rf"(?<!\w)(?:{body})(?!\w)", re.IGNORECASE)


def _check(branches: list[tuple[str, str]]) -> None:
    dispatched = dispatch_pattern(branches, re.IGNORECASE)
    assert dispatched is not None
    fast = re.compile(rf"(?<!\w){dispatched}(?!\w)", re.IGNORECASE)
    plain = _plain(branches)
    for text in TEXTS + [t.upper() for t in TEXTS] + [t.lower() for t in TEXTS]:
        for pos in range(len(text) + 1):
            a, b = plain.search(text, pos), fast.search(text, pos)
            assert (a is None) == (b is None), (text, pos)
            if a is None or b is None:
                continue
            assert a.span() == b.span(), (text, pos)
            assert (a.lastgroup or "").rsplit("_", 1)[0] == branch_name(
                b.lastgroup or ""
            )


def test_first_branch_in_order_wins_at_each_position() -> None:
    _check(
        [
            ("mob", r"(?-i:M\.?O\.?B\.?)"),
            ("pimp", r"pimp(?:s|ed|ing|in'?)?"),
            ("p", r"(?-i:P)(?![.\-/]\w)"),
            ("sixteen", r"16(?!\s*yo)"),
            ("game", r"(?:the|da)\s+game"),
            ("ho", r"hoe?s?"),
            ("young", r"(?<!years\s)young(?:\s+girl)?"),
            ("teen", r"tee+n(?:s|ie|y)?|t33n|teenage[r]?"),
            ("candy", "🍭|lolli(?:pop)?s?"),
            ("k", r"kelvin|kitty|k"),
            ("s", r"stay"),
        ]
    )


def test_branches_without_a_known_first_character_are_tried_everywhere() -> None:
    _check(
        [
            ("town", r"(?:in\s+town\s+)?(?:for\s+)?(?:a\s+)?(?:few|couple)\s+days"),
            ("new", r"(?:brand\s+)?new\s+(?:in|to)\s+(?:town|the\s+area)"),
            ("visit", r"(?:only\s+)?visiting"),
            ("until", r"in\s+town\s+(?:until|for)"),
            ("ask", r"ask\s+(?:for|4)"),
            ("any", r"\w+ing"),
        ]
    )


def test_first_characters() -> None:
    assert first_chars("pimp") == frozenset("p")
    assert first_chars(r"(?:brand\s+)?new") == frozenset("bn")
    assert first_chars(r"(?<!x)[a-c]\d") == frozenset("abc")
    assert first_chars(r"\w+") is None
    assert first_chars(r"a?") is None  # may match empty
    assert first_chars(r"[^a]") is None
    assert dispatch_pattern([("a", r"\w+"), ("b", r"\d+")]) is None


def test_guarded_patterns_match_as_the_originals() -> None:
    from nowrongdoor.ads._contacts import _EMAIL, _HANDLE, _URL
    from nowrongdoor.ads._people import _NAME_CUES
    from nowrongdoor.text import guard_pattern

    sources = [
        (r"(?<![\w@])(?:insta|ig|snap)\s*:\s*\w+", re.IGNORECASE),
        (r"\b(?:Ms|Miss|Mr)\.?\s+(?P<name>[A-Z][a-z]+)", 0),
        (r"(?<![\w$.])(?P<a>[1-5]\d)\s*(?:-|to)\s*(?P<b>[1-6]\d)", re.IGNORECASE),
        (r"(?:^|(?<=[.!?\n]\s))(?P<name>[A-Z][a-z]{1,14})\s+here\b", 0),
        (r"(?-i:P)(?![.\-/]\w)|pimp", re.IGNORECASE),
        (r"(?:brand\s+)?new\s+(?:in|to)\s+town", re.IGNORECASE),
    ]
    # Strip the guard CaselessPattern put on the shipped ones.
    for p in (_EMAIL, _HANDLE, _URL, _NAME_CUES):
        source = p.regex.pattern
        assert source.startswith("(?=[")
        sources.append((source[source.index("])(?:") + 5 : -1], re.IGNORECASE))
    texts = TEXTS + [
        "Ms. Honey here. Candy & Lexi 21-25, ig: candy_x, snap:lexi, IG : K",
        "e-mail me at Lexi.B@gmail.com or lexi at yahoo dot com, instagram.com/lx",
        "I'm Nadia, call me Tina, ask for ANNA; Jasmine here",
    ]
    for source, flags in sources:
        guarded = guard_pattern(source, flags)
        assert guarded != source, source  # each gets a guard
        plain, fast = re.compile(source, flags), re.compile(guarded, flags)
        for text in texts + [t.upper() for t in texts] + [t.lower() for t in texts]:
            want = [(m.span(), m.groupdict()) for m in plain.finditer(text)]
            assert [(m.span(), m.groupdict()) for m in fast.finditer(text)] == want
