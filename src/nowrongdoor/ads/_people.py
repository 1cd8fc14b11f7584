"""Names, aliases and physical descriptors (private)."""

from __future__ import annotations

import re

from nowrongdoor.ads._span import Span
from nowrongdoor.text import NUMBER_WORDS, CaselessPattern, guard_pattern, lower_text

__all__ = ["find_descriptors", "find_names"]

# Capitalised words that follow "I'm" or "call me" but are not names.
_NOT_NAMES = frozenset(
    """
    a an the new here back available real sexy hot ready your ur you u the very
    so just only not in on at up down open from looking new always sweet young
    fresh petite thick curvy busty tall short single independent indy
    visiting traveling travelling leaving outcall incall in-call out-call
    upscale classy discreet clean safe serious honest friendly fun bored
    lonely waiting available now today tonight tomorrow this that who what
    ready willing able it is all any anytime baby babe bae daddy papa
    hun honey sugar doll mami mommy princess queen goddess angel boss
    latina asian ebony white black blonde brunette redhead ms mrs miss mr
    cops police sorry sure glad happy excited also still yes no ok okay
    monday tuesday wednesday thursday friday saturday sunday
    january february march april may june july august september october
    november december text call email kik snap ig insta instagram telegram
    whatsapp twitter onlyfans hiring seeking offering selling licensed
    certified nationally board insured located based open for or
    me now today anytime back
    """.split()
)
_NAME = r"(?P<name>[A-Z][a-z]{1,14}(?:-[A-Z][a-z]{1,14})?|[A-Z]{3,12})"
_NAME_CUES = CaselessPattern(
    r"(?:\b(?:i'?m|i\s+am|im|my\s+name\s+is|my\s+names?|names?\s+is|name'?s|"
    r"call\s+me|ask\s+(?:for|4)|asking\s+for|it'?s|this\s+is|known\s+as|aka|"
    r"a\.k\.a\.?|name\s*[:\-]|they\s+call\s+me|with|meet|"
    r"(?:call|text|txt)(?!\s+(?:my|our|me|us|her|him)\b)|"
    r"(?:my|our)\s+girl|(?:sexy|sweet|pretty|gorgeous|lovely))\s+"
    r"(?:miss\s+|ms\.?\s+|mr\.?\s+)?)"
    + _NAME
    + r"(?P<more>(?:\s*(?:,|&|\+|and|or|/)\s*[A-Z][a-z]{1,14}(?![a-z]))*)"
)
_MORE = re.compile(r"[A-Z][a-z]{1,14}")
# "Jasmine here", "Ms. Honey", "Candy & Lexi" opening an ad or a sentence.
_HERE = re.compile(r"(?:^|(?<=[.!?\n]\s)|(?<=^\W))(?P<name>[A-Z][a-z]{1,14})\s+here\b")
_TITLED = re.compile(r"\b(?:Ms|Miss|Mz|Mrs|Mr)\.?\s+(?P<name>[A-Z][a-z]{1,14})\b")
# "Kandi 21,", "Trina, 25,", "Mya - 22 -": a name followed by a bare age.
_NAME_AGE = re.compile(
    r"(?<![\w'])(?P<name>[A-Z][a-z]{2,14})(?:\s*[,\-]\s*|\s+)(?:[1-5]\d)\s*(?=[,\-!.]|$)"
)
# Words that precede a bare number but are not names.
_NOT_NAME_BEFORE_NUMBER = frozenset(
    """
    suite room apt unit lot floor exit route highway hwy interstate station gate
    ste no number size sz age ages only just about over under around top exit
    channel pier terminal model year
    """.split()
)
# "Candy & Lexi" at the start of a sentence. The sentence start is checked in
# Python (:func:`_sentence_start`): a look-behind followed by ``\W*`` in the
# pattern retried from every position of a long run of punctuation or newlines
# and took time quadratic in its length.
_PAIR = re.compile(
    r"(?<!\w)(?P<a>[A-Z][a-z]{1,14})\s*(?:&|\+|and)\s*(?P<b>[A-Z][a-z]{1,14})\b"
)
# What _NAME_AGE needs around its number: a space, comma or dash before it and
# a stop or the end after it. Starting with a class, it is scanned for in C.
_AGE_DIGITS = re.compile(r"[\s,\-][1-5]\d\s*(?:[,\-!.]|$)")
# Each behind a look-ahead for its first characters (same matches, faster).
_HERE, _TITLED, _NAME_AGE, _PAIR = (
    re.compile(guard_pattern(p.pattern, p.flags), p.flags)
    for p in (_HERE, _TITLED, _NAME_AGE, _PAIR)
)
_MIXED_NAME = re.compile(r"^(?:[A-Z][a-z]+(?:-[A-Z][a-z]+)?|[A-Z]+)$")


