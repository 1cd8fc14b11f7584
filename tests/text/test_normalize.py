"""Normalisation keeps a map back to the original text."""

from __future__ import annotations

import pytest

from nowrongdoor.text import normalize, numeric_view


def test_ascii_is_identity() -> None:
    norm = normalize("call 903 312 1887")
    assert norm.text == "call 903 312 1887"
    assert norm.identity
    assert norm.to_original(5, 8) == (5, 8)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("9\ufe0f\u20e30\ufe0f\u20e33\ufe0f\u20e3", "903"),  # keycap emoji digits
        ("\uff19\uff10\uff13", "903"),  # fullwidth digits
        ("\u2468\u24ea\u2462", "903"),  # circled digits
        ("\u278c\u278a\u278b", "312"),  # dingbat negative circled digits
        ("9\u200b0\u200d3", "903"),  # zero-width characters
        ("\U0001d7d7\U0001d7ce\U0001d7d1", "903"),  # mathematical bold digits
        ("n\u0435w in t\u043ewn", "new in town"),  # Cyrillic look-alikes
        ("5\u20194\u201d", "5'4\""),  # typographic quotes
        ("caf\u00c3\u00a9", "caf\u00e9"),  # mojibake repaired by ftfy
    ],
)
def test_folds(raw: str, expected: str) -> None:
    assert normalize(raw).text == expected


def test_offsets_point_into_original() -> None:
    raw = "hi \u2468\ufe0f\u20e3 new in t\u043ewn"
    norm = normalize(raw)
    start = norm.text.index("new in town")
    s, e = norm.to_original(start, start + len("new in town"))
    assert raw[s:e] == "new in t\u043ewn"
    s, e = norm.to_original(3, 4)
    assert raw[s:e] == "\u2468"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("nine0three 3l2 one8eight7", "903 312 1887"),
        ("9O3 3l2 I887", "903 312 1887"),
        ("n1ne zer0 thr33", "9 0 3"),
        ("nine oh three three one two one eight eight seven", "9 0 3 3 1 2 1 8 8 7"),
        ("sixteen years old", "16 years old"),
        ("sevnteen yo", "17 yo"),
        ("twenty-two", "22"),
        ("I'm l7", "I'm 17"),
    ],
)
def test_numeric_view(raw: str, expected: str) -> None:
    assert numeric_view(normalize(raw)).text == expected


@pytest.mark.parametrize(
    "raw",
    ["text me for info", "someone to love", "I ate too much", "Oh I love it"],
)
def test_everyday_words_stay(raw: str) -> None:
    assert numeric_view(normalize(raw)).text == raw


def test_numeric_view_maps_back() -> None:
    raw = "call nine0three 3l2 one8eight7 now"
    view = numeric_view(normalize(raw))
    start = view.text.index("903")
    assert view.to_original(start, start + 3) == (5, 15)
    end = view.text.index("1887") + 4
    assert raw[slice(*view.to_original(start, end))] == "nine0three 3l2 one8eight7"


def test_all_look_alike_group_inside_a_clear_number() -> None:
    assert (
        numeric_view(normalize("text 3|2 947 l|ol now")).text == "text 312 947 1101 now"
    )
    assert numeric_view(normalize("lol I love it")).text == "lol I love it"


def test_the_tokens_sent_to_ftfy_are_the_whole_tokens_with_non_ascii_or_amp() -> None:
    import random
    import re

    from nowrongdoor.text._normalize import _NEEDS_FIX

    tokens = re.compile(r"\S+|\s+")
    alphabet = ["a", "B", " ", "\n", "&", "é", "\u00a0", "\u3000", "💋", "1", "Ã"]
    rnd = random.Random(5)
    for _ in range(20000):
        text = "".join(rnd.choice(alphabet) for _ in range(rnd.randint(0, 12)))
        want = [
            m.span()
            for m in tokens.finditer(text)
            if not (m.group().isascii() and "&" not in m.group())
        ]
        assert [m.span() for m in _NEEDS_FIX.finditer(text)] == want, repr(text)


# Digit forms NFKC leaves alone or wraps in punctuation are read from their
# Unicode value (nowrongdoor.text._normalize._digit_form).


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("\u247c\u2474\u2476", "913"),  # parenthesised digits: NFKC gives "(9)(1)(3)"
        ("\u2490\u2488\u248a", "913"),  # digits with a full stop: NFKC gives "9."
        ("\U0001f10b\U0001f10c", "00"),  # dingbat circled sans-serif zeros
        ("\u0e59\u0e51\u0e53", "913"),  # Thai digits (Nd)
        ("\u09ef\u09e7\u09e9", "913"),  # Bengali digits (Nd)
        ("\u06f9\u06f1\u06f3", "913"),  # extended Arabic-Indic digits (Nd)
        ("\u247d", "10"),  # parenthesised ten
        ("\u00bd \u2163 \u3280", "1\u20442 IV \u4e00"),  # fractions, Roman, ideographs
    ],
)
def test_digit_forms_by_their_unicode_value(raw: str, expected: str) -> None:
    assert normalize(raw).text == expected


def test_digit_forms_map_back_to_their_character() -> None:
    raw = "age \u2474\u247a!"
    norm = normalize(raw)
    assert norm.text == "age 17!"
    assert norm.to_original(4, 6) == (4, 6)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (
            "seis uno nueve cinco cinco cinco cero cuatro uno uno",
            "6 1 9 5 5 5 0 4 1 1",
        ),
        ("oito um tres 555 zero dois nove nove", "8 1 3 555 0 2 9 9"),
        ("tengo dieciocho años", "tengo 18 años"),
        ("cuarenta y uno", "41"),
        ("vinte e tres anos", "23 anos"),
        # Spanish and Portuguese words for 0-9 outside a clear number stay words.
        ("dos amigas, tres noches, uno mas", "dos amigas, tres noches, uno mas"),
        ("um, let me see", "um, let me see"),
    ],
)
def test_spanish_and_portuguese_number_words(raw: str, expected: str) -> None:
    assert numeric_view(normalize(raw)).text == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Z1Z SSS OB4O", "212 555 0840"),
        ("(g1Z) SSS-OlgS", "(912) 555-0195"),
        # No layout of a number, or no digit: letters stay letters.
        ("g2g SOS 34B 2B BBB", "g2g SOS 34B 2B BBB"),
        ("BOB ZZZ SOSS", "BOB ZZZ SOSS"),
    ],
)
def test_numbers_written_in_letters(raw: str, expected: str) -> None:
    assert numeric_view(normalize(raw)).text == expected
