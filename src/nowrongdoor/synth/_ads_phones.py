"""Phone numbers as ads write them, for both synthetic ad generators.

One renderer writes a number in any of the styles: the gold-label generator
(:mod:`nowrongdoor.synth._ads_gold`) draws every style evenly, the operations
generator (:mod:`nowrongdoor.synth._ads_gen`) draws the mix of
:func:`ad_phone_style` (mostly plain, one in ten obfuscated).
"""

from __future__ import annotations

import random
from collections.abc import Callable

__all__ = [
    "DIGIT_WORDS",
    "LINK_STYLES",
    "OBFUSCATED_STYLES",
    "PHONE_STYLES",
    "ad_phone_style",
    "render_phone",
]

DIGIT_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven",
               "eight", "nine")  # fmt: skip
_MISSPELT = {
    "0": ["zer0", "zero", "oh"],
    "1": ["one", "0ne", "won"],
    "2": ["two", "tw0", "too"],
    "3": ["three", "thr33", "tree"],
    "4": ["four", "f0ur", "for"],
    "5": ["five", "f1ve", "fiv"],
    "6": ["six", "s1x", "sixx"],
    "7": ["seven", "sev3n", "sevn"],
    "8": ["eight", "e1ght", "ate"],
    "9": ["nine", "n1ne", "nien"],
}
_KEYCAP = "\ufe0f\u20e3"
_CIRCLED = {str(i): chr(0x2460 + i - 1) for i in range(1, 10)} | {"0": "\u24ea"}
_LEET = {"1": ["l", "I", "|"], "0": ["O", "o"]}

#: Every phone style the generator writes.
PHONE_STYLES = (
    "dashes",
    "parens",
    "dots",
    "plain",
    "plus1",
    "one_dash",
    "spaced",
    "words",
    "mixed_words",
    "misspelt",
    "leet",
    "keycap",
    "fullwidth",
    "circled",
    "zero_width",
    "stars",
    "dotted_digits",
    "wide_spaces",
    "caps_words",
)
#: Styles a plain phone matcher is not expected to read.
OBFUSCATED_STYLES = frozenset(PHONE_STYLES[7:])

#: Styles that lay out the three groups (area code, exchange, line) as they are.
_LAYOUTS = {
    "dashes": "{}-{}-{}",
    "parens": "({}) {}-{}",
    "dots": "{}.{}.{}",
    "plain": "{}{}{}",
    "plus1": "+1 {} {} {}",
    "one_dash": "1-{}-{}-{}",
    "stars": "{}*{}*{}",
    "wide_spaces": "{}  .  {}  .  {}",
    "groups": "{} {} {}",
}


def _digit(rng: random.Random, d: str) -> str:
    return d


def _mixed_word(rng: random.Random, d: str) -> str:
    return DIGIT_WORDS[int(d)] if rng.random() < 0.5 else d


def _misspelt(rng: random.Random, d: str) -> str:
    return rng.choice(_MISSPELT[d]) if rng.random() < 0.7 else d


def _leet(rng: random.Random, d: str) -> str:
    return rng.choice(_LEET[d]) if d in _LEET and rng.random() < 0.7 else d


#: Styles that write each digit on its own: (how, joined within a group, joined
#: between the groups). The writers draw from ``rng`` digit by digit, in order.
_PER_DIGIT: dict[str, tuple[Callable[[random.Random, str], str], str, str]] = {
    "spaced": (_digit, " ", " "),
    "zero_width": (_digit, "\u200b", "\u200b"),
    "dotted_digits": (_digit, ".", "."),
    "words": (lambda _rng, d: DIGIT_WORDS[int(d)], " ", " "),
    "caps_words": (lambda _rng, d: DIGIT_WORDS[int(d)].upper(), " ", " "),
    "mixed_words": (_mixed_word, "", " "),
    "misspelt": (_misspelt, " ", " "),
    "leet": (_leet, "", " "),
    "keycap": (lambda _rng, d: d + _KEYCAP, "", " "),
    "fullwidth": (lambda _rng, d: chr(0xFF10 + int(d)), "", "-"),
    "circled": (lambda _rng, d: _CIRCLED[d], "", " "),
}


def render_phone(rng: random.Random, digits: str, style: str) -> str:
    """Write a 10-digit number in one style.

    Args:
        rng: Draws for the styles that mix forms (``mixed_words``, ``misspelt``,
            ``leet``); the other styles draw nothing.
        digits: The 10 digits (area code first).
        style: One of :data:`PHONE_STYLES` or :data:`LINK_STYLES`.

    Raises:
        ValueError: an unknown style.
    """
    a, e, line = digits[:3], digits[3:6], digits[6:]
    if style in _LAYOUTS:
        return _LAYOUTS[style].format(a, e, line)
    if style in _PER_DIGIT:
        write, within, between = _PER_DIGIT[style]
        return between.join(
            within.join(write(rng, d) for d in group) for group in (a, e, line)
        )
    if style == "area_words":
        # the area code spelled out, l for 1 and O for 0 in the other groups
        words = " ".join(DIGIT_WORDS[int(x)] for x in a)
        return f"{words} {e.replace('1', 'l')} {line.replace('0', 'O')}"
    raise ValueError(style)


#: Extra styles of the operations generator (groups of digits; area code in words).
LINK_STYLES = ("groups", "area_words")


def ad_phone_style(rng: random.Random) -> str:
    """One style drawn as the operations corpus mixes them (one draw)."""
    style = rng.random()
    if style < 0.25:
        return "groups"
    if style < 0.45:
        return "parens"
    if style < 0.6:
        return "dots"
    if style < 0.75:
        return "dashes"
    if style < 0.9:
        return "plain"
    return "area_words"