def _ok(word: str) -> bool:
    return (
        bool(_MIXED_NAME.match(word))
        and word.lower() not in _NOT_NAMES
        and word.lower() not in NUMBER_WORDS
        and len(word) >= 2
    )


def _sentence_start(text: str, pos: int) -> bool:
    """Is ``pos`` the first word of the text or of a sentence?

    The non-word characters before ``pos`` are read back once: the text starts
    there, or they hold an end mark (``.``, ``!``, ``?`` or a newline) followed
    by a space character, as in "...tonight. Candy & Lexi".
    """
    k = pos
    while k > 0 and not (text[k - 1].isalnum() or text[k - 1] == "_"):
        k -= 1
    if k == 0:
        return True
    return any(text[i] in ".!?\n" and text[i + 1].isspace() for i in range(k, pos - 1))


_CAPITALISED_NEXT = re.compile(r"\s+[A-Z][a-z]")


def _next_is_capitalised(text: str, end: int) -> bool:
    m = _CAPITALISED_NEXT.match(text[end : end + 4])
    return m is not None


def find_names(text: str, lower: str | None = None) -> list[Span[str]]:
    """Find self-given names and aliases ("I'm Ashlee", "ask for Candy or Lexi").

    Args:
        text: Normalised ad text (case kept: names must be capitalised).
        lower: ``nowrongdoor.text.lower_text(text)``, if the caller has it.

    Returns:
        Name hits in text order, title case.
    """
    hits: list[Span[str]] = []
    if lower is None:
        lower = lower_text(text)
    # The cue matches may come from the lower-cased text: words are read by span.
    for m in _NAME_CUES.finditer_spans(text, lower):
        word = text[m.start("name") : m.end("name")]
        cue = text[m.start() : m.start("name")].lower().split()
        loose = cue[:1] in (["call"], ["text"], ["txt"], ["sexy"], ["sweet"])
        if loose and _next_is_capitalised(text, m.end("name")):
            continue  # "In call Fort Worth", "Sexy Las Vegas": a place, not a name
        if _ok(word):
            hits.append(Span(word.title(), m.start("name"), m.end("name")))
        if loose and not _ok(word):
            continue
        more = text[m.start("more") : m.end("more")]
        if more:
            base = m.start("more")
            for extra in _MORE.finditer(more):
                if _ok(extra.group()):
                    hits.append(
                        Span(
                            extra.group().title(),
                            base + extra.start(),
                            base + extra.end(),
                        )
                    )
    # Each pattern below needs a literal the text must hold: skip it otherwise.
    for m in _HERE.finditer(text) if "here" in text else ():
        if _ok(m.group("name")):
            hits.append(Span(m.group("name"), m.start("name"), m.end("name")))
    for m in _NAME_AGE.finditer(text) if _AGE_DIGITS.search(text) else ():
        word = m.group("name")
        if _ok(word) and word.lower() not in _NOT_NAME_BEFORE_NUMBER:
            hits.append(Span(word, m.start("name"), m.end("name")))
    for m in _TITLED.finditer(text) if "M" in text else ():
        if _MIXED_NAME.match(m.group("name")):
            hits.append(Span(m.group("name"), m.start("name"), m.end("name")))
    pairs = (
        _PAIR.finditer(text) if ("&" in text or "+" in text or "and" in text) else ()
    )
    for m in pairs:
        if not _sentence_start(text, m.start("a")):
            continue
        if _ok(m.group("a")) and _ok(m.group("b")):
            hits.append(Span(m.group("a"), m.start("a"), m.end("a")))
            hits.append(Span(m.group("b"), m.start("b"), m.end("b")))
    hits.sort(key=lambda h: h.start)
    return hits


