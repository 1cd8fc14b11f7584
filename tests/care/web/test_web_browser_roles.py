"""In Chromium: the daily journeys of the partner, supervisor, admin and analyst,
driven from the keyboard where a person would type (Tab to the button, Enter)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect
from test_web_browser_journey import assert_choices_fit, shot, sign_in

pytestmark = pytest.mark.browser


def _tab_to(page: Page, label: str, limit: int = 150) -> None:
    """Press Tab until the focused element reads ``label``."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(
            "(document.activeElement.innerText || document.activeElement.value "
            "|| '').trim()"
        )
        if focused == label:
            return
    raise AssertionError(f"{label!r} not reached with Tab")


def test_partner_declines_with_a_reason_from_the_keyboard(
    page: Page, live: Any, artifacts: Path
) -> None:
    sent = live.query(
        "select r.id from referral r join organization o "
        "on o.id = r.to_organization_id "
        "where o.name like 'Safe Harbor%' and r.status = 'sent' order by r.id"
    )
    assert sent, "the seed sends referrals to the shelter"
    referral = sent[0][0]
    sign_in(page, live.url, "partner.shelter")
    expect(page).to_have_url(f"{live.url}/inbox")
    page.goto(f"{live.url}/referrals/{referral}")
    # the empty reason is refused beside the field, nothing changes
    page.locator("#declined-reason").focus()
    _tab_to(page, "Decline")
    page.keyboard.press("Enter")
    expect(page.locator("#referral-status")).to_contain_text("Sent")
    page.locator("#declined-reason").focus()
    page.keyboard.type("No bed free for the next two weeks; try Harbor Light.")
    _tab_to(page, "Decline")
    page.keyboard.press("Enter")
    expect(page.locator("#referral-status")).to_contain_text("Declined")
    expect(page.locator("main")).to_contain_text("No bed free for the next two weeks")
    shot(page, artifacts, "30-partner-declined")
    assert live.query(
        "select status, declined_at is not null from referral where id = ?", referral
    ) == [("declined", 1)]


def test_supervisor_reviews_who_looked_at_whom(
    page: Page, live: Any, artifacts: Path
) -> None:
    # a care manager opens a person: the supervisor must see that read
    sign_in(page, live.url, "cm.north")
    pseudonym = live.query(
        "select p.pseudonym from person p join app_user u on u.id = p.owner_id "
        "where u.username = 'cm.north' order by p.id"
    )[0][0]
    page.goto(f"{live.url}/people/{pseudonym}")
    sign_in(page, live.url, "supervisor")
    page.goto(f"{live.url}/oversight")
    page.get_by_label("Show").select_option("reads")
    page.get_by_label("Staff username").fill("cm.north")
    page.get_by_label("Person (pseudonymous id)").fill(pseudonym)
    page.get_by_label("Person (pseudonymous id)").press("Enter")
    expect(page.locator("#oversight-table tbody tr").first).to_contain_text("cm.north")
    expect(page.locator("#oversight-table tbody")).to_contain_text(pseudonym)
    href = page.locator("#oversight-csv").get_attribute("href") or ""
    assert "kind=reads" in href and "username=cm.north" in href
    assert_choices_fit(page, "#oversight-filters")
    page.get_by_label("Show").select_option("overrides")  # the longest choice
    assert_choices_fit(page, "#oversight-filters")
    shot(page, artifacts, "31-supervisor-oversight")


def test_admin_filters_and_verifies_the_audit_chain(
    page: Page, live: Any, artifacts: Path
) -> None:
    sign_in(page, live.url, "admin")
    page.goto(f"{live.url}/admin/audit")
    page.get_by_label("Action starts with").fill("auth.")
    _tab_to(page, "Filter")
    page.keyboard.press("Enter")  # the person field left empty: still a page
    expect(page.locator("h1")).to_have_text("Audit log")
    actions = page.locator("#audit-table tbody tr").all_inner_texts()
    assert actions and all("auth." in row for row in actions), actions
    words = page.locator("#audit-table tbody .action-words").first
    expect(words).to_have_attribute("title", re.compile(r"^Action code: auth\."))
    expect(words).not_to_contain_text("auth.")  # words, the code beside them
    page.get_by_role("button", name="Verify the chain").click()
    expect(page.locator("main")).to_contain_text("The hash chain is intact")
    shot(page, artifacts, "32-admin-audit-verified")


def test_analyst_reviews_a_lead_from_the_keyboard(
    page: Page, live: Any, artifacts: Path
) -> None:
    sign_in(page, live.url, "analyst")
    page.goto(f"{live.url}/leads")
    first = page.locator("#queue-table tr[data-intake] a").first
    href = first.get_attribute("href") or ""
    intake_id = int(href.rsplit("/", 1)[1])
    first.focus()
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{live.url}{href}")
    expect(page.locator("#lead-explained")).to_be_visible()
    shot(page, artifacts, "33-analyst-lead")
    _tab_to(page, "Dismiss")
    page.keyboard.press("Enter")
    expect(page.locator("main")).not_to_contain_text("Internal Server Error")
    assert live.query("select status from intake where id = ?", intake_id) == [
        ("dismissed",)
    ]


def test_care_manager_sees_why_the_claims_flagged_a_person_from_the_keyboard(
    page: Page, live: Any, artifacts: Path
) -> None:
    """From the queue of claims flags, Tab to a flagged person and Enter: the
    item says why the claims flagged them (each reason with code and date)."""
    sign_in(page, live.url, "cm.north")
    page.goto(f"{live.url}/queue?door=claims_flag")
    rows = page.locator("#queue-table tbody tr")
    shown = [
        rows.nth(i)
        for i in range(rows.count())
        if "withheld" not in rows.nth(i).inner_text()
    ]
    assert shown, "the seeded worklist flags reach the north team's queue"
    name = shown[0].locator("td[data-label=Person] a").inner_text().strip()
    page.locator("#q-door").focus()
    _tab_to(page, name)
    page.keyboard.press("Enter")
    expect(page.locator("#why-h")).to_be_visible()
    expect(page.locator("#flag-reasons")).to_contain_text(
        re.compile(r"\([A-Z]\d{2}[.\w]*, \d{4}-\d{2}-\d{2}\)")
    )
    shot(page, artifacts, "34-care-manager-claims-flag-reasons")


def test_admin_pages_through_the_audit_log_from_the_keyboard(
    page: Page, live: Any, artifacts: Path
) -> None:
    sign_in(page, live.url, "admin")
    page.goto(f"{live.url}/admin/audit")
    expect(page.locator("#audit-count")).to_contain_text("page 1 of")
    first = page.locator("#audit-table tbody tr").first.inner_text()
    _tab_to(page, "Older", limit=400)
    page.keyboard.press("Enter")
    expect(page.locator("#audit-count")).to_contain_text("page 2 of")
    assert page.locator("#audit-table tbody tr").first.inner_text() != first
    shot(page, artifacts, "35-admin-audit-page-2")
    _tab_to(page, "Newer", limit=400)
    page.keyboard.press("Enter")
    expect(page.locator("#audit-count")).to_contain_text("page 1 of")
