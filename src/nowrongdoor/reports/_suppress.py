"""Primary and complementary cell suppression for 2-D count tables (private).

A table has interior cells, row totals, column totals and a grand total. CMS
cell-size policy: no published value may be 1 to ``threshold - 1`` and no such
value may be derivable from the published cells, totals or percentages.

The published numbers form a linear system: every row and column sums to its
total, the totals sum to the grand total, and every count is non-negative. An
attacker who knows that system can bound each suppressed entry with two linear
programs (minimise it, maximise it). :func:`suppress` keeps adding complementary
suppressions (smallest non-zero interior cells first) until every sensitive
entry's feasible interval is at least ``threshold - 1`` wide, so it can never lie
inside ``[1, threshold - 1]`` and is never pinned.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from typing import Literal

__all__ = [
    "CountTable",
    "EntryKey",
    "SuppressedTable",
    "feasible_intervals",
    "suppress",
]

#: An entry of a table: ("cell", i, j), ("row", i, -1), ("col", -1, j) or
#: ("grand", -1, -1).
EntryKey = tuple[str, int, int]
Status = Literal["shown", "primary", "complementary"]
SUPPRESSED_MARK = "*"


@dataclass(frozen=True)
class CountTable:
    """A 2-D table of non-negative counts; totals are computed.

    Attributes:
        title: Caption of the table.
        row_labels: One label per row.
        col_labels: One label per column.
        cells: ``cells[i][j]`` is the count in row ``i``, column ``j``.
        row_header: Heading of the label column.
    """

    title: str
    row_labels: tuple[str, ...]
    col_labels: tuple[str, ...]
    cells: tuple[tuple[int, ...], ...]
    row_header: str = ""

    def __post_init__(self) -> None:
        if len(self.cells) != len(self.row_labels):
            raise ValueError(
                f"table {self.title!r}: {len(self.cells)} rows of cells but "
                f"{len(self.row_labels)} row labels"
            )
        for i, row in enumerate(self.cells):
            if len(row) != len(self.col_labels):
                raise ValueError(
                    f"table {self.title!r}: row {i} has {len(row)} cells, expected "
                    f"{len(self.col_labels)}"
                )
            for value in row:
                if int(value) != value or value < 0:
                    raise ValueError(
                        f"table {self.title!r}: row {i} has {value!r}, counts must "
                        "be non-negative integers"
                    )

    @classmethod
    def build(
        cls,
        title: str,
        row_labels: Sequence[str],
        col_labels: Sequence[str],
        cells: Sequence[Sequence[int]],
        row_header: str = "",
    ) -> CountTable:
        """Build a table from any sequences (converted to tuples of ints)."""
        return cls(
            title=title,
            row_labels=tuple(str(x) for x in row_labels),
            col_labels=tuple(str(x) for x in col_labels),
            cells=tuple(tuple(int(v) for v in row) for row in cells),
            row_header=row_header,
        )

    @property
    def shape(self) -> tuple[int, int]:
        """(number of rows, number of columns)."""
        return len(self.row_labels), len(self.col_labels)

    @property
    def row_totals(self) -> tuple[int, ...]:
        """Sum of each row."""
        return tuple(sum(row) for row in self.cells)

    @property
    def col_totals(self) -> tuple[int, ...]:
        """Sum of each column."""
        return tuple(
            sum(row[j] for row in self.cells) for j in range(len(self.col_labels))
        )

    @property
    def grand_total(self) -> int:
        """Sum of every cell."""
        return sum(self.row_totals)

    def value(self, key: EntryKey) -> int:
        """The true value of one entry (cell, row total, column total, grand)."""
        kind, i, j = key
        if kind == "cell":
            return self.cells[i][j]
        if kind == "row":
            return self.row_totals[i]
        if kind == "col":
            return self.col_totals[j]
        return self.grand_total

    def entries(self) -> list[EntryKey]:
        """Every entry key: cells, row totals, column totals, grand total."""
        rows, cols = self.shape
        keys: list[EntryKey] = [
            ("cell", i, j) for i in range(rows) for j in range(cols)
        ]
        keys += [("row", i, -1) for i in range(rows)]
        keys += [("col", -1, j) for j in range(cols)]
        keys.append(("grand", -1, -1))
        return keys


@dataclass(frozen=True)
class SuppressedTable:
    """A table ready to publish: suppressed entries are ``None``.

    Attributes:
        title: Caption.
        row_labels: Row labels.
        col_labels: Column labels.
        cells: Published cell values, ``None`` where suppressed.
        row_totals: Published row totals, ``None`` where suppressed.
        col_totals: Published column totals, ``None`` where suppressed.
        grand_total: Published grand total, ``None`` when suppressed.
        threshold: Values 1 to ``threshold - 1`` were protected.
        row_header: Heading of the label column.
        status: Why each entry is hidden (internal: for tests and audits only,
            never rendered, because "primary" tells a reader the value is small).
    """

    title: str
    row_labels: tuple[str, ...]
    col_labels: tuple[str, ...]
    cells: tuple[tuple[int | None, ...], ...]
    row_totals: tuple[int | None, ...]
    col_totals: tuple[int | None, ...]
    grand_total: int | None
    threshold: int
    row_header: str = ""
    status: dict[EntryKey, Status] = field(default_factory=dict, repr=False)

    @property
    def shape(self) -> tuple[int, int]:
        """(number of rows, number of columns)."""
        return len(self.row_labels), len(self.col_labels)

    def published(self, key: EntryKey) -> int | None:
        """The published value of an entry, or ``None`` when suppressed."""
        kind, i, j = key
        if kind == "cell":
            return self.cells[i][j]
        if kind == "row":
            return self.row_totals[i]
        if kind == "col":
            return self.col_totals[j]
        return self.grand_total

    def suppressed_keys(self) -> list[EntryKey]:
        """Keys of every suppressed entry."""
        return [k for k, s in self.status.items() if s != "shown"]

    def percent(
        self, i: int, j: int, of: Literal["row", "col", "grand"] = "col"
    ) -> float | None:
        """A cell as a percentage of its row, column or grand total.

        Percentages follow their counts: the result is ``None`` when the cell or
        the denominator is suppressed (either would let a reader recompute a
        hidden count), and when the denominator is zero.
        """
        numerator = self.cells[i][j]
        denominator = {
            "row": self.row_totals[i],
            "col": self.col_totals[j],
            "grand": self.grand_total,
        }[of]
        if numerator is None or denominator is None or denominator == 0:
            return None
        return 100.0 * numerator / denominator

    def total_percent(self, i: int) -> float | None:
        """A row total as a percentage of the grand total (``None`` if hidden)."""
        numerator, denominator = self.row_totals[i], self.grand_total
        if numerator is None or denominator is None or denominator == 0:
            return None
        return 100.0 * numerator / denominator

    def as_rows(self, mark: str = SUPPRESSED_MARK) -> list[list[str]]:
        """Header plus body rows as strings (suppressed entries are ``mark``).

        A one-column table has no separate "Total" column (it would repeat the
        cells); the last row holds the column totals.
        """

        def show(value: int | None) -> str:
            return mark if value is None else str(value)

        rows, cols = self.shape
        with_row_totals = cols > 1
        header = [self.row_header or "", *self.col_labels]
        if with_row_totals:
            header.append("Total")
        out = [header]
        for i in range(rows):
            line = [self.row_labels[i], *(show(v) for v in self.cells[i])]
            if with_row_totals:
                line.append(show(self.row_totals[i]))
            out.append(line)
        if rows > 1 or not with_row_totals:
            last = ["Total", *(show(v) for v in self.col_totals)]
            if with_row_totals:
                last.append(show(self.grand_total))
            out.append(last)
        return out


def _tied(table: CountTable) -> list[list[EntryKey]]:
    """Groups of entries that are the same number and must share a status."""
    rows, cols = table.shape
    groups: list[list[EntryKey]] = []
    if cols == 1:
        groups += [[("cell", i, 0), ("row", i, -1)] for i in range(rows)]
    if rows == 1:
        groups += [[("cell", 0, j), ("col", -1, j)] for j in range(cols)]
    if rows == 1:
        groups.append([("row", 0, -1), ("grand", -1, -1)])
    if cols == 1:
        groups.append([("col", -1, 0), ("grand", -1, -1)])
    return groups


def _lines(table: CountTable) -> list[list[EntryKey]]:
    """Every additive line: its entries sum to the line's last entry."""
    rows, cols = table.shape
    lines: list[list[EntryKey]] = []
    for i in range(rows):
        lines.append([("cell", i, j) for j in range(cols)] + [("row", i, -1)])
    for j in range(cols):
        lines.append([("cell", i, j) for i in range(rows)] + [("col", -1, j)])
    lines.append([("row", i, -1) for i in range(rows)] + [("grand", -1, -1)])
    lines.append([("col", -1, j) for j in range(cols)] + [("grand", -1, -1)])
    return lines


