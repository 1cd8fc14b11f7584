"""In Chromium: another organisation's referral is refused; keyboard-only use."""

from __future__ import annotations

import shutil
import sqlite3

import pytest
from playwright.sync_api import Page, expect
from test_web_browser_journey import DOCS_IMG, assert_choices_fit, shot, sign_in

pytestmark = pytest.mark.browser


def test_partner_opening_another_orgs_referral_gets_403(page: Page, live, artifacts):
    rows = live.query(
        "select r.id from referral r join organization o "
        "on o.id = r.to_organization_id "
        "where o.name not like 'Safe Harbor%' and r.status != 'draft' order by r.id"
    )
    assert rows, "the seed sends referrals to other partners"
    other = rows[0][0]
    sign_in(page, live.url, "partner.shelter")
    response = page.goto(f"{live.url}/referrals/{other}")
    assert response is not None and response.status == 403
    expect(page.locator("h1")).to_have_text("You do not have access to this")
    expect(page.locator("main")).not_to_contain_text("P-")
    shot(page, artifacts, "20-partner-403")
    denied = live.query(
        "select count(*) from audit_event where outcome = 'denied' "
        "and resource_type = 'referral' and resource_id = ?",
        str(other),
    )
    assert denied[0][0] >= 1


def _tab_until(page: Page, wanted: str, limit: int = 80) -> list[str]:
    seen: list[str] = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        label = page.evaluate(
            "(document.activeElement.innerText || document.activeElement.value "
            "|| '').trim()"
        )
        seen.append(label)
        if label == wanted:
            return seen
    raise AssertionError(f"{wanted!r} not reached with Tab; reached {seen}")


def test_keyboard_only_reaches_the_main_actions(page: Page, live, artifacts):
    sign_in(page, live.url, "cm.north")
    page.goto(f"{live.url}/work")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    _tab_until(page, "New intake")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none", "focused links show a visible focus ring"
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{live.url}/intake")

    case_id = live.query(
        "select c.id from care_case c join app_user u on u.id = c.owner_id "
        "where u.username = 'cm.north' and c.status != 'closed' order by c.id"
    )[0][0]
    page.goto(f"{live.url}/cases/{case_id}")
    reached = _tab_until(page, "Refer to a partner", limit=120)
    assert "Run a screening" in reached
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{live.url}/cases/{case_id}/refer")
    first_refer = page.locator(".refer-form button").first
    first_refer.focus()
    page.keyboard.press("Enter")
    expect(page.locator("#refer-form")).to_be_visible()
    page.goto(f"{live.url}/cases/{case_id}")
    _tab_until(page, "Save note", limit=200)
    shot(page, artifacts, "21-keyboard-save-note")


def test_keyboard_only_marks_a_task_done_on_my_tasks(page: Page, live, artifacts):
    """The list of every open task of mine, and one marked done by keyboard
    alone; the list comes back without it."""
    sign_in(page, live.url, "cm.north")
    page.goto(f"{live.url}/tasks")
    count = page.locator("#tasks-table tbody tr").count()
    assert count > 0
    first = page.locator("#tasks-table tbody tr").first.inner_text()
    assert "case " in first and "P-" in first
    reached = _tab_until(page, "Done", limit=60)
    assert "Overdue only" in reached, "the filter is reached before the list"
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{live.url}/tasks")
    expect(page.locator("#tasks-table tbody tr")).to_have_count(count - 1)
    shot(page, artifacts, "22-keyboard-task-done")


@pytest.mark.parametrize("path", ["/work", "/tasks", "/cases/{case}", "/partners"])
def test_phone_width_pages_do_not_scroll_sideways(page: Page, live, path):
    case_id = live.query("select min(id) from care_case")[0][0]
    sign_in(page, live.url, "supervisor")
    page.set_viewport_size({"width": 375, "height": 740})
    page.goto(live.url + path.format(case=case_id))
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"{path} scrolls sideways by {overflow}px at 375px"


CONTRAST_JS = """
() => {
  const parse = (c) => c.match(/[\\d.]+/g).map(Number);
  const lum = ([r, g, b]) => {
    const f = (v) => {
      v /= 255;
      return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
    };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  const background = (el) => {
    for (let e = el; e; e = e.parentElement) {
      const c = parse(getComputedStyle(e).backgroundColor);
      if (c.length < 4 || c[3] > 0.99) return c.slice(0, 3);
    }
    return [255, 255, 255];
  };
  const low = [];
  for (const el of document.querySelectorAll('body *')) {
    const own = [...el.childNodes].some(
      (n) => n.nodeType === 3 && n.textContent.trim());
    if (!own || !el.getClientRects().length) continue;
    const style = getComputedStyle(el);
    if (style.visibility === 'hidden' || style.display === 'none') continue;
    const a = lum(parse(style.color)), b = lum(background(el));
    const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    if (ratio < 4.5) {
      low.push([el.tagName, el.textContent.trim().slice(0, 40), ratio.toFixed(2)]);
    }
  }
  return low;
}
"""


