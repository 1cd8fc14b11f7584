"""The lower-cased gate of case-insensitive patterns never hides or moves a match."""

from __future__ import annotations

import re
import sys
from functools import lru_cache
from pathlib import Path

import pytest

from nowrongdoor.text import CaselessPattern, lower_text
from nowrongdoor.text._caseless import lower_pattern

ROOT = Path(__file__).resolve().parents[2]


@lru_cache(maxsize=1)
def _code_points() -> tuple[str, ...]:
    return tuple(
        chr(cp) for cp in range(sys.maxunicode + 1) if not 0xD800 <= cp <= 0xDFFF
    )


@lru_cache(maxsize=1)
def _cased() -> tuple[str, ...]:
    """The characters lower-casing changes."""
    return tuple(ch for ch in _code_points() if ch.lower() != ch)


def test_lower_case_is_the_case_fold_of_re_wherever_lower_text_accepts() -> None:
    # Every character an IGNORECASE letter matches is, once lower-cased, that
    # letter; the characters where that fails are refused by lower_text.
    letters = re.compile("[a-z]", re.IGNORECASE)
    refused = []
    for ch in _code_points():
        if letters.fullmatch(ch) is None:
            continue
        for letter in "abcdefghijklmnopqrstuvwxyz":
            matched = re.fullmatch(letter, ch, re.IGNORECASE) is not None
            lower = lower_text(ch)
            if lower is None:
                refused.append(ch)
                continue
            assert matched == (lower == letter), (hex(ord(ch)), letter)
    assert set(refused) == {"\u0130", "\u0131", "\u017f"}


@pytest.mark.parametrize("cls", [r"\w", r"\W", r"\d", r"\s", r"[^\W\d_]"])
def test_classes_do_not_change_under_lower_casing(cls: str) -> None:
    pattern = re.compile(cls)
    for ch in _cased():
        lower = lower_text(ch)
        if lower is None:
            continue
        assert (pattern.fullmatch(ch) is None) == (pattern.fullmatch(lower) is None), (
            hex(ord(ch))
        )


def test_lower_text_refuses_texts_whose_offsets_would_move() -> None:
    assert lower_text("ASK FOR Candy") == "ask for candy"
    assert lower_text("\u0130stanbul") is None  # "İ" lower-cases to two characters
    assert lower_text("Kır") is None  # dotless i: re folds it with "i"
    assert lower_text("Baby 💋 NEW") == "baby 💋 new"


def test_lower_pattern_keeps_escapes_and_group_names() -> None:
    assert lower_pattern(r"(?P<Name>ASK)\s+\W\b(?P=Name)") == (
        r"(?P<Name>ask)\s+\W\b(?P=Name)"
    )
    assert lower_pattern(r"(?-i:P)[A-Z]") == r"(?-i:p)[a-z]"
    # Hex and Unicode escapes and back-references could name an upper-case letter.
    assert lower_pattern(r"\x41BC") is None
    assert lower_pattern(r"\u0041") is None
    assert lower_pattern(r"(a)\1") is None


def test_a_pattern_without_a_gate_still_matches() -> None:
    pattern = CaselessPattern(r"\x41B")
    assert not pattern.exact
    assert [m.group() for m in pattern.finditer("xab AB", lower_text("xab AB"))] == [
        "ab",
        "AB",
    ]
