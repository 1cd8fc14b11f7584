"""The pipeline's pure steps, written once as Ibis expressions.

Every function takes and returns Ibis tables and never executes anything, so the
same steps run on DuckDB and on Spark. Portable by construction: no ``split`` or
``strip`` (Spark compiles them differently), regexes only with features both
engines share, dates compared as dates.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import ibis

from nowrongdoor.population._model import ScoringModel

if TYPE_CHECKING:
    import ibis.expr.types as ir

__all__ = [
    "clean_diagnoses",
    "clean_members",
    "default_as_of",
    "diagnosis_rejects",
    "indicator_hits",
    "member_rejects",
    "score_members",
    "valid_members",
]

_DATE_SHAPE = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}([T ].*)?$"
_MIN_DATE = date(1900, 1, 1)
_MAX_DATE = date(2100, 12, 31)


def _text(col: ir.StringValue) -> ir.StringValue:
    return col.fill_null("")


def _date(col: ir.StringValue) -> ir.DateValue:
    """A ``YYYY-MM-DD`` (optionally followed by a time) string as a date, else null."""
    parsed = col.substr(0, 10).try_cast("date")
    ok = (
        col.re_search(_DATE_SHAPE).fill_null(False)
        & parsed.notnull()
        & (parsed >= _MIN_DATE)
        & (parsed <= _MAX_DATE)
    )
    return ibis.ifelse(ok, parsed, ibis.null("date"))


def clean_members(raw: ir.Table) -> ir.Table:
    """Add parsed ``birth`` (date or null) and a cleaned ``member_id``."""
    return raw.mutate(member_id=_text(raw.member_id), birth=_date(raw.birth_date))


def clean_diagnoses(raw: ir.Table) -> ir.Table:
    """Add parsed ``date`` and the normalised ``code`` (upper case, no dot/space)."""
    code = _text(raw.dx_code).upper().replace(".", "").replace(" ", "")
    return raw.mutate(
        member_id=_text(raw.member_id), date=_date(raw.service_date), code=code
    )


def _reject(t: ir.Table, check: str, reason: ir.StringValue) -> ir.Table:
    return t.select(file=t._file, row=t._row, check=ibis.literal(check), reason=reason)


def _quoted(col: ir.StringValue) -> ir.StringValue:
    return ibis.literal("'") + _text(col) + ibis.literal("'")


def member_rejects(members: ir.Table) -> ir.Table:
    """Rows of member records that cannot be used, with the reason."""
    no_id = members.filter(members.member_id == "")
    bad = members.filter((members.member_id != "") & members.birth.isnull())
    return _reject(no_id, "member_id empty", ibis.literal("member_id is empty")).union(
        _reject(
            bad,
            "birth_date invalid",
            ibis.literal("birth_date ")
            + _quoted(bad.birth_date)
            + ibis.literal(" is not a valid YYYY-MM-DD date"),
        )
    )


def diagnosis_rejects(
    dx: ir.Table, icd_codes: ir.Table, members: ir.Table | None
) -> ir.Table:
    """Diagnosis rows that cannot be used, with the reason.

    Args:
        dx: Cleaned diagnoses.
        icd_codes: One column ``icd_code``: every ICD-10-CM code, normalised.
        members: Valid members; when given, diagnoses of unknown members are
            rejected too (members came from a separate file).

    Returns:
        Rejects (file, row, check, reason).
    """
    no_id = dx.filter(dx.member_id == "")
    rest = dx.filter(dx.member_id != "")
    bad_date = rest.filter(rest.date.isnull())
    dated = rest.filter(rest.date.notnull())
    empty = dated.filter(dated.code == "")
    coded = dated.filter(dated.code != "")
    unknown = coded.anti_join(icd_codes, coded.code == icd_codes.icd_code)
    parts = [
        _reject(no_id, "member_id empty", ibis.literal("member_id is empty")),
        _reject(
            bad_date,
            "service_date invalid",
            ibis.literal("service_date ")
            + _quoted(bad_date.service_date)
            + ibis.literal(" is not a valid YYYY-MM-DD date"),
        ),
        _reject(empty, "diagnosis code empty", empty.dx_field + " is empty"),
        _reject(
            unknown,
            "diagnosis code unknown",
            unknown.dx_field
            + ibis.literal(": ")
            + _quoted(unknown.dx_code)
            + ibis.literal(" is not an ICD-10-CM code"),
        ),
    ]
    if members is not None:
        known = coded.semi_join(icd_codes, coded.code == icd_codes.icd_code)
        orphan = known.anti_join(members, known.member_id == members.member_id)
        parts.append(
            _reject(
                orphan,
                "member not found",
                ibis.literal("member_id ")
                + _quoted(orphan.member_id)
                + ibis.literal(" has no valid member record"),
            )
        )
    return ibis.union(*parts)


def _age(birth: ir.DateValue, as_of: date) -> ir.IntegerValue:
    later = (birth.month() > as_of.month) | (
        (birth.month() == as_of.month) & (birth.day() > as_of.day)
    )
    return (ibis.literal(as_of.year) - birth.year() - ibis.ifelse(later, 1, 0)).cast(
        "int32"
    )


def valid_members(members: ir.Table, model: ScoringModel, as_of: date) -> ir.Table:
    """One row per usable member: birth date, age and age band on ``as_of``.

    When rows disagree on a member's birth date, the earliest is used and
    ``birth_dates`` counts the distinct values (reported in the summary).
    """
    ok = members.filter((members.member_id != "") & members.birth.notnull())
    agg = ok.group_by("member_id").agg(
        birth=ok.birth.min(), birth_dates=ok.birth.nunique()
    )
    age = _age(agg.birth, as_of)
    band = ibis.cases(
        *[(age.between(b.min_age, b.max_age), b.name) for b in model.age_bands],
        else_=ibis.null("string"),
    )
    return agg.mutate(age=age, band=band)


def default_as_of(dx: ir.Table) -> ir.Scalar:
    """The latest valid service date: the default reference date."""
    return dx.filter(dx.member_id != "").date.max()


def indicator_hits(
    dx: ir.Table,
    members: ir.Table,
    value_codes: ir.Table,
    points: ir.Table,
    as_of: date,
) -> ir.Table:
    """One row per member and indicator: the most recent qualifying diagnosis.

    Args:
        dx: Cleaned diagnoses.
        members: Output of :func:`valid_members`.
        value_codes: ``vs_code`` (normalised) -> ``indicator``.
        points: Per indicator and band: ``points``, ``window_start``, ``identifies``.
        as_of: End of every look-back window (inclusive).

    Returns:
        member_id, indicator, code, date, points, identifies. Ties on the date go
        to the lowest code, so every engine picks the same reason.
    """
    m = members.select("member_id", "band")
    j = (
        dx.select("member_id", "code", "date")
        .join(value_codes, dx.code == value_codes.vs_code)
        .join(m, "member_id")
    )
    j = j.join(points, [j.indicator == points.indicator, j.band == points.band])
    j = j.filter(
        j.date.notnull() & (j.date >= j.window_start) & (j.date <= ibis.literal(as_of))
    )
    ranked = j.mutate(
        _rank=ibis.row_number().over(
            group_by=[j.member_id, j.indicator], order_by=[j.date.desc(), j.code]
        )
    )
    best = ranked.filter(ranked._rank == 0)
    return best.select("member_id", "indicator", "code", "date", "points", "identifies")


def score_members(members: ir.Table, hits: ir.Table, model: ScoringModel) -> ir.Table:
    """Score and tier every valid member.

    Returns:
        member_id, age, score, tier (``identified``, ``high``, ``elevated``,
        ``none``).
    """
    per = hits.group_by("member_id").agg(
        score=hits.points.sum(), identified=hits.identifies.max()
    )
    j = members.left_join(per, members.member_id == per.member_id)
    score = j.score.fill_null(0).cast("int64")
    tier = ibis.cases(
        (j.identified.fill_null(0) > 0, "identified"),
        (score >= model.tiers.high, "high"),
        (score >= model.tiers.elevated, "elevated"),
        else_="none",
    )
    return j.select(member_id=j.member_id, age=j.age, score=score, tier=tier)
