"""De-obfuscation of numbers written with words, leet letters and spacing (private).

``numeric_view`` rewrites the places where digits are expected: number words and
their misspellings ("nine", "n1ne", "zer0", "sevnteen", "twenty two") become
digits, and look-alike letters next to digits ("3l2", "I887", "l7", "9O3") become
digits; "S", "Z" and "B" inside a token of digits ("5S5", "7ZO") are 5, 2 and 8,
and a lone "|" is a separator. Spoken repeats ("triple five", "double 0", "dbl 7")
are their digit written two or three times, inside a clear number only. Everyday
words that are also number homophones ("for", "too", "to", "ate", "won", "oh")
and lone look-alike letters change only inside a run that is clearly a number (at
least six digits written as digits or number words), so "text me for info" stays
as it is while "nine0three for too..." is a phone. Spanish and Portuguese number
words are read too, and French digit words in a run of them
(:mod:`nowrongdoor.text._foreign_numbers`); number words decorated with accents
or combining marks ("sïx", "s̶i̶x̶") are read plain
(:mod:`nowrongdoor.text._marked_words`); a number written
mostly in letters in the 3-3-4 blocks of a phone ("ZlO SSS O3SO") is read whole
(:func:`_letter_numbers`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from nowrongdoor.text._foreign_numbers import (
    FOREIGN_AND,
    FOREIGN_DIGITS,
    FOREIGN_NUMBERS,
    FOREIGN_TENS,
    FRENCH_DIGITS,
    FRENCH_RUN,
)
from nowrongdoor.text._marked_words import plain_words
from nowrongdoor.text._normalize import Normalized, TextBuilder
from nowrongdoor.text._trie import trie_pattern

__all__ = ["NUMBER_WORDS", "numeric_view", "word_to_number"]

_UNITS: dict[int, tuple[str, ...]] = {
    0: ("zero", "zer0", "zeero", "zro", "0h"),
    1: ("one", "0ne", "wun"),
    2: ("two", "tw0", "tew"),
    3: ("three", "thr33", "thre", "thri", "3ree", "thr3e", "thre3"),
    4: ("four", "f0ur", "fuor", "foor"),
    5: ("five", "f1ve", "fiv", "fyve", "5ive"),
    6: ("six", "s1x", "sicks", "sixx", "6ix", "siks"),
    7: ("seven", "sev3n", "sevn", "sevin", "7even", "sevan", "s3ven"),
    8: ("eight", "e1ght", "eigth", "eite", "8ight", "ei8ht"),
    9: ("nine", "n1ne", "nien", "nyne", "9ine", "nin3", "niine"),
    10: ("ten", "t3n"),
    11: ("eleven", "3leven", "elevin"),
    12: ("twelve", "twelv", "tw3lve"),
    13: ("thirteen", "thirten", "thirt33n"),
    14: ("fourteen", "forteen", "fourten", "fourt33n"),
    15: ("fifteen", "fiveteen", "fifthteen", "fiften", "f1fteen", "fift33n"),
    16: ("sixteen", "sixten", "sixteeen", "s1xteen", "sixt33n", "sicksteen"),
    17: (
        "seventeen",
        "sevnteen",
        "seventeen",
        "sevinteen",
        "sevanteen",
        "seventeeen",
        "sev3nteen",
        "sevent33n",
        "seventen",
    ),
    18: ("eighteen", "eightteen", "eighten", "eightean", "e1ghteen", "eight33n"),
    19: ("nineteen", "ninteen", "nineten", "n1neteen", "ninet33n", "nintene"),
}
_TENS: dict[int, tuple[str, ...]] = {
    20: ("twenty", "twenny", "tw3nty", "twentee", "twinty"),
    30: ("thirty", "thirdy", "th1rty", "thurty"),
    40: ("forty", "fourty", "f0rty"),
    50: ("fifty", "fiddy", "f1fty"),
    60: ("sixty", "s1xty"),
    70: ("seventy", "sevnty"),
    80: ("eighty", "eigthy"),
    90: ("ninety", "ninty"),
}
# Homophones and look-alikes that are ordinary words: digits only inside a clear run.
_WEAK_WORDS: dict[int, tuple[str, ...]] = {
    0: ("oh",),
    1: ("won",),
    2: ("too", "to"),
    3: ("tree",),
    4: ("for", "fore", "fo"),
    8: ("ate",),
}

# Digits written for look-alike letters inside a number word ("tw0", "f1ve",
# "s3v3n", "7hree"): every spelling with up to two such letters replaced.
_LEET_IN_WORDS = {"o": "0", "i": "1", "l": "1", "e": "3", "a": "4", "s": "5", "t": "7"}
_MAX_LEET_IN_WORD = 2


def _leet_spellings(word: str) -> set[str]:
    spots = [k for k, ch in enumerate(word) if ch in _LEET_IN_WORDS]
    out: set[str] = set()
    for a in range(len(spots)):
        out.add(
            word[: spots[a]] + _LEET_IN_WORDS[word[spots[a]]] + word[spots[a] + 1 :]
        )
        for b in range(a + 1, len(spots)) if _MAX_LEET_IN_WORD > 1 else ():
            chars = list(word)
            chars[spots[a]] = _LEET_IN_WORDS[word[spots[a]]]
            chars[spots[b]] = _LEET_IN_WORDS[word[spots[b]]]
            out.add("".join(chars))
    # A spelling must keep a letter, and "on3"-style spellings of short words
    # that leave only one letter are too easily something else.
    return {w for w in out if sum(c.isalpha() for c in w) >= 2}


#: Every number word the view knows, lower case, mapped to its value.
NUMBER_WORDS: dict[str, int] = {}
for _table in (_UNITS, _TENS):
    for _value, _words in _table.items():
        for _w in _words:
            NUMBER_WORDS[_w] = _value
        for _leet in _leet_spellings(_words[0]):
            NUMBER_WORDS.setdefault(_leet, _value)
# Spanish and Portuguese 12-59 ("diecisiete", "vinte"): digits anywhere, as
# English number words are (see nowrongdoor.text._foreign_numbers).
for _w, _value in FOREIGN_NUMBERS.items():
    NUMBER_WORDS.setdefault(_w, _value)
_WEAK: dict[str, int] = {w: v for v, ws in _WEAK_WORDS.items() for w in ws}

_LEET = {"l": "1", "I": "1", "|": "1", "i": "1", "O": "0", "o": "0"}

#: Spoken repeats ("triple five", "double 0", "dbl 7"): the next digit written
#: this many times, only inside a clear number (see :func:`_run_replacements`).
#: Only the forms ads use; "x3" and "times three" are not read.
REPEAT_WORDS: dict[str, int] = {"double": 2, "dbl": 2, "triple": 3}
# What may stand between a repeat word and its digit: "triple five",
# "triple-five", "triple5".
_REPEAT_GAP = re.compile(r"[ \t-]?")


def _alt(words: list[str]) -> str:
    return trie_pattern([w.lower() for w in words])


_UNIT_WORDS = [w for v, ws in _UNITS.items() if v < 10 for w in ws]
_DIGIT_WORDS = [w for v, ws in _UNITS.items() if 1 <= v <= 9 for w in ws]
_COMPOUND = (
    rf"(?:{_alt([w for ws in _TENS.values() for w in ws])})"
    rf"(?:[\s-]?(?:{_alt(_DIGIT_WORDS)}))?"
)
# "treinta y dos", "vinte e um": a Spanish or Portuguese tens word and a unit.
_FOREIGN_UNITS = [w for w, v in FOREIGN_DIGITS.items() if v >= 1]
_FOREIGN_COMPOUND = (
    rf"(?:{_alt(list(FOREIGN_TENS))})\s+(?:{_alt(list(FOREIGN_AND))})\s+"
    rf"(?:{_alt(_FOREIGN_UNITS)})"
)
_WORD = rf"(?:{_FOREIGN_COMPOUND}|{_COMPOUND}|{_alt(list(NUMBER_WORDS))})"
_WEAK_WORD = _alt(list(_WEAK))
# French words for 1-9: digits only in a clear run holding FRENCH_RUN of them.
_FRENCH_DIGIT = _alt(list(FRENCH_DIGITS))
# Spanish and Portuguese words for 0-9: digits only inside a clear number.
_FOREIGN_DIGIT = _alt(list(FOREIGN_DIGITS))
_REPEAT_WORD = _alt(list(REPEAT_WORDS))
# One unit: a number word, a weak word, a repeat word, a digit, or a look-alike.
_UNIT = (
    rf"(?:{_WORD}|{_FOREIGN_DIGIT}|{_FRENCH_DIGIT}|{_WEAK_WORD}|{_REPEAT_WORD}"
    r"|\d|(?-i:[lIio|O]))"
)
_SEP_CLASS = r"(?:[^\w\n|]|_)"
_SEP = _SEP_CLASS + "{0,6}"
# The characters a unit can start with (a look-ahead that skips every other
# position before the alternation is tried; it changes no match).
_UNIT_STARTS = sorted(
    {
        w[0].lower()
        for w in [*NUMBER_WORDS, *_WEAK, *REPEAT_WORDS, *FOREIGN_DIGITS, *FRENCH_DIGITS]
        + [w for ws in _TENS.values() for w in ws]
    }
    | set("lio|")
)
_UNIT_START = "(?=[" + "".join(re.escape(c) for c in _UNIT_STARTS) + r"]|\d)"
# A run of units. It must not start or end inside an ordinary word.
_RUN = re.compile(
    rf"(?<![^\W\d_]){_UNIT_START}{_UNIT}(?:{_SEP}{_UNIT})*(?![^\W\d_])", re.IGNORECASE
)
_ONE_TO_NINE = frozenset("123456789")
# A tens word and a digit written as a digit: "twenty 4", "thirty-1", "twenty4".
_TENS_DIGIT = (
    rf"(?:{_alt([w for ws in _TENS.values() for w in ws])})[\s-]?[1-9](?![\d.,:/]?\d)"
)
_PIECE = re.compile(
    rf"(?P<word>{_TENS_DIGIT}|{_FOREIGN_COMPOUND}|{_COMPOUND}|{_alt(list(NUMBER_WORDS))})"
    rf"|(?P<foreign>{_FOREIGN_DIGIT})|(?P<french>{_FRENCH_DIGIT})|(?P<weak>{_WEAK_WORD})|(?P<repeat>{_REPEAT_WORD})|(?P<digit>\d+)|(?P<leet>(?-i:[lIio|O]))|(?P<sep>{_SEP_CLASS}+)",
    re.IGNORECASE,
)
_COMPOUND_SPLIT = re.compile(r"[\s-]+")

# The same run and gate, matched case-sensitively on the folded text (see
# _folded): Python's ``re`` compiles an IGNORECASE letter to a two-case set, so
# the number-word tries lose their quick first-letter tests; matched on the
# lower-cased text they are about twice as fast. The look-alike class keeps
# its case in one way only: an upper-case "L" is not a look-alike of 1, so the
# folded text writes it as "ł" ("ł" and "Ł" in the text itself
# send it the slow way), and the number words read "l" as "[lł]".
_FOLDED_L = "\u0142"


def _alt_folded(words: list[str]) -> str:
    """:func:`_alt` for the folded text: every "l" of a word may also be "ł"."""
    spellings: set[str] = set()
    for word in words:
        variants = [""]
        for ch in word.lower():
            variants = [
                v + c
                for v in variants
                for c in ((ch, _FOLDED_L) if ch == "l" else (ch,))
            ]
        spellings.update(variants)
    return trie_pattern(sorted(spellings))


_COMPOUND_FOLDED = (
    rf"(?:{_alt_folded([w for ws in _TENS.values() for w in ws])})"
    rf"(?:[\s-]?(?:{_alt_folded(_DIGIT_WORDS)}))?"
)
_FOREIGN_COMPOUND_FOLDED = (
    rf"(?:{_alt_folded(list(FOREIGN_TENS))})\s+(?:{_alt_folded(list(FOREIGN_AND))})"
    rf"\s+(?:{_alt_folded(_FOREIGN_UNITS)})"
)
_UNIT_FOLDED = (
    rf"(?:(?:{_FOREIGN_COMPOUND_FOLDED}|{_COMPOUND_FOLDED}|"
    rf"{_alt_folded(list(NUMBER_WORDS))})|{_alt_folded(list(FOREIGN_DIGITS))}"
    rf"|{_alt_folded(list(FRENCH_DIGITS))}"
    rf"|{_alt_folded(list(_WEAK))}|{_alt_folded(list(REPEAT_WORDS))}|\d|[lio|])"
)
_RUN_FOLDED = re.compile(
    rf"(?<![^\W\d_]){_UNIT_START}{_UNIT_FOLDED}(?:{_SEP}{_UNIT_FOLDED})*(?![^\W\d_])"
)
# The cheap gate: a digit, an English unit word, "teen", "ty", or a Spanish or
# Portuguese number word.
_FOREIGN_WORDS = [*FOREIGN_DIGITS, *FOREIGN_NUMBERS, *FRENCH_DIGITS]
_CHEAP_FOLDED = re.compile(
    rf"\d|{_alt_folded(_UNIT_WORDS)}|teen|ty\b|{_alt_folded(_FOREIGN_WORDS)}"
)
# Letters the folding cannot keep apart from its own (see lower_text as well).
_UNFOLDABLE = ("\u0131", "\u017f", "\u0142", "\u0141")


def _folded(text: str) -> str | None:
    """The text lower-cased with "L" written as "ł", or ``None`` if not exact.

    On it, :data:`_RUN_FOLDED` and :data:`_CHEAP_FOLDED` (case-sensitive) find
    the spans :data:`_RUN` and :data:`_CHEAP` (IGNORECASE) find on ``text``:
    a letter of a number word matches a character exactly when the
    character's lower case is that letter (as in
    :mod:`nowrongdoor.text._caseless`), and only "l", "I", "i", "o", "O" and
    "|" fold to the look-alike class ``[lio|]`` (checked over all of Unicode
    in the tests).
    """
    if not text.isascii() and any(ch in text for ch in _UNFOLDABLE):
        return None
    folded = text.replace("L", _FOLDED_L).lower()
    return folded if len(folded) == len(text) else None


# A run with no letter and no "|" is digits and separators only: nothing in it
# is rewritten ("903-312-1887", "$200"), so it is not cut into pieces.
_REWRITABLE = re.compile(r"[^\W\d_]|\|")
_CHEAP = re.compile(
    rf"\d|{_alt(_UNIT_WORDS)}|teen|ty\b|{_alt(_FOREIGN_WORDS)}", re.IGNORECASE
)

#: A run needs this many strong digits before weak units turn into digits.
STRONG_RUN = 6


def word_to_number(word: str) -> int | None:
    """The value of a number word or compound ("seventeen", "twenty-two")."""
    key = word.lower()
    if key in NUMBER_WORDS:
        return NUMBER_WORDS[key]
    parts = [p for p in _COMPOUND_SPLIT.split(key) if p]
    if len(parts) == 1:
        for tens_words in _TENS.values():
            for tw in tens_words:
                if key.startswith(tw):
                    rest = key[len(tw) :]
                    if rest in NUMBER_WORDS:
                        return NUMBER_WORDS[tw] + NUMBER_WORDS[rest]
                    if len(rest) == 1 and rest in _ONE_TO_NINE:
                        return NUMBER_WORDS[tw] + int(rest)  # "twenty4"
        return None
    if len(parts) == 3 and parts[0] in FOREIGN_TENS and parts[1] in FOREIGN_AND:
        unit = FOREIGN_DIGITS.get(parts[2])
        return NUMBER_WORDS[parts[0]] + unit if unit else None  # "treinta y dos"
    if len(parts) == 2 and parts[0] in NUMBER_WORDS:
        if parts[1] in NUMBER_WORDS:
            return NUMBER_WORDS[parts[0]] + NUMBER_WORDS[parts[1]]
        if NUMBER_WORDS[parts[0]] in _TENS and parts[1] in _ONE_TO_NINE:
            return NUMBER_WORDS[parts[0]] + int(parts[1])  # "twenty 4"
    return None


@dataclass(slots=True)
class _Piece:
    kind: str
    start: int
    end: int
    text: str


@lru_cache(maxsize=16384)
def _chunk_replacements(
    chunk: str, number_lines: bool = False
) -> tuple[tuple[int, int, str], ...]:
    """The replacements of one run, with offsets in the run.

    A run's pieces depend on its own characters only (``_PIECE`` looks at
    nothing outside the match), so runs that recur ("for", "to", "9 to 5")
    are read once.
    """
    return tuple(_run_replacements(chunk, 0, len(chunk), number_lines))


def _run_replacements(
    text: str, start: int, end: int, number_lines: bool = False
) -> list[tuple[int, int, str]]:
    """The replacements of the run ``text[start:end]``.

    ``number_lines``: the run is one line of a number written over several
    lines (see :func:`_number_lines`); its spoken repeats are then read even
    when the run alone is not clearly a number.
    """
    pieces = [
        _Piece(m.lastgroup or "sep", m.start(), m.end(), m.group())
        for m in _PIECE.finditer(text, start, end)
    ]
    repeats = _repeat_targets(pieces)
    strong = 0
    units = 0
    french = 0
    for idx, p in enumerate(pieces):
        if p.kind == "repeat":
            # A repeat adds its digit's extra copies; one with no digit is nothing.
            target = repeats.get(idx)
            if target is not None:
                extra = REPEAT_WORDS[p.text.lower()] - 1
                units += extra
                if pieces[target].kind in ("digit", "word"):
                    strong += extra
            continue
        if p.kind == "digit":
            strong += len(p.text)
            units += len(p.text)
        elif p.kind == "word":
            value = word_to_number(p.text)
            strong += 1 if value is not None and value < 10 else 2
            units += 1
        elif p.kind in ("foreign", "french"):
            strong += 1  # "tres uno siete ...": a number written all in words
            units += 1
            french += p.kind == "french"
        elif p.kind != "sep":
            units += 1
    if strong == 0:
        return []
    # A run is clearly a number when it has six strong digits, or ten digits in
    # all of which at least three are strong ("five oh fiv tree eight for...").
    clear_run = strong >= STRONG_RUN or (strong >= 3 and units >= 10)
    glued = _glued_to_strong(pieces)
    if clear_run:
        # Inside a clear number, a group written only with look-alikes is digits.
        glued = [g or lg for g, lg in zip(glued, _leet_groups(pieces), strict=True)]
    out: list[tuple[int, int, str]] = []
    skip = -1
    for idx, p in enumerate(pieces):
        if idx <= skip:
            continue
        if p.kind == "repeat":
            target = repeats.get(idx)
            if (clear_run or (number_lines and strong >= 3)) and target is not None:
                digit = _digit_of(pieces[target])
                times = REPEAT_WORDS[p.text.lower()]
                # Written one by one, as spoken: "triple five" is "5 5 5", so
                # the digits join the groups beside them as single digits do.
                out.append((p.start, pieces[target].end, " ".join(digit * times)))
                skip = target
            continue
        if p.kind == "word":
            value = word_to_number(p.text)
            if value is not None:
                out.append((p.start, p.end, str(value)))
        elif p.kind == "foreign":
            if clear_run:  # "dos chicas" stays words
                out.append((p.start, p.end, str(FOREIGN_DIGITS[p.text.lower()])))
        elif p.kind == "french":
            # "Sept 12 2026, deux filles" stays words: a number said in French
            # has French words for most of its digits.
            if clear_run and french >= FRENCH_RUN:
                out.append((p.start, p.end, str(FRENCH_DIGITS[p.text.lower()])))
        elif p.kind in ("weak", "leet"):
            edge = idx == 0 or idx == len(pieces) - 1
            # A look-alike standing alone is a digit only inside a clear
            # number, and never a lone "|": "817 | 555 | 0276", "age 20 | 5'2"
            # set groups apart with it.
            if (
                p.kind == "leet"
                and (
                    edge
                    or p.text == "|"
                    or (p.text in "io" and not _lone_zero(pieces, idx, clear_run))
                )
                and not glued[idx]
            ):
                continue
            if clear_run or glued[idx]:
                value_s = (
                    str(_WEAK[p.text.lower()]) if p.kind == "weak" else _LEET[p.text]
                )
                out.append((p.start, p.end, value_s))
    return out


def _digit_of(piece: _Piece) -> str:
    """The one digit a repeat's target stands for ("five", "5", "oh", "O")."""
    if piece.kind == "word":
        return str(word_to_number(piece.text))
    if piece.kind == "weak":
        return str(_WEAK[piece.text.lower()])
    if piece.kind == "leet":
        return _LEET[piece.text]
    return piece.text


