"""Statistics match their source's figure and subject, as published."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pydantic import ValidationError

from nowrongdoor.knowledge import Statistic, load_knowledge

DECK = (Path(__file__).parent / "data" / "seed_deck.txt").read_text(encoding="utf-8")
STATS = [e for e in load_knowledge() if isinstance(e, Statistic)]
_WORDS = {"one": 1, "two": 2, "three": 3}
_SCALE = {"billion": 1e9, "million": 1e6, "thousand": 1e3}


def _flat(text: str) -> str:
    text = text.replace("\\$", "$").replace("*", "")
    return re.sub(r"\s+", " ", text).strip().lower()


def _number(figure: str, unit: str) -> float:
    """The number a figure as written stands for, in the entry's unit."""
    f = figure.lower().replace(",", "").replace("$", "")
    if m := re.fullmatch(r"(\d+)\s*/\s*(\d+)", f):
        share = int(m[1]) / int(m[2])
        return round(100 * share, 1) if unit == "percent" else share
    if m := re.fullmatch(r"1 in (\d+)", f):
        return float(m[1])
    m = re.match(r"(\d+(?:\.\d+)?|one|two|three)\s*(%|billion|million|thousand)?", f)
    assert m, figure
    value = float(_WORDS.get(m[1], m[1]) if m[1] in _WORDS else m[1])
    return value * _SCALE.get(m[2] or "", 1)


def test_there_are_statistics() -> None:
    assert len(STATS) >= 10


@pytest.mark.parametrize("entry", STATS, ids=lambda e: e.id)
def test_number_matches_the_published_figure(entry: Statistic) -> None:
    claim = entry.source_claim
    assert claim.figure in claim.quote
    assert entry.value == claim.value == _number(claim.figure, entry.unit)


@pytest.mark.parametrize("entry", STATS, ids=lambda e: e.id)
def test_subject_matches_the_published_subject(entry: Statistic) -> None:
    claim = entry.source_claim
    quote, text = _flat(claim.quote), _flat(entry.text)
    subject = claim.subject.lower()
    assert subject in quote, entry.id
    assert subject in text, entry.id
    # "X% of SUBJECT" in the source must stay "X% of SUBJECT" in the entry (the
    # share is of that population, not the other way round).
    of = f"{claim.figure.lower()} of {subject}"
    if of in quote:
        assert of in text, (entry.id, entry.text)


@pytest.mark.parametrize("entry", STATS, ids=lambda e: e.id)
def test_deck_quotes_are_in_the_deck(entry: Statistic) -> None:
    claim = entry.source_claim
    if "seed deck" in claim.checked:
        assert _flat(claim.quote).rstrip(".") in _flat(DECK), entry.id


def test_street_and_shelter_youth_are_not_inverted() -> None:
    kb = load_knowledge()
    for key in ("statistics.street_youth", "statistics.shelter_youth"):
        text = _flat(kb.get(key).text)
        assert "of youth living" in text and "are victims" in text
        assert "were street youth" not in text and "were shelter youth" not in text
    story = _flat(kb.get("victims.young_girls_targets").text)
    assert "70% of youth living on the streets" in story
    assert "were street youth" not in story


def test_a_value_that_differs_from_its_source_is_refused() -> None:
    entry = next(e for e in STATS if e.id == "statistics.street_youth")
    data = entry.model_dump()
    data["value"] = 30
    with pytest.raises(ValidationError, match="differs from the source"):
        Statistic.model_validate(data)
