"""Number words written with accents, combining marks or small capitals."""

from __future__ import annotations

import pytest

from nowrongdoor.text import normalize, numeric_view
from nowrongdoor.text._marked_words import plain_words


def _view(text: str) -> str:
    return numeric_view(normalize(text)).text


@pytest.mark.parametrize(
    ("written", "read"),
    [
        ("Fïvë ëïght twö", "5 8 2"),
        ("nøne", "nøne"),  # "none" is no number word
        ("t\u0336w\u0336o\u0336", "2"),  # struck through
        ("e\u0332i\u0332g\u0332h\u0332t\u0332", "8"),  # underlined
        ("ᴛᴡᴏ ꜰɪᴠᴇ", "2 5"),  # small capitals
        ("sëvëntéén", "17"),
    ],
)
def test_marked_number_words_read_plain(written: str, read: str) -> None:
    assert _view(written) == read


@pytest.mark.parametrize(
    "text",
    [
        "Tengo diecinueve años",
        "née à Laval",
        "três amigas, até amanhã, tô aqui",
        "café crème, piñata, Zoë",
    ],
)
def test_other_words_keep_their_spelling(text: str) -> None:
    norm = normalize(text)
    words = {"six", "tres", "três", "ate", "to", "zero"}
    assert plain_words(norm, words, {"ate", "to"}).text == norm.text


def test_decorated_homophone_is_read_plain() -> None:
    norm = normalize("a\u0336t\u0336e\u0336")
    assert plain_words(norm, {"ate"}, {"ate"}).text == "ate"


def test_plain_word_maps_back_to_the_marked_word() -> None:
    text = "call s\u0336i\u0336x\u0336 now"
    view = numeric_view(normalize(text))
    start = view.text.index("6")
    assert view.to_original(start, start + 1) == (5, 11)


def test_marked_text_is_linear() -> None:
    # One long word of letters and marks: matched once, possessively.
    text = ("a\u0301" * 20000) + " s\u0336ix"
    assert _view(text).endswith(" 6")
