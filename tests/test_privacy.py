"""The one small-cell rule (``nowrongdoor._privacy``), shared by every area."""

from __future__ import annotations

import pytest

from nowrongdoor._privacy import (
    SMALL_CELL_THRESHOLD,
    is_small_cell,
    mask_count,
    suppress_counts,
)
from nowrongdoor.settings import Settings


@pytest.mark.parametrize(
    ("value", "small"), [(0, False), (1, True), (10, True), (11, False), (500, False)]
)
def test_small_cells_are_one_to_ten(value: int, small: bool) -> None:
    assert is_small_cell(value) is small
    assert mask_count(value) == ("<11" if small else value)


def test_the_setting_defaults_to_the_policy_threshold() -> None:
    assert SMALL_CELL_THRESHOLD == 11
    field = Settings.model_fields["suppression_threshold"]
    assert field.default == SMALL_CELL_THRESHOLD


def test_suppression_of_small_cells() -> None:
    assert suppress_counts(
        {"a": 0, "b": 5, "c": 11, "d": 200}, 11, complementary=False
    ) == {"a": 0, "b": "<11", "c": 11, "d": 200}
    # one small cell among cells that add up to a total: the next smallest goes too
    assert suppress_counts({"a": 3, "b": 40, "c": 900}, 11, complementary=True) == {
        "a": "<11",
        "b": "<11",
        "c": 900,
    }
    assert suppress_counts({"a": 3, "b": 4, "c": 900}, 11, complementary=True) == {
        "a": "<11",
        "b": "<11",
        "c": 900,
    }
    assert suppress_counts({"a": 10, "b": 11}, 11, complementary=False) == {
        "a": "<11",
        "b": 11,
    }
    assert suppress_counts({"a": 5, "b": 30}, 5, complementary=True) == {
        "a": 5,
        "b": 30,
    }