@pytest.mark.parametrize("path", ["/work", "/cases/{case}", "/dashboard", "/glossary"])
def test_text_contrast_is_at_least_aa(page: Page, live, path):
    case_id = live.query("select min(id) from care_case")[0][0]
    sign_in(page, live.url, "supervisor")
    page.goto(live.url + path.format(case=case_id))
    low = page.evaluate(CONTRAST_JS)
    assert low == [], f"text below 4.5:1 on {path}: {low[:5]}"


ENTER_JS = """
() => [...document.querySelectorAll(
  'main input:not([type]), main input[type=text], main input[type=search], '
  + 'main input[type=number], main input[type=date], main textarea')]
  .filter((el) => el.offsetParent !== null).map((el) => el.id)
"""


def _press_enter_everywhere(page: Page, url: str) -> list[str]:
    """Type into every visible text field of ``url`` and press Enter in it."""
    page.goto(url)
    ids = page.evaluate(ENTER_JS)
    for field_id in ids:
        page.goto(url)
        field = page.locator(f"[id='{field_id}']")
        field.focus()
        page.keyboard.type("Typed on the keyboard only")
        page.keyboard.press("Enter")
        page.wait_for_load_state()
    return ids


def test_enter_in_a_text_field_of_a_referral_page_never_sends(page: Page, live):
    service = live.query(
        "select s.id from partner_service s join organization o on o.id = "
        "s.organization_id where o.name like 'Safe Harbor%' order by s.id"
    )[0][0]
    case_id, person_id = live.query(
        "select c.id, c.person_id from care_case c join app_user u "
        "on u.id = c.owner_id where u.username = 'cm.north' "
        "and c.status != 'closed' order by c.id desc"
    )[0]
    # no consent covers any partner for this person: referring keeps a draft
    with sqlite3.connect(live.db_path) as conn:
        conn.execute("delete from consent where person_id = ?", (person_id,))
    sign_in(page, live.url, "cm.north")
    count = live.query("select count(*) from referral")[0][0]
    confirm = f"{live.url}/cases/{case_id}/refer/confirm?service_id={service}"
    assert _press_enter_everywhere(page, confirm) == ["reason"]
    assert live.query("select count(*) from referral")[0][0] == count

    # A draft (the person has no consent covering this partner, or a duplicate).
    page.goto(confirm)
    page.get_by_label("Need", exact=True).select_option(value="legal")
    page.get_by_label("Reason for the referral").fill("Needs legal advice")
    if page.locator("#duplicate_ok").count():
        page.locator("#duplicate_ok").check()
    page.locator("#refer-form button[type=submit]").click()
    page.wait_for_load_state()
    rid, status = live.query("select id, status from referral order by id desc")[0]
    assert status == "draft"
    for username in ("cm.north", "supervisor"):
        sign_in(page, live.url, username)
        fields = _press_enter_everywhere(page, f"{live.url}/referrals/{rid}")
        assert "cancel-reason" in fields
        assert live.query("select status from referral where id = ?", rid) == [
            ("draft",)
        ], f"Enter sent or cancelled the draft ({username}, fields {fields})"


def test_take_from_the_team_pool_and_assign_in_bulk(page: Page, live, artifacts):
    page.set_viewport_size({"width": 1400, "height": 1000})
    sign_in(page, live.url, "cm.north")
    page.goto(f"{live.url}/queue")
    take = page.locator("form[id^=take-] button").first
    intake_id = take.locator("xpath=..").get_attribute("id").removeprefix("take-")
    shot(page, artifacts, "30-queue-care-manager")
    take.click()
    expect(page).to_have_url(f"{live.url}/intakes/{intake_id}")
    page.locator("dl.facts a").click()
    expect(page.locator("h1")).to_contain_text("P-")

    sign_in(page, live.url, "supervisor")
    page.goto(f"{live.url}/queue")
    assert_choices_fit(page, "#queue-filters")
    page.screenshot(path=str(artifacts / "work-queue.png"), full_page=False)
    DOCS_IMG.mkdir(parents=True, exist_ok=True)
    shutil.copy(artifacts / "work-queue.png", DOCS_IMG / "work-queue.png")
    boxes = page.locator("#queue-table input[type=checkbox]")
    ticked = [boxes.nth(i).get_attribute("value") for i in range(2)]
    for i in range(2):
        boxes.nth(i).check()
    page.get_by_label("Assign the ticked items to").select_option(
        label="Sol South (south team)"
    )
    page.get_by_role("button", name="Assign").click()
    expect(page.locator("#queue-notice")).to_have_text("2 item(s) assigned.")
    owners = live.query(
        "select distinct u.username from intake i join app_user u "
        f"on u.id = i.owner_id where i.id in ({','.join(ticked)})"
    )
    assert owners == [("cm.south",)]
