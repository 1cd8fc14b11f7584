"""In Chromium: a care manager closes the loop for a partner that is not on the
system, recording its answers on its behalf, with the mouse and keyboard-only."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect
from test_web_browser_journey import shot, sign_in

pytestmark = pytest.mark.browser


def _off_system_referrals(live: Any) -> list[tuple[int, str]]:
    """cm.north's sent referrals to partners with no active account."""
    rows = live.query(
        "select r.id, o.name from referral r "
        "join organization o on o.id = r.to_organization_id "
        "join app_user u on u.id = r.owner_id "
        "where u.username = 'cm.north' and r.status = 'sent' and not exists "
        "(select 1 from app_user p where p.organization_id = o.id "
        "and p.role = 'partner_user' and p.is_active) order by r.id"
    )
    assert len(rows) >= 2, "the demo sends cm.north's referrals to off-system partners"
    return [(int(rid), str(name)) for rid, name in rows]


def _last_event(page: Page) -> str:
    return " ".join(page.locator(".timeline li").last.inner_text().split())


def test_mouse_the_care_manager_records_a_completion_on_behalf(
    page: Page, live: Any, artifacts: Any
) -> None:
    rid, name = _off_system_referrals(live)[0]
    sign_in(page, live.url, "cm.north")
    page.goto(f"{live.url}/referrals/{rid}")
    form = page.locator("#behalf-form")
    expect(form.get_by_role("heading")).to_have_text(
        f"Record {name}'s answer on its behalf"
    )
    steps = [
        ("They accepted the referral", "Phone", "", "Accepted"),
        ("They started the service", "Email", "", "In progress"),
        ("They completed the service (the loop is closed)", "In person",
         "Pat Rivera", "Completed"),
    ]  # fmt: skip
    for choice, via, who, status in steps:
        form.get_by_label(choice).check()
        form.get_by_label("How did they tell you?").select_option(label=via)
        if who:
            form.get_by_label(f"Who at {name} told you").fill(who)
            form.get_by_label("Their note or reason").fill("Housed on Friday.")
            shot(page, artifacts, "on-behalf-1-completion-form")
        form.get_by_role("button", name=f"Record on behalf of {name}").click()
        expect(page.locator("#referral-status")).to_have_text(status)
    assert _last_event(page).startswith(
        f"Marked completed: recorded by Casey North on behalf of {name}, told in "
        "person by Pat Rivera; their words: Housed on Friday."
    )
    expect(page.locator("#behalf-form")).to_have_count(0)
    shot(page, artifacts, "on-behalf-2-completed-history")
    audit = live.query(
        "select detail from audit_event where action = 'referral.status' "
        "and resource_id = ? order by seq desc limit 1",
        str(rid),
    )
    assert audit[0][0].startswith("completed recorded on behalf of partner")


def _tab_to(page: Page, element_id: str, limit: int = 120) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == element_id:
            return
    raise AssertionError(f"#{element_id} not reached with Tab")


def _focused() -> str:
    return "document.activeElement.id"


def test_keyboard_only_with_a_refusal_that_focuses_the_field_to_fix(
    page: Page, live: Any, artifacts: Any
) -> None:
    rid, name = _off_system_referrals(live)[1]
    sign_in(page, live.url, "cm.north")
    page.goto(f"{live.url}/referrals/{rid}")
    for move, via_keys, status in (
        ("accepted", ["ArrowDown"], "Accepted"),
        ("in_progress", ["ArrowDown", "ArrowDown"], "In progress"),
    ):
        _tab_to(page, f"behalf-status-{move}")
        page.keyboard.press("Space")
        assert page.locator(f"#behalf-status-{move}").is_checked()
        page.keyboard.press("Tab")
        assert page.evaluate(_focused()) == "behalf-told-via"
        for key in via_keys:
            page.keyboard.press(key)
        _tab_to(page, "behalf-reason")
        page.keyboard.press("Tab")
        page.keyboard.press("Enter")
        expect(page.locator("#referral-status")).to_have_text(status)
    # the browser's own check would stop an empty choice; the server's is tested
    page.evaluate(
        "document.querySelector('#behalf-told-via').removeAttribute('required')"
    )
    _tab_to(page, "behalf-status-completed")
    page.keyboard.press("Space")
    _tab_to(page, "behalf-told-by")
    page.keyboard.type("Front desk")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(page.locator("#behalf-told-via")).to_have_attribute("aria-invalid", "true")
    assert page.evaluate(_focused()) == "behalf-told-via"
    assert page.input_value("#behalf-told-by") == "Front desk"
    assert page.locator("#behalf-status-completed").is_checked()
    shot(page, artifacts, "on-behalf-3-refused-focus")
    for _ in range(4):
        page.keyboard.press("ArrowDown")
    assert page.input_value("#behalf-told-via") == "letter"
    _tab_to(page, "behalf-reason")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(page.locator("#referral-status")).to_have_text("Completed")
    assert _last_event(page).startswith(
        f"Marked completed: recorded by Casey North on behalf of {name}, told by "
        "letter or fax by Front desk"
    )
