"""The one span type the ad finders return."""

from __future__ import annotations

import dataclasses

import pytest

from nowrongdoor.ads._contacts import find_emails
from nowrongdoor.ads._numbers import find_ages
from nowrongdoor.ads._people import find_descriptors, find_names
from nowrongdoor.ads._phones import find_phones
from nowrongdoor.ads._span import Cover, Span


def test_span_is_a_frozen_value_with_its_offsets() -> None:
    span = Span("+19033121887", 3, 15)
    assert (span.value, span.start, span.end) == ("+19033121887", 3, 15)
    assert span == Span("+19033121887", 3, 15)
    with pytest.raises(dataclasses.FrozenInstanceError):
        span.value = "x"  # type: ignore[misc]


def test_every_single_value_finder_returns_spans() -> None:
    text = "I'm Candy, 19 years old, 5'4 blonde. 903 312 1887 candy@gmail.com"
    found = [
        *find_phones(text),
        *find_emails(text),
        *find_names(text),
        *find_descriptors(text),
        *find_ages(text),
    ]
    assert found and all(type(hit) is Span for hit in found)
    for hit in found:
        if hit.start >= 0:
            assert 0 <= hit.start < hit.end <= len(text)
    assert [h.value for h in find_ages(text)] == [19]
    assert [h.value for h in find_names(text)] == ["Candy"]


def test_cover_merges_overlapping_spans() -> None:
    cover = Cover()
    cover.add(10, 20)
    cover.add(30, 40)
    cover.add(15, 32)  # joins both
    cover.add(0, 2)
    inside = [i for i in (0, 1, 2, 9, 10, 25, 39, 40) if cover.covers(i)]
    assert inside == [0, 1, 10, 25, 39]
    cover.add(2, 10)  # touches both neighbours
    assert all(cover.covers(i) for i in range(40)) and not cover.covers(40)
