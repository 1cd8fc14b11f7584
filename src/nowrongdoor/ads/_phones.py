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

    Args:
        text: Text from ``numeric_view`` (digits written as digits).

    Returns:
        Validated numbers (E.164) in text order, with spans in ``text``.
    """
    hits: list[PhoneHit] = []
    for run in _RUN.finditer(text):
        body = run.group()
        groups = [(m.start() + run.start(), m.group()) for m in _GROUP.finditer(body)]
        total = sum(len(g) for _, g in groups)
        if total < 10:
            continue
        international = body.startswith("+") and not body[1:].lstrip().startswith("1")
        i = 0
        while i < len(groups):
            found = _window(groups, i, international)
            if found is None:
                i += 1
                continue
            e164, j = found
            start = groups[i][0]
            end = groups[j][0] + len(groups[j][1])
            if international and i == 0:
                start -= 1
            hits.append(PhoneHit(e164, start, end))
            i = j + 1
    return hits


def _window(
    groups: list[tuple[int, str]], i: int, international: bool
) -> tuple[str, int] | None:
    """The valid number starting at group ``i``, and the index of its last group."""
    digits = ""
    for j in range(i, len(groups)):
        digits += groups[j][1]
        n = len(digits)
        if international and i == 0:
            if n > 15:
                return None
            if n >= 8:
                e164 = _validate(digits, True)
                if e164 is not None:
                    return e164, j
            continue
        if n > 11:
            return None
        if (n == 10 or n == 11) and _nanp_shape(digits):
            e164 = _validate(digits, False)
            if e164 is not None:
                return e164, j
    return None


_STATE_NAMES: dict[str, str] | None = None


def _state_abbreviations() -> dict[str, str]:
    global _STATE_NAMES
    if _STATE_NAMES is None:
        import us

        table = {s.name.lower(): s.abbr for s in us.states.STATES_AND_TERRITORIES}
        table["washington d.c."] = "DC"
        table["washington, d.c."] = "DC"
        table["district of columbia"] = "DC"
        table["washington state"] = "WA"
        _STATE_NAMES = table
    return _STATE_NAMES


@lru_cache(maxsize=4096)
def area_code_state(e164: str) -> str | None:
    """The US state or territory (postal abbreviation) of a NANP number's area code.

    Uses the geocoding data shipped with ``phonenumbers``; ``None`` for numbers
    outside the US or area codes not tied to one state (toll-free, non-geographic).
    """
    if not e164.startswith("+1") or len(e164) != 12:
        return None
    import phonenumbers
    from phonenumbers import geocoder

    number = phonenumbers.parse(e164, None)
    if phonenumbers.region_code_for_number(number) != "US":
        return None
    description = geocoder.description_for_number(number, "en")
    if not description:
        return None
    names = _state_abbreviations()
    if "," in description:
        tail = description.rsplit(",", 1)[1].strip()
        if len(tail) == 2 and tail.isupper():
            return tail
    return names.get(description.strip().lower())
