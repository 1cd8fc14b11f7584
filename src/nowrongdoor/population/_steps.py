"""The pipeline's pure steps, written once as Ibis expressions.

Every function takes and returns Ibis tables and never executes anything, so the
same steps run on DuckDB and on Spark. Portable by construction: no ``split`` or
``strip`` (Spark compiles them differently), regexes only with features both
engines share, dates compared as dates.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from datetime import date
from typing import TYPE_CHECKING

import ibis

from nowrongdoor.population import _checks as checks
from nowrongdoor.population._maps import partial_dates
from nowrongdoor.population._model import AGE_UNKNOWN, ScoringModel

if TYPE_CHECKING:
    import ibis.expr.types as ir

__all__ = [
    "DATE_RANGE",
    "clean_lines",
    "clean_members",
    "default_as_of",
    "diagnosis_rejects",
    "hits_of",
    "indicator_hits",
    "member_births",
    "member_rejects",
    "normalised_code",
    "score_members",
    "screen_diagnoses",
    "undated_members",
    "valid_members",
    "with_age_unknown",
    "written_forms",
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
    partial: Sequence[str] = (),
) -> ir.Table:
    """``raw`` with ``_written`` (the text as written, which a reject quotes so
    the analyst finds it in the file) and ``_when`` (the date or null) for a
    text date column, each distinct value converted once.

    A day repeats on thousands of lines, so the distinct values are rewritten
    (``rewrite``: a column map's date patterns -> ``YYYY-MM-DD`` text), parsed and
    joined back: one hash-join probe per line instead of string work per line.
    A null matches nothing and stays null (no text, no date).

    With ``partial`` patterns (birth dates only), a value that is no full date
    but fits one is read as the latest day it allows
    (:func:`~nowrongdoor.population._maps.partial_dates`), and ``_precision``
    says so (2: year only, 1: year and month, 0: a full date).
    """
    written = raw.select(_written=raw[column]).distinct()
    # Spaces around a date (fixed-width exports pad their fields) are not part
    # of it. A regex, not strip(): Ibis compiles strip to a TRIM that Spark
    # read differently (see the module docstring).
    bare = written._written.re_replace(r"^[ \t]+|[ \t]+$", "")
    iso = bare if rewrite is None else rewrite(bare)
    full = _date(iso)
    if not partial:
        days = written.select(
            "_written", _when=full, _precision=ibis.literal(0, "int64")
        )
    else:
        day, precision = partial_dates(bare, partial)
        ok = day.between(_MIN_DATE, _MAX_DATE).fill_null(False)
        use = full.isnull() & ok
        days = written.select(
            "_written",
            _when=ibis.ifelse(use, day, full),
            _precision=ibis.ifelse(use, precision, ibis.literal(0, "int64")),
        )
    return raw.left_join(days, raw[column] == days._written)


def clean_members(
    raw: ir.Table,
    rewrite: Callable[[ir.StringValue], ir.Value] | None = None,
    partial: Sequence[str] = (),
) -> ir.Table:
    """Add parsed ``birth`` (date or null) and its ``birth_precision``, clean
    ``member_id``, text birth_date.

    Args:
        raw: Member rows (``member_id``, ``birth_date``, ...).
        rewrite: Rewrites a text birth date as ``YYYY-MM-DD`` text (a column
            map's date patterns); text dates are converted once per distinct
            value (see :func:`clean_lines`).
        partial: Patterns of birth dates written as a year or a year and month
            (FHIR ``date``; a map's ``partial_birth_date``): read as the latest
            day they allow, ``birth_precision`` 2 (year) or 1 (month); 0 for a
            full date.
    """
    dtype = raw.birth_date.type()
    if dtype.is_date() or dtype.is_timestamp():
        return raw.mutate(
            member_id=_text(raw.member_id),
            birth=_date(raw.birth_date),
            birth_date=raw.birth_date.cast("string"),
            birth_precision=ibis.literal(0, "int64"),
        )
    j = _text_dates(
        raw.mutate(birth_date=raw.birth_date.cast("string")),
        "birth_date",
        rewrite,
        partial,
    )
    cleaned = {"member_id": _text(j.member_id), "birth_date": j._written}
    return j.select(
        **{c: cleaned.get(c, j[c]) for c in raw.columns},
        birth=j._when,
        birth_precision=j._precision,
    )


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
            map's date patterns); a reject quotes the date as written.
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
        "service_date": j._written,
    }
    return j.select(**{c: cleaned.get(c, j[c]) for c in raw.columns}, date=j._when)


def normalised_code(dx_code: ir.StringValue) -> ir.StringValue:
    """A diagnosis code as the reference writes it: upper case, no dot, no space."""
    # No fill_null here: it costs a pass over every code, and a null code is
    # caught by the "diagnosis code empty" check anyway.
    return dx_code.upper().replace(".", "").replace(" ", "")


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
        (
            _text(members.birth_date).strip() == "",
            ibis.literal("birth_date is empty"),
        ),
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
        alarm=ibis.null("string"),
    )


def _reasons(t: ir.Table, today: date) -> ir.StringValue:
    """The reject sentence for each screened row with a failing ``check``."""
    return ibis.cases(
        (t.check == "member_id empty", ibis.literal("member_id is empty")),
        (
            t.check == "service_date invalid",
            ibis.literal("service_date ")
            + _quoted(t.service_date)
            + ibis.literal(" is not a valid YYYY-MM-DD date"),
        ),
        (t.check == "service_date in the future", checks.future_reason(t.date, today)),
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
    dx: ir.Table,
    lines: ir.Table,
    reference: ir.Table,
    codes: ir.Table,
    members: ir.Table | None,
    today: date,
) -> ir.Table:
    """One pass over every diagnosis: keep the rows that matter, drop the rest.

    A row matters when it fails a check (it becomes a reject) or carries a code of
    an indicator value set (it may become a reason). Everything else, the bulk of
    the claims, is routine care and is dropped here, so later steps read a small
    table.

    Every code meets the full reference, which carries one small integer per code
    (what a join hands on for every row it matches, so a wide payload there is
    paid for every diagnosis); the indicator is looked up for the kept rows only.

    Args:
        dx: Diagnoses (``dx_code`` as written).
        lines: One row per claim line (member_id, service_date, date,
            ``_line``: its file's number and row as one integer, as in the
            diagnoses).
        reference: Every ICD-10-CM code (``ref_code``, normalised) with its
            ``code_rank``: 0 when no value set holds it, else its place among
            the value sets' codes in code order (from 1).
        codes: The value sets' codes: ``code_rank`` -> ``indicator``.
        members: Valid members; when given, diagnoses of unknown members are
            rejected too (members came from a separate file).
        today: The day of the run; diagnoses dated after it are rejected
            (:func:`~nowrongdoor.population._checks.future`).

    Returns:
        member_id, code, date, indicator, check, code_rank, _file, _row,
        reason; ``check`` (the first failing check) is null for usable rows.
    """
    # Codes are looked up as written, against both ways the reference codes are
    # written (dotted and undotted): normalising every code costs more than the
    # lookup. The few rows it misses (lower case, spaces) are kept, normalised
    # and looked up again below.
    written = written_forms(reference)
    j = dx.left_join(written, dx.dx_code == written.ref_code)
    if members is not None:
        known = members.select(known_member=members.member_id)
        j = j.left_join(known, j.member_id == known.known_member)
        stranger = j.known_member.isnull()
    else:
        stranger = ibis.literal(False)
    # Filter on plain booleans first; only the kept rows (a few per cent) pay for
    # the indicator, the check names and the reason strings. An empty code is in
    # no reference, so "unknown" (no code_rank) keeps it too.
    kept = j.filter(_matters(j, stranger, today))
    # The member and date of the kept rows come from their lines, not through
    # the scan of every code: when the checks on them are settled by a Parquet
    # file's statistics, the scan never reads them. The kept rows are the
    # join's build side, so they carry only what the lines do not hold (DuckDB
    # picks the side to build by rows times width): the file and row come from
    # the line.
    kept = kept.select("_line", "dx_field", "dx_code", "code_rank", stranger=stranger)
    line = lines.select(
        "_file",
        "_row",
        l_line=lines._line,
        member_id=lines.member_id,
        date=lines.date,
        service_date=lines.service_date,
    )
    # One integer key (the file's number and the row), not the file and the row.
    kept = kept.join(line, kept._line == line.l_line)
    kept = kept.mutate(code=normalised_code(kept.dx_code))
    again = reference.select(n_code=reference.ref_code, n_rank=reference.code_rank)
    missed = ibis.ifelse(kept.code_rank.isnull(), kept.code, ibis.null("string"))
    kept = kept.left_join(again, missed == again.n_code)
    kept = kept.mutate(code_rank=kept.code_rank.coalesce(kept.n_rank))
    kept = kept.filter(_matters(kept, kept.stranger, today))
    found = codes.select(v_rank=codes.code_rank, indicator=codes.indicator)
    kept = kept.left_join(found, kept.code_rank == found.v_rank)
    kept = kept.mutate(check=_check(kept, today))
    return kept.select(
        "member_id",
        "code",
        "date",
        "indicator",
        "check",
        "code_rank",
        "_file",
        "_row",
        reason=_reasons(kept, today),
    )


def written_forms(reference: ir.Table) -> ir.Table:
    """The reference with each code also as claims usually write it: with the
    dot after the third character (``T74.22XA`` beside ``T7422XA``)."""
    code = reference.ref_code
    dotted = reference.filter(code.length() > 3)
    dotted = dotted.mutate(
        ref_code=dotted.ref_code.substr(0, 3) + "." + dotted.ref_code.substr(3)
    )
    return reference.union(dotted)


def _matters(t: ir.Table, stranger: ir.BooleanValue, today: date) -> ir.BooleanValue:
    """Whether a diagnosis is kept by the screen: it fails a check or its code
    (``code_rank`` above 0) belongs to a value set."""
    return (
        (t.member_id == "")
        | t.date.isnull()
        | checks.future(t.date, today)
        | t.code_rank.isnull()
        | (t.code_rank > 0)
        | stranger
    )


def _check(t: ir.Table, today: date) -> ir.StringValue:
    """The first failing check of each row, or null."""
    return ibis.cases(
        (t.member_id == "", "member_id empty"),
        (t.date.isnull(), "service_date invalid"),
        (checks.future(t.date, today), "service_date in the future"),
        (t.code.isnull() | (t.code == ""), "diagnosis code empty"),
        (t.code_rank.isnull(), "diagnosis code unknown"),
        (t.stranger, "member not found"),
        else_=ibis.null("string"),
    )


def diagnosis_rejects(found: ir.Table) -> ir.Table:
    """Rejected diagnosis rows (file, row, check, reason, alarm) of
    :func:`indicator_hits`."""
    bad = found.filter(found.check.notnull())
    return bad.select("file", "row", "check", "reason", "alarm")


def _age(birth: ir.DateValue, as_of: date) -> ir.IntegerValue:
    later = (birth.month() > as_of.month) | (
        (birth.month() == as_of.month) & (birth.day() > as_of.day)
    )
    return (ibis.literal(as_of.year) - birth.year() - ibis.ifelse(later, 1, 0)).cast(
        "int32"
    )


def member_births(members: ir.Table) -> ir.Table:
    """One row per member id (an empty one too): the earliest and latest valid
    birth dates, the precision of the earliest (``birth_precision``: 0 a full
    date, 1 a year and month, 2 a year only; a full date wins a tie), and
    whether any of its rows is unusable (an empty id or an invalid birth date:
    its rows are then named in the rejects).

    One aggregation over the member rows, as a hand-written query would do it:
    the earliest day and its precision are packed into one integer.
    """
    usable = (members.member_id != "") & members.birth.notnull()
    packed = _day_number(members.birth) * 10 + members.birth_precision
    return (
        members.group_by("member_id")
        .agg(
            birth=members.birth.min(),
            latest_birth=members.birth.max(),
            unusable=(~usable).any(),
            _first=packed.min(),
        )
        .mutate(birth_precision=(ibis._._first % 10).fill_null(0).cast("int64"))
        .drop("_first")
    )


def valid_members(births: ir.Table, model: ScoringModel, as_of: date) -> ir.Table:
    """One row per usable member: birth date, age and age band on ``as_of``.

    When rows disagree on a member's birth date, the earliest is used;
    ``latest_birth`` differs from ``birth`` then (counted in the summary).

    Args:
        births: Output of :func:`member_births`.
        model: The scoring model (its age bands).
        as_of: The reference date.
    """
    ok = births.filter((births.member_id != "") & births.birth.notnull())
    age = _age(ok.birth, as_of)
    band = ibis.cases(
        *[(age.between(b.min_age, b.max_age), b.name) for b in model.age_bands],
        else_=ibis.null("string"),
    )
    return ok.select(
        "member_id", "birth", "latest_birth", "birth_precision", age=age, band=band
    )


def undated_members(births: ir.Table) -> ir.Table:
    """The member ids (not empty) none of whose rows holds a valid birth date."""
    ok = (births.member_id != "") & births.birth.isnull()
    return births.filter(ok).select("member_id")


def with_age_unknown(valid: ir.Table | None, ids: ir.Table) -> ir.Table:
    """``valid`` (:func:`valid_members`; ``None``: no one) plus the members
    ``ids``, whose age is unknown: no birth date, age null, band
    :data:`AGE_UNKNOWN`.

    Only members identified by a code of confirmed exploitation or its history
    are added so (the pipeline decides which): a care manager expects an
    identified survivor on the worklist whether or not the extract holds a
    usable birth date; everyone else still needs one to be scored.
    """
    extra = ids.select(
        member_id=ids.member_id,
        birth=ibis.null("date"),
        latest_birth=ibis.null("date"),
        birth_precision=ibis.literal(0, "int64"),
        age=ibis.null("int32"),
        band=ibis.literal(AGE_UNKNOWN),
    )
    return extra if valid is None else valid.union(extra)


def default_as_of(dx: ir.Table) -> ir.Scalar:
    """The latest valid service date: the default reference date."""
    return dx.filter(dx.member_id != "").date.max()


#: Code ranks are packed below a date's digits; more value-set codes than this
#: would overlap (the shipped value sets hold about 1,300).
RANK_LIMIT = 1_000_000


def _day_number(when: ir.DateValue) -> ir.IntegerValue:
    """``YYYYMMDD`` as an integer: ordered as the dates are (both engines)."""
    return when.year().cast("int64") * 10_000 + when.month() * 100 + when.day()


def indicator_hits(
    screened: ir.Table,
    members: ir.Table,
    points: ir.Table,
    codes: ir.Table,
    as_of: date,
    alarms: Collection[str] = (),
) -> ir.Table:
    """Indicator hits and rejected rows of the screen, in one pass and one table.

    Per member and indicator, the most recent qualifying diagnosis is kept (ties
    on the date go to the lowest code, so every engine picks the same reason).
    The screen is not materialised first: its few rows go straight into one
    aggregation whose groups are either a member's indicator (a hit) or a
    rejected row (its file, row, check and reason). Picking the best diagnosis
    by an aggregate instead of a window ranks nothing: the day and the code's
    rank in the reference are packed into one integer and its maximum is taken
    (latest day, then lowest rank), and the code is looked up from the rank.

    Args:
        screened: Output of :func:`screen_diagnoses` (with ``code_rank``).
        members: Output of :func:`valid_members`.
        points: Per indicator and band: ``points``, ``window_start``,
            ``identifies`` and ``suspects`` (0/1, from the value set's role).
        codes: The value sets' codes: ``code_rank`` -> ``code``.
        as_of: End of every look-back window (inclusive).
        alarms: Indicators whose codes on a rejected row must be named
            (confirmed or suspected exploitation and its history): a rejected
            row's ``alarm`` is the first of them (by name) among its codes.

    Returns:
        member_id, indicator, code, date, points, identifies, suspects (hits;
        ``check`` null) and file, row, check, reason, alarm (rejects; ``check``
        set), each row one or the other.
    """
    # Only rejected rows and usable diagnoses of an indicator dated on or before
    # the as-of date go into the aggregation. The look-back window (which
    # depends on the member's age band) is applied to each group's latest date
    # afterwards: the latest date on or before the as-of date lies in the window
    # exactly when some date does, and then it is the best one. So the members
    # and points are joined to one row per member and indicator, not per row.
    due = screened.indicator.notnull() & (screened.date <= ibis.literal(as_of))
    j = screened.filter(screened.check.notnull() | due.fill_null(False))
    is_bad = j.check.notnull()
    none_s = ibis.null("string")
    # A rejected row that carries an identifying or suspected-exploitation
    # code is named (its indicator), so the analyst follows it up: the row is
    # still rejected (a member-record check catches mistyped ids), never silent.
    alarm = (
        ibis.ifelse(is_bad & j.indicator.isin(sorted(alarms)), j.indicator, none_s)
        if alarms
        else none_s
    )
    keyed = j.mutate(
        member_id=ibis.ifelse(is_bad, none_s, j.member_id),
        indicator=ibis.ifelse(is_bad, none_s, j.indicator),
        file=ibis.ifelse(is_bad, j._file, none_s),
        row=ibis.ifelse(is_bad, j._row, ibis.null("int64")),
        packed=_day_number(j.date) * RANK_LIMIT + (RANK_LIMIT - j.code_rank),
        _alarm=alarm,
    )
    found = keyed.group_by(
        ["member_id", "indicator", "file", "row", "check", "reason"]
    ).agg(date=keyed.date.max(), best=keyed.packed.max(), alarm=keyed._alarm.min())
    m = members.select(hit_member=members.member_id, band=members.band)
    found = found.left_join(m, found.member_id == m.hit_member)
    p = points.select(
        p_indicator=points.indicator,
        p_band=points.band,
        points=points.points,
        window_start=points.window_start,
        identifies=points.identifies,
        suspects=points.suspects,
    )
    found = found.left_join(
        p, (found.indicator == p.p_indicator) & (found.band == p.p_band)
    )
    hit = found.check.isnull() & found.p_indicator.notnull()
    hit = hit & (found.date >= found.window_start)
    found = found.filter(found.check.notnull() | hit.fill_null(False))
    found = found.mutate(code_rank=RANK_LIMIT - found.best % RANK_LIMIT)
    ranks = codes.select(v_rank=codes.code_rank, rank_code=codes.code)
    out = found.left_join(ranks, found.code_rank == ranks.v_rank)
    hit = out.check.isnull()
    return out.select(
        "member_id",
        "indicator",
        code=ibis.ifelse(hit, out.rank_code, ibis.null("string")),
        date=ibis.ifelse(hit, out.date, ibis.null("date")),
        points="points",
        identifies="identifies",
        suspects="suspects",
        check="check",
        file="file",
        row="row",
        reason="reason",
        alarm="alarm",
    )


def hits_of(found: ir.Table) -> ir.Table:
    """The hits of :func:`indicator_hits`: member_id, indicator, code, date,
    points, identifies, suspects."""
    hits = found.filter(found.check.isnull())
    return hits.select(
        "member_id", "indicator", "code", "date", "points", "identifies", "suspects"
    )


def score_members(
    members: ir.Table,
    hits: ir.Table,
    model: ScoringModel,
    part2: Collection[str] = (),
) -> ir.Table:
    """Score, tier and route every valid member.

    A member with an identifying code (confirmed exploitation or its history) is
    ``identified``. A member with a suspected-exploitation code is never
    ``identified`` (ICD-10-CM Official Guidelines I.C.19.f: suspected is not
    confirmed): at least ``high``, on the model's ``suspected`` pathway (Survive,
    for the care team to confirm or rule out). Everyone else is tiered by score.

    The open view (``open_score``, ``open_tier``) applies the same rules to the
    hits of the indicators not in ``part2`` alone: what a viewer may be shown
    of the flag without the substance use disorder records that 42 CFR Part 2
    protects (42 CFR 2.11, 2.12: records that identify a patient as having a
    substance use disorder; the other diagnoses are not Part 2 records).

    Args:
        members: The valid members.
        hits: The indicator hits (:func:`hits_of`).
        model: The scoring model (tier thresholds, pathways).
        part2: Indicator ids whose value set is labelled ``42-cfr-part-2``.

    Returns:
        member_id, age, score, tier (``identified``, ``high``, ``elevated``,
        ``none``), pathway (null for ``none``), open_tier and open_score.
    """
    shown = ~hits.indicator.isin(sorted(part2)) if part2 else ibis.literal(True)
    per = hits.group_by("member_id").agg(
        score=hits.points.sum(),
        identified=hits.identifies.max(),
        suspected=hits.suspects.max(),
        open_score=hits.points.sum(where=shown),
        open_identified=hits.identifies.max(where=shown),
        open_suspected=hits.suspects.max(where=shown),
    )
    j = members.left_join(per, members.member_id == per.member_id)
    score = j.score.fill_null(0).cast("int64")
    identified = j.identified.fill_null(0) > 0
    suspected = j.suspected.fill_null(0) > 0
    tier = _tier(identified, suspected, score, model)
    paths = model.pathways
    pathway = ibis.cases(
        (identified, paths["identified"]),
        (suspected, paths["suspected"]),
        (score >= model.tiers.high, paths["high"]),
        (score >= model.tiers.elevated, paths["elevated"]),
        else_=ibis.null("string"),
    )
    open_score = j.open_score.fill_null(0).cast("int64")
    open_tier = _tier(
        j.open_identified.fill_null(0) > 0,
        j.open_suspected.fill_null(0) > 0,
        open_score,
        model,
    )
    return j.select(
        member_id=j.member_id,
        age=j.age,
        score=score,
        tier=tier,
        pathway=pathway,
        open_tier=open_tier,
        open_score=open_score,
    )


def _tier(
    identified: ir.BooleanValue,
    suspected: ir.BooleanValue,
    score: ir.IntegerValue,
    model: ScoringModel,
) -> ir.StringValue:
    """The tier rules of docs/population.md, "Scoring model"."""
    return ibis.cases(
        (identified, "identified"),
        (suspected | (score >= model.tiers.high), "high"),
        (score >= model.tiers.elevated, "elevated"),
        else_="none",
    )
