"""Hand-written phone and age cases, one group per failure class seen on real ads.

``tests/data/ads_cases.jsonl`` was written before the rules were changed; each
record names its class in ``meta.case``. The parametrised checks below add more
strings of the same classes.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from nowrongdoor.ads import extract
from nowrongdoor.ads._phones import find_phones
from nowrongdoor.text import numeric_view

CASES = [
    json.loads(line)
    for line in (Path(__file__).parents[1] / "data" / "ads_cases.jsonl")
    .read_text(encoding="utf-8")
    .splitlines()
]


@pytest.mark.parametrize(
    "case", CASES, ids=[f"{c['id']}-{c['meta']['case']}" for c in CASES]
)
def test_case_file(case: dict) -> None:
    record = extract(case["text"], title=case.get("title"), use_lexicon=False)
    gold = case["gold"]
    if "phones" in gold:
        assert sorted(record["phones"]) == sorted(gold["phones"])
    if "ages" in gold:
        assert sorted(record["ages"]) == sorted(gold["ages"])


def _phones(text: str) -> list[str]:
    return [h.value for h in find_phones(numeric_view(text).text)]


@pytest.mark.parametrize(
    "text",
    [
        "posted 2021 04 19 - 23 | views 1180",
        "2017-08-30 13:45:12 UTC",
        "on 2020 10 31 - 18 30 we party",
        "ref 4 22 2019 11 07 2",
        "scores 10 20 30 40 50 60",
    ],
)
def test_dates_and_times_are_not_phones(text: str) -> None:
    assert _phones(text) == []


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("5 0 3 - 2 2 1 - 8 8 3 0 503 two two one 8830", ["+15032218830"] * 2),
        ("(415) 867-2291 / 415 eight six seven 2291", ["+14158672291"] * 2),
        ("7 7 0 4 2 5 8 8 1 2 770.425.8812", ["+17704258812"] * 2),
    ],
)
def test_a_number_written_twice_gives_no_invented_number(
    text: str, want: list[str]
) -> None:
    assert _phones(text) == want


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("+39 338 771 2045", ["+393387712045"]),
        ("0039 338 771 2045", ["+393387712045"]),
        ("+91 99001 23456", ["+919900123456"]),
        ("+44 20 7946 0321", ["+442079460321"]),
        ("+61 412 345 678", ["+61412345678"]),
        ("+39 123", []),
        ("+49 0000 000000 0", []),
    ],
)
def test_international_numbers_keep_their_region(text: str, want: list[str]) -> None:
    got = _phones(text)
    assert got == want
    assert not any(p.startswith("+1") for p in got)


@pytest.mark.parametrize(
    "text",
    [
        "4_1_5_8_6_7_2_2_9_1",
        "415___867___2291",
        "415****867****2291",
        "4*1*5*8*6*7*2*2*9*1",
        "four_one_five_eight_six_seven_two_two_nine_one",
        "f0ur one f1ve e1ght s1x s3ven tw0 7wo n1ne 0ne",
        "four one five eight six seven two two nine one",
        "(415) 8six7-22 91",
        "415 eighty-six 7 two 2 ninety-one",
    ],
)
def test_obfuscated_spellings(text: str) -> None:
    assert _phones(text) == ["+14158672291"]


def test_lone_o_is_zero_only_between_spelled_digits() -> None:
    assert _phones("six o two nine five five one one eight three") == ["+16029551183"]
    assert numeric_view("o i said no one").text == "o i said no 1"
    assert numeric_view("oh no, o well").text == "oh no, o well"


@pytest.mark.parametrize(
    ("text", "title", "want"),
    [
        ("Sweet and shy, call me", "Petite Blonde Rosa - 22 - Uptown", [22]),
        ("Petite Blonde Rosa - 22 - Uptown\nSweet and shy, I am 22yrs", None, [22]),
        ("Redhead Nikki - 27\nI'm 27 years old", None, [27]),
        ("ABOUT ME: 34. Classy and fun.", None, [34]),
        ("about me - 29 | dinner dates", None, [29]),
        ("I'm 26. Gentlemen 30-65 only.", None, [26]),
        ("Seeing men 25 to 55 years old.", None, []),
        ("age 21-40 preferred, be respectful", None, []),
        ("Members: 1204 | Age: 23 | Body: slim | Report ad | Terms of use", None, [23]),
        ("Off I-45 near the stadium, text me", None, []),
        ("Route 66 diner, exit 41, open late", None, []),
    ],
)
def test_age_classes(text: str, title: str | None, want: list[int]) -> None:
    assert extract(text, title=title, use_lexicon=False)["ages"] == want


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("Hiring hostesses: pretty ladies between 19-27 years of age.", [19, 27]),
        ("Profile: Age 22-24, Height 5'4, slim", [22, 24]),
        ("Stats: 34C-26-36, Age: 25", [25]),
        ("Bust-waist-hip 36-24-36. Call me.", []),
        ("Gentlemen 40-60 preferred, girls not included", []),
        ("Poster's age: 67", [67]),
        ("Hi! I'm 64 and retired", []),
        ("about me 28 fun loving, outgoing", [28]),
    ],
)
def test_age_ranges_of_the_advertised_people_and_labelled_ages(
    text: str, want: list[int]
) -> None:
    assert sorted(extract(text, use_lexicon=False)["ages"]) == want
