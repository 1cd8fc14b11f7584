"""In Chromium: a double click on "Save intake" sends it once (the page's
script), and a POST the network sends twice makes one intake (the server
answers the second POST of the same one-time key with the first one's
address)."""

from __future__ import annotations

import time
from typing import Any

import pytest
from playwright.sync_api import Page, Route, expect
from test_web_browser_journey import sign_in

pytestmark = pytest.mark.browser


def _intakes(live: Any) -> tuple[int, int]:
    """How many intakes there are, and the highest id."""
    count, top = live.query("select count(*), max(id) from intake")[0]
    return int(count), int(top)


REPEATS = "select count(*) from audit_event where action = 'form.repeat'"


#: In the page: 300 ms after the first click, note whether the button reads
#: as busy (kept across the navigation) and click it again, as an impatient
#: person would while the answer is slow.
CLICK_AGAIN = """() => {
  const button = document.querySelector('#intake-form button');
  button.addEventListener('click', () => {
    setTimeout(() => {
      sessionStorage.setItem('busy', String(button.disabled));
      button.click();
    }, 300);
  }, {once: true});
}"""


def test_double_click_on_save_intake_sends_it_once(page: Page, live: Any) -> None:
    """A double click, then another click while the answer is slow: the page
    sends one POST, its button busy meanwhile."""
    summary = "Seen at the clinic twice over"
    repeats = live.query(REPEATS)
    sign_in(page, live.url, "cm.north")
    page.goto(f"{live.url}/intake")
    page.get_by_label("Door: how did the person reach us?").select_option("hospital")
    page.get_by_label("What happened").fill(summary)
    count, top = _intakes(live)
    posts: list[str] = []

    def slow(route: Route) -> None:
        if route.request.method == "POST":
            posts.append(route.request.url)
            time.sleep(1.0)  # a slow network; the page clicks again meanwhile
        route.continue_()

    page.route(f"{live.url}/intake", slow)
    page.evaluate(CLICK_AGAIN)
    page.get_by_role("button", name="Save intake").dblclick()
    expect(page).to_have_url(f"{live.url}/intakes/{top + 1}")
    expect(page.locator("main")).to_contain_text(summary)
    assert posts == [f"{live.url}/intake"], f"the page sent {len(posts)} POSTs"
    assert page.evaluate("sessionStorage.getItem('busy')") == "true"
    assert _intakes(live) == (count + 1, top + 1)
    made = live.query("select count(*) from form_key where redirect_to = ?",
                      f"/intakes/{top + 1}")  # fmt: skip
    assert made == [(1,)]
    assert live.query(REPEATS) == repeats


def test_a_post_the_network_sends_twice_makes_one_intake(page: Page, live: Any) -> None:
    """A retried POST (the first answer lost on a slow network): the server
    sees the same form twice and answers the second with the first intake."""
    sign_in(page, live.url, "cm.north")
    page.goto(f"{live.url}/intake")
    page.get_by_label("Door: how did the person reach us?").select_option("family")
    page.get_by_label("What happened").fill("Sent twice by the network")

    def twice(route: Route) -> None:
        if route.request.method != "POST":
            route.continue_()
            return
        lost = route.fetch(max_redirects=0)  # its answer never reaches the page
        assert lost.status == 303
        route.fulfill(response=route.fetch(max_redirects=0))

    page.route(f"{live.url}/intake", twice)
    count, top = _intakes(live)
    repeats = live.query(REPEATS)[0][0]
    page.get_by_role("button", name="Save intake").click()
    expect(page).to_have_url(f"{live.url}/intakes/{top + 1}")
    expect(page.locator("main")).to_contain_text("Sent twice by the network")
    assert _intakes(live) == (count + 1, top + 1)
    assert live.query(REPEATS) == [(repeats + 1,)]
