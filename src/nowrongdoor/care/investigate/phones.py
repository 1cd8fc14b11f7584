"""A phone number typed in any written form, as E.164 (for the blind index).

Investigators type what they read in an ad ("nine0three 3l2 one8eight7",
"(903) 312-1887", "903 ⭐ 312 ⭐ 1887"). The text layer's numeric view turns
number words, look-alike letters and keycap digits into digits
(:func:`nowrongdoor.text.numeric_view`); ``phonenumbers`` validates the result
and formats it as E.164, the form ``ads scan`` writes, so the keyed blind index
of the query equals the index of the stored contact.
"""

from __future__ import annotations

import phonenumbers

from nowrongdoor.text import normalize, numeric_view

__all__ = ["phone_query_e164"]


def phone_query_e164(query: str, region: str = "US") -> str | None:
    """The E.164 form of a phone number typed in any written form.

    Args:
        query: What the investigator typed.
        region: Region for numbers written without a country code (``ads scan``
            reads North American numbers; ``+`` or ``00`` selects another).

    Returns:
        ``+19033121887``-style text, or ``None`` when the query holds no valid
        phone number.
    """
    view = numeric_view(normalize(query)).text.strip()
    international = view.startswith("+") or view.startswith("00")
    digits = "".join(ch for ch in view if ch.isdigit())
    if not digits:
        return None
    if international:
        candidate = "+" + (digits[2:] if view.startswith("00") else digits)
    elif len(digits) == 11 and digits.startswith("1"):
        candidate = "+" + digits
    else:
        candidate = digits
    try:
        number = phonenumbers.parse(candidate, None if international else region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
