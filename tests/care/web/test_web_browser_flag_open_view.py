"""In Chromium: a care manager whom no 42 CFR Part 2 consent covers opens the
claims-flag intake of an identified survivor whose flag also has a
substance-use code, and reads why the claims flagged them (the confirmed
trafficking code) and that one reason is withheld (42 CFR 2.12, 2.32)."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect
from test_web_browser_journey import shot, sign_in

pytestmark = pytest.mark.browser


def test_the_intake_page_shows_the_open_reason_and_withholds_the_part2_one(
    page: Page, live: Any, artifacts: Any
) -> None:
    rows = live.query(
        "select i.id from intake i join risk_flag f on f.person_id = i.person_id "
        "where i.door = 'claims_flag' and f.sensitivity = 'part2' "
        "and f.tier = 'identified'"
    )
    assert len(rows) == 1, rows
    sign_in(page, live.url, "cm.north")
    page.goto(f"{live.url}/intakes/{rows[0][0]}")
    why = page.locator("section[aria-labelledby=why-h]")
    expect(why.get_by_role("heading")).to_have_text(
        "Why the claims flagged this person"
    )
    reason = why.locator("#flag-reasons li")
    expect(reason).to_have_count(1)
    expect(reason).to_contain_text("identified (50)")
    expect(reason).to_contain_text("trafficking confirmed (T74.62XA")
    expect(reason).to_contain_text(
        "1 more reason withheld: substance-use records (42 CFR Part 2) show only "
        "where the person's consent covers your organisation."
    )
    text = why.inner_text()
    assert "F11.20" not in text and "substance use (" not in text
    assert "(53)" not in text
    shot(page, artifacts, "flag-open-view-intake")