def _repeat_targets(pieces: list[_Piece]) -> dict[int, int]:
    """For each repeat word: the piece of the one digit it repeats.

    The digit follows the word with at most a space or a hyphen between them
    ("triple five", "triple-5", "dbl7") and is one digit: a digit, a number
    word under ten, "oh" or a letter O ("double oh", "double O"). "double 250"
    and "double d" repeat nothing.
    """
    out: dict[int, int] = {}
    for idx, p in enumerate(pieces):
        if p.kind != "repeat":
            continue
        j = idx + 1
        if j < len(pieces) and pieces[j].kind == "sep":
            if not _REPEAT_GAP.fullmatch(pieces[j].text):
                continue
            j += 1
        if j >= len(pieces):
            continue
        target = pieces[j]
        value = word_to_number(target.text) if target.kind == "word" else None
        if (
            (target.kind == "digit" and len(target.text) == 1)
            or (value is not None and value < 10)
            or (target.kind == "weak" and target.text.lower() == "oh")
            or (target.kind == "leet" and target.text in "oO")
        ):
            out[idx] = j
    return out


def _lone_zero(pieces: list[_Piece], idx: int, clear_run: bool) -> bool:
    """A lone "o" for zero between spelled digits of a clear number.

    In "four one seven o eight eight six" the "o" is a zero; a lone "i" stays a
    pronoun.
    """
    if not clear_run or pieces[idx].text != "o":
        return False
    before = next((p for p in reversed(pieces[:idx]) if p.kind != "sep"), None)
    after = next((p for p in pieces[idx + 1 :] if p.kind != "sep"), None)
    return all(
        p is not None and p.kind in ("word", "digit", "repeat", "foreign", "french")
        for p in (before, after)
    )


