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
from typing import Any, Literal, cast

from nowrongdoor._privacy import SMALL_CELL_THRESHOLD, is_small_cell

__all__ = [
    "CountTable",
    "EntryKey",
    "GlobalKey",
    "SuppressedTable",
    "feasible_intervals",
    "suppress",
    "suppress_system",
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
        return cast(int, _entry(self, key))  # nothing of a CountTable is hidden

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
        return _entry(self, key)

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


def _entry(table: CountTable | SuppressedTable, key: EntryKey) -> int | None:
    """One entry of a table: a cell, a row or column total, or the grand total."""
    kind, i, j = key
    if kind == "cell":
        return table.cells[i][j]
    if kind == "row":
        return table.row_totals[i]
    if kind == "col":
        return table.col_totals[j]
    return table.grand_total


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


GlobalKey = tuple[int, EntryKey]


class _System:
    """One or more tables whose shared entries are the same unknowns.

    ``groups`` maps every entry (table index, key) to a representative: entries
    of one group are the same number (a one-column table's cells and row totals;
    a total two linked tables both carry) and are hidden or shown together.
    """

    def __init__(
        self, tables: Sequence[CountTable], links: Sequence[Sequence[GlobalKey]]
    ) -> None:
        self.tables = list(tables)
        parent: dict[GlobalKey, GlobalKey] = {}

        def find(key: GlobalKey) -> GlobalKey:
            parent.setdefault(key, key)
            while parent[key] != key:
                parent[key] = parent[parent[key]]
                key = parent[key]
            return key

        groups = [
            [(t, k) for k in group]
            for t, table in enumerate(self.tables)
            for group in _tied(table)
        ] + [list(link) for link in links]
        for t, table in enumerate(self.tables):
            for entry in table.entries():
                find((t, entry))
        for group in groups:
            for other in group[1:]:
                parent[find(other)] = find(group[0])
        self.rep = {key: find(key) for key in list(parent)}
        self.members: dict[GlobalKey, list[GlobalKey]] = {}
        for member, rep in self.rep.items():
            self.members.setdefault(rep, []).append(member)
        self.lines = [
            [(t, k) for k in line]
            for t, table in enumerate(self.tables)
            for line in _lines(table)
        ]

    def value(self, key: GlobalKey) -> int:
        return self.tables[key[0]].value(key[1])

    def sync(self, status: dict[GlobalKey, Status]) -> None:
        """Give every member of a group the status of its strongest member."""
        for members in self.members.values():
            states = [status[k] for k in members if k in status]
            if states and len(states) < len(members) or len(set(states)) > 1:
                kind: Status = "primary" if "primary" in states else "complementary"
                for key in members:
                    status[key] = kind

    def intervals(
        self, hidden: Collection[GlobalKey], targets: Sequence[GlobalKey]
    ) -> dict[GlobalKey, tuple[float, float]]:
        """LP bounds of each target under the published system."""
        audit = _Audit(self, hidden)
        return {key: audit.bounds(key) for key in targets}

    def first_failing(
        self,
        status: dict[GlobalKey, Status],
        need: int,
        passed: set[GlobalKey] | None = None,
        first: Collection[GlobalKey] = (),
    ) -> GlobalKey | None:
        """A primary entry whose interval is narrower than ``need``, or ``None``.

        Args:
            status: Hidden entries and why.
            need: Smallest acceptable interval width.
            passed: Representatives already known to pass; extended with the
                ones that pass here. Valid while entries are only added to the
                hidden set (hiding more can only widen every interval).
            first: Entries whose lines are checked first (likely failures).
        """
        reps: dict[GlobalKey, GlobalKey] = {}
        for key, state in status.items():
            if state == "primary":
                reps.setdefault(self.rep[key], key)
        if not reps:
            return None
        near: set[GlobalKey] = set()
        for line in self.lines:
            if any(k in first for k in line):
                near.update(self.rep[k] for k in line)
        order = sorted(reps, key=lambda rep: rep not in near)
        audit = _Audit(self, list(status))
        for rep in order:
            if passed is not None and rep in passed:
                continue
            if not audit.width_at_least(reps[rep], need):
                return reps[rep]
            if passed is not None:
                passed.add(rep)
        return None


class _Audit:
    """The published linear system for one hidden set, solved lazily."""

    def __init__(self, system: _System, hidden: Collection[GlobalKey]) -> None:
        import numpy as np

        self.system = system
        variables = sorted({system.rep[k] for k in hidden})
        self.index = {key: n for n, key in enumerate(variables)}
        a_rows: list[Any] = []
        b_vals: list[float] = []
        for line in system.lines:
            *parts, total = line
            coeffs = np.zeros(len(variables))
            rhs = 0.0
            touched = False
            for key, sign in [(k, 1.0) for k in parts] + [(total, -1.0)]:
                rep = system.rep[key]
                if rep in self.index:
                    coeffs[self.index[rep]] += sign
                    touched = True
                else:
                    rhs -= sign * system.value(key)
            if touched:
                a_rows.append(coeffs)
                b_vals.append(rhs)
        self.a_eq = np.vstack(a_rows) if a_rows else None
        self.b_eq = np.array(b_vals) if a_rows else None
        self.size = len(variables)

    def _solve(self, key: GlobalKey, sense: float) -> float:
        import numpy as np
        from scipy.optimize import linprog

        objective = np.zeros(self.size)
        objective[self.index[self.system.rep[key]]] = sense
        result = linprog(
            objective,
            A_eq=self.a_eq,
            b_eq=self.b_eq,
            bounds=(0, None),
            method="highs",
        )
        if result.status == 3:  # unbounded (only when maximising)
            return float("inf")
        if result.status != 0:
            raise RuntimeError(f"bounding {key} failed: {result.message}")
        return round(sense * float(result.fun), 6)

    def bounds(self, key: GlobalKey) -> tuple[float, float]:
        """(min, max) of a hidden entry."""
        return self._solve(key, 1.0), self._solve(key, -1.0)

    def width_at_least(self, key: GlobalKey, need: float) -> bool:
        """Whether the entry's interval is at least ``need`` wide.

        The true value lies in the interval, so when the maximum alone is
        ``need`` above it the minimum need not be solved.
        """
        value = self.system.value(key)
        high = self._solve(key, -1.0)
        if high - value >= need - 1e-6:
            return True
        return high - self._solve(key, 1.0) >= need - 1e-6


def feasible_intervals(
    table: CountTable, hidden: set[EntryKey], targets: Sequence[EntryKey] | None = None
) -> dict[EntryKey, tuple[float, float]]:
    """What an attacker can infer about hidden entries from the published ones.

    Solves, for each target, ``min`` and ``max`` of that entry over all
    non-negative real tables that agree with every published entry and every
    row, column and grand-total equation (for one table the constraint matrix
    is a network matrix, so the bounds are integers).

    Args:
        table: The true table (published entries are its values).
        hidden: Keys of the suppressed entries (the LP variables).
        targets: Entries to bound; default every hidden entry.

    Returns:
        ``{key: (low, high)}``; ``high`` is ``inf`` when unbounded.
    """
    system = _System([table], [])
    wanted = sorted(hidden) if targets is None else list(targets)
    found = system.intervals([(0, k) for k in hidden], [(0, k) for k in wanted])
    return {key: found[(0, key)] for key in wanted}


def suppress(
    table: CountTable,
    threshold: int = SMALL_CELL_THRESHOLD,
    force: Collection[EntryKey] = (),
) -> SuppressedTable:
    """Suppress small cells and enough other cells that none can be recomputed.

    1. Primary: every cell and every total with a value from 1 to
       ``threshold - 1`` (zero is shown).
    2. Lines: every row, column and total line with exactly one hidden entry
       gets a second one (the smallest non-zero interior cell of that line).
    3. Audit: for each primary entry, two linear programs bound it under the
       published system; while some interval is narrower than
       ``threshold - 1`` (so it could be read as "small", or is pinned), hide
       the smallest visible non-zero interior cell that closes a rectangle with
       hidden cells, else in that entry's row or column, else anywhere (zeros
       and totals last), and audit again.
    4. Prune: show again each complementary entry, largest first, that the
       audit does not need.

    Args:
        table: The counts.
        threshold: Smallest value that may be shown (CMS: 11).
        force: Entries to hide and protect like primary cells whatever their
            value (a total that a linked table had to hide).

    Returns:
        The publishable table, with each hidden entry's reason in ``status``.
    """
    return suppress_system([table], [], threshold, [(0, k) for k in force])[0]


def suppress_system(
    tables: Sequence[CountTable],
    links: Sequence[Sequence[GlobalKey]],
    threshold: int = SMALL_CELL_THRESHOLD,
    force: Collection[GlobalKey] = (),
) -> list[SuppressedTable]:
    """Suppress several tables whose linked entries are the same numbers.

    Like :func:`suppress`, but the audit solves one linear system for all the
    tables, so a reader combining them learns no more than from each alone.

    Args:
        tables: The counts.
        links: Groups of ``(table index, entry key)`` that are the same number
            (for example the month totals of two tables of the same people).
        threshold: Smallest value that may be shown.
        force: Entries to hide and protect whatever their value.

    Returns:
        One publishable table per input table, in order.
    """
    system = _System(tables, links)
    status: dict[GlobalKey, Status] = {}
    for t, table in enumerate(tables):
        for key in table.entries():
            g = (t, key)
            if (threshold >= 2 and is_small_cell(table.value(key), threshold)) or (
                g in force
            ):
                status[g] = "primary"
    system.sync(status)
    if status:
        for line in system.lines:
            hidden = [k for k in line if k in status]
            if len(hidden) == 1:
                pick = _line_partner(system, status, line)
                if pick is not None:
                    status[pick] = "complementary"
                    system.sync(status)
        need = max(threshold - 1, 0)
        passed: set[GlobalKey] = set()
        while True:
            failing = system.first_failing(status, need, passed)
            if failing is None:
                break
            pick = _choose_complement(system, status, failing)
            if pick is None:  # everything hidden already: nothing can be inferred
                break
            status[pick] = "complementary"
            system.sync(status)
        _prune(system, status, need)
    return [
        _publish(table, threshold, {k: s for (t2, k), s in status.items() if t2 == t})
        for t, table in enumerate(tables)
    ]


def _order(system: _System, key: GlobalKey) -> tuple[int, int, int]:
    value = system.value(key)
    return (0 if key[1][0] == "cell" else 1, 1 if value == 0 else 0, value)


def _smallest(
    system: _System,
    status: dict[GlobalKey, Status],
    candidates: Sequence[GlobalKey],
) -> GlobalKey | None:
    visible = [k for k in candidates if k not in status]
    if not visible:
        return None
    return min(visible, key=lambda k: _order(system, k))


def _line_partner(
    system: _System, status: dict[GlobalKey, Status], line: list[GlobalKey]
) -> GlobalKey | None:
    """Second hidden entry for a line, preferring one that also pairs a lone
    hidden entry in the crossing line (one cell then protects two lines)."""

    def lonely_crossing(key: GlobalKey) -> int:
        for other in system.lines:
            if other is not line and key in other:
                if sum(1 for k in other if k in status) == 1:
                    return 0
        return 1

    visible = [k for k in line if k not in status]
    if not visible:
        return None
    return min(visible, key=lambda k: (lonely_crossing(k), *_order(system, k)))


def _choose_complement(
    system: _System, status: dict[GlobalKey, Status], failing: GlobalKey
) -> GlobalKey | None:
    t, (kind, i, j) = failing
    same_line: list[GlobalKey] = []
    for line in system.lines:
        if failing in line:
            same_line += line
    if kind == "cell":
        # Cells that close a rectangle with hidden cells lend protection both ways.
        hidden = [k for (t2, k) in status if t2 == t and k[0] == "cell"]
        hidden_rows = {r for (_k, r, _c) in hidden if r != i}
        hidden_cols = {c for (_k, _r, c) in hidden if c != j}
        rectangle: list[GlobalKey] = [(t, ("cell", r, j)) for r in hidden_rows]
        rectangle += [(t, ("cell", i, c)) for c in hidden_cols]
        pick = _smallest(system, status, [k for k in rectangle if system.value(k) > 0])
        if pick is not None:
            return pick
    pick = _smallest(system, status, same_line)
    if pick is not None:
        return pick
    everything = [(t, k) for k in system.tables[t].entries()]
    pick = _smallest(system, status, everything)
    if pick is not None:
        return pick
    return _smallest(system, status, list(system.rep))


def _prune(system: _System, status: dict[GlobalKey, Status], need: int) -> None:
    """Show again every complementary entry that is not needed, largest first."""
    complements = sorted(
        (k for k, s in status.items() if s == "complementary"),
        key=lambda k: -system.value(k),
    )
    for key in complements:
        if status.get(key) != "complementary":
            continue
        group = system.members[system.rep[key]]
        if any(status.get(k) == "primary" for k in group):
            continue
        trial = {k: s for k, s in status.items() if k not in group}
        if system.first_failing(trial, need, first=group) is None:
            for k in group:
                status.pop(k, None)


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