def feasible_intervals(
    table: CountTable, hidden: set[EntryKey], targets: Sequence[EntryKey] | None = None
) -> dict[EntryKey, tuple[float, float]]:
    """What an attacker can infer about hidden entries from the published ones.

    Solves, for each target, ``min`` and ``max`` of that entry over all
    non-negative real tables that agree with every published entry and every
    row, column and grand-total equation (the constraint matrix is a network
    matrix, so the bounds are integers).

    Args:
        table: The true table (published entries are its values).
        hidden: Keys of the suppressed entries (the LP variables).
        targets: Entries to bound; default every hidden entry.

    Returns:
        ``{key: (low, high)}``; ``high`` is ``inf`` when unbounded.
    """
    import numpy as np
    from scipy.optimize import linprog

    variables = sorted(hidden)
    index = {key: n for n, key in enumerate(variables)}
    a_rows: list[np.ndarray] = []
    b_vals: list[float] = []
    for line in _lines(table):
        *parts, total = line
        coeffs = np.zeros(len(variables))
        rhs = 0.0
        touched = False
        for key, sign in [(k, 1.0) for k in parts] + [(total, -1.0)]:
            if key in index:
                coeffs[index[key]] += sign
                touched = True
            else:
                rhs -= sign * table.value(key)
        if touched:
            a_rows.append(coeffs)
            b_vals.append(rhs)
    a_eq = np.vstack(a_rows) if a_rows else None
    b_eq = np.array(b_vals) if a_rows else None
    out: dict[EntryKey, tuple[float, float]] = {}
    for key in targets if targets is not None else variables:
        bounds: list[float] = []
        for sense in (1.0, -1.0):
            objective = np.zeros(len(variables))
            objective[index[key]] = sense
            result = linprog(
                objective, A_eq=a_eq, b_eq=b_eq, bounds=(0, None), method="highs"
            )
            if result.status == 3:  # unbounded
                bounds.append(float("inf") if sense < 0 else 0.0)
            elif result.status != 0:
                raise RuntimeError(
                    f"table {table.title!r}: bounding {key} failed: {result.message}"
                )
            else:
                bounds.append(round(sense * float(result.fun), 6))
        out[key] = (bounds[0], bounds[1])
    return out