def _glued_to_strong(pieces: list[_Piece]) -> list[bool]:
    """For each piece: is it joined, with no separator, to a digit or number word?

    Pieces written together ("3O|I", "n1ne") form a chain; a look-alike letter in
    a chain that holds a real digit or number word is a digit too.
    """
    return _in_chains(
        pieces,
        lambda p: p.kind != "sep",
        lambda chain: any(p.kind in ("digit", "word") for p in chain),
    )


def _leet_groups(pieces: list[_Piece]) -> list[bool]:
    """Pieces in a group written only with look-alike letters ("l|ol", "OO")."""
    return _in_chains(pieces, lambda p: p.kind == "leet", lambda _chain: True)


def _in_chains(
    pieces: list[_Piece],
    member: Callable[[_Piece], bool],
    counts: Callable[[list[_Piece]], bool],
) -> list[bool]:
    """For each piece: is it in a chain of two or more that ``counts``?

    A chain is a longest run of ``member`` pieces each ending where the next
    starts (written together, no separator between them).
    """
    out = [False] * len(pieces)
    k = 0
    while k < len(pieces):
        j = k
        while (
            j + 1 < len(pieces)
            and member(pieces[j])
            and member(pieces[j + 1])
            and pieces[j].end == pieces[j + 1].start
        ):
            j += 1
        if j > k and counts(pieces[k : j + 1]):
            for idx in range(k, j + 1):
                out[idx] = True
        k = j + 1
    return out


