"""The compiled NANP check gives phonenumbers' answer on +1 numbers."""

from __future__ import annotations

import random

import phonenumbers

from nowrongdoor.ads._phones import nanp_valid
from nowrongdoor.ads._reference import load_area_codes


def _phonenumbers_valid(national: str) -> bool:
    number = phonenumbers.PhoneNumber(country_code=1, national_number=int(national))
    return bool(phonenumbers.is_valid_number(number))


def test_nanp_valid_agrees_with_phonenumbers() -> None:
    rng = random.Random(18)
    codes = sorted(load_area_codes())
    numbers = [
        # Every area code the project knows, with random exchanges and lines.
        *(
            code + f"{rng.randrange(10_000_000):07d}"
            for code in codes
            for _ in range(8)
        ),
        # Anything with the NANP shape, including unassigned area codes and
        # exchanges, and the Caribbean and Pacific regions.
        *(f"{rng.randrange(2_000_000_000, 10_000_000_000)}" for _ in range(6000)),
        "9033121887",
        "5555555555",
        "8005551234",
        "2423570000",  # Bahamas
        "6702345678",  # Northern Mariana Islands
        "7872345678",  # Puerto Rico
        "4162345678",  # Canada
    ]
    valid = 0
    for national in numbers:
        want = _phonenumbers_valid(national)
        assert nanp_valid(national) is want, national
        valid += want
    assert 0 < valid < len(numbers)  # both answers occur
