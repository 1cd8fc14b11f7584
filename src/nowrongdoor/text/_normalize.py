"""Unicode clean-up with a map back to original offsets (private).

``normalize`` repairs mojibake (ftfy), applies NFKC, turns keycap and other emoji
digits into ASCII digits, folds common Cyrillic/Greek look-alike letters and
typographic quotes to ASCII, and drops zero-width characters. Every character of
the result remembers the span of the original text it came from, so evidence
found in the normalised text can be shown in the original.
"""

from __future__ import annotations

import re
import unicodedata
from array import array
from dataclasses import dataclass
from functools import lru_cache

__all__ = ["Normalized", "TextBuilder", "normalize"]


@dataclass(frozen=True, slots=True, eq=False)
class Normalized:
    """A normalised text and its map back to the original.

    Attributes:
        text: The normalised text.
        original: The text it was made from.
    """

    text: str
    original: str
    _starts: array[int] | None = None
    _ends: array[int] | None = None

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Map a span of ``text`` to the span of ``original`` it came from.

        Args:
            start: Start offset in ``text`` (inclusive).
            end: End offset in ``text`` (exclusive).

        Returns:
            ``(start, end)`` in ``original``; an empty span maps to an empty span.
        """
        if self._starts is None or self._ends is None:
            return start, end
        n = len(self._starts)
        if n == 0:
            return 0, 0
        if end <= start:
            pos = self._starts[start] if start < n else len(self.original)
            return pos, pos
        start = max(0, min(start, n - 1))
        end = max(start + 1, min(end, n))
        return self._starts[start], self._ends[end - 1]

    @property
    def identity(self) -> bool:
        """True when the text is unchanged (offsets are the same)."""
        return self._starts is None


class TextBuilder:
    """Build a derived text piece by piece, remembering source spans.

    Each appended piece maps to one span of the *source* text; when the source is
    itself a :class:`Normalized`, spans are composed so the result maps to the
    first original. Consecutive copies of adjacent source spans are joined into
    one before they are written.
    """

    __slots__ = ("_parts", "_starts", "_ends", "_source", "_copy_start", "_copy_end")

    def __init__(self, source: Normalized) -> None:
        self._source = source
        self._parts: list[str] = []
        self._starts: array[int] = array("i")
        self._ends: array[int] = array("i")
        self._copy_start = -1
        self._copy_end = -1

    def copy(self, start: int, end: int) -> None:
        """Copy ``source.text[start:end]`` unchanged."""
        if end <= start:
            return
        if start == self._copy_end:
            self._copy_end = end
            return
        self._flush()
        self._copy_start, self._copy_end = start, end

    def _flush(self) -> None:
        start, end = self._copy_start, self._copy_end
        if start < 0:
            return
        self._copy_start = self._copy_end = -1
        self._parts.append(self._source.text[start:end])
        src = self._source
        if src._starts is None or src._ends is None:
            self._starts.extend(range(start, end))
            self._ends.extend(range(start + 1, end + 1))
        else:
            self._starts.extend(src._starts[start:end])
            self._ends.extend(src._ends[start:end])

    def replace(self, start: int, end: int, piece: str) -> None:
        """Put ``piece`` in place of ``source.text[start:end]``."""
        if not piece:
            return
        self._flush()
        self._parts.append(piece)
        if end <= start:
            end = start + 1
        o_start, o_end = self._source.to_original(start, end)
        self._starts.extend([o_start] * len(piece))
        self._ends.extend([o_end] * len(piece))

    def build(self) -> Normalized:
        """The derived text, mapped to the original of the source."""
        self._flush()
        text = "".join(self._parts)
        if text == self._source.original and self._identity_map(len(text)):
            return Normalized(text, self._source.original)
        return Normalized(text, self._source.original, self._starts, self._ends)

    def _identity_map(self, n: int) -> bool:
        return len(self._starts) == n and self._starts == array("i", range(n))


# Characters dropped outright: zero-width, joiners, variation selectors, the
# combining keycap, soft hyphen, byte-order mark, bidi controls.
_DROP = frozenset(
    "\u200b\u200c\u200d\u2060\ufeff\u00ad\ufe0e\ufe0f\u20e3\u200e\u200f"
    "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u180e"
)

_SPECIAL: dict[str, str] = {
    "\U0001f51f": "10",  # keycap ten
    "\U0001f17e": "O",  # negative squared latin O (blood type O)
    "\U0001f17f": "P",
    "\U0001f170": "A",
    "\U0001f171": "B",
    "\u2018": "'",
    "\u2019": "'",
    "\u201a": "'",
    "\u201b": "'",
    "\u2032": "'",
    "\u00b4": "'",
    "\u201c": '"',
    "\u201d": '"',
    "\u201e": '"',
    "\u2033": '"',
    "\u2010": "-",
    "\u2011": "-",
    "\u2012": "-",
    "\u2013": "-",
    "\u2014": "-",
    "\u2015": "-",
    "\u2212": "-",
    "\u2022": "*",
    "\u00a0": " ",
    # The ordinal indicators stay signs: NFKC makes them the letters o and a,
    # and an o glued to a digit reads as 0 ("1º de maio", the 1st of May, read
    # as "10 de maio").
    "\u00ba": "\u00ba",
    "\u00aa": "\u00aa",
}
#: Enclosed numbers read as their value (see :func:`_digit_form`) up to this.
_MAX_ENCLOSED = 50

# Cyrillic and Greek letters that look like Latin ones (a small confusables set).
_HOMOGLYPHS = dict(
    zip(
        "АВЕКМНОРСТХаеорсухіІјЈѕЅԁɡΑΒΕΗΙΚΜΝΟΡΤΥΧονικ",
        "ABEKMHOPCTXaeopcyxiIjJsSdgABEHIKMNOPTYXovik",
        strict=True,
    )
)

# A whole token (a maximal run of non-space or of space characters) holding a
# non-ASCII character or "&": the ones ftfy may change.
_NEEDS_FIX = re.compile(
    r"(?<!\S)\S*?(?:(?!\s)[&\x80-\U0010ffff])\S*"
    r"|(?<!\s)\s*?(?:(?=\s)[\x80-\U0010ffff])\s*"
)


def _digit_form(ch: str, folded: str) -> str | None:
    """The ASCII digits of a digit form, from its Unicode numeric value.

    NFKC (``folded``) leaves many digit forms alone or wraps them in
    punctuation, so their value is read from the Unicode Character Database
    (``unicodedata``) instead:

    * a decimal digit of any script (category Nd: Arabic-Indic ``٧``,
      Devanagari ``६``, ...) is its digit;
    * an enclosed number (category No) with a whole value of 0-50 whose NFKC
      form is itself, its value, or its value in parentheses or before a full
      stop or comma is its value: dingbat circled ``❶ ➀ ➊`` and the zeros
      ``🄋 🄌``, double circled ``⓵``, negative circled ``⓫``, parenthesised
      ``⑴`` (NFKC ``(1)``), full-stop ``⒈`` (NFKC ``1.``). The punctuation
      is decoration of the one number, not a separator. Fractions, Roman
      numerals (Nl) and circled ideographs (NFKC ``一``) are left to NFKC.
    """
    category = unicodedata.category(ch)
    if category == "Nd":
        return str(unicodedata.decimal(ch))
    if category != "No":
        return None
    value = unicodedata.numeric(ch, -1.0)
    if not (0 <= value <= _MAX_ENCLOSED and value == int(value)):
        return None
    digits = str(int(value))
    if folded in (ch, digits, f"({digits})", f"{digits}.", f"{digits},"):
        return digits
    return None


@lru_cache(maxsize=4096)
def _fold_char(ch: str) -> str:
    if ch in _DROP:
        return ""
    special = _SPECIAL.get(ch)
    if special is not None:
        return special
    homoglyph = _HOMOGLYPHS.get(ch)
    if homoglyph is not None:
        return homoglyph
    folded = unicodedata.normalize("NFKC", ch)
    digits = _digit_form(ch, folded)
    if digits is not None:
        return digits
    if len(folded) == 1 and folded != ch:
        return _SPECIAL.get(folded, _HOMOGLYPHS.get(folded, folded))
    return folded


@lru_cache(maxsize=1)
def _ftfy_config() -> object:
    import ftfy

    return ftfy.TextFixerConfig(normalization=None, uncurl_quotes=False, explain=False)


@lru_cache(maxsize=65536)
def _fix_token(token: str) -> str:
    """ftfy's repair of one token (a pure function: tokens such as emoji recur)."""
    import ftfy

    return ftfy.fix_text(token, _ftfy_config())  # type: ignore[arg-type]