#: Letters shaped like a digit, read as that digit only between two digits or
#: look-alikes of a token written in them ("5S5", "7ZO", "4B2"): everywhere else
#: they are letters ("20s", "B52", "Z28", "ISIS").
_SHAPE_DIGITS = {"S": "5", "s": "5", "Z": "2", "z": "2", "B": "8"}
_SHAPE_GATE = re.compile(r"[0-9][SsZzB]|[SsZzB][0-9]")
# A token starts after no word character or "|" (each is tried from its start
# only) and is taken whole (possessive): linear on long runs of digits or bars.
_SHAPE_TOKEN = re.compile(r"(?<![\w|])[0-9OolI|SsZzB]{3,}+(?![^\W\d_])")


def _with_digits(source: Normalized, replacements: list[tuple[int, str]]) -> Normalized:
    """``source`` with the one character at each offset replaced by its digit
    (offsets ascending; spans still map back to the original text)."""
    return _with_pieces(source, [(at, at + 1, digit) for at, digit in replacements])


def _with_pieces(
    source: Normalized, replacements: list[tuple[int, int, str]]
) -> Normalized:
    """``source`` with each span ``(start, end)`` replaced by its piece (spans
    ascending, not overlapping; the result still maps to the original text)."""
    if not replacements:
        return source
    text = source.text
    builder = TextBuilder(source)
    cursor = 0
    for s, e, piece in replacements:
        if s > cursor:
            builder.copy(cursor, s)
        builder.replace(s, e, piece)
        cursor = e
    if cursor < len(text):
        builder.copy(cursor, len(text))
    return builder.build()


