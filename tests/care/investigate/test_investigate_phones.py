"""A phone number typed in any written form reads as the E.164 ``ads scan`` writes."""

from __future__ import annotations

import pytest

from nowrongdoor.care.investigate.phones import phone_query_e164


@pytest.mark.parametrize(
    "typed",
    [
        "nine0three 3l2 one8eight7",
        "(903) 312-1887",
        "903.312.1887",
        "+1 903 312 1887",
        "1-903-312-1887",
        "9️⃣0️⃣3️⃣ 312 1887",
        "nine zero three three one two one eight eight seven",
    ],
)
def test_written_forms_of_one_number(typed: str) -> None:
    assert phone_query_e164(typed) == "+19033121887"


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("0039 347 123 4567", "+393471234567"),  # international prefix: its region
        ("+44 20 7946 0018", "+442079460018"),
        ("555-555-5555", None),  # impossible number
        ("123-456-7890", None),
        ("candy@example.com", None),
        ("", None),
        ("903", None),
    ],
)
def test_other_regions_and_non_numbers(typed: str, expected: str | None) -> None:
    assert phone_query_e164(typed) == expected