def _is_sensitive(value: int, threshold: int) -> bool:
    return 0 < value < threshold


def suppress(
    table: CountTable, threshold: int = 11, force: Collection[EntryKey] = ()
) -> SuppressedTable:
    """Suppress small cells and enough other cells that none can be recomputed.

    1. Primary: every cell and every total with a value from 1 to
       ``threshold - 1`` (zero is shown).
    2. Lines: every row, column and total line with exactly one hidden entry
       gets a second one (the smallest non-zero interior cell of that line).
    3. Audit: for each primary entry, two linear programs bound it under the
       published system; while some interval is narrower than
       ``threshold - 1`` (so it could be read as "small", or is pinned), hide
       the smallest visible non-zero interior cell in that entry's row or
       column, then anywhere, then zeros and totals, and audit again.

    Args:
        table: The counts.
        threshold: Smallest value that may be shown (CMS: 11).
        force: Entries to hide and protect like primary cells whatever their
            value (a total that a linked table had to hide).

    Returns:
        The publishable table, with each hidden entry's reason in ``status``.
    """
    if threshold < 2 and not force:
        return _publish(table, threshold, {})
    status: dict[EntryKey, Status] = {}
    for key in table.entries():
        if _is_sensitive(table.value(key), threshold) or key in force:
            status[key] = "primary"
    ties = _tied(table)
    _sync_ties(status, ties)
    if not status:
        return _publish(table, threshold, status)

    lines = _lines(table)
    for line in lines:
        hidden = [k for k in line if k in status]
        if len(hidden) == 1:
            pick = _line_partner(table, status, line, lines)
            if pick is not None:
                status[pick] = "complementary"
                _sync_ties(status, ties)

    need = threshold - 1
    while True:
        failing = _first_failing(table, status, need)
        if failing is None:
            break
        pick = _choose_complement(table, status, failing)
        if pick is None:  # everything hidden already: nothing can be inferred
            break
        status[pick] = "complementary"
        _sync_ties(status, ties)
    _prune(table, status, ties, need)
    return _publish(table, threshold, status)