def _shape_letters(source: Normalized) -> Normalized:
    """``source`` with digit-shaped letters inside digit tokens written as digits.

    A token (no letter before or after it) written only with digits, the
    look-alikes ``O o l I |`` and ``S s Z z B``, holding a digit: each ``S``,
    ``Z`` or ``B`` with a digit or look-alike on both sides is a digit.
    """
    text = source.text
    if _SHAPE_GATE.search(text) is None:
        return source
    replacements: list[tuple[int, str]] = []
    for m in _SHAPE_TOKEN.finditer(text):
        token = m.group()
        if not any(ch.isdigit() for ch in token):
            continue
        for k in range(1, len(token) - 1):
            if (
                token[k] in _SHAPE_DIGITS
                and token[k - 1] not in _SHAPE_DIGITS
                and token[k + 1] not in _SHAPE_DIGITS
            ):
                replacements.append((m.start() + k, _SHAPE_DIGITS[token[k]]))
    return _with_digits(source, replacements)


#: Letters read as digits in a number written mostly in letters (see
#: :func:`_letter_numbers`): the look-alikes, the digit-shaped ``S Z B`` and
#: ``g`` for 9.
_LETTER_DIGITS = {
    "O": "0",
    "o": "0",
    "l": "1",
    "I": "1",
    "i": "1",
    "|": "1",
    "S": "5",
    "s": "5",
    "Z": "2",
    "z": "2",
    "B": "8",
    "g": "9",
}
_LD = "[0-9OolIi|SsZzBg]"
# Three tokens of digits and such letters in the blocks of a written number,
# 3-3-4, the first maybe in brackets: "ZlO SSS O3SO", "(B3Z) SSS-OZ4O".
_LETTER_NUMBER = re.compile(
    rf"(?<![\w|])(?=[0-9OolIi|SsZzBg(])(?:\(\s*)?(?P<a>{_LD}{{3}})(?:\s*\))?"
    rf"[ .\-/]{{0,3}}(?P<b>{_LD}{{3}})[ .\-/]{{0,3}}(?P<c>{_LD}{{4}})(?![\w|])"
)


