"""In Chromium: an investigator finds an operation by a phone number written the
way ads hide it, opens it, reviews a planted missing-person lead beside its ad and
confirms it (the supervisor then sees the care intake it created, and a hand-off
record is made), then dismisses a decoy lead with a reason using the keyboard only.
Screenshots go to test-artifacts/web/ and docs/img/investigate-*.png."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from _investigate_help import (
    INVESTIGATOR,
    biggest_operation,
    build_corpus,
    planted_and_decoy,
    prepare_workspace,
    written_like_an_ad,
)
from playwright.sync_api import Page, expect

from nowrongdoor.care.investigate.importer import AdsImport
from nowrongdoor.care.seed import DEMO_PASSWORD

pytestmark = pytest.mark.browser

DOCS_IMG = Path(__file__).resolve().parents[3] / "docs" / "img"


@pytest.fixture(scope="module")
def workspace(live: Any, tmp_path_factory: pytest.TempPathFactory) -> AdsImport:
    """The live site's database with the ad corpus imported and an investigator."""
    job = build_corpus(tmp_path_factory.mktemp("inv-browser"))
    prepare_workspace(live.db_path.parent, job)
    return job


def _sign_in(page: Page, base: str, username: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{base}/login")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator("header .who")).to_contain_text("signed in as")


def _shot(page: Page, artifacts: Path, name: str, docs: bool = False) -> None:
    path = artifacts / f"{name}.png"
    page.screenshot(path=str(path), full_page=not docs)
    if docs:
        shutil.copy(path, DOCS_IMG / f"{name}.png")


def test_investigator_journey(
    page: Page, live: Any, workspace: AdsImport, artifacts: Path
) -> None:
    base = live.url
    page.set_default_timeout(30_000)
    expect.set_options(timeout=30_000)
    page.set_viewport_size({"width": 1280, "height": 900})
    problems: list[str] = []  # script errors, CSP refusals (Cytoscape.js included)
    page.on("pageerror", lambda exc: problems.append(str(exc)))
    page.on(
        "console",
        lambda msg: problems.append(msg.text) if msg.type == "error" else None,
    )
    _sign_in(page, base, INVESTIGATOR)
    expect(page).to_have_url(f"{base}/investigate")  # the investigator's start page
    biggest = biggest_operation(workspace)
    search = page.get_by_label("Phone, e-mail or handle")
    search.fill(written_like_an_ad(biggest["phones"][0]))
    search.press("Enter")
    expect(page.locator("#ops-count")).to_contain_text(
        f"1 operation with phone {biggest['phones'][0]}"
    )
    _shot(page, artifacts, "investigate-operations", docs=True)
    page.get_by_role("link", name=biggest["operation"]).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Operation {biggest['operation']}"
    )
    expect(page.locator("#timeline tbody tr").first).to_be_visible()
    expect(page.locator("#route li")).to_have_count(len(biggest["route"]))
    expect(page.locator("article.ad")).to_have_count(biggest["ads"])
    _shot(page, artifacts, "investigate-operation", docs=True)
    _map_graph_and_note(page, biggest, artifacts)
    assert not problems, problems

    planted, decoy = planted_and_decoy(workspace)
    page.get_by_role("link", name="Missing-person leads").click()
    row = page.locator(f'tr[data-lead="{planted[0]}/{planted[1]}"]')
    row.get_by_role("link").click()
    expect(page.locator("#poster")).to_contain_text("Missing since")
    expect(page.locator("#lead-ad")).to_contain_text(planted[1])
    page.get_by_label("Confirmed: this is the missing person").check()
    page.get_by_label("Why (recorded with your name and the time)").fill(
        "Same first name, eyes, hair and weight; posted near where she went missing"
    )
    page.get_by_role("button", name="Record decision").click()
    expect(page.locator("#decision-notice")).to_contain_text("confirmed")
    expect(page.locator("#lead-status")).to_have_text("confirmed")
    _shot(page, artifacts, "investigate-lead", docs=True)
    care_intake = page.locator("#care-intake")
    expect(care_intake).to_contain_text("ad-match door")
    intake_id = care_intake.inner_text().split("intake ")[1].split(" ")[0]
    page.get_by_role("link", name="Hand-off record").click()
    expect(page.locator("#handoff-sha")).to_have_text(re.compile(r"^[0-9a-f]{64}$"))
    _shot(page, artifacts, "investigate-handoff")

    # The decoy, keyboard only: reach the lead, choose, give the reason, send.
    page.goto(f"{base}/investigate/leads")
    link = page.locator(f'tr[data-lead="{decoy[0]}/{decoy[1]}"] a')
    for _ in range(200):
        page.keyboard.press("Tab")
        if link.evaluate("el => el === document.activeElement"):
            break
    else:
        pytest.fail("the decoy lead's link is not reachable with Tab")
    page.keyboard.press("Enter")
    expect(page.locator("#lead-ad")).to_contain_text(decoy[1])
    radio = page.locator("#d-ruled_out")
    for _ in range(200):
        page.keyboard.press("Tab")
        if radio.evaluate("el => el.name === document.activeElement.name"):
            break
    else:
        pytest.fail("the decision radios are not reachable with Tab")
    while not radio.evaluate("el => el === document.activeElement"):
        page.keyboard.press("ArrowDown")
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    page.keyboard.type("Not the person: the ad's place is thousands of km away")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(page.locator("#lead-status")).to_have_text("ruled out")
    # the care team's supervisor sees the intake the confirmation created
    _sign_in(page, base, "supervisor")
    page.goto(f"{base}/intakes/{intake_id}")
    expect(page.locator("main")).to_contain_text("An investigator confirmed")
    decided = live.query(
        "SELECT action FROM audit_event WHERE action LIKE 'investigation.lead.%'"
    )
    assert {"investigation.lead.confirmed", "investigation.lead.ruled_out"} <= {
        a for (a,) in decided
    }


