"""The labelled evaluation sets: independent labels, and the quality targets."""

from __future__ import annotations

from pathlib import Path

import phonenumbers
import pytest

from nowrongdoor.ads import iter_ads
from nowrongdoor.ads._evaluate import evaluate
from nowrongdoor.ads._synthetic import AREA_CODES, PHONE_STYLES, generate_gold_ads

DATA = Path(__file__).parents[1] / "data"


def test_generated_labels_are_valid_and_varied() -> None:
    records = list(generate_gold_ads(400, seed=5))
    styles = {r["meta"]["phone_style"] for r in records}
    assert styles >= set(PHONE_STYLES)
    kinds = {r["meta"]["kind"] for r in records}
    assert {"benign_massage", "benign_car", "benign_yoga", "benign_job"} <= kinds
    minors = [a for r in records for a in r["gold"]["ages"] if a < 18]
    assert len(minors) >= 60
    for record in records:
        for phone in record["gold"]["phones"]:
            number = phonenumbers.parse(phone)
            assert phonenumbers.is_valid_number(number), phone


def test_area_codes_match_phonenumbers_geocoder() -> None:
    from phonenumbers import geocoder

    for code, (state, _city) in AREA_CODES.items():
        number = phonenumbers.parse(f"+1{code}2345678")
        described = geocoder.description_for_number(number, "en")
        assert described, code
        assert state in described or len(described) > 2, (code, described)


def test_shipped_set_matches_its_generator() -> None:
    ads = list(iter_ads(DATA / "ads_eval.jsonl"))
    assert len(ads) >= 300
    generated = {r["id"]: r for r in generate_gold_ads(len(ads) - 2, seed=5)}
    for ad in ads:
        if ad.id in generated:
            assert ad.text == generated[ad.id]["text"]
            assert ad.extra["gold"] == generated[ad.id]["gold"]


@pytest.mark.parametrize(
    ("name", "phone_f1", "age_f1"),
    [
        ("ads_eval.jsonl", 0.95, 0.9),
        ("ads_handwritten.jsonl", 0.95, 0.85),
        ("ads_heldout.jsonl", 0.95, 0.9),
    ],
)
def test_quality_targets(name: str, phone_f1: float, age_f1: float) -> None:
    report = evaluate(DATA / name)
    assert report.fields["phones"].f1 >= phone_f1
    assert report.fields["ages"].f1 >= age_f1
    assert report.benign_high == 0


def test_shipped_reference_tables_match_their_packages() -> None:
    from nowrongdoor.ads._reference import (
        build_area_codes,
        build_cities,
        load_area_codes,
        load_cities,
    )

    assert load_area_codes() == build_area_codes()
    assert list(load_cities()) == build_cities()
    assert load_area_codes()["903"] == "TX" and load_area_codes()["317"] == "IN"
