"""Cell suppression: protection and cost against two common baselines.

For random count tables with margins (many small cells, as in monthly program
tables) it compares, in one run:

- ``primary``: hide cells 1-10 only (masking);
- ``lines``: primary plus the classic rule "every row/column with a hidden cell
  needs a second one" (smallest cell first), no audit;
- ``nowrongdoor``: :func:`nowrongdoor.reports.suppress` (line rule, LP audit,
  pruning).

For each method it measures, with the same LP attack (min/max of every hidden
cell under the published cells, totals and non-negativity):

- how many small cells (1-10) are exposed: pinned to one value, or bounded to an
  interval narrower than 10 (so the reader learns the count is small);
- how many cells are hidden (the price paid in information);
- time per table.

Usage: ``.venv/bin/python benchmarks/reports_suppression.py [--tables 150] [--seed 1]``
"""

from __future__ import annotations

import argparse
import random
import time

from nowrongdoor.reports import (
    CountTable,
    EntryKey,
    feasible_intervals,
    suppress,
)

THRESHOLD = 11


def random_table(rng: random.Random) -> CountTable:
    rows, cols = rng.randint(3, 8), rng.randint(2, 6)
    cells = [
        [
            rng.choice([0, 0, 1, 2, 3, 5, 7, 9])
            if rng.random() < 0.35
            else int(rng.lognormvariate(3.2, 1.0))
            for _ in range(cols)
        ]
        for _ in range(rows)
    ]
    return CountTable.build(
        "t", [f"r{i}" for i in range(rows)], [f"c{j}" for j in range(cols)], cells
    )


def primary_only(table: CountTable) -> set[EntryKey]:
    return {k for k in table.entries() if 0 < table.value(k) < THRESHOLD}


def line_rule(table: CountTable) -> set[EntryKey]:
    hidden = primary_only(table)
    rows, cols = table.shape
    lines = [
        [("cell", i, j) for j in range(cols)] + [("row", i, -1)] for i in range(rows)
    ] + [[("cell", i, j) for i in range(rows)] + [("col", -1, j)] for j in range(cols)]
    changed = True
    while changed:
        changed = False
        for line in lines:
            if sum(1 for k in line if k in hidden) == 1:
                visible = [k for k in line if k not in hidden and k[0] == "cell"]
                visible = visible or [k for k in line if k not in hidden]
                if visible:
                    hidden.add(
                        min(
                            visible, key=lambda k: (table.value(k) == 0, table.value(k))
                        )
                    )
                    changed = True
    return hidden


def ours(table: CountTable) -> set[EntryKey]:
    published = suppress(table, threshold=THRESHOLD)
    return set(published.suppressed_keys())


def exposed(table: CountTable, hidden: set[EntryKey]) -> tuple[int, int, int]:
    """(small cells, small cells exposed, small cells pinned)."""
    small = [k for k in table.entries() if 0 < table.value(k) < THRESHOLD]
    shown = [k for k in small if k not in hidden]
    targets = [k for k in small if k in hidden]
    bounds = feasible_intervals(table, hidden, targets) if targets else {}
    narrow = [k for k in targets if bounds[k][1] - bounds[k][0] < THRESHOLD - 1 - 1e-6]
    pinned = [k for k in targets if bounds[k][1] - bounds[k][0] < 1e-6]
    return len(small), len(shown) + len(narrow), len(shown) + len(pinned)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tables", type=int, default=150)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    tables = [random_table(rng) for _ in range(args.tables)]
    entries = sum(len(t.entries()) for t in tables)
    methods = {"primary": primary_only, "lines": line_rule, "nowrongdoor": ours}
    results = {}
    for name, method in methods.items():
        start = time.perf_counter()
        hidden_sets = [method(t) for t in tables]
        seconds = time.perf_counter() - start
        small = bad = pinned = 0
        for table, hidden in zip(tables, hidden_sets, strict=True):
            s, e, p = exposed(table, hidden)
            small, bad, pinned = small + s, bad + e, pinned + p
        hidden_total = sum(len(h) for h in hidden_sets)
        results[name] = (small, bad, pinned, hidden_total, seconds)
    print(f"{len(tables)} random tables (3-8 x 2-6 cells + margins), {entries} entries")
    print(
        f"{'method':<12} {'small':>6} {'exposed':>8} {'pinned':>7} "
        f"{'hidden':>7} {'ms/table':>9} {'time vs lines':>14}"
    )
    base = results["lines"][4]
    for name, (small, bad, pinned, hidden, seconds) in results.items():
        print(
            f"{name:<12} {small:>6} {bad:>8} {pinned:>7} {hidden:>7} "
            f"{1000 * seconds / len(tables):>9.2f} {seconds / base:>13.1f}x"
        )


if __name__ == "__main__":
    main()
