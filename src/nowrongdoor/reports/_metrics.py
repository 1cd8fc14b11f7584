"""Program metrics: run every query, suppress, derive the headline figures (private).

:func:`program_metrics` is the one entry point the CLI report and the web pages
share. Headline figures (totals, loop-closure rate) are read from the suppressed
tables, never recounted, so a headline can never reveal what a table hides.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from nowrongdoor._privacy import SMALL_CELL_THRESHOLD
from nowrongdoor.reports._queries import (
    METRIC_SPECS,
    MetricSpec,
    Period,
    referral_timings,
)
from nowrongdoor.reports._suppress import (
    CountTable,
    EntryKey,
    GlobalKey,
    SuppressedTable,
    suppress_system,
)

__all__ = [
    "MetricTable",
    "ProgramMetrics",
    "ReferralOutcomes",
    "program_metrics",
    "suppress_linked",
]


@dataclass(frozen=True)
class MetricTable:
    """One published table.

    Attributes:
        spec: What it is and which query computed it.
        table: The suppressed table.
    """

    spec: MetricSpec
    table: SuppressedTable


@dataclass(frozen=True)
class ReferralOutcomes:
    """Closed-loop referral figures for referrals sent in the period.

    Counts come from the published totals of ``referrals_by_month_status``; a
    figure is ``None`` when any count it needs is suppressed. ``accepted`` counts
    referrals whose current status is accepted, in progress or completed.
    ``loop_closed`` counts referrals the partner closed (completed or declined).

    Attributes:
        sent: Referrals sent.
        accepted: Referrals accepted (now accepted, in progress or completed).
        declined: Referrals declined.
        completed: Referrals completed.
        loop_closed: Completed plus declined.
        loop_closure_rate: ``loop_closed / sent`` in percent.
        median_days_to_accept: Median days sent -> accepted (``None`` below the
            threshold number of accepted referrals).
        median_days_to_complete: Median days sent -> completed.
    """

    sent: int | None
    accepted: int | None
    declined: int | None
    completed: int | None
    loop_closed: int | None
    loop_closure_rate: float | None
    median_days_to_accept: float | None
    median_days_to_complete: float | None


@dataclass(frozen=True)
class ProgramMetrics:
    """Everything the program report shows, suppressed.

    Attributes:
        start: First day of the period.
        end: Last day of the period.
        threshold: Smallest count shown.
        tables: Every published table, in report order.
        referrals: Closed-loop referral figures.
        generated_at: When the metrics were computed (UTC).
    """

    start: dt.date
    end: dt.date
    threshold: int
    tables: tuple[MetricTable, ...]
    referrals: ReferralOutcomes
    generated_at: dt.datetime

    def table(self, key: str) -> SuppressedTable:
        """The published table with ``key`` (see ``METRIC_SPECS``)."""
        for item in self.tables:
            if item.spec.key == key:
                return item.table
        raise KeyError(key)

    def headline(self) -> dict[str, int | None]:
        """Period totals, each the grand total of one published table."""
        keys = {
            "Screenings": "screenings_by_month_instrument",
            "People identified": "identified_by_month_source",
            "Cases opened": "cases_by_month_pathway",
            "People served": "served_by_age_band_pathway",
            "Referrals sent": "referrals_by_month_status",
            "Needs recorded": "needs_by_category_status",
        }
        out: dict[str, int | None] = {}
        for label, key in keys.items():
            out[label] = self.table(key).grand_total
        positive = self.table("screening_results_by_instrument").col_totals
        labels = self.table("screening_results_by_instrument").col_labels
        out["Positive screenings"] = positive[labels.index("positive")]
        return out


def _margin_ids(spec: MetricSpec, table: CountTable) -> dict[EntryKey, tuple[str, ...]]:
    """Identity of each total shared with other tables of the same population."""
    ids: dict[EntryKey, tuple[str, ...]] = {
        ("grand", -1, -1): (spec.population, "*grand*")
    }
    for i, label in enumerate(table.row_labels):
        ids[("row", i, -1)] = (spec.population, spec.row_dim, label)
    for j, label in enumerate(table.col_labels):
        ids[("col", -1, j)] = (spec.population, spec.col_dim, label)
    return ids


def suppress_linked(
    items: Sequence[tuple[MetricSpec, CountTable]], threshold: int
) -> list[SuppressedTable]:
    """Suppress tables that share totals as one linear system.

    Tables of the same population share a total when they break down by the same
    dimension (the instrument totals of screenings by month and instrument and of
    screening results by instrument are the same numbers). Such totals are one
    unknown for the audit, hidden or shown together, and the linear programs
    bound every hidden count under all the tables of the population at once.

    Raises:
        ValueError: two totals that should be the same number differ (the
            tables do not count the same population).
    """
    by_population: dict[str, list[int]] = {}
    for n, (spec, _raw) in enumerate(items):
        by_population.setdefault(spec.population, []).append(n)
    out: list[SuppressedTable | None] = [None] * len(items)
    for members in by_population.values():
        tables = [items[n][1] for n in members]
        shared: dict[tuple[str, ...], list[GlobalKey]] = {}
        for t, n in enumerate(members):
            spec, raw = items[n]
            for key, identity in _margin_ids(spec, raw).items():
                shared.setdefault(identity, []).append((t, key))
        links = []
        for identity, keys in shared.items():
            values = {tables[t].value(key) for t, key in keys}
            if len(values) > 1:
                raise ValueError(
                    f"linked totals {identity} differ between tables: {sorted(values)}"
                )
            if len(keys) > 1:
                links.append(keys)
        for n, table in zip(
            members, suppress_system(tables, links, threshold), strict=True
        ):
            out[n] = table
    return [table for table in out if table is not None]


def _sum_published(values: Sequence[int | None]) -> int | None:
    return None if any(v is None for v in values) else sum(v or 0 for v in values)


def _status_total(table: SuppressedTable, status: str) -> int | None:
    if status not in table.col_labels:
        return 0
    return table.col_totals[table.col_labels.index(status)]


def _median(values: Sequence[float], threshold: int) -> float | None:
    if len(values) < threshold or not values:
        return None
    return round(statistics.median(values), 1)


def _referral_outcomes(
    table: SuppressedTable, session: Any, period: Period, threshold: int
) -> ReferralOutcomes:
    sent = table.grand_total
    accepted = _sum_published(
        [_status_total(table, s) for s in ("accepted", "in_progress", "completed")]
    )
    declined = _status_total(table, "declined")
    completed = _status_total(table, "completed")
    loop_closed = _sum_published([completed, declined])
    rate = None
    if loop_closed is not None and sent:
        rate = 100.0 * loop_closed / sent
    timings = referral_timings(session, period)
    return ReferralOutcomes(
        sent=sent,
        accepted=accepted,
        declined=declined,
        completed=completed,
        loop_closed=loop_closed,
        loop_closure_rate=rate,
        median_days_to_accept=_median(timings.days_to_accept, threshold),
        median_days_to_complete=_median(timings.days_to_complete, threshold),
    )


def program_metrics(
    session: Any,
    start: dt.date,
    end: dt.date,
    *,
    threshold: int = SMALL_CELL_THRESHOLD,
    worklist_dir: Path | None = None,
    organization_id: int | None = None,
) -> ProgramMetrics:
    """Program reach and outcomes for ``start``..``end`` (inclusive), suppressed.

    Args:
        session: A SQLAlchemy session on the care database.
        start: First day of the period.
        end: Last day of the period.
        threshold: Smallest count that may be shown
            (``settings.suppression_threshold``).
        worklist_dir: A population worklist output directory (``worklist.csv``);
            its tables are left out when ``None``.
        organization_id: Count only this organisation's records (the care
            service passes the viewer's); ``None`` counts every organisation.

    Returns:
        The metrics, every table suppressed (linked totals consistently).

    Raises:
        UserInputError: the period ends before it starts, or the worklist
            directory has no usable ``worklist.csv``.
    """
    period = Period(start, end, organization_id)
    items: list[tuple[MetricSpec, CountTable]] = []
    for spec in METRIC_SPECS:
        if spec.source == "worklist":
            if worklist_dir is None:
                continue
            items.append((spec, spec.query(worklist_dir)))
        else:
            items.append((spec, spec.query(session, period)))
    published = suppress_linked(items, threshold)
    tables = tuple(
        MetricTable(spec=spec, table=table)
        for (spec, _raw), table in zip(items, published, strict=True)
    )
    referral_table = next(
        t.table for t in tables if t.spec.key == "referrals_by_month_status"
    )
    return ProgramMetrics(
        start=start,
        end=end,
        threshold=threshold,
        tables=tables,
        referrals=_referral_outcomes(referral_table, session, period, threshold),
        generated_at=dt.datetime.now(dt.UTC),
    )