def _line_partner(
    table: CountTable,
    status: dict[EntryKey, Status],
    line: list[EntryKey],
    lines: list[list[EntryKey]],
) -> EntryKey | None:
    """Second hidden entry for a line, preferring one that also pairs a lone
    hidden entry in the crossing line (one cell then protects two lines)."""

    def lonely_crossing(key: EntryKey) -> int:
        for other in lines:
            if other is not line and key in other:
                if sum(1 for k in other if k in status) == 1:
                    return 0
        return 1

    visible = [k for k in line if k not in status]
    if not visible:
        return None
    return min(visible, key=lambda k: (lonely_crossing(k), *_order(table, k)))


def _prune(
    table: CountTable,
    status: dict[EntryKey, Status],
    ties: list[list[EntryKey]],
    need: int,
) -> None:
    """Show again every complementary entry that is not needed, largest first."""
    complements = sorted(
        (k for k, s in status.items() if s == "complementary"),
        key=lambda k: -table.value(k),
    )
    for key in complements:
        if status.get(key) != "complementary":
            continue
        group = next((g for g in ties if key in g), [key])
        if any(status.get(k) == "primary" for k in group):
            continue
        trial = {k: s for k, s in status.items() if k not in group}
        if _first_failing(table, trial, need) is None:
            for k in group:
                status.pop(k, None)


def _sync_ties(status: dict[EntryKey, Status], ties: list[list[EntryKey]]) -> None:
    changed = True
    while changed:
        changed = False
        for group in ties:
            states = [status[k] for k in group if k in status]
            if states and len(states) < len(group):
                kind: Status = "primary" if "primary" in states else "complementary"
                for key in group:
                    if key not in status:
                        status[key] = kind
                        changed = True


def _first_failing(
    table: CountTable, status: dict[EntryKey, Status], need: int
) -> EntryKey | None:
    primaries = [k for k, s in status.items() if s == "primary"]
    intervals = feasible_intervals(table, set(status), primaries)
    for key in primaries:
        low, high = intervals[key]
        if high - low < need - 1e-6:
            return key
    return None


def _order(table: CountTable, key: EntryKey) -> tuple[int, int, int]:
    value = table.value(key)
    return (0 if key[0] == "cell" else 1, 1 if value == 0 else 0, value)


def _smallest(
    table: CountTable, status: dict[EntryKey, Status], candidates: Sequence[EntryKey]
) -> EntryKey | None:
    visible = [k for k in candidates if k not in status]
    if not visible:
        return None
    return min(visible, key=lambda k: _order(table, k))


def _choose_complement(
    table: CountTable, status: dict[EntryKey, Status], failing: EntryKey
) -> EntryKey | None:
    kind, i, j = failing
    same_line: list[EntryKey] = []
    for line in _lines(table):
        if failing in line:
            same_line += line
    if kind == "cell":
        # Cells that close a rectangle with hidden cells lend protection both ways.
        rows, cols = table.shape
        hidden_rows = {r for (k, r, _c) in status if k == "cell" and r != i}
        hidden_cols = {c for (k, _r, c) in status if k == "cell" and c != j}
        rectangle = [("cell", r, j) for r in hidden_rows] + [
            ("cell", i, c) for c in hidden_cols
        ]
        pick = _smallest(table, status, [k for k in rectangle if table.value(k) > 0])
        if pick is not None:
            return pick
    pick = _smallest(table, status, same_line)
    if pick is not None:
        return pick
    return _smallest(table, status, table.entries())


def _publish(
    table: CountTable, threshold: int, status: dict[EntryKey, Status]
) -> SuppressedTable:
    full: dict[EntryKey, Status] = {
        key: status.get(key, "shown") for key in table.entries()
    }

    def pub(key: EntryKey) -> int | None:
        return None if full[key] != "shown" else table.value(key)

    rows, cols = table.shape
    return SuppressedTable(
        title=table.title,
        row_labels=table.row_labels,
        col_labels=table.col_labels,
        cells=tuple(
            tuple(pub(("cell", i, j)) for j in range(cols)) for i in range(rows)
        ),
        row_totals=tuple(pub(("row", i, -1)) for i in range(rows)),
        col_totals=tuple(pub(("col", -1, j)) for j in range(cols)),
        grand_total=pub(("grand", -1, -1)),
        threshold=threshold,
        row_header=table.row_header,
        status=full,
    )