def _letter_numbers(source: Normalized) -> Normalized:
    """``source`` with numbers written mostly in letters written as digits.

    Three tokens in the blocks of a NANP number (3-3-4), each written only with
    digits and ``O o l I i | S s Z z B g``, holding at least one digit and one
    letter, whose area code and exchange start with 2-9 once read: every
    letter in them is its digit ("ZlO SSS O3SO" is 210 555 0350). The layout
    is what makes them a number: a letter token alone ("g2g", "SOS", "34B",
    "20s") is never read, and the phone cutter still validates the number.
    """
    text = source.text
    replacements: list[tuple[int, str]] = []
    for m in _LETTER_NUMBER.finditer(text):
        groups = [m.group(name) for name in ("a", "b", "c")]
        written = "".join(groups)
        if not any(ch.isdigit() for ch in written) or written.isdigit():
            continue
        read = "".join(_LETTER_DIGITS.get(ch, ch) for ch in written)
        if read[0] < "2" or read[3] < "2":
            continue
        for name in ("a", "b", "c"):
            for k in range(m.start(name), m.end(name)):
                if text[k] in _LETTER_DIGITS:
                    replacements.append((k, _LETTER_DIGITS[text[k]]))
    return _with_digits(source, replacements)


# Spoken hundreds ("three hundred seventeen", "seven hundred two"): a digit
# word, "hundred", and maybe "and" and a number word under 100.
_UNDER_100 = _alt([w for v, ws in _UNITS.items() if v for w in ws])
_HUNDREDS = re.compile(
    rf"(?<![^\W\d_])(?P<h>{_alt(_DIGIT_WORDS)})[ -]+hundred(?:[ -]+and)?"
    rf"(?:[ -]+(?P<r>{_COMPOUND}|{_UNDER_100}))?"
    r"(?![^\W\d_])",
    re.IGNORECASE,
)
_HUNDRED_GATE = re.compile("hundred", re.IGNORECASE)
# What may follow a spoken hundreds before the rest of the number.
_AFTER_HUNDREDS = re.compile(r"[^\w\n]{1,3}")


