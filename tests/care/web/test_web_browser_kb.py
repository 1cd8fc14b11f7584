"""Database-free pages in Chromium: keyboard use and live search."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser


def test_skip_link_is_first_and_moves_focus_to_main(page, live_url, artifacts):
    page.goto(f"{live_url}/glossary")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.className")
    assert "skip-link" in focused
    assert page.locator("a.skip-link").is_visible()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


def test_live_glossary_search_with_htmx(page, live_url, artifacts):
    page.goto(f"{live_url}/glossary")
    page.get_by_label("Search the glossary").fill("bottom")
    heading = page.locator("#results-heading")
    heading.wait_for()
    assert "bottom" in heading.inner_text()
    assert page.url.endswith("/glossary?q=bottom")
    first = page.locator("#glossary-results dl dt a").first
    assert first.get_attribute("href") == "/glossary/lexicon.bottom"
    page.screenshot(path=str(artifacts / "glossary-search.png"), full_page=True)


def test_phone_width_has_no_horizontal_scroll(page, live_url):
    page.set_viewport_size({"width": 375, "height": 740})
    page.goto(f"{live_url}/training")
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0
