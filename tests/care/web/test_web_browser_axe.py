"""In Chromium: axe-core finds no accessibility violation on any page of any role.

axe-core comes from npm (``package.json`` at the repository root; ``make test``
runs ``npm ci``) and is injected into each page by Playwright. Every rule axe
runs by default counts (WCAG 2.0-2.2 A/AA and its best practices).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page
from test_web_browser_journey import sign_in

pytestmark = pytest.mark.browser

AXE = Path(__file__).resolve().parents[3] / "node_modules" / "axe-core" / "axe.min.js"


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, Any]) -> dict[str, Any]:
    """Let Playwright inject axe-core despite the pages' Content-Security-Policy
    (``script-src 'self'``); only this module's pages are opened so."""
    return {**browser_context_args, "bypass_csp": True}


def _axe_violations(page: Page) -> list[str]:
    """Run axe-core on the page; one line per violation and element."""
    if not AXE.is_file():
        pytest.fail(f"{AXE} is missing: run `npm ci` at the repository root")
    page.add_script_tag(path=str(AXE))
    result: dict[str, Any] = page.evaluate("async () => await axe.run(document)")
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {node['target']}"
        for v in result["violations"]
        for node in v["nodes"]
    ]


def _check(page: Page, base: str, paths: list[str]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for path in paths:
        response = page.goto(f"{base}{path}")
        assert response is not None and response.status == 200, (path, response)
        violations = _axe_violations(page)
        if violations:
            found[path] = violations
    return found


def _first(live: Any, sql: str) -> Any:
    rows = live.query(sql)
    assert rows, sql
    return rows[0][0]


def _pages(live: Any) -> dict[str, list[str]]:
    """Each demo user's pages (the issue's list, per role that may open them)."""
    case = _first(
        live,
        "select c.id from care_case c join app_user u on u.id = c.owner_id "
        "where u.username = 'cm.north' and c.status != 'closed' order by c.id",
    )
    pseudonym = _first(
        live,
        "select p.pseudonym from person p join care_case c on c.person_id = p.id "
        f"where c.id = {int(case)}",
    )
    sent = _first(
        live,
        "select r.id from referral r join organization o "
        "on o.id = r.to_organization_id join care_case c on c.id = r.case_id "
        "join app_user u on u.id = c.owner_id "
        "where o.name like 'Safe Harbor%' and r.status != 'draft' "
        "and u.team = 'north' order by r.id",
    )
    # a partner with no active account: the page has the form that records
    # its answer on its behalf
    off_system = _first(
        live,
        "select r.id from referral r join care_case c on c.id = r.case_id "
        "join app_user u on u.id = c.owner_id where u.username = 'cm.north' "
        "and r.status = 'sent' and not exists (select 1 from app_user p where "
        "p.organization_id = r.to_organization_id and p.role = 'partner_user' "
        "and p.is_active) order by r.id",
    )
    return {
        "cm.north": [
            "/work",
            "/tasks",
            "/queue",
            f"/cases/{case}",
            f"/people/{pseudonym}",
            "/people",
            f"/screening?case_id={case}",
            f"/screening/cst6?case_id={case}",
            "/partners?q=shelter",
            f"/cases/{case}/refer",
            f"/referrals/{sent}",
            f"/referrals/{off_system}",
            "/intake",
            "/decision-aid",
            "/glossary",
            "/training",
            "/account/tokens",
        ],
        "partner.shelter": ["/inbox", f"/referrals/{sent}"],
        "supervisor": ["/queue", "/dashboard", "/oversight"],
        "admin": ["/admin", "/admin/audit", "/admin/partners", "/dashboard"],
        "analyst": ["/dashboard", "/leads"],
    }


@pytest.mark.parametrize(
    "username", ["cm.north", "partner.shelter", "supervisor", "admin", "analyst"]
)
def test_no_axe_violations(page: Page, live: Any, username: str) -> None:
    page.set_default_timeout(30_000)
    found: dict[str, list[str]] = {}
    if username == "cm.north":
        page.context.clear_cookies()
        found.update(_check(page, live.url, ["/login"]))
    sign_in(page, live.url, username)
    found.update(_check(page, live.url, _pages(live)[username]))
    assert not found, "axe-core violations:\n" + "\n".join(
        f"{path}: {line}" for path, lines in found.items() for line in lines
    )
