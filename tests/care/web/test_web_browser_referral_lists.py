"""In Chromium: the dates of referral lists stay on one line, at desktop width
and stacked at phone width."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page
from test_web_browser_journey import sign_in

pytestmark = pytest.mark.browser

#: How many lines each matching element's text takes (distinct line boxes).
_LINES = """sel => [...document.querySelectorAll(sel)].map(el => {
  const range = document.createRange();
  range.selectNodeContents(el);
  const tops = new Set([...range.getClientRects()]
    .filter(r => r.width > 0).map(r => Math.round(r.top)));
  return [el.textContent.trim(), tops.size];
})"""


def _wrapped(page: Page, selector: str) -> list[Any]:
    found = page.evaluate(_LINES, selector)
    assert found, f"no {selector} on {page.url}"
    return [(shown, lines) for shown, lines in found if lines != 1]


@pytest.mark.parametrize("width", [1280, 1024, 375])
def test_referral_list_dates_never_wrap(page: Page, live: Any, width: int) -> None:
    """The inbox's sent dates and last-change times, and the case page's sent
    and updated cells, each read on one line."""
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, live.url, "partner.shelter")
    page.goto(f"{live.url}/inbox")
    assert _wrapped(page, "#inbox-table td[data-label=Sent]") == []
    assert _wrapped(page, "#inbox-table td.last-change time") == []
    case = live.query(
        "select r.case_id from referral r join app_user u on u.id = r.owner_id "
        "where u.username = 'cm.north' and r.status != 'draft' order by r.id"
    )[0][0]
    sign_in(page, live.url, "cm.north")
    page.goto(f"{live.url}/cases/{case}")
    assert _wrapped(page, "#referrals-table td[data-label=Sent]") == []
    # the updated time may break between its date and its hour, never inside
    assert _wrapped(page, "#referrals-table td[data-label=Updated] .when") == []
    # and the partner's name keeps room: no line of one word in a wide window
    if width >= 1280:
        names = page.evaluate(_LINES, "#referrals-table td[data-label=Partner] a")
        assert all(lines <= 2 for _, lines in names), names
    if width >= 1024:  # "my work": each update's time and pseudonym, whole
        page.goto(f"{live.url}/work")
        assert _wrapped(page, "#referral-updates time") == []
        assert _wrapped(page, '#referral-updates a[href^="/cases/"]') == []


def test_a_refused_referral_form_puts_focus_on_the_field_to_fix(
    page: Page, live: Any
) -> None:
    """Refused (no reason), the confirmation page comes back with focus on the
    reason box, so a keyboard user types it at once and what they chose stays."""
    case = live.query(
        "select c.id from care_case c join app_user u on u.id = c.owner_id "
        "where u.username = 'cm.north' and c.status != 'closed' order by c.id"
    )[0][0]
    service = live.query(
        "select s.id from partner_service s join organization o on "
        "o.id = s.organization_id where o.name like 'Safe Harbor%' order by s.id"
    )[0][0]
    sign_in(page, live.url, "cm.north")
    page.goto(f"{live.url}/cases/{case}/refer/confirm?service_id={service}")
    page.select_option("#need_category", "housing_instability")
    page.check("#do_not_contact")
    if page.locator("#duplicate_ok").count():
        page.check("#duplicate_ok")
    # the browser's own check would stop an empty reason; the server's is tested
    page.evaluate("document.querySelector('#reason').removeAttribute('required')")
    page.locator("#refer-form button[type=submit]").press("Enter")
    page.wait_for_load_state("networkidle")
    assert page.locator("#reason").get_attribute("aria-invalid") == "true"
    assert page.evaluate("document.activeElement.id") == "reason"
    assert page.input_value("#need_category") == "housing_instability"
    assert page.locator("#do_not_contact").is_checked()
    page.keyboard.type("Needs a safe bed this week.")
    assert page.input_value("#reason") == "Needs a safe bed this week."
