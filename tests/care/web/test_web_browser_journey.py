"""End-to-end in Chromium: from a school counsellor's intake to a closed loop.

Care manager signs in -> intake from a school counsellor (door: teacher) -> child
screen (positive) -> opens a Survive case -> adds a housing need -> records
consent -> refers to the shelter partner -> the partner signs in, accepts, starts
and completes -> the care manager sees the referral completed. Screenshots of
each step go to test-artifacts/web/; the case page also to docs/img/case-page.png.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from nowrongdoor.care.seed import DEMO_PASSWORD

pytestmark = pytest.mark.browser

DOCS_IMG = Path(__file__).resolve().parents[3] / "docs" / "img"


def sign_in(page: Page, base: str, username: str) -> None:
    """Sign in through the login form."""
    page.context.clear_cookies()
    page.goto(f"{base}/login")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator("header .who")).to_contain_text("signed in as")


def shot(page: Page, artifacts: Path, name: str) -> Path:
    """Save a full-page screenshot of the current step."""
    path = artifacts / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def assert_choices_fit(page: Page, form: str) -> None:
    """Every drop-down of ``form`` is wide enough for its longest choice.

    A select's natural width (``width: auto``) fits its longest option; the
    laid-out width must not be narrower, or the chosen text is cut off.
    """
    cut = page.evaluate(
        """form => [...document.querySelectorAll(form + ' select')].filter(s => {
            const shown = s.getBoundingClientRect().width;
            const old = [s.style.width, s.style.minWidth, s.style.maxWidth];
            s.style.width = 'auto'; s.style.minWidth = '0'; s.style.maxWidth = 'none';
            const natural = s.getBoundingClientRect().width;
            [s.style.width, s.style.minWidth, s.style.maxWidth] = old;
            return shown + 0.5 < natural;
        }).map(s => s.id || s.name)""",
        form,
    )
    assert cut == [], f"drop-downs whose choices are cut off: {cut}"


def test_intake_to_completed_referral(page: Page, live, artifacts):
    base = live.url
    page.set_default_timeout(30_000)
    expect.set_options(timeout=30_000)
    sign_in(page, base, "cm.north")
    expect(page).to_have_url(f"{base}/work")
    shot(page, artifacts, "01-my-work")

    # Intake from a school counsellor.
    page.get_by_role("link", name="New intake").click()
    page.get_by_label("Door: how did the person reach us?").select_option(
        label="Teacher or school counsellor"
    )
    birth = dt.date.today().replace(year=dt.date.today().year - 15) - dt.timedelta(
        days=30
    )
    page.get_by_label("Birth date").fill(birth.isoformat())
    page.get_by_label("Given name").fill("Jordan")
    page.get_by_label("What happened").fill(
        "School counsellor: student often absent, new phone and clothes from an "
        "older 'boyfriend', seems afraid to go home."
    )
    shot(page, artifacts, "02-intake-form")
    page.get_by_role("button", name="Save intake").click()
    expect(page.locator("h1")).to_contain_text("Teacher or school counsellor")
    shot(page, artifacts, "03-intake-saved")

    # Child screen, positive.
    page.get_by_role("link", name="Run a screening").click()
    page.get_by_role(
        "link",
        name="Start this screen (Child sex-trafficking screen, 6 items (ages 11-17))",
    ).click()
    page.get_by_label("Age of the person").fill("15")
    for fieldset in page.locator("#screening-form fieldset").all():
        fieldset.get_by_label("Yes", exact=True).check()
    page.get_by_role("button", name="See the result").click()
    expect(page.locator("#result-category")).to_have_text("positive")
    safety = page.locator("section[aria-labelledby=safety-h]")
    expect(safety).to_contain_text("Make the child-abuse report now")
    expect(safety).to_contain_text("1-888-373-7888")
    shot(page, artifacts, "04-screen-positive")

    # Open a Survive case.
    page.get_by_role("button", name=re.compile(r"^Open a Survive case")).click()
    expect(page.locator("#case-pathway")).to_have_text("Survive")
    case_url = page.url.split("#")[0]

    # Add a housing need (the form is open while the case has none).
    page.get_by_label("Add a need: category").select_option(label="Housing instability")
    page.get_by_label("Details").fill("Cannot stay at home safely tonight.")
    page.get_by_role("button", name="Add need").click()
    expect(page.locator("#needs")).to_be_visible()
    expect(page.locator("section[aria-labelledby=needs]")).to_contain_text(
        "Housing instability"
    )
    shot(page, artifacts, "05-case-need")

    # A note in the person's words: lexicon terms highlighted, screening suggested.
    page.get_by_label("New note").fill(
        "Jordan said her daddy takes the money and she had to pay a choosing fee."
    )
    preview = page.locator("#note-preview mark.term")
    expect(preview.first).to_be_visible()
    expect(page.locator("#note-suggestion")).to_contain_text("Consider a screening")
    page.get_by_role("button", name="Save note").click()
    marks = page.locator("article.note mark.term[data-term^='lexicon.']")
    expect(marks).to_have_count(2)
    assert {marks.nth(i).get_attribute("data-term") for i in range(2)} == {
        "lexicon.daddy",
        "lexicon.choosing_up",
    }
    assert "pimp" in (marks.first.get_attribute("title") or "").lower()
    expect(page.locator("#screening-suggestion")).to_be_visible()
    # "takes the money" is the deck's money-control indicator, listed in words
    expect(page.locator("#note-indicators")).to_contain_text("earnings")
    shot(page, artifacts, "06-note-highlights")

    # Consent to share with partners, then refer to the shelter in two clicks.
    page.locator("section[aria-labelledby=consent] summary").click()
    page.get_by_label("Consent to").select_option(label="Share with community partners")
    page.get_by_label("Covers").select_option(label="any partner organisation")
    page.get_by_role("button", name="Save consent").click()
    expect(page.locator("section[aria-labelledby=consent]")).to_contain_text("Active")
    page.locator("a[id^=refer-need-]").first.click()
    expect(page.locator("h1")).to_contain_text("Housing instability")
    shot(page, artifacts, "07-refer-directory")
    page.get_by_role("button", name="Refer to Safe Harbor Youth Shelter").click()
    # Nothing is sent before the confirmation page: what the partner will see.
    expect(page.locator("#send-when")).to_contain_text("Now")
    page.get_by_label("Reason for the referral").fill(
        "Needs a safe bed this week; school is aware."
    )
    shot(page, artifacts, "07b-refer-confirm")
    page.get_by_role(
        "button", name="Send the referral to Safe Harbor Youth Shelter"
    ).click()
    row = page.locator("#referrals-table tbody tr").first
    expect(row).to_contain_text("Safe Harbor Youth Shelter")
    expect(row.locator(".referral-status")).to_have_text(
        "Sent, waiting for the partner"
    )
    shot(page, artifacts, "08-referral-sent")

    # The shelter's partner user accepts, starts and completes it.
    sign_in(page, base, "partner.shelter")
    expect(page).to_have_url(f"{base}/inbox")
    shot(page, artifacts, "09-partner-inbox")
    page.goto(f"{base}/inbox?status=sent")
    page.locator("#inbox-table tbody tr").filter(
        has_text=_pseudonym(page, live, case_url)
    ).get_by_role("link").click()
    expect(page.locator("#referral-status")).to_have_text(
        "Sent, waiting for the partner"
    )
    page.get_by_role("button", name="Accept").click()
    expect(page.locator("#referral-status")).to_have_text("Accepted")
    shot(page, artifacts, "10-partner-accepted")
    page.get_by_role("button", name="Mark in progress").click()
    expect(page.locator("#referral-status")).to_have_text("In progress")
    page.get_by_label("Note for the care manager").fill(
        "Placed in youth shelter; school aware."
    )
    page.get_by_role("button", name="Mark completed").click()
    expect(page.locator("#referral-status")).to_have_text("Completed")
    shot(page, artifacts, "11-partner-completed")

    # The care manager sees the loop closed.
    sign_in(page, base, "cm.north")
    page.goto(case_url)
    row = page.locator("#referrals-table tbody tr").first
    expect(row.locator(".referral-status")).to_have_text("Completed")
    expect(page.locator("ol.timeline")).to_contain_text("completed")
    path = shot(page, artifacts, "12-case-loop-closed")
    page.set_viewport_size({"width": 1400, "height": 1000})
    page.screenshot(path=str(artifacts / "case-page.png"), full_page=False)
    DOCS_IMG.mkdir(parents=True, exist_ok=True)
    shutil.copy(artifacts / "case-page.png", DOCS_IMG / "case-page.png")
    assert path.stat().st_size > 10_000


def _pseudonym(page: Page, live, case_url: str) -> str:
    case_id = int(case_url.rstrip("/").rsplit("/", 1)[1])
    rows = live.query(
        "select p.pseudonym from care_case c join person p on p.id = c.person_id "
        "where c.id = ?",
        case_id,
    )
    return str(rows[0][0])
