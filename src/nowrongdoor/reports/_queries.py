"""The program-metric queries: one function per published table (private).

Each query reads the care database through SQLAlchemy (or a population worklist
directory) and returns a raw :class:`CountTable`; nothing here is published
until :func:`nowrongdoor.reports.program_metrics` suppresses it. Every number in
the program report and on the supervisor/admin pages comes from exactly one of
these functions, named in :data:`METRIC_SPECS` and shown under each table. The
crosstabs of the care database are one parameterised query (:func:`_tabulate`
over a :class:`_Crosstab` description); the others (first identification, people
served, the worklist) need more than a pair of columns.

Survey responses stored as screenings (instrument ``survivor-survey``) are research
answers, not screenings, and are left out of the screening tables.

Dates: a period is ``[start, end]`` in whole UTC days; rows are attributed to the
month of the event that defines them (screening performed, case opened,
referral sent, need recorded, first identification).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

from nowrongdoor.errors import UserInputError, read_user_text
from nowrongdoor.reports._instrument import SURVEY_INSTRUMENT_ID
from nowrongdoor.reports._suppress import CountTable

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from nowrongdoor.care.models import Person

__all__ = [
    "AGE_BANDS",
    "METRIC_SPECS",
    "MetricSpec",
    "Period",
    "ReferralTimings",
    "referral_timings",
]

#: (label, lowest age, highest age) for breakdowns by age.
AGE_BANDS: tuple[tuple[str, int, int], ...] = (
    ("Under 12", 0, 11),
    ("12 to 17", 12, 17),
    ("18 to 24", 18, 24),
    ("25 to 34", 25, 34),
    ("35 to 44", 35, 44),
    ("45 to 64", 45, 64),
    ("65 or older", 65, 200),
)
UNKNOWN = "Not recorded"
PATHWAYS = ("prevent", "survive", "thrive")
REFERRAL_STATUSES = (
    "sent",
    "accepted",
    "in_progress",
    "completed",
    "declined",
    "cancelled",
)
NEED_STATUSES = ("identified", "in_progress", "met", "not_met")
CASE_STATUSES = ("open", "active", "closed")
#: How an intake's door reads as a source of identification.
SOURCE_LABELS = {
    "self": "self-disclosure",
    "claims_flag": "claims flag",
    "ad_match": "ad match",
    "partner": "partner",
    "screening": "screening",
}


@dataclass(frozen=True)
class Period:
    """A reporting period of whole UTC days, ``start`` to ``end`` inclusive.

    Attributes:
        start: First day.
        end: Last day.
        organization_id: Count only the records of this organisation (the
            viewer's, in the care service); ``None`` counts the whole database
            (the operator's ``nowrongdoor report program``).
    """

    start: dt.date
    end: dt.date
    organization_id: int | None = None

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise UserInputError(
                f"the period ends ({self.end}) before it starts ({self.start})"
            )

    @property
    def lower(self) -> dt.datetime:
        """First instant of the period (UTC)."""
        return dt.datetime.combine(self.start, dt.time(), tzinfo=dt.UTC)

    @property
    def upper(self) -> dt.datetime:
        """First instant after the period (UTC)."""
        return dt.datetime.combine(
            self.end + dt.timedelta(days=1), dt.time(), tzinfo=dt.UTC
        )

    def months(self) -> list[str]:
        """``YYYY-MM`` of every month the period touches, in order."""
        out, year, month = [], self.start.year, self.start.month
        while (year, month) <= (self.end.year, self.end.month):
            out.append(f"{year:04d}-{month:02d}")
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        return out

    def within(self, column: Any) -> Any:
        """SQL condition: ``column`` falls in the period (lower <= column < upper)."""
        from sqlalchemy import and_

        return and_(column >= self.lower, column < self.upper)

    def contains(self, when: dt.datetime | None) -> bool:
        """Whether a timestamp falls in the period."""
        if when is None:
            return False
        if when.tzinfo is None:
            when = when.replace(tzinfo=dt.UTC)
        return self.lower <= when < self.upper


def _mine(period: Period, m: ModuleType, entity: Any) -> Any:
    """SQL condition: a row of ``entity`` belongs to the period's organisation.

    Screenings belong to their person's organisation, needs to their case's,
    referrals to the organisation that sent them.
    """
    from sqlalchemy import select, true

    org = period.organization_id
    if org is None:
        return true()
    if entity is m.Screening:
        return m.Screening.person_id.in_(
            select(m.Person.id).where(m.Person.organization_id == org)
        )
    if entity is m.Need:
        return m.Need.case_id.in_(
            select(m.Case.id).where(m.Case.organization_id == org)
        )
    if entity is m.Referral:
        return m.Referral.from_organization_id == org
    return entity.organization_id == org


def _month(when: dt.datetime) -> str:
    return f"{when.year:04d}-{when.month:02d}"


def _ordered(seen: Iterable[str], preferred: Sequence[str] = ()) -> list[str]:
    """Preferred labels first (all of them), then any others alphabetically."""
    extra = sorted(set(seen) - set(preferred))
    return [*preferred, *extra]


def _crosstab(
    title: str,
    pairs: Iterable[tuple[str, str]],
    rows: Sequence[str],
    cols: Sequence[str],
    row_header: str,
) -> CountTable:
    counts = Counter(pairs)
    row_labels = _ordered((r for r, _ in counts), rows)
    col_labels = _ordered((c for _, c in counts), cols)
    return CountTable.build(
        title,
        row_labels,
        col_labels,
        [[counts.get((r, c), 0) for c in col_labels] for r in row_labels],
        row_header=row_header,
    )


def _age_band(age: int | None) -> str:
    if age is None:
        return UNKNOWN
    for label, low, high in AGE_BANDS:
        if low <= age <= high:
            return label
    return UNKNOWN


def _models() -> ModuleType:
    from nowrongdoor.care import models

    return models


@dataclass(frozen=True)
class _Crosstab:
    """One table counted from pairs of columns of one care table.

    Columns are named ``"Model.attribute"`` (care models). Every row of the
    model of ``when`` that falls in the period and belongs to the period's
    organisation counts once; screenings of the survivor survey never count
    (they are research answers).

    Attributes:
        title: Caption of the table.
        row_header: Heading of the label column.
        when: The timestamp that places a row in the period (its model is the
            one counted).
        row: Column giving the row label; ``None`` for the month of ``when``
            (every month of the period is then a row).
        col: Column giving the column label.
        rows: Row labels always shown, in order (besides the months).
        cols: Column labels always shown, in order.
        join: ``(model, its key, the counted model's foreign key)`` joined
            (outer) for ``row`` or ``col``.
        row_label: Turns a row value into its label.
        col_label: Turns a column value into its label.
    """

    title: str
    row_header: str
    when: str
    row: str | None
    col: str
    rows: Sequence[str] = ()
    cols: Sequence[str] = ()
    join: tuple[str, str, str] | None = None
    row_label: Callable[[Any], Any] = lambda value: value
    col_label: Callable[[Any], Any] = lambda value: value


def _column(m: ModuleType, name: str) -> Any:
    model, attribute = name.split(".")
    return getattr(getattr(m, model), attribute)


def _tabulate(session: Session, period: Period, table: _Crosstab) -> CountTable:
    """The one query behind every crosstab of the care database."""
    from sqlalchemy import select

    m = _models()
    entity = getattr(m, table.when.split(".")[0])
    when = _column(m, table.when)
    first = when if table.row is None else _column(m, table.row)
    query = select(first, _column(m, table.col)).select_from(entity)
    if table.join is not None:
        model, key, foreign = table.join
        query = query.outerjoin(
            getattr(m, model), _column(m, key) == _column(m, foreign)
        )
    conditions = [period.within(when), _mine(period, m, entity)]
    if entity is m.Screening:
        conditions.append(m.Screening.instrument_id != SURVEY_INSTRUMENT_ID)
    rows = session.execute(query.where(*conditions)).all()
    row_label = _month if table.row is None else table.row_label
    return _crosstab(
        table.title,
        ((row_label(r), table.col_label(c)) for r, c in rows),
        period.months() if table.row is None else table.rows,
        table.cols,
        table.row_header,
    )


Query = Callable[["Session", Period], CountTable]


def _query(name: str, doc: str, table: _Crosstab) -> Query:
    """The query function of one crosstab, named (its name is shown under the table)."""

    def query(session: Session, period: Period) -> CountTable:
        return _tabulate(session, period, table)

    query.__name__ = query.__qualname__ = name
    query.__doc__ = doc
    return query


def _result(positive: bool | None) -> str:
    return "positive" if positive else "negative"


def _or(missing: str) -> Callable[[str | None], str]:
    return lambda value: value or missing


_RESULTS = ("positive", "negative")

# The crosstabs of the care database: name, what it counts, the table.
# fmt: off
screenings_by_month_instrument = _query(
    "screenings_by_month_instrument", "Screenings performed, by month and instrument.",
    _Crosstab("Screenings by month and instrument", "Month", "Screening.performed_at",
              None, "Screening.instrument_id"))
screening_results_by_instrument = _query(
    "screening_results_by_instrument", "Screenings by instrument and result.",
    _Crosstab("Screening results by instrument", "Instrument", "Screening.performed_at",
              "Screening.instrument_id", "Screening.positive", cols=_RESULTS,
              col_label=_result))
screening_results_by_door = _query(
    "screening_results_by_door", "Screenings by the door of their intake and result.",
    _Crosstab("Screening results by door", "Door", "Screening.performed_at",
              "Intake.door", "Screening.positive", cols=_RESULTS,
              join=("Intake", "Intake.id", "Screening.intake_id"),
              row_label=_or("no intake recorded"), col_label=_result))
cases_by_pathway_status = _query(
    "cases_by_pathway_status", "Cases opened in the period, by pathway and status.",
    _Crosstab("Cases opened, by pathway and current status", "Pathway",
              "Case.opened_at", "Case.pathway", "Case.status", rows=PATHWAYS,
              cols=CASE_STATUSES))
cases_by_month_pathway = _query(
    "cases_by_month_pathway", "Cases opened, by month and pathway.",
    _Crosstab("Cases opened by month and pathway", "Month", "Case.opened_at", None,
              "Case.pathway", cols=PATHWAYS))
referrals_by_month_status = _query(
    "referrals_by_month_status", "Referrals sent, by month sent and current status.",
    _Crosstab("Referrals sent by month and current status", "Month",
              "Referral.sent_at", None, "Referral.status", cols=REFERRAL_STATUSES))
referrals_by_need_status = _query(
    "referrals_by_need_status", "Referrals sent, by need category and status.",
    _Crosstab("Referrals sent by need category and current status", "Need category",
              "Referral.sent_at", "Referral.need_category", "Referral.status",
              cols=REFERRAL_STATUSES, row_label=_or("not recorded")))
needs_by_category_status = _query(
    "needs_by_category_status", "Needs recorded in the period, by category and status.",
    _Crosstab("Needs by SDOH category and status", "Category", "Need.created_at",
              "Need.category", "Need.status", cols=NEED_STATUSES))
# fmt: on


# --- identification -----------------------------------------------------------


def identified_by_month_source(session: Session, period: Period) -> CountTable:
    """People identified in the period, by month and source.

    A person is identified at their earliest intake (source: its door), positive
    screening (source: screening) or imported claims risk flag (source: claims
    flag), whichever came first; each person counts once, in the period that
    holds that first event.
    """
    from sqlalchemy import select

    m = _models()
    first: dict[int, tuple[dt.datetime, str]] = {}

    def offer(person_id: int | None, at: dt.datetime | None, source: str) -> None:
        if person_id is None or at is None:
            return
        if person_id not in first or at < first[person_id][0]:
            first[person_id] = (at, source)

    for pid, at, door in session.execute(
        select(m.Intake.person_id, m.Intake.received_at, m.Intake.door).where(
            m.Intake.person_id.is_not(None),
            m.Intake.status != "dismissed",
            _mine(period, m, m.Intake),
        )
    ):
        offer(pid, at, SOURCE_LABELS.get(door, door))
    for pid, at in session.execute(
        select(m.Screening.person_id, m.Screening.performed_at).where(
            m.Screening.positive.is_(True),
            m.Screening.instrument_id != SURVEY_INSTRUMENT_ID,
            _mine(period, m, m.Screening),
        )
    ):
        offer(pid, at, "screening")
    for pid, at in session.execute(
        select(m.RiskFlag.person_id, m.RiskFlag.imported_at).where(
            _mine(period, m, m.RiskFlag)
        )
    ):
        offer(pid, at, "claims flag")
    return _crosstab(
        "People identified by month and source",
        ((_month(at), source) for at, source in first.values() if period.contains(at)),
        period.months(),
        ("screening", "claims flag", "ad match", "self-disclosure", "partner"),
        "Month",
    )


# --- cases ----------------------------------------------------------------------


def _served(session: Session, period: Period) -> list[tuple[Person, str]]:
    """(person, pathway of their first case opened in the period)."""
    from sqlalchemy import select

    m = _models()
    rows = session.execute(
        select(m.Case.person_id, m.Case.opened_at, m.Case.pathway)
        .where(period.within(m.Case.opened_at), _mine(period, m, m.Case))
        .order_by(m.Case.opened_at, m.Case.id)
    ).all()
    pathway: dict[int, str] = {}
    for pid, _at, path in rows:
        pathway.setdefault(pid, path)
    if not pathway:
        return []
    people = session.execute(
        select(m.Person).where(m.Person.id.in_(list(pathway)))
    ).scalars()
    return [(person, pathway[person.id]) for person in people]


def _served_by(
    session: Session,
    period: Period,
    title: str,
    label: Callable[[Person], str],
    row_header: str,
    rows: Sequence[str] = (),
) -> CountTable:
    """People served (see :func:`_served`) by ``label`` of the person and pathway."""
    served = _served(session, period)
    pairs = ((label(person), pathway) for person, pathway in served)
    return _crosstab(title, pairs, rows, PATHWAYS, row_header)


def served_by_age_band_pathway(session: Session, period: Period) -> CountTable:
    """People with a case opened in the period, by age band and pathway.

    Age is the age reached in the period's last year (from the birth year).
    """

    def band(person: Person) -> str:
        year = person.birth_year
        return _age_band(None if year is None else period.end.year - int(year))

    title = "People served by age band and pathway"
    bands = [label for label, _, _ in AGE_BANDS]
    return _served_by(session, period, title, band, "Age band", bands)


def _sex(person: Person) -> str:
    value = (person.gender or "").strip().lower()
    return value or UNKNOWN


def served_by_sex_pathway(session: Session, period: Period) -> CountTable:
    """People with a case opened in the period, by recorded sex/gender."""
    title = "People served by sex and pathway"
    return _served_by(session, period, title, _sex, "Sex")


def _county(person: Person) -> str:
    value = getattr(person, "county", None)
    if value is None and isinstance(person.contacts, dict):
        value = person.contacts.get("county")
    return str(value).strip() if value else UNKNOWN


def served_by_county_pathway(session: Session, period: Period) -> CountTable:
    """People with a case opened in the period, by county of residence.

    The county is the person's ``county`` field, or ``contacts["county"]``;
    persons without one are "Not recorded".
    """
    title = "People served by county and pathway"
    return _served_by(session, period, title, _county, "County")


# --- referrals and needs ------------------------------------------------------


@dataclass(frozen=True)
class ReferralTimings:
    """Days from sending a referral to its acceptance and to its completion."""

    days_to_accept: tuple[float, ...]
    days_to_complete: tuple[float, ...]


def referral_timings(session: Session, period: Period) -> ReferralTimings:
    """Timings of referrals sent in the period (for medians)."""
    from sqlalchemy import select

    m = _models()
    rows = session.execute(
        select(
            m.Referral.sent_at, m.Referral.accepted_at, m.Referral.completed_at
        ).where(period.within(m.Referral.sent_at), _mine(period, m, m.Referral))
    ).all()
    accept, complete = [], []
    for sent, accepted, completed in rows:
        if accepted is not None:
            accept.append((accepted - sent).total_seconds() / 86400)
        if completed is not None:
            complete.append((completed - sent).total_seconds() / 86400)
    return ReferralTimings(tuple(accept), tuple(complete))


# --- batch outputs ------------------------------------------------------------


def _worklist_rows(directory: Path) -> list[dict[str, str]]:
    path = Path(directory) / "worklist.csv"
    if not path.is_file():
        raise UserInputError(f"worklist directory {directory} has no worklist.csv")
    reader = csv.DictReader(io.StringIO(read_user_text(path, newline=""), newline=""))
    missing = {"age", "tier", "pathway"} - set(reader.fieldnames or ())
    if missing:
        raise UserInputError(f"{path} lacks column(s) {', '.join(sorted(missing))}")
    return list(reader)


def worklist_by_tier_pathway(directory: Path) -> CountTable:
    """Members on the population worklist, by risk tier and pathway."""
    rows = _worklist_rows(directory)
    return _crosstab(
        "Worklist members by risk tier and pathway",
        ((r["tier"], r["pathway"] or "none") for r in rows),
        ("identified", "high", "elevated"),
        ("survive", "prevent"),
        "Tier",
    )


def worklist_by_age_band_tier(directory: Path) -> CountTable:
    """Members on the population worklist, by age band and risk tier."""

    def band(value: str) -> str:
        try:
            return _age_band(int(float(value)))
        except ValueError:
            return UNKNOWN

    rows = _worklist_rows(directory)
    return _crosstab(
        "Worklist members by age band and risk tier",
        ((band(r["age"]), r["tier"]) for r in rows),
        [label for label, _, _ in AGE_BANDS],
        ("identified", "high", "elevated"),
        "Age band",
    )


@dataclass(frozen=True)
class MetricSpec:
    """One published table and the one query that makes it.

    Attributes:
        key: Stable id (file name of its CSV, anchor in the HTML).
        section: Report section it belongs to.
        query: The function that computes it.
        population: What is counted; tables counting the same population share
            their totals (and their suppression).
        row_dim: What the rows are (shared with other tables of the population).
        col_dim: What the columns are.
        source: ``care`` (the database) or ``worklist`` (batch output files).
    """

    key: str
    section: str
    query: Callable[..., CountTable]
    population: str
    row_dim: str
    col_dim: str
    source: str = "care"

    @property
    def query_name(self) -> str:
        """Dotted name of the query function (shown under the table)."""
        return f"{self.query.__module__}.{self.query.__name__}"


METRIC_SPECS: tuple[MetricSpec, ...] = (
    MetricSpec(
        "screenings_by_month_instrument",
        "Screening",
        screenings_by_month_instrument,
        "screenings",
        "month",
        "instrument",
    ),
    MetricSpec(
        "screening_results_by_instrument",
        "Screening",
        screening_results_by_instrument,
        "screenings",
        "instrument",
        "result",
    ),
    MetricSpec(
        "screening_results_by_door",
        "Screening",
        screening_results_by_door,
        "screenings",
        "door",
        "result",
    ),
    MetricSpec(
        "identified_by_month_source",
        "Identification",
        identified_by_month_source,
        "identified",
        "month",
        "source",
    ),
    MetricSpec(
        "cases_by_month_pathway",
        "Cases",
        cases_by_month_pathway,
        "cases",
        "month",
        "pathway",
    ),
    MetricSpec(
        "cases_by_pathway_status",
        "Cases",
        cases_by_pathway_status,
        "cases",
        "pathway",
        "case_status",
    ),
    MetricSpec(
        "referrals_by_month_status",
        "Referrals",
        referrals_by_month_status,
        "referrals",
        "month",
        "referral_status",
    ),
    MetricSpec(
        "referrals_by_need_status",
        "Referrals",
        referrals_by_need_status,
        "referrals",
        "need",
        "referral_status",
    ),
    MetricSpec(
        "needs_by_category_status",
        "Needs",
        needs_by_category_status,
        "needs",
        "need",
        "need_status",
    ),
    MetricSpec(
        "served_by_age_band_pathway",
        "People served",
        served_by_age_band_pathway,
        "served",
        "age_band",
        "pathway",
    ),
    MetricSpec(
        "served_by_sex_pathway",
        "People served",
        served_by_sex_pathway,
        "served",
        "sex",
        "pathway",
    ),
    MetricSpec(
        "served_by_county_pathway",
        "People served",
        served_by_county_pathway,
        "served",
        "county",
        "pathway",
    ),
    MetricSpec(
        "worklist_by_tier_pathway",
        "Population worklist",
        worklist_by_tier_pathway,
        "worklist",
        "tier",
        "pathway",
        "worklist",
    ),
    MetricSpec(
        "worklist_by_age_band_tier",
        "Population worklist",
        worklist_by_age_band_tier,
        "worklist",
        "age_band",
        "tier",
        "worklist",
    ),
)
