"""Input-side checks on diagnoses: the ICD-9 era and dates in the future.

* **ICD-9 era.** US claims moved from ICD-9-CM to ICD-10-CM for dates of service
  on and after 2015-10-01 (HHS final rule, 79 FR 45128, 2014-08-04). A code that is
  not ICD-10-CM is reported as ICD-9 era, not as an unknown code, when its service
  date is before 2015-10-01 or the code has the shape of an ICD-9-CM code (three to
  five digits; ``V`` and two to four digits; ``E`` and three or four digits, dots
  removed). It is not scored: the value sets are ICD-10-CM.
* **Future dates.** A service date after the day of the run cannot be a real
  claim; such rows are rejected (by the screen, before their codes are looked
  at) and never become the default as-of date.

Pure Ibis expressions, as the steps are, so they run on DuckDB and Spark.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import ibis

if TYPE_CHECKING:
    import ibis.expr.types as ir

__all__ = [
    "ICD10_START",
    "ICD9_SHAPE",
    "default_as_of",
    "earliest_date",
    "future",
    "future_reason",
    "relabel",
]

#: First date of service coded in ICD-10-CM in the US.
ICD10_START = date(2015, 10, 1)
#: An ICD-9-CM code with its dot removed (diagnosis codes only).
ICD9_SHAPE = r"^([0-9]{3,5}|V[0-9]{2,4}|E[0-9]{3,4})$"
_UNKNOWN_TAIL = " is not an ICD-10-CM code"


def future(when: ir.DateValue, today: date) -> ir.BooleanValue:
    """Whether a service date lies after ``today`` (false for a null date).

    The screen rejects such diagnoses (check ``service_date in the future``)
    before looking at their codes; they are never scored.
    """
    return (when > ibis.literal(today)).fill_null(False)


def future_reason(when: ir.DateValue, today: date) -> ir.StringValue:
    """The reject sentence for a diagnosis dated after ``today``."""
    return (
        ibis.literal("service_date '")
        + when.cast("string")
        + ibis.literal(f"' is after the day of the run ({today.isoformat()})")
    )


def relabel(screened: ir.Table) -> ir.Table:
    """Name the ICD-9 era in the screen's checks and reasons.

    Args:
        screened: Output of ``screen_diagnoses`` (``check``, ``reason``, ``code``,
            ``date``).

    Returns:
        The same rows. Unknown codes from before 2015-10-01, or shaped like
        ICD-9-CM codes, get check ``diagnosis code ICD-9 era`` and a reason that
        says why.
    """
    check = screened.check
    unknown = check == "diagnosis code unknown"
    early = (screened.date < ibis.literal(ICD10_START)).fill_null(False)
    shaped = screened.code.re_search(ICD9_SHAPE).fill_null(False)
    era = unknown & (early | shaped)
    head = screened.reason.replace(_UNKNOWN_TAIL, "")
    era_reason = ibis.ifelse(
        early,
        head
        + ibis.literal(
            " is from the ICD-9 era (service date before 2015-10-01, when "
            "ICD-10-CM began); not scored"
        ),
        head + ibis.literal(" is an ICD-9-CM code, not ICD-10-CM; not scored"),
    )
    return screened.mutate(
        check=ibis.ifelse(era, ibis.literal("diagnosis code ICD-9 era"), check),
        reason=ibis.ifelse(era, era_reason, screened.reason),
    )


def default_as_of(dx: ir.Table, today: date) -> ir.Table:
    """One row: the latest valid service date not after ``today`` (``as_of``),
    the number of diagnosis rows dated after ``today`` (``future``), the number
    whose service date is written but not a valid date (``unread``) and the
    number of diagnosis rows with a member id (``rows``)."""
    usable = dx.filter(dx.member_id != "")
    is_future = (usable.date > ibis.literal(today)).fill_null(False)
    unread = usable.date.isnull() & (usable.service_date.strip() != "").fill_null(False)
    return usable.aggregate(
        as_of=ibis.ifelse(is_future, ibis.null("date"), usable.date).max(),
        future=is_future.cast("int64").sum(),
        unread=unread.cast("int64").sum(),
        rows=usable.count(),
    )


def earliest_date(dx: ir.Table, today: date) -> ir.Table:
    """One row: the earliest valid service date not after ``today`` (``first``).

    Read only when a run with ``--as-of`` found no indicator at all, to tell an
    as-of date before all the data (nothing could be scored) from data that
    simply flags no one.
    """
    usable = dx.filter(dx.member_id != "")
    is_future = (usable.date > ibis.literal(today)).fill_null(False)
    return usable.aggregate(
        first=ibis.ifelse(is_future, ibis.null("date"), usable.date).min()
    )