_HEIGHT_FT = CaselessPattern(
    r"(?<![\d.])(?P<ft>[4-6])\s*(?:'|ft\.?|feet|foot|’)\s*(?:and\s+)?"
    r"(?P<inch>1[01]|[0-9])?\s*(?:\"|''|in(?:ch(?:es)?)?\b|”)?"
)
_FEET_WRITTEN = re.compile(r"\d\s*(?:ft\.?|feet|foot)", re.I)
_HEIGHT_CM = CaselessPattern(r"(?<!\d)(?P<cm>1[4-9]\d)\s*cm\b")
_WEIGHT = CaselessPattern(
    r"(?<![\d.])(?P<w>\d{2,3})\s*(?P<unit>lbs?|pounds|kg|kilos?)\b"
)
_HAIR = CaselessPattern(
    r"\b(?P<color>blonde?|brunette|redhead|red|black|brown|auburn|ginger|pink|"
    r"blue|purple|platinum|dark|light\s+brown)(?:\s+|-)hair(?:ed)?\b"
    r"|\b(?P<solo>blonde|brunette|redhead)\b"
)
_EYES = CaselessPattern(
    r"\b(?P<color>blue|green|brown|hazel|gr[ae]y|black|dark)(?:\s+|-)eye[sd]?\b"
)
_TATTOO = CaselessPattern(r"\b(?:tattoos?|tattooed|tatted|tats|inked)\b")
_BUILD = CaselessPattern(
    r"\b(?P<b>petite|slim|slender|curvy|thick|athletic|bbw|skinny|busty|tall)\b"
)
_BUILD_WORDS = (
    "petite",
    "slim",
    "slender",
    "curvy",
    "thick",
    "athletic",
    "bbw",
    "skinny",
    "busty",
    "tall",
)
_HAIR_CANON = {"blond": "blonde", "redhead": "red", "ginger": "red", "grey": "gray"}


def find_descriptors(text: str, lower: str | None = None) -> list[Span[str]]:
    """Find physical descriptors as ``kind:value`` strings.

    Kinds: ``height_in`` (inches), ``weight_lb`` (pounds), ``hair``, ``eyes``,
    ``tattoos`` (``yes``), ``build``.

    Args:
        text: Normalised ad text.
        lower: ``nowrongdoor.text.lower_text(text)``, if the caller has it.

    Returns:
        Descriptor hits in text order.
    """
    hits: list[Span[str]] = []
    # Values are read in lower case: the patterns may run on the lower-cased
    # text (CaselessPattern.finditer_spans).
    folded = lower_text(text) if lower is None else lower
    lower = folded if folded is not None else text.lower()
    height = (
        "'" in text or '"' in text or "ft" in lower or "fe" in lower or "foot" in lower
    )
    for m in _HEIGHT_FT.finditer_spans(text, folded) if height else ():
        if not m.group("inch") and not _FEET_WRITTEN.match(m.group()):
            # A bare "5'" without inches or "ft" is too weak.
            continue
        inches = int(m.group("ft")) * 12 + int(m.group("inch") or 0)
        if 48 <= inches <= 83:
            hits.append(Span(f"height_in:{inches}", m.start(), m.end()))
    for m in _HEIGHT_CM.finditer_spans(text, folded) if "cm" in lower else ():
        inches = round(int(m.group("cm")) / 2.54)
        hits.append(Span(f"height_in:{inches}", m.start(), m.end()))
    weight = "lb" in lower or "pound" in lower or "kg" in lower or "kilo" in lower
    for m in _WEIGHT.finditer_spans(text, folded) if weight else ():
        value = int(m.group("w"))
        if m.group("unit").lower().startswith(("kg", "kilo")):
            value = round(value * 2.20462)
        if 80 <= value <= 400:
            hits.append(Span(f"weight_lb:{value}", m.start(), m.end()))
    hair = "hair" in lower or "blond" in lower or "brunette" in lower or "redh" in lower
    for m in _HAIR.finditer_spans(text, folded) if hair else ():
        color = (m.group("color") or m.group("solo") or "").lower()
        color = " ".join(color.split())
        color = _HAIR_CANON.get(color, color)
        hits.append(Span(f"hair:{color}", m.start(), m.end()))
    for m in _EYES.finditer_spans(text, folded) if "eye" in lower else ():
        color = m.group("color").lower()
        hits.append(Span(f"eyes:{_HAIR_CANON.get(color, color)}", *m.span()))
    for m in (
        _TATTOO.finditer_spans(text, folded) if "tat" in lower or "ink" in lower else ()
    ):
        hits.append(Span("tattoos:yes", m.start(), m.end()))
    build = any(map(lower.__contains__, _BUILD_WORDS))
    for m in _BUILD.finditer_spans(text, folded) if build else ():
        hits.append(Span(f"build:{m.group('b').lower()}", m.start(), m.end()))
    hits.sort(key=lambda h: h.start)
    return hits
