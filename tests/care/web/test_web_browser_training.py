"""End-to-end in Chromium: a care manager fails a quiz, passes it, gets the
certificate; the supervisor sees the completion.

The other ten modules of the course are passed beforehand through the same
functions the pages use (start an attempt, answer with its stored keys), so the
journey's quiz is the last one. Screenshots go to test-artifacts/web/; the
result, certificate and records pages also to docs/img/.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from nowrongdoor.care.seed import DEMO_PASSWORD

pytestmark = pytest.mark.browser

DOCS_IMG = Path(__file__).resolve().parents[3] / "docs" / "img"


def _database(db_path: Path):
    from nowrongdoor.care.db import Database
    from nowrongdoor.settings import build_settings

    settings = build_settings(
        env={}, data_dir=db_path.parent, environment="test", cookie_secure=False
    )
    return Database(settings)


def _pass_other_modules(db_path: Path, username: str, last: str) -> None:
    from sqlalchemy import select

    from nowrongdoor.care import training as tr
    from nowrongdoor.care.models import User

    db = _database(db_path)
    course = tr.catalogue_for(db.settings).get("awareness")
    try:
        with db.session() as session:
            user = session.scalars(select(User).where(User.username == username)).one()
            for module in course.quiz_modules:
                if module.id == last:
                    continue
                attempt = tr.start_attempt(
                    session,
                    user=user,
                    course=course,
                    module_id=module.id,
                    settings=db.settings,
                )
                keys = {q.id: str(q.key) for q in tr.quiz_of(attempt).questions}
                tr.submit_attempt(
                    session,
                    user=user,
                    attempt_id=attempt.id,
                    answers=keys,
                    course=course,
                    settings=db.settings,
                )
    finally:
        db.dispose()


def _keys(db_path: Path, attempt_id: int) -> dict[str, int]:
    from nowrongdoor.care import training as tr
    from nowrongdoor.care.models import TrainingAttempt

    db = _database(db_path)
    try:
        with db.session() as session:
            attempt = session.get(TrainingAttempt, attempt_id)
            assert attempt is not None
            return {q.id: q.key for q in tr.quiz_of(attempt).questions}
    finally:
        db.dispose()


def sign_in(page: Page, base: str, username: str) -> None:
    """Sign in through the login form."""
    page.context.clear_cookies()
    page.goto(f"{base}/login")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator("header .who")).to_contain_text("signed in as")


def shot(page: Page, artifacts: Path, name: str, docs: bool = False) -> None:
    """Save a full-page screenshot (and copy it into docs/img)."""
    path = artifacts / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    if docs:
        DOCS_IMG.mkdir(parents=True, exist_ok=True)
        shutil.copy(path, DOCS_IMG / f"{name}.png")


def _answer(page: Page, keys: dict[str, int], right: bool) -> None:
    for qid, key in keys.items():
        choices = page.locator(f"#{qid} input[type=radio]")
        pick = key if right else (key + 1) % choices.count()
        page.locator(f"#{qid} input[value='{pick}']").check()
    page.get_by_role("button", name="Submit answers").click()


def test_fail_pass_certificate_and_supervisor_view(page: Page, live, artifacts):
    base = live.url
    page.set_default_timeout(30_000)
    expect.set_options(timeout=30_000)
    _pass_other_modules(live.db_path, "cm.north", last="the-law")

    sign_in(page, base, "cm.north")
    page.get_by_role("link", name="My training").click()
    expect(page.locator("h1")).to_have_text("My training")
    expect(page.locator("section.card").first).to_contain_text("passed")
    shot(page, artifacts, "training-courses")
    page.get_by_role("link", name="The law").click()
    expect(page.locator("h1")).to_have_text("The law")
    page.get_by_role("button", name="Start the quiz").click()
    expect(page.locator("h1")).to_contain_text("Quiz: The law")
    expect(page.locator("fieldset.question")).to_have_count(5)
    shot(page, artifacts, "training-quiz")

    # First try: every answer wrong.
    first = int(page.url.rsplit("/", 1)[1])
    _answer(page, _keys(live.db_path, first), right=False)
    expect(page.locator("#verdict")).to_contain_text("Not passed yet")
    expect(page.locator("#verdict")).to_contain_text("0 of 5")
    expect(page.locator("ol.results li").first).to_contain_text("22 U.S.C. 7102")
    expect(page.locator("#certificate-link")).to_have_count(0)
    shot(page, artifacts, "training-result-failed", docs=True)

    # Second try: the right answers.
    page.get_by_role("button", name="Try again").click()
    expect(page.locator("h1")).to_contain_text("Quiz: The law")
    second = int(page.url.rsplit("/", 1)[1])
    assert second != first
    _answer(page, _keys(live.db_path, second), right=True)
    expect(page.locator("#verdict")).to_contain_text("Passed")
    expect(page.locator("#verdict")).to_contain_text("5 of 5")
    page.get_by_role("link", name="View your certificate").click()
    expect(page.locator("#cert-holder")).to_have_text("Casey North")
    expect(page.locator("#cert-hours")).to_have_text("2.75")
    expect(page.locator("h1")).to_have_text("Human trafficking: recognise and respond")
    code = page.locator("#cert-code").inner_text().strip()
    assert len(code) == 19
    shot(page, artifacts, "training-certificate", docs=True)

    # The supervisor sees the completion.
    sign_in(page, base, "supervisor")
    page.get_by_role("link", name="Training records").click()
    expect(page.locator("h1")).to_have_text("Training records")
    row = page.locator('#records tr[data-user="cm.north"]')
    expect(row).to_contain_text("current")
    expect(row).to_contain_text("11/11")
    expect(page.locator('#records tr[data-user="partner.shelter"]')).to_have_count(0)
    shot(page, artifacts, "training-records", docs=True)
    # At phone width the records still fit (tables stack).
    page.set_viewport_size({"width": 375, "height": 740})
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    wide = page.evaluate(
        "[...document.querySelectorAll('main *')].filter(e => "
        "e.getBoundingClientRect().right > document.documentElement.clientWidth)"
        ".map(e => e.tagName + '#' + e.id + '.' + e.className).slice(0, 12)"
    )
    assert overflow <= 0, wide
    page.set_viewport_size({"width": 1280, "height": 800})
    row.get_by_role("link").click()
    expect(page.locator("#cert-code")).to_have_text(code)
