"""Number words written with added accents or marks, read plain (private).

Ads dodge filters by decorating the letters of a number word: accents ("Sïx öne
sëven", "sïx ønë sévén"), combining marks struck through or stacked on every
letter ("s̶i̶x̶", "zalgo" text) or small capitals ("ꜱɪx"). :func:`plain_words`
takes each word of the text that holds a character outside ASCII, drops its
marks (Unicode canonical decomposition, NFD, without the combining characters)
and folds the few letters that do not decompose ("ø", "ł", small capitals);
when the result is a number word it is written in its place, and every other
word is left exactly as it was, so "años", "três" and "née" keep their own
spelling and meaning for the rules that read them.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Container
from functools import lru_cache

from nowrongdoor.text._normalize import Normalized, TextBuilder

__all__ = ["plain_words"]

# Combining marks (Unicode blocks: Combining Diacritical Marks, its Extended and
# Supplement blocks, Combining Marks for Symbols, Combining Half Marks): not
# word characters for ``re``, so a marked word is matched with them.
_MARKS = "\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f"
# A word: letters, digits and combining marks, holding a character outside ASCII
# (tried from a word's start only; possessive, so linear in the word's length).
_MARKED_WORD = re.compile(rf"(?<![\w{_MARKS}])[\w{_MARKS}]++")

# Letters with no canonical decomposition that stand for a plain Latin letter:
# slashed and barred letters, dotless i, and the small capitals of the Unicode
# Phonetic Extensions block (U+1D00-U+1D2B) and IPA Extensions (U+0250-U+02AF).
_PLAIN = str.maketrans(
    {
        "ø": "o",
        "Ø": "O",
        "ł": "l",
        "Ł": "L",
        "đ": "d",
        "Đ": "D",
        "ı": "i",
        "ħ": "h",
        "ŧ": "t",
        "ᴀ": "a",
        "ʙ": "b",
        "ᴄ": "c",
        "ᴅ": "d",
        "ᴇ": "e",
        "ꜰ": "f",
        "ɢ": "g",
        "ʜ": "h",
        "ɪ": "i",
        "ᴊ": "j",
        "ᴋ": "k",
        "ʟ": "l",
        "ᴍ": "m",
        "ɴ": "n",
        "ᴏ": "o",
        "ᴘ": "p",
        "ʀ": "r",
        "ꜱ": "s",
        "ᴛ": "t",
        "ᴜ": "u",
        "ᴠ": "v",
        "ᴡ": "w",
        "ʏ": "y",
        "ᴢ": "z",
    }
)


@lru_cache(maxsize=16384)
def _plain(word: str) -> str:
    """``word`` without combining marks, its other look-alike letters folded."""
    bare = "".join(
        ch for ch in unicodedata.normalize("NFD", word) if not unicodedata.combining(ch)
    )
    return bare.translate(_PLAIN)


def _decorated(word: str) -> bool:
    """Does the word keep a combining mark once composed (NFC)?"""
    return any(unicodedata.combining(ch) for ch in unicodedata.normalize("NFC", word))


def plain_words(
    source: Normalized, words: Container[str], homophones: Container[str] = ()
) -> Normalized:
    """``source`` with marked spellings of ``words`` written plain.

    A word already spelled as one of ``words`` ("três", "veintidós") is left
    alone. A word standing for one of ``homophones`` (everyday words such as
    "ate", "to", "oh") is written plain only when its marks are decoration
    (combining marks no letter of any language is written with: "o̶h̶"), not
    when it is spelled with accented letters, as "até" and "tô" (Portuguese
    words) are.

    Args:
        source: The normalised text.
        words: The number words (lower case) a marked word may stand for.
        homophones: Everyday words (lower case) that are also number words.

    Returns:
        ``source`` itself when no marked word is one of ``words``; otherwise a
        text in which each such word is written without its marks (its case
        kept), mapping back to the original text.
    """
    text = source.text
    if text.isascii():
        return source
    builder: TextBuilder | None = None
    cursor = 0
    for m in _MARKED_WORD.finditer(text):
        word = m.group()
        if word.isascii():
            continue
        plain = _plain(word)
        key = plain.lower()
        if plain == word or not plain.isascii() or word.lower() in words:
            continue
        if key not in words or (key in homophones and not _decorated(word)):
            continue
        if builder is None:
            builder = TextBuilder(source)
        builder.copy(cursor, m.start())
        builder.replace(m.start(), m.end(), plain)
        cursor = m.end()
    if builder is None:
        return source
    builder.copy(cursor, len(text))
    return builder.build()
