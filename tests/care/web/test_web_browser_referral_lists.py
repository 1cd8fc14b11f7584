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
    assert _wrapped(page, "#referrals-table td[data-label=Updated]") == []
