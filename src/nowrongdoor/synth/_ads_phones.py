"""Phone numbers as ads write them, for both synthetic ad generators.

One renderer writes a number in any of the styles: the gold-label generator
(:mod:`nowrongdoor.synth._ads_gold`) draws every style evenly, the operations
generator (:mod:`nowrongdoor.synth._ads_gen`) draws the mix of
:func:`ad_phone_style` (mostly plain, one in ten obfuscated).
"""

from __future__ import annotations

import random

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
    if style == "dashes":
        return f"{a}-{e}-{line}"
    if style == "parens":
        return f"({a}) {e}-{line}"
    if style == "dots":
        return f"{a}.{e}.{line}"
    if style == "plain":
        return digits
    if style == "plus1":
        return f"+1 {a} {e} {line}"
    if style == "one_dash":
        return f"1-{a}-{e}-{line}"
    if style == "spaced":
        return " ".join(digits)
    if style == "words":
        return " ".join(DIGIT_WORDS[int(d)] for d in digits)
    if style == "caps_words":
        return " ".join(DIGIT_WORDS[int(d)].upper() for d in digits)
    if style == "mixed_words":
        groups = []
        for group in (a, e, line):
            groups.append(
                "".join(DIGIT_WORDS[int(d)] if rng.random() < 0.5 else d for d in group)
            )
        return " ".join(groups)
    if style == "misspelt":
        return " ".join(
            rng.choice(_MISSPELT[d]) if rng.random() < 0.7 else d for d in digits
        )
    if style == "leet":
        out = []
        for group in (a, e, line):
            out.append(
                "".join(
                    rng.choice(_LEET[d]) if d in _LEET and rng.random() < 0.7 else d
                    for d in group
                )
            )
        return " ".join(out)
    if style == "keycap":
        return " ".join("".join(d + _KEYCAP for d in g) for g in (a, e, line))
    if style == "fullwidth":
        return "-".join("".join(chr(0xFF10 + int(d)) for d in g) for g in (a, e, line))
    if style == "circled":
        return " ".join("".join(_CIRCLED[d] for d in g) for g in (a, e, line))
    if style == "zero_width":
        return "\u200b".join(digits)
    if style == "stars":
        return f"{a}*{e}*{line}"
    if style == "dotted_digits":
        return ".".join(digits)
    if style == "wide_spaces":
        return f"{a}  .  {e}  .  {line}"
    if style == "groups":
        return f"{a} {e} {line}"
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
