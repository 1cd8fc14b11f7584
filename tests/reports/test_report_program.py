"""Program metrics on a small seeded care database (SQLite)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from reports_helpers import check_protected

from nowrongdoor.reports import (
    METRIC_SPECS,
    CountTable,
    MetricSpec,
    program_metrics,
    render_program_html,
    suppress_linked,
    write_program_report,
)

JAN = (dt.date(2026, 1, 1), dt.date(2026, 1, 31))
JAN_FEB = (dt.date(2026, 1, 1), dt.date(2026, 2, 28))


def metrics_for(care_db: Any, start: dt.date, end: dt.date, threshold: int = 11):
    from nowrongdoor.care.db import open_database

    db = open_database(care_db.settings)
    try:
        with db.session() as session:
            return program_metrics(session, start, end, threshold=threshold)
    finally:
        db.dispose()


def test_raw_counts_with_threshold_one(care_db: Any) -> None:
    """threshold=1 publishes everything: the queries themselves are right."""
    m = metrics_for(care_db, *JAN_FEB, threshold=1)
    screens = m.table("screenings_by_month_instrument")
    assert screens.row_labels == ("2026-01", "2026-02")
    assert screens.col_labels == ("cst6", "qyit")
    assert screens.cells == ((25, 3), (0, 0))
    results = m.table("screening_results_by_instrument")
    assert results.cells == ((15, 10), (1, 2))
    cases = m.table("cases_by_month_pathway")
    assert cases.cells == ((20, 10, 0), (0, 0, 5))
    assert m.table("cases_by_pathway_status").grand_total == 35
    referrals = m.table("referrals_by_month_status")
    jan = dict(zip(referrals.col_labels, referrals.cells[0], strict=True))
    assert jan == {
        "sent": 5,
        "accepted": 4,
        "in_progress": 0,
        "completed": 12,
        "declined": 3,
        "cancelled": 0,
    }
    assert referrals.grand_total == 24  # drafts are not sent
    assert m.referrals.accepted == 16
    assert m.referrals.loop_closed == 15
    assert m.referrals.loop_closure_rate == pytest.approx(62.5)
    assert m.referrals.median_days_to_accept == 2.0
    assert m.referrals.median_days_to_complete == 10.0
    identified = m.table("identified_by_month_source")
    ident = dict(zip(identified.col_labels, identified.col_totals, strict=True))
    # 14 self-disclosed (door "self"); 21 came by hospital, but person 25 had a
    # positive screening (Jan 15) before that intake (Jan 19): first event wins
    assert ident["self-disclosure"] == 14
    assert ident["hospital"] == 20 and ident["screening"] == 1
    ages = m.table("served_by_age_band_pathway")
    age = dict(zip(ages.row_labels, ages.row_totals, strict=True))
    assert age["12 to 17"] == 12 and age["35 to 44"] == 23
    county = m.table("served_by_county_pathway")
    assert dict(zip(county.row_labels, county.row_totals, strict=True)) == {
        "Lake": 10,
        "Marion": 25,
    }
    needs = m.table("needs_by_category_status")
    assert needs.row_totals == (18, 12)


def test_period_filters_and_months(care_db: Any) -> None:
    m = metrics_for(care_db, *JAN, threshold=1)
    assert m.table("cases_by_month_pathway").row_labels == ("2026-01",)
    assert m.table("cases_by_month_pathway").grand_total == 30
    dec = metrics_for(care_db, dt.date(2025, 12, 1), dt.date(2025, 12, 31), 1)
    assert dec.table("screenings_by_month_instrument").grand_total == 1


def test_published_metrics_are_suppressed_and_consistent(care_db: Any) -> None:
    m = metrics_for(care_db, *JAN_FEB)
    for item in m.tables:
        for key in item.table.status:
            value = item.table.published(key)
            assert value is None or value == 0 or value >= 11, (item.spec.key, key)
    # qyit: 3 screenings -> hidden, and its complement too
    screens = m.table("screenings_by_month_instrument")
    assert screens.cells[0][1] is None and screens.cells[0][0] is None
    # the instrument totals are shared with the results-by-instrument table
    by_instrument = m.table("screening_results_by_instrument")
    assert by_instrument.row_totals == (None, None)
    # declined = 3 hidden, so the loop-closure rate is not published
    assert m.referrals.declined is None and m.referrals.loop_closure_rate is None
    assert m.referrals.completed == 12
    headline = m.headline()
    assert headline["Screenings"] == 28 and headline["Positive screenings"] == 16


def test_every_table_names_its_one_query() -> None:
    keys = [spec.key for spec in METRIC_SPECS]
    assert len(keys) == len(set(keys))
    for spec in METRIC_SPECS:
        assert spec.query_name.startswith("nowrongdoor.reports._queries.")
        assert spec.query.__doc__


def test_linked_totals_hidden_everywhere() -> None:
    a = MetricSpec("a", "s", lambda: None, "pop", "month", "x")  # type: ignore[arg-type,return-value]
    b = MetricSpec("b", "s", lambda: None, "pop", "month", "y")  # type: ignore[arg-type,return-value]
    # month "m2" total is 50 in both; table a hides it as a complement.
    ta = CountTable.build("a", ["m1", "m2"], ["x1", "x2"], [[5, 40], [30, 20]])
    tb = CountTable.build("b", ["m1", "m2"], ["y1"], [[45], [50]])
    pa, pb = suppress_linked([(a, ta), (b, tb)], threshold=11)
    for n, table in enumerate(pa.row_totals):
        assert (table is None) == (pb.row_totals[n] is None)
    check_protected(ta, pa)
    check_protected(tb, pb)


def test_report_files_and_fragment(care_db: Any, tmp_path: Path) -> None:
    m = metrics_for(care_db, *JAN_FEB)
    written = write_program_report(m, tmp_path / "out")
    html = (tmp_path / "out" / "program.html").read_text()
    assert html.startswith("<!DOCTYPE html>") and html.count("<svg") == 4
    for spec in METRIC_SPECS:
        if spec.source == "care":
            assert (tmp_path / "out" / "tables" / f"{spec.key}.csv").is_file()
            assert spec.query_name in html
    assert len(list((tmp_path / "out" / "charts").glob("*.png"))) == 4
    assert all(path.exists() for path in written)
    fragment = render_program_html(m, charts={}, fragment=True)
    assert "<html" not in fragment and "table-referrals_by_month_status" in fragment


def test_survey_responses_are_not_screenings(care_db: Any) -> None:
    from nowrongdoor.care import models as m
    from nowrongdoor.care.db import open_database
    from nowrongdoor.reports import SURVEY_INSTRUMENT_ID, survey_responses_from_care
    from nowrongdoor.synth.survey import generate_survey_responses

    db = open_database(care_db.settings)
    with db.session() as session:
        person = session.query(m.Person).first()
        for resource in generate_survey_responses(12, seed=5):
            session.add(
                m.Screening(
                    person_id=person.id,
                    instrument_id=SURVEY_INSTRUMENT_ID,
                    positive=True,
                    questionnaire_response=resource,
                    result={},
                    performed_at=dt.datetime(2026, 1, 3, tzinfo=dt.UTC),
                )
            )
    with db.session() as session:
        assert len(survey_responses_from_care(session)) == 12
        assert survey_responses_from_care(session, end=dt.date(2026, 1, 2)) == []
    db.dispose()
    m2 = metrics_for(care_db, *JAN_FEB, threshold=1)
    assert m2.table("screenings_by_month_instrument").grand_total == 28
    assert (
        SURVEY_INSTRUMENT_ID
        not in m2.table("screenings_by_month_instrument").col_labels
    )


@pytest.mark.postgres
def test_same_figures_on_postgresql(care_db: Any, care_db_postgres: Any) -> None:
    sqlite = metrics_for(care_db, *JAN_FEB)
    postgres = metrics_for(care_db_postgres, *JAN_FEB)
    for a, b in zip(sqlite.tables, postgres.tables, strict=True):
        assert a.table.as_rows() == b.table.as_rows(), a.spec.key
    assert sqlite.referrals == postgres.referrals


def test_worklist_tables_from_batch_output(care_db: Any, tmp_path: Path) -> None:
    from nowrongdoor.care.db import open_database
    from nowrongdoor.errors import UserInputError

    rows = ["member_id,age,tier,score,pathway,reasons"]
    rows += [f"M{n},15,identified,9.5,survive,[]" for n in range(14)]
    rows += [f"H{n},19,high,5.0,prevent,[]" for n in range(12)]
    rows += [f"E{n},40,elevated,2.0,prevent,[]" for n in range(3)]
    (tmp_path / "worklist.csv").write_text("\n".join(rows) + "\n")
    db = open_database(care_db.settings)
    with db.session() as session:
        m = program_metrics(session, *JAN_FEB, threshold=1, worklist_dir=tmp_path)
        tiers = m.table("worklist_by_tier_pathway")
        assert tiers.row_labels == ("identified", "high", "elevated")
        assert tiers.cells == ((14, 0), (0, 12), (0, 3))
        ages = m.table("worklist_by_age_band_tier")
        assert (
            dict(zip(ages.row_labels, ages.row_totals, strict=True))["12 to 17"] == 14
        )
        shown = program_metrics(session, *JAN_FEB, worklist_dir=tmp_path)
        assert shown.table("worklist_by_tier_pathway").row_totals[2] is None  # 3
        (tmp_path / "worklist.csv").write_text("member_id,score\nM1,2\n")
        with pytest.raises(UserInputError, match="lacks column"):
            program_metrics(session, *JAN_FEB, worklist_dir=tmp_path)
    db.dispose()