def _spoken_hundreds(source: Normalized) -> Normalized:
    """``source`` with the spoken hundreds of a phone written as three digits.

    "three hundred seventeen, five five five, oh two eight seven" is 317 555
    0287: a hundreds phrase is an area code or exchange only when the run of
    units right after it holds :data:`STRONG_RUN` strong digits (the rest of a
    phone), so a price ("four hundred for the hour", "six hundred fifty for
    the night") stays words.
    """
    text = source.text
    if _HUNDRED_GATE.search(text) is None:
        return source
    replacements: list[tuple[int, int, str]] = []
    for m in _HUNDREDS.finditer(text):
        gap = _AFTER_HUNDREDS.match(text, m.end())
        run = _RUN.match(text, gap.end()) if gap is not None else None
        if run is None or _strong_digits(run.group()) < STRONG_RUN:
            continue
        rest = word_to_number(m.group("r")) if m.group("r") else 0
        if rest is None or rest >= 100:
            continue
        value = (word_to_number(m.group("h")) or 0) * 100 + rest
        replacements.append((m.start(), m.end(), str(value)))
    return _with_pieces(source, replacements)


#: The words a word written with accents or marks may stand for, and the
#: everyday words among them, read only when decorated with combining marks.
_PLAIN_WORDS = frozenset([*NUMBER_WORDS, *_WEAK, *FOREIGN_DIGITS, *FRENCH_DIGITS])
_PLAIN_HOMOPHONES = frozenset(_WEAK)