def _fix_mojibake(text: str) -> Normalized:
    """Run ftfy on each token that needs it, keeping a token-level offset map.

    Tokens are runs of spaces or of other characters; only those with a
    non-ASCII character or "&" go to ftfy, the text between them is copied.
    """
    source = Normalized(text, text)
    builder = TextBuilder(source)
    cursor = 0
    for match in _NEEDS_FIX.finditer(text):
        token = match.group()
        start, end = match.span()
        builder.copy(cursor, start)
        cursor = end
        fixed = _fix_token(token)
        if fixed == token:
            builder.copy(start, end)
        elif len(fixed) == len(token):
            for i, ch in enumerate(fixed):
                builder.replace(start + i, start + i + 1, ch)
        else:
            builder.replace(start, end, fixed)
    builder.copy(cursor, len(text))
    return builder.build()


def normalize(text: str) -> Normalized:
    """Normalise text for matching, keeping a map back to original offsets.

    Steps: mojibake repair (ftfy), NFKC, keycap/enclosed/fullwidth digits to ASCII
    digits, look-alike Cyrillic and Greek letters to Latin, typographic quotes and
    dashes to ASCII, zero-width and variation-selector characters removed. Case and
    spacing are kept. Pure ASCII text without ``&`` comes back unchanged (and the
    offset map is the identity).

    Args:
        text: Any text (an ad, a case note).

    Returns:
        A :class:`Normalized` whose ``to_original`` maps spans back into ``text``.
    """
    if text.isascii() and "&" not in text:
        return Normalized(text, text)
    fixed = _fix_mojibake(text)
    work = fixed.text
    if work.isascii():
        return fixed
    builder = TextBuilder(fixed)
    i = 0
    n = len(work)
    while i < n:
        ch = work[i]
        if ch.isascii():
            j = i + 1
            while j < n and work[j].isascii():
                j += 1
            builder.copy(i, j)
            i = j
            continue
        # A base character and the combining marks that follow it fold together.
        j = i + 1
        while j < n and unicodedata.combining(work[j]):
            j += 1
        if j - i == 1:
            out = _fold_char(ch)
        else:
            out = "".join(
                _fold_char(c) for c in unicodedata.normalize("NFKC", work[i:j])
            )
        if out == work[i:j]:
            builder.copy(i, j)
        else:
            builder.replace(i, j, out)
        i = j
    return builder.build()
