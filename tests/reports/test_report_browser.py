"""The program and survey reports render in Chromium (screenshots saved)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from nowrongdoor.reports import (
    analyse_survey,
    load_survey_responses,
    program_metrics,
    write_program_report,
    write_survey_report,
)
from nowrongdoor.synth.survey import write_survey_responses

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.mark.browser
def test_reports_render_in_chromium(page: Any, care_db: Any, tmp_path: Path) -> None:
    from nowrongdoor.care.db import open_database

    db = open_database(care_db.settings)
    with db.session() as session:
        metrics = program_metrics(session, dt.date(2026, 1, 1), dt.date(2026, 2, 28))
    db.dispose()
    write_program_report(metrics, tmp_path / "program")
    page.set_viewport_size({"width": 1100, "height": 900})
    page.goto((tmp_path / "program" / "program.html").as_uri())
    assert page.title() == "Program reach and outcomes"
    # every chart is drawn with a real size, every table is laid out
    boxes = [svg.bounding_box() for svg in page.locator("figure.chart svg").all()]
    assert len(boxes) == 4 and all(b and b["width"] > 300 for b in boxes)
    table = page.locator("#table-referrals_by_month_status")
    assert table.locator("tbody tr").count() == 3
    assert page.locator(".kpi").first.inner_text().split()[0] == "28"
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "report.png"), full_page=True)

    responses = write_survey_responses(tmp_path / "r.ndjson", 200, seed=2)
    write_survey_report(
        analyse_survey(load_survey_responses(responses)), tmp_path / "survey"
    )
    page.goto((tmp_path / "survey" / "survey.html").as_uri())
    assert page.locator("#survey-mental_health tbody tr").count() == 11
    assert "89.08%" in page.locator("#survey-mental_health").inner_text()
    page.screenshot(path=str(ARTIFACTS / "report-survey.png"), full_page=True)
    assert (ARTIFACTS / "report.png").stat().st_size > 10_000