_REPEAT_GATE = re.compile(r"doubl|dbl|tripl", re.IGNORECASE)
_LINE_GAP = re.compile(r"[^\S\n]*\n[^\S\n]*")


def _strong_digits(chunk: str) -> int:
    """Digits written as digits or number words in a run (not weak words)."""
    total = 0
    for m in _PIECE.finditer(chunk):
        if m.lastgroup == "digit":
            total += len(m.group())
        elif m.lastgroup == "word":
            value = word_to_number(m.group())
            total += 1 if value is not None and value < 10 else 2
    return total


def _number_lines(text: str, runs: list[re.Match[str]], k: int) -> bool:
    """Is run ``k`` a line of a number written over lines?

    A run next to another, with one line break and spaces between them, that
    has three digits or more: "four one four" / "triple five" / "zero five
    six zero".
    """
    for j in (k - 1, k + 1):
        if not 0 <= j < len(runs):
            continue
        a, b = (runs[j], runs[k]) if j < k else (runs[k], runs[j])
        if _LINE_GAP.fullmatch(text, a.end(), b.start()) and (
            _strong_digits(text[runs[j].start() : runs[j].end()]) >= 3
        ):
            return True
    return False


def numeric_view(source: Normalized | str) -> Normalized:
    """Rewrite number words and look-alike digits as digits.

    Digit-shaped letters inside a token of digits ("5S5", "7ZO") are read
    first (:func:`_shape_letters`).

    Args:
        source: A :class:`Normalized` (from ``normalize``) or a plain string.

    Returns:
        A :class:`Normalized` whose text has digits where the source spelled or
        disguised them, and whose ``to_original`` maps into the original text.

    Example:
        >>> numeric_view("nine0three 3l2 one8eight7").text
        '903 312 1887'
    """
    if isinstance(source, str):
        source = Normalized(source, source)
    source = _spoken_hundreds(plain_words(source, _PLAIN_WORDS, _PLAIN_HOMOPHONES))
    source = _shape_letters(_letter_numbers(source))
    text = source.text
    folded = _folded(text)
    if folded is None:
        cheap, runs = _CHEAP.search(text), _RUN.finditer(text)
    else:
        cheap, runs = _CHEAP_FOLDED.search(folded), _RUN_FOLDED.finditer(folded)
    if not cheap:
        return source
    replacements: list[tuple[int, int, str]] = []
    matches = list(runs)
    for k, match in enumerate(matches):
        chunk = text[match.start() : match.end()]
        if chunk.isdigit() or len(chunk) == 1 or not _REWRITABLE.search(chunk):
            continue
        base = match.start()
        lines = _REPEAT_GATE.search(chunk) is not None and _number_lines(
            text, matches, k
        )
        replacements.extend(
            (base + s, base + e, piece)
            for s, e, piece in _chunk_replacements(chunk, lines)
        )
    return _with_pieces(source, replacements)
