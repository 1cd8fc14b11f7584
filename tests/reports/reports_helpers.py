"""Helpers shared by the report tests (an independent attacker's LP)."""

from __future__ import annotations

import numpy as np
from scipy.optimize import linprog

from nowrongdoor.reports import CountTable, SuppressedTable

THRESHOLD = 11


def attacker_bounds(
    table: CountTable, published: SuppressedTable
) -> dict[tuple[str, int, int], tuple[float, float]]:
    """Bounds on every hidden entry, from the published table alone.

    Written separately from the implementation: one variable per hidden cell and
    hidden total; equations row sums, column sums, totals sums.
    """
    rows, cols = published.shape
    keys = [("cell", i, j) for i in range(rows) for j in range(cols)]
    keys += [("row", i, -1) for i in range(rows)]
    keys += [("col", -1, j) for j in range(cols)]
    keys += [("grand", -1, -1)]
    hidden = [k for k in keys if published.published(k) is None]
    pos = {k: n for n, k in enumerate(hidden)}

    def term(key: tuple[str, int, int], sign: float, a: np.ndarray) -> float:
        if key in pos:
            a[pos[key]] += sign
            return 0.0
        value = published.published(key)
        assert value is not None
        return -sign * value

    equations: list[tuple[list[tuple[str, int, int]], tuple[str, int, int]]] = []
    for i in range(rows):
        equations.append(([("cell", i, j) for j in range(cols)], ("row", i, -1)))
    for j in range(cols):
        equations.append(([("cell", i, j) for i in range(rows)], ("col", -1, j)))
    equations.append(([("row", i, -1) for i in range(rows)], ("grand", -1, -1)))
    equations.append(([("col", -1, j) for j in range(cols)], ("grand", -1, -1)))
    a_rows, b = [], []
    for parts, total in equations:
        a = np.zeros(len(hidden))
        rhs = sum(term(k, 1.0, a) for k in parts) + term(total, -1.0, a)
        if a.any():
            a_rows.append(a)
            b.append(rhs)
        else:  # fully published equation must hold exactly
            assert abs(rhs) < 1e-9
    out = {}
    for key in hidden:
        lo_hi = []
        for sense in (1.0, -1.0):
            c = np.zeros(len(hidden))
            c[pos[key]] = sense
            res = linprog(
                c,
                A_eq=np.array(a_rows) if a_rows else None,
                b_eq=np.array(b) if a_rows else None,
                bounds=(0, None),
                method="highs",
            )
            if res.status == 3:
                lo_hi.append(float("inf"))
            else:
                assert res.status == 0, res.message
                lo_hi.append(sense * res.fun)
        out[key] = (lo_hi[0], lo_hi[1])
    return out


def check_protected(table: CountTable, published: SuppressedTable) -> None:
    bounds = attacker_bounds(table, published)
    for key in table.entries():
        value = table.value(key)
        shown = published.published(key)
        if 0 < value < THRESHOLD:
            assert shown is None, f"{key}={value} is published"
            low, high = bounds[key]
            assert low <= value + 1e-6 and value <= high + 1e-6
            assert high - low >= THRESHOLD - 1 - 1e-6, (key, value, low, high)
            # so the interval holds values outside 1..10: the reader cannot
            # even tell the count is small
            assert low < 1 or high >= THRESHOLD
        elif shown is not None:
            assert shown == value


def joint_bounds(
    tables: list[CountTable],
    published: list[SuppressedTable],
    links: list[list[tuple[int, tuple[str, int, int]]]],
) -> dict[tuple[int, tuple[str, int, int]], tuple[float, float]]:
    """Bounds on every hidden entry of several tables read together.

    One variable per hidden entry of each table; each table's additivity
    equations; and an equation per link (linked entries are the same number,
    or equal to the published one).
    """
    keys: list[tuple[int, tuple[str, int, int]]] = []
    for t, table in enumerate(tables):
        keys += [(t, k) for k in table.entries() if published[t].published(k) is None]
    pos = {k: n for n, k in enumerate(keys)}
    a_rows, b = [], []

    def add(terms: list[tuple[tuple[int, tuple[str, int, int]], float]]) -> None:
        a = np.zeros(len(keys))
        rhs = 0.0
        for key, sign in terms:
            if key in pos:
                a[pos[key]] += sign
            else:
                value = published[key[0]].published(key[1])
                assert value is not None
                rhs -= sign * value
        if a.any():
            a_rows.append(a)
            b.append(rhs)
        else:
            assert abs(rhs) < 1e-9

    for t, table in enumerate(tables):
        rows, cols = table.shape
        for i in range(rows):
            add(
                [((t, ("cell", i, j)), 1.0) for j in range(cols)]
                + [((t, ("row", i, -1)), -1.0)]
            )
        for j in range(cols):
            add(
                [((t, ("cell", i, j)), 1.0) for i in range(rows)]
                + [((t, ("col", -1, j)), -1.0)]
            )
        add(
            [((t, ("row", i, -1)), 1.0) for i in range(rows)]
            + [((t, ("grand", -1, -1)), -1.0)]
        )
        add(
            [((t, ("col", -1, j)), 1.0) for j in range(cols)]
            + [((t, ("grand", -1, -1)), -1.0)]
        )
    for link in links:
        for other in link[1:]:
            add([(link[0], 1.0), (other, -1.0)])
    out = {}
    for key in keys:
        lo_hi = []
        for sense in (1.0, -1.0):
            c = np.zeros(len(keys))
            c[pos[key]] = sense
            res = linprog(
                c,
                A_eq=np.array(a_rows) if a_rows else None,
                b_eq=np.array(b) if a_rows else None,
                bounds=(0, None),
                method="highs",
            )
            if res.status == 3:
                lo_hi.append(float("inf"))
            else:
                assert res.status == 0, res.message
                lo_hi.append(sense * res.fun)
        out[key] = (lo_hi[0], lo_hi[1])
    return out