def _map_graph_and_note(page: Page, biggest: dict[str, Any], artifacts: Path) -> None:
    """The route map and the contact graph, then the graph and a note by keyboard."""
    states = {s["state"] for s in biggest["route"]}
    expect(page.locator("#route-map path.state.visited")).to_have_count(len(states))
    expect(page.locator("#route-map circle.stop")).to_have_count(
        len({(s["city"], s["state"]) for s in biggest["route"]})
    )
    graph = page.locator("#contact-graph")
    expect(graph).to_be_visible()  # Cytoscape.js ran (the box is hidden without it)
    expect(graph.locator("canvas").first).to_be_attached()
    drawn = page.evaluate(
        "() => document.querySelectorAll('#graph-nodes tbody tr').length"
    )
    assert drawn > biggest["ads"]
    page.locator("#route-map").screenshot(path=str(artifacts / "map.png"))
    shutil.copy(artifacts / "map.png", DOCS_IMG / "investigate-route-map.png")
    # keyboard only: Tab to the graph, arrows through the nodes, Enter opens an ad
    page.evaluate("() => window.scrollTo(0, 0)")
    page.locator("h1").focus()
    for _ in range(400):
        page.keyboard.press("Tab")
        if graph.evaluate("el => el === document.activeElement"):
            break
    else:
        pytest.fail("the contact graph is not reachable with Tab")
    page.keyboard.press("End")  # the last node: the least shared identifier
    page.keyboard.press("Home")  # the first node: the first ad
    first_ad = page.locator("article.ad").first
    key = str(first_ad.get_attribute("id"))[3:]
    expect(page.locator("#graph-focus")).to_contain_text(f"ad {key}, 1 of")
    page.keyboard.press("ArrowRight")
    expect(page.locator("#graph-focus")).to_contain_text("2 of")
    page.keyboard.press("ArrowLeft")
    graph.screenshot(path=str(artifacts / "graph.png"))
    shutil.copy(artifacts / "graph.png", DOCS_IMG / "investigate-graph.png")
    page.keyboard.press("Enter")
    expect(first_ad).to_be_focused()
    # a note, keyboard only: Tab to the note box, type, Tab to the button, Enter
    box = page.locator("#note-text")
    for _ in range(600):
        page.keyboard.press("Tab")
        if box.evaluate("el => el === document.activeElement"):
            break
    else:
        pytest.fail("the note box is not reachable with Tab")
    page.keyboard.type("Same hotel in Newark and Jersey City; ask the task force")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(page.locator("#note-notice")).to_contain_text("Note added")
    expect(page.locator("#op-notes")).to_contain_text("Same hotel in Newark")


def test_operation_page_has_no_axe_violations(
    browser: Any, live: Any, workspace: AdsImport
) -> None:
    """axe-core (npm, injected past the page's CSP) on the operation page with
    its map, graph and notes."""
    from test_web_browser_axe import _axe_violations

    context = browser.new_context(bypass_csp=True)
    try:
        page = context.new_page()
        page.set_default_timeout(30_000)
        _sign_in(page, live.url, INVESTIGATOR)
        op = biggest_operation(workspace)["operation"]
        page.goto(f"{live.url}/investigate")
        page.get_by_role("link", name=op).click()
        expect(page.locator("#contact-graph canvas").first).to_be_attached()
        violations = _axe_violations(page)
        assert not violations, "axe-core violations:\n" + "\n".join(violations)
    finally:
        context.close()


def test_care_manager_is_refused_the_workspace(
    page: Page, live: Any, workspace: AdsImport
) -> None:
    _sign_in(page, live.url, "cm.north")
    expect(page.get_by_role("link", name="Operations")).to_have_count(0)
    response = page.goto(f"{live.url}/investigate")
    assert response is not None and response.status == 403


def test_keyboard_reaches_the_notes_without_tabbing_every_link(
    page: Page, live: Any, workspace: AdsImport
) -> None:
    """On a big operation the note form sat behind two links per merge and the
    graph: the page's section links take a keyboard user there in a few keys."""
    page.set_default_timeout(30_000)
    _sign_in(page, live.url, INVESTIGATOR)
    op = biggest_operation(workspace)["operation"]
    page.goto(f"{live.url}/investigate")
    page.get_by_role("link", name=op).click()
    sections = page.get_by_role("navigation", name="On this page")
    notes = sections.get_by_role("link", name=re.compile(r"^notes"))
    presses = 0
    while not notes.evaluate("el => el === document.activeElement"):
        page.keyboard.press("Tab")
        presses += 1
        # from the top: the skip link, the site's menu, "All operations"
        assert presses <= 20, "the section links are not near the top"
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"#notes$"))
    page.keyboard.press("Tab")
    expect(page.locator("#note-text")).to_be_focused()
