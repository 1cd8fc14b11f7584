"""The labelled evaluation sets: independent labels, and the quality targets."""

from __future__ import annotations

from pathlib import Path

import phonenumbers
import pytest

from nowrongdoor.ads import iter_ads
from nowrongdoor.ads._evaluate import evaluate
from nowrongdoor.synth.ads import GOLD_AREA_CODES as AREA_CODES
from nowrongdoor.synth.ads import PHONE_STYLES, generate_gold_ads

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


def test_class_confusion_and_rank_order_on_the_classifieds_set() -> None:
    report = evaluate(DATA / "ads_kinds.jsonl")
    benign = report.confusion["benign"]
    assert benign["benign"] == sum(benign.values()) >= 60
    assert report.confusion["risky"]["risky"] == sum(report.confusion["risky"].values())
    assert report.rank_order == 1.0
    assert report.phone_exact == report.phone_ads and report.fields["phones"].fp == 0
    data = report.as_dict()
    assert data["rank_order"] == 1.0 and data["invented_phones"] == 0


def test_rank_order_counts_pairs_and_ties(tmp_path: Path) -> None:
    from nowrongdoor.ads._evaluate import evaluate_records
    from nowrongdoor.ads._ingest import AdInput

    scores = {"r1": 0.9, "r2": 0.1, "b1": 0.1, "b2": 0.0}
    ads = [
        AdInput(
            id=k,
            text=k,
            extra={"gold": {"class": "risky" if k[0] == "r" else "benign"}},
        )
        for k in scores
    ]
    report = evaluate_records(
        ads, predict=lambda ad: {"score": scores[ad.id], "ad_kind": "unclear"}
    )
    # r1 beats both; r2 ties b1 (half) and beats b2: (2 + 1.5) / 4.
    assert report.rank_order == 0.875
    assert report.confusion["risky"] == {"benign": 1, "escort": 0, "risky": 1}
    assert report.confusion["benign"] == {"benign": 2, "escort": 0, "risky": 0}


def test_fields_missing_from_gold_are_not_scored(tmp_path: Path) -> None:
    path = tmp_path / "gold.jsonl"
    path.write_text(
        '{"id": "a", "text": "Rosa, 24. call 415 867 2291", "gold": {"ages": [24]}}\n'
    )
    report = evaluate(path)
    assert report.fields["ages"].tp == 1
    assert report.fields["phones"].fp == 0 and report.phone_ads == 0
