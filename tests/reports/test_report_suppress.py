"""Suppression: primary cells hidden, and no hidden small value recoverable.

The property tests solve the attacker's problem independently of the code under
test: the published cells, totals and the additivity equations form a linear
system; two linear programs per hidden entry give the range of values it could
take. Every hidden value of 1-10 must keep a range at least 10 wide (so it can
neither be pinned nor shown to lie inside 1-10).
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from reports_helpers import THRESHOLD, attacker_bounds, check_protected, joint_bounds

from nowrongdoor.reports import CountTable, SuppressedTable, suppress, suppress_system

counts = st.one_of(
    st.integers(0, 12), st.integers(0, 40), st.integers(11, 500), st.just(0)
)


@st.composite
def tables(draw: st.DrawFn) -> CountTable:
    rows = draw(st.integers(1, 5))
    cols = draw(st.integers(1, 5))
    cells = [[draw(counts) for _ in range(cols)] for _ in range(rows)]
    return CountTable.build(
        "generated",
        [f"r{i}" for i in range(rows)],
        [f"c{j}" for j in range(cols)],
        cells,
    )


@settings(
    max_examples=250,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    derandomize=True,
)
@given(tables())
def test_no_small_value_recoverable(table: CountTable) -> None:
    published = suppress(table, threshold=THRESHOLD)
    check_protected(table, published)


@settings(max_examples=60, deadline=None, derandomize=True)
@given(tables())
def test_percentages_follow_counts(table: CountTable) -> None:
    published = suppress(table, threshold=THRESHOLD)
    rows, cols = published.shape
    for i in range(rows):
        for j in range(cols):
            for of in ("row", "col", "grand"):
                pct = published.percent(i, j, of=of)  # type: ignore[arg-type]
                if published.cells[i][j] is None:
                    assert pct is None
                denominator = {
                    "row": published.row_totals[i],
                    "col": published.col_totals[j],
                    "grand": published.grand_total,
                }[of]
                if denominator is None:
                    assert pct is None
                if pct is not None:
                    assert pct == pytest.approx(100 * table.cells[i][j] / denominator)


def test_worked_example_matches_docs() -> None:
    """The example in docs/reports.md."""
    table = CountTable.build(
        "Referrals by county and status",
        ["Marion", "Lake", "Allen"],
        ["Accepted", "Declined", "Completed"],
        [[42, 5, 30], [20, 3, 25], [50, 60, 70]],
    )
    # The textbook 4-cell rectangle (hide 5, 3, 30, 25) is not enough: the two
    # small cells share a column, so each bounds the other's movement.
    naive = SuppressedTable(
        title=table.title,
        row_labels=table.row_labels,
        col_labels=table.col_labels,
        cells=((42, None, None), (20, None, None), (50, 60, 70)),
        row_totals=(77, 48, 180),
        col_totals=(112, 68, 125),
        grand_total=305,
        threshold=THRESHOLD,
    )
    assert attacker_bounds(table, naive)[("cell", 0, 1)] == pytest.approx((0.0, 8.0))

    published = suppress(table, threshold=THRESHOLD)
    assert published.as_rows() == [
        ["", "Accepted", "Declined", "Completed", "Total"],
        ["Marion", "42", "*", "*", "77"],
        ["Lake", "*", "*", "*", "48"],
        ["Allen", "*", "*", "70", "180"],
        ["Total", "112", "68", "125", "305"],
    ]
    bounds = attacker_bounds(table, published)
    assert bounds[("cell", 0, 1)] == pytest.approx((0.0, 28.0))
    assert bounds[("cell", 1, 1)] == pytest.approx((0.0, 28.0))
    check_protected(table, published)


def test_zero_is_shown_and_big_table_untouched() -> None:
    table = CountTable.build("t", ["a", "b"], ["x", "y"], [[0, 40], [12, 300]])
    published = suppress(table)
    assert published.cells == ((0, 40), (12, 300))
    assert published.grand_total == 352


def test_small_margin_is_suppressed() -> None:
    # every cell is 0 or >= 11 except none; but a row total of 0 + ... forced
    table = CountTable.build("t", ["a", "b", "c"], ["x"], [[4], [0], [0]])
    published = suppress(table)
    # the only non-zero cell is 4, so the grand total (4) is hidden too
    assert published.grand_total is None
    assert published.cells[0][0] is None
    check_protected(table, published)


def test_one_column_table_has_no_repeated_total_column() -> None:
    table = CountTable.build("t", ["a", "b", "c"], ["n"], [[30], [4], [50]])
    published = suppress(table)
    rows = published.as_rows()
    assert rows[0] == ["", "n"]
    assert rows[2] == ["b", "*"]
    check_protected(table, published)


def test_threshold_setting_is_respected() -> None:
    table = CountTable.build("t", ["a", "b"], ["x", "y"], [[15, 40], [30, 300]])
    assert suppress(table, threshold=11).cells[0][0] == 15
    assert suppress(table, threshold=20).cells[0][0] is None


def test_bad_table_is_refused() -> None:
    with pytest.raises(ValueError, match="row 0"):
        CountTable.build("t", ["a"], ["x", "y"], [[1]])
    with pytest.raises(ValueError, match="non-negative"):
        CountTable.build("t", ["a"], ["x"], [[-1]])


@st.composite
def linked_pairs(draw: st.DrawFn) -> tuple[CountTable, CountTable]:
    """Two tables of the same people: same rows (same row totals), other columns."""
    first = draw(tables())
    rows, _ = first.shape
    width = draw(st.integers(1, 4))
    cells = []
    for total in first.row_totals:
        cuts = sorted(
            draw(
                st.lists(st.integers(0, total), min_size=width - 1, max_size=width - 1)
            )
        )
        bounds = [0, *cuts, total]
        cells.append([bounds[k + 1] - bounds[k] for k in range(width)])
    second = CountTable.build(
        "second", list(first.row_labels), [f"d{j}" for j in range(width)], cells
    )
    return first, second


@settings(max_examples=60, deadline=None, derandomize=True)
@given(linked_pairs())
def test_linked_tables_protected_together(pair: tuple[CountTable, CountTable]) -> None:
    first, second = pair
    rows, _ = first.shape
    links = [[(0, ("row", i, -1)), (1, ("row", i, -1))] for i in range(rows)]
    links.append([(0, ("grand", -1, -1)), (1, ("grand", -1, -1))])
    published = suppress_system([first, second], links, threshold=THRESHOLD)
    for link in links:  # a shared total is hidden in both or shown in both
        shown = {published[t].published(k) is None for t, k in link}
        assert len(shown) == 1
    bounds = joint_bounds([first, second], published, links)
    for t, table in enumerate((first, second)):
        for key in table.entries():
            value = table.value(key)
            if 0 < value < THRESHOLD:
                low, high = bounds[(t, key)]
                assert high - low >= THRESHOLD - 1 - 1e-6, (t, key, value, low, high)
            elif published[t].published(key) is not None:
                assert published[t].published(key) == value
