"""Phones said in French, with an area code given apart, or in spoken hundreds.

Written apart from batches 15 and 16 of ``tests/data/ads_obfuscated.jsonl``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from nowrongdoor.ads import extract, iter_ads
from nowrongdoor.ads._evaluate import evaluate_records

SET = Path(__file__).resolve().parents[1] / "data" / "ads_obfuscated.jsonl"


def _phones(text: str) -> list[str]:
    return extract(text, use_lexicon=False)["phones"]


@pytest.mark.parametrize(
    ("written", "phones"),
    [
        ("neuf un six cinq cinq cinq zéro trois huit deux", ["+19165550382"]),
        ("deux un quatre / 555 / zero sept un un", ["+12145550711"]),
        ("Sept 14 2025 deux filles", []),  # September, not 7
        ("un deux trois soleil", []),
        ("neuf appart, 2 chambres, 1 salle de bain, 850 par mois", []),
    ],
)
def test_french_digit_words(written: str, phones: list[str]) -> None:
    assert _phones(written) == phones


@pytest.mark.parametrize(
    ("written", "phones"),
    [
        ("area code 214 and then 555-0711", ["+12145550711"]),
        ("555 0711 is my cell, area code 214", ["+12145550711"]),
        ("(214 area code) five five five zero seven one one", ["+12145550711"]),
        ("indicatif régional 514, 555-0388", ["+15145550388"]),
        ("area code 214 - 1 hr 250, 30 min 150", []),
        ("Dallas area, 214 555 0711", ["+12145550711"]),  # one written number
        ("Dallas area 22 yo 555 0711", []),  # no area code at all
        ("area code 214 since 2009 and 1990", []),
        ("area code 214, $555 0711", []),
    ],
)
def test_area_code_given_apart(written: str, phones: list[str]) -> None:
    assert _phones(written) == phones


@pytest.mark.parametrize(
    ("written", "phones"),
    [
        ("two hundred fourteen five five five zero seven one one", ["+12145550711"]),
        ("nine hundred sixteen, 555 0382", ["+19165550382"]),
        ("two hundred fourteen roses, five five five", []),
        ("nine hundred for two hours", []),
        ("two hundred and fourteen dollars", []),
    ],
)
def test_spoken_hundreds(written: str, phones: list[str]) -> None:
    assert _phones(written) == phones


def test_french_run_keeps_english_sept_date() -> None:
    record = extract("born Sept 12 2008", posted_at="2026-12-01", use_lexicon=False)
    assert record["phones"] == []


def _batch(number: int) -> list:
    return [
        ad for ad in iter_ads(SET) if ad.extra.get("meta", {}).get("batch") == number
    ]


# Measured 2026-12-08 (docs/evaluation.md, "Batches 15 and 16"): batch 15 (47
# snippets, 28 phones, 7 ages) phones 1.000 / 0.036 before its rules, 1.000 / 1.000
# after; its one age ("vingt-deux ans") is not read: French "ans" is an age word
# since batch 17, but French tens ("vingt-deux", "vingt et un") are not number
# words in the numeric view. Batch 16 (21 snippets, 12 phones, 2 ages, held out):
# phones 1.000 / 0.917 on its one run, 1.000 / 1.000 after. Batch 17 (20
# snippets, 10 ages: French "ans", French limits, years ago or since in French,
# Spanish and Portuguese): ages 0.000 / 0.000 (0, 2, 10) before its rule, 1.000 /
# 0.900 (9, 0, 1) after, the miss "vingt et un ans".
@pytest.mark.parametrize(
    ("number", "ads", "age_misses"), [(15, 47, 1), (16, 21, 0), (17, 20, 1)]
)
def test_batch_floors(number: int, ads: int, age_misses: int) -> None:
    report = evaluate_records(_batch(number))
    assert report.ads == ads
    phones, ages = report.fields["phones"], report.fields["ages"]
    assert phones.fp == 0 and phones.fn == 0, phones.as_dict()
    assert ages.fp == 0 and ages.fn <= age_misses, ages.as_dict()
