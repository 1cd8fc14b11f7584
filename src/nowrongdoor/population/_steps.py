"""The pipeline's pure steps, written once as Ibis expressions.

Every function takes and returns Ibis tables and never executes anything, so the
same steps run on DuckDB and on Spark. Portable by construction: no ``split`` or
``strip`` (Spark compiles them differently), regexes only with features both
engines share, dates compared as dates.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING

import ibis

from nowrongdoor.population._model import ScoringModel

if TYPE_CHECKING:
    import ibis.expr.types as ir

__all__ = [
    "DATE_RANGE",
    "clean_diagnoses",
    "clean_lines",
    "clean_members",
    "default_as_of",
    "diagnosis_rejects",
    "indicator_hits",
    "member_rejects",
    "score_members",
    "screen_diagnoses",
    "unusable_members",
    "valid_members",
]

_DATE_SHAPE = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}([T ].*)?$"
_MIN_DATE = date(1900, 1, 1)
_MAX_DATE = date(2100, 12, 31)
#: The dates accepted as real (earlier or later ones are invalid), inclusive.
DATE_RANGE = (_MIN_DATE, _MAX_DATE)


def _text(col: ir.StringValue) -> ir.StringValue:
    return col.fill_null("")


def _date(col: ir.Value) -> ir.DateValue:
    """A ``YYYY-MM-DD`` (optionally followed by a time) string as a date, else null.

    Columns that are already typed (Parquet DATE or TIMESTAMP) are only range
    checked: no string round trip.
    """
    dtype = col.type()
    if dtype.is_date() or dtype.is_timestamp():
        typed = col.cast("date")
        return ibis.ifelse(
            typed.between(_MIN_DATE, _MAX_DATE).fill_null(False),
            typed,
            ibis.null("date"),
        )
    col = col.cast("string")
    parsed = col.substr(0, 10).try_cast("date")
    ok = col.re_search(_DATE_SHAPE).fill_null(False) & parsed.between(
        _MIN_DATE, _MAX_DATE
    ).fill_null(False)
    return ibis.ifelse(ok, parsed, ibis.null("date"))


def _text_dates(
    raw: ir.Table,
    column: str,
    rewrite: Callable[[ir.StringValue], ir.Value] | None,
) -> ir.Table:
    """``raw`` with ``_iso`` (the text a reject shows) and ``_when`` (the date or
    null) for a text date column, each distinct value converted once.

    A day repeats on thousands of lines, so the distinct values are rewritten
    (``rewrite``: a column map's date patterns -> ``YYYY-MM-DD`` text), parsed and
    joined back: one hash-join probe per line instead of string work per line.
    A null matches nothing and stays null (no text, no date).
    """
    written = raw.select(_written=raw[column]).distinct()
    iso = written._written if rewrite is None else rewrite(written._written)
    days = written.select("_written", _iso=iso, _when=_date(iso))
    return raw.left_join(days, raw[column] == days._written)


def clean_members(
    raw: ir.Table, rewrite: Callable[[ir.StringValue], ir.Value] | None = None
) -> ir.Table:
    """Add parsed ``birth`` (date or null), clean ``member_id``, text birth_date.

    Args:
        raw: Member rows (``member_id``, ``birth_date``, ...).
        rewrite: Rewrites a text birth date as ``YYYY-MM-DD`` text (a column
            map's date patterns); text dates are converted once per distinct
            value (see :func:`clean_lines`).
    """
    dtype = raw.birth_date.type()
    if dtype.is_date() or dtype.is_timestamp():
        return raw.mutate(
            member_id=_text(raw.member_id),
            birth=_date(raw.birth_date),
            birth_date=raw.birth_date.cast("string"),
        )
    j = _text_dates(
        raw.mutate(birth_date=raw.birth_date.cast("string")), "birth_date", rewrite
    )
    cleaned = {"member_id": _text(j.member_id), "birth_date": j._iso}
    return j.select(**{c: cleaned.get(c, j[c]) for c in raw.columns}, birth=j._when)


def clean_lines(
    raw: ir.Table,
    dates_in_range: bool = False,
    rewrite: Callable[[ir.StringValue], ir.Value] | None = None,
) -> ir.Table:
    """Add the parsed service ``date`` and clean ``member_id`` of claim lines.

    Run once per claim line, before wide lines are unpivoted into one row per
    diagnosis, so dates are parsed once per line rather than once per code.
    Service dates written as text are converted once per distinct value and
    joined back to the lines.

    Args:
        raw: Claim lines.
        dates_in_range: The service dates are typed and known (from the file's
            statistics) to lie within 1900-01-01 .. 2100-12-31, so the range
            check, which costs a comparison per diagnosis of an unpivoted
            columnar file, is left out: its result would be the date itself.
        rewrite: Rewrites a text service date as ``YYYY-MM-DD`` text (a column
            map's date patterns); the rewritten text is what a reject shows.
    """
    dtype = raw.service_date.type()
    if dates_in_range and (dtype.is_date() or dtype.is_timestamp()):
        return raw.mutate(
            member_id=_text(raw.member_id),
            date=raw.service_date.cast("date"),
            service_date=ibis.null("string"),
        )
    if dtype.is_date() or dtype.is_timestamp():
        when = _date(raw.service_date)
        # Typed dates need their text only for a reject message: build it lazily.
        text = ibis.ifelse(
            when.isnull(), raw.service_date.cast("string"), ibis.null("string")
        )
        return raw.mutate(member_id=_text(raw.member_id), date=when, service_date=text)
    j = _text_dates(raw, "service_date", rewrite)
    cleaned = {
        "member_id": _text(j.member_id),
        "service_date": j._iso,
    }
    return j.select(**{c: cleaned.get(c, j[c]) for c in raw.columns}, date=j._when)


def clean_diagnoses(lines: ir.Table) -> ir.Table:
    """Add the normalised ``code`` (upper case, no dot, no space)."""
    # No fill_null here: it costs a pass over every code, and a null code is
    # caught by the "diagnosis code empty" check anyway.
    return lines.mutate(code=lines.dx_code.upper().replace(".", "").replace(" ", ""))


def _quoted(col: ir.StringValue) -> ir.StringValue:
    return ibis.literal("'") + _text(col) + ibis.literal("'")


def member_rejects(members: ir.Table) -> ir.Table:
    """Rows of member records that cannot be used, with the reason (one pass)."""
    no_id = members.member_id == ""
    check = ibis.cases(
        (no_id, "member_id empty"),
        (members.birth.isnull(), "birth_date invalid"),
        else_=ibis.null("string"),
    )
    reason = ibis.cases(
        (no_id, ibis.literal("member_id is empty")),
        else_=ibis.literal("birth_date ")
        + _quoted(members.birth_date)
        + ibis.literal(" is not a valid YYYY-MM-DD date"),
    )
    flagged = members.mutate(check=check, reason=reason)
    flagged = flagged.filter(flagged.check.notnull())
    return flagged.select(
        file=flagged._file,
        row=flagged._row,
        check=flagged.check,
        reason=flagged.reason,
    )


def unusable_members(members: ir.Table) -> ir.Table:
    """Member rows (or groups) with an empty id or an invalid birth date."""
    return members.filter((members.member_id == "") | members.birth.isnull())


def _reasons(t: ir.Table) -> ir.StringValue:
    """The reject sentence for each screened row with a failing ``check``."""
    return ibis.cases(
        (t.check == "member_id empty", ibis.literal("member_id is empty")),
        (
            t.check == "service_date invalid",
            ibis.literal("service_date ")
            + _quoted(t.service_date)
            + ibis.literal(" is not a valid YYYY-MM-DD date"),
        ),
        (t.check == "diagnosis code empty", t.dx_field + ibis.literal(" is empty")),
        (
            t.check == "diagnosis code unknown",
            t.dx_field
            + ibis.literal(": ")
            + _quoted(t.dx_code)
            + ibis.literal(" is not an ICD-10-CM code"),
        ),
        (
            t.check == "member not found",
            ibis.literal("member_id ")
            + _quoted(t.member_id)
            + ibis.literal(" has no valid member record"),
        ),
        else_=ibis.null("string"),
    )


def screen_diagnoses(
    dx: ir.Table, reference: ir.Table, members: ir.Table | None
) -> ir.Table:
    """One pass over every diagnosis: keep the rows that matter, drop the rest.

    A row matters when it fails a check (it becomes a reject) or carries a code of
    an indicator value set (it may become a reason). Everything else, the bulk of
    the claims, is routine care and is dropped here, so later steps read a small
    table.

    Args:
        dx: Cleaned diagnoses.
        reference: Every ICD-10-CM code (``ref_code``, normalised) with the
            ``indicator`` whose value set holds it, or null.
        members: Valid members; when given, diagnoses of unknown members are
            rejected too (members came from a separate file).

    Returns:
        member_id, code, date, indicator, check, reason, _file, _row; ``check``
        (the first failing check) is null for usable rows.
    """
    j = dx.left_join(reference, dx.code == reference.ref_code)
    if members is not None:
        known = members.select(known_member=members.member_id)
        j = j.left_join(known, j.member_id == known.known_member)
    else:
        j = j.mutate(known_member=j.member_id)
    # Filter on plain booleans first; only the kept rows (a few per cent) pay for
    # the check names and the reason strings.
    kept = j.filter(_problem(j) | j.indicator.notnull())
    kept = kept.mutate(check=_check(kept))
    return kept.select(
        "member_id",
        "code",
        "date",
        "indicator",
        "check",
        "_file",
        "_row",
        reason=_reasons(kept),
    )


def _conditions(t: ir.Table) -> list[tuple[ir.BooleanValue, str]]:
    return [
        (t.member_id == "", "member_id empty"),
        (t.date.isnull(), "service_date invalid"),
        (t.code.isnull() | (t.code == ""), "diagnosis code empty"),
        (t.ref_code.isnull(), "diagnosis code unknown"),
        (t.known_member.isnull(), "member not found"),
    ]


def _problem(t: ir.Table) -> ir.BooleanValue:
    conds = [c for c, _ in _conditions(t)]
    out = conds[0]
    for c in conds[1:]:
        out = out | c
    return out


def _check(t: ir.Table) -> ir.StringValue:
    return ibis.cases(*_conditions(t), else_=ibis.null("string"))


def diagnosis_rejects(screened: ir.Table) -> ir.Table:
    """Rejected diagnosis rows (file, row, check, reason) from the screen."""
    bad = screened.filter(screened.check.notnull())
    return bad.select(file=bad._file, row=bad._row, check=bad.check, reason=bad.reason)


def _age(birth: ir.DateValue, as_of: date) -> ir.IntegerValue:
    later = (birth.month() > as_of.month) | (
        (birth.month() == as_of.month) & (birth.day() > as_of.day)
    )
    return (ibis.literal(as_of.year) - birth.year() - ibis.ifelse(later, 1, 0)).cast(
        "int32"
    )


def valid_members(members: ir.Table, model: ScoringModel, as_of: date) -> ir.Table:
    """One row per usable member: birth date, age and age band on ``as_of``.

    When rows disagree on a member's birth date, the earliest is used;
    ``latest_birth`` differs from ``birth`` then (counted in the summary).
    """
    ok = members.filter((members.member_id != "") & members.birth.notnull())
    agg = ok.group_by("member_id").agg(
        birth=ok.birth.min(), latest_birth=ok.birth.max()
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
    screened: ir.Table,
    members: ir.Table,
    points: ir.Table,
    as_of: date,
) -> ir.Table:
    """One row per member and indicator: the most recent qualifying diagnosis.

    Args:
        screened: Output of :func:`screen_diagnoses`.
        members: Output of :func:`valid_members`.
        points: Per indicator and band: ``points``, ``window_start``,
            ``identifies`` and ``suspects`` (0/1, from the value set's role).
        as_of: End of every look-back window (inclusive).

    Returns:
        member_id, indicator, code, date, points, identifies, suspects. Ties on the
        date go to the lowest code, so every engine picks the same reason.
    """
    m = members.select("member_id", "band")
    usable = screened.filter(screened.check.isnull() & screened.indicator.notnull())
    j = usable.select("member_id", "code", "date", "indicator").join(m, "member_id")
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
    return best.select(
        "member_id", "indicator", "code", "date", "points", "identifies", "suspects"
    )


def score_members(members: ir.Table, hits: ir.Table, model: ScoringModel) -> ir.Table:
    """Score, tier and route every valid member.

    A member with an identifying code (confirmed exploitation or its history) is
    ``identified``. A member with a suspected-exploitation code is never
    ``identified`` (ICD-10-CM Official Guidelines I.C.19.f: suspected is not
    confirmed): at least ``high``, on the model's ``suspected`` pathway (Survive,
    for the care team to confirm or rule out). Everyone else is tiered by score.

    Returns:
        member_id, age, score, tier (``identified``, ``high``, ``elevated``,
        ``none``) and pathway (null for ``none``).
    """
    per = hits.group_by("member_id").agg(
        score=hits.points.sum(),
        identified=hits.identifies.max(),
        suspected=hits.suspects.max(),
    )
    j = members.left_join(per, members.member_id == per.member_id)
    score = j.score.fill_null(0).cast("int64")
    identified = j.identified.fill_null(0) > 0
    suspected = j.suspected.fill_null(0) > 0
    tier = ibis.cases(
        (identified, "identified"),
        (suspected | (score >= model.tiers.high), "high"),
        (score >= model.tiers.elevated, "elevated"),
        else_="none",
    )
    paths = model.pathways
    pathway = ibis.cases(
        (identified, paths["identified"]),
        (suspected, paths["suspected"]),
        (score >= model.tiers.high, paths["high"]),
        (score >= model.tiers.elevated, paths["elevated"]),
        else_=ibis.null("string"),
    )
    return j.select(
        member_id=j.member_id, age=j.age, score=score, tier=tier, pathway=pathway
    )
