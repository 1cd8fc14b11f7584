"""Phone numbers from de-obfuscated ad text (private).

The numeric view (``nowrongdoor.text.numeric_view``) has already turned number
words and look-alike letters into digits. Here digit runs (digits joined by at
most four separator characters) are cut into candidate numbers on digit-group
boundaries and each candidate is validated with ``phonenumbers``: impossible
numbers (unassigned area codes, 555-555-5555, 123-456-7890) are rejected.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

__all__ = ["PhoneHit", "area_code_state", "find_phones"]

_RUN = re.compile(r"\+?\d(?:[^\w\n]{0,6}\d)*")
_GROUP = re.compile(r"\d+")


@dataclass(frozen=True, slots=True)
class PhoneHit:
    """A validated phone number and its span in the scanned text."""

    e164: str
    start: int
    end: int


@lru_cache(maxsize=65536)
def _validate(digits: str, international: bool) -> str | None:
    import phonenumbers

    try:
        if international:
            number = phonenumbers.parse("+" + digits, None)
        else:
            number = phonenumbers.parse(digits, "US")
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    national = str(number.national_number)
    if number.country_code == 1 and national[3:6] == "555" and national[6:8] == "01":
        return None  # 555-0100..0199 are reserved for fiction (NANPA)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _nanp_shape(digits: str) -> bool:
    """Cheap NANP check before asking phonenumbers (area code and exchange 2-9)."""
    if len(digits) == 11:
        if digits[0] != "1":
            return False
        digits = digits[1:]
    return len(digits) == 10 and digits[0] >= "2" and digits[3] >= "2"


def find_phones(text: str) -> list[PhoneHit]:
    """Find valid phone numbers in text whose digits are already de-obfuscated.

    Every way of cutting a digit run into a number on digit-group boundaries is
    validated; when candidates overlap, the one written most uniformly wins (one
    kind of separator inside, as in "903.312.1887"), so an age or a price just
    before or after a number ("age 15. 9 0 3 ...") is not glued onto it.

    Args:
        text: Text from ``numeric_view`` (digits written as digits).

    Returns:
        Validated numbers (E.164) in text order, with spans in ``text``.
    """
    hits: list[PhoneHit] = []
    for run in _RUN.finditer(text):
        body = run.group()
        base = run.start()
        spans = [(m.start() + base, m.end() + base) for m in _GROUP.finditer(body)]
        if sum(e - s for s, e in spans) < 10:
            continue
        international = body.startswith("+") and not body[1:].lstrip().startswith("1")
        candidates = _candidates(text, spans, international)
        taken: list[tuple[int, int]] = []
        for _score, i, j, e164 in sorted(candidates):
            if any(i <= b and a <= j for a, b in taken):
                continue
            taken.append((i, j))
            start = spans[i][0] - (1 if international and i == 0 else 0)
            hits.append(PhoneHit(e164, start, spans[j][1]))
    hits.sort(key=lambda h: h.start)
    return hits


def _candidates(
    text: str, spans: list[tuple[int, int]], international: bool
) -> list[tuple[tuple[int, int, int], int, int, str]]:
    """Valid numbers over groups ``i..j``, with a sort key (best first)."""
    out: list[tuple[tuple[int, int, int], int, int, str]] = []
    groups = [text[s:e] for s, e in spans]
    seps = [text[spans[k][1] : spans[k + 1][0]] for k in range(len(spans) - 1)]
    for i in range(len(groups)):
        digits = ""
        for j in range(i, len(groups)):
            digits += groups[j]
            n = len(digits)
            e164: str | None = None
            if international and i == 0:
                if n > 15:
                    break
                if n >= 8:
                    e164 = _validate(digits, True)
            else:
                if n > 11:
                    break
                if n == 11 and not (groups[i] == "1" or len(groups[i]) in (4, 11)):
                    continue  # a leading "1" must stand alone: "1-903-...", "1903..."
                if n in (10, 11) and _nanp_shape(digits):
                    e164 = _validate(digits, False)
            if e164 is not None:
                inner = set(seps[i:j])
                key = (len(inner), 0 if e164.startswith("+1") else 1, i)
                out.append((key, i, j, e164))
                if not international:
                    break
    return out


@lru_cache(maxsize=4096)
def area_code_state(e164: str) -> str | None:
    """The US state or territory (postal abbreviation) of a NANP number's area code.

    From the table derived from the geocoding data shipped with ``phonenumbers``
    (see ``nowrongdoor.ads._reference``); ``None`` for numbers outside the US and
    area codes not tied to one state (toll-free, non-geographic).
    """
    if not e164.startswith("+1") or len(e164) != 12:
        return None
    from nowrongdoor.ads._reference import load_area_codes

    return load_area_codes().get(e164[2:5])
