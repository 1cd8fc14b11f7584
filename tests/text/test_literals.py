"""Required literals: every match's text holds one of them (or none is claimed)."""

from __future__ import annotations

import re

import pytest

from nowrongdoor.text import CaselessPattern, lower_text
from nowrongdoor.text._literals import MAX_LITERALS, required_literals


@pytest.mark.parametrize(
    ("pattern", "flags", "want"),
    [
        (r"\bpost(?:ing)?\s*id\s*[:#]?\s*(?P<id>\d{5,12})\b", re.I, {"post"}),
        (r"(?:cash|money)\s+only", re.I, {"only"}),
        (
            r"\b(?:tattoos?|tattooed|tatted|tats|inked)\b",
            re.I,
            {"tattoo", "tatted", "tats", "inked"},
        ),
        (r"(?<!\w)(?:https?://)?(?:www\.)?x\.com/\w+", re.I, {"x.com/"}),
        (r"Eye[sd]?", 0, {"eye"}),  # lower-cased: looked for in the lower text
        (r"(?=.*hello)\d+", 0, {"hello"}),  # a positive look-ahead's body counts
    ],
)
def test_literals_read_from_patterns(pattern: str, flags: int, want: set[str]) -> None:
    assert required_literals(pattern, flags) == frozenset(want)


@pytest.mark.parametrize(
    "pattern",
    [
        r"\d+",  # no literal at all
        r"a|b",  # one-character strings are in most texts: not claimed
        r"(?!spam)\w",  # a negative look-ahead needs nothing
        r"(?:xy)*z",  # a repeat that may be empty needs nothing
        r"foo|\w+",  # a branch without a literal
        "|".join(f"w{i}rd" for i in range(MAX_LITERALS + 1)),  # too many to test
    ],
)
def test_no_literals_claimed_where_none_is_needed(pattern: str) -> None:
    assert required_literals(pattern) is None


def test_every_match_holds_a_literal_on_generated_ads() -> None:
    from nowrongdoor.ads._contacts import _EMAIL, _HANDLE, _URL
    from nowrongdoor.ads._numbers import _AGE_PATTERNS
    from nowrongdoor.ads._people import _EYES, _HAIR, _TATTOO, _WEIGHT
    from nowrongdoor.synth.ads import generate_gold_ads
    from nowrongdoor.text import normalize

    patterns = [_EMAIL, _HANDLE, _URL, _EYES, _HAIR, _TATTOO, _WEIGHT]
    patterns += [p for _, p in _AGE_PATTERNS if isinstance(p, CaselessPattern)]
    gated = [p for p in patterns if p.literals is not None]
    assert len(gated) >= 5
    texts = [normalize(r["text"]).text for r in generate_gold_ads(1500, seed=11)]
    matched = 0
    for text in texts:
        lower = lower_text(text)
        assert lower is not None
        for pattern in gated:
            literals = pattern.literals
            assert literals is not None
            if pattern.regex.search(text):
                matched += 1
                assert any(lit in lower for lit in literals), (pattern, text)
            # The gated calls give what the plain pattern gives.
            plain = [m.span() for m in pattern.regex.finditer(text)]
            assert [m.span() for m in pattern.finditer_spans(text, lower)] == plain
    assert matched > 100  # the check saw matches, not only misses


def test_a_missing_literal_skips_the_pattern() -> None:
    pattern = CaselessPattern(r"\bpost(?:ing)?\s*id\s*[:#]?\s*(?P<id>\d{5,12})\b")
    assert pattern.literals == frozenset({"post"})
    text = "Posting ID: 123456"
    assert pattern.search(text, lower_text(text)) is not None
    other = "ID: 123456 no p-o-s-t here"
    assert not pattern.possible(lower_text(other))
    assert pattern.search(other, lower_text(other)) is None
