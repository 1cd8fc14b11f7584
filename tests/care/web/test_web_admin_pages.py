"""Dashboard masking and the admin pages, without a browser."""

from __future__ import annotations

import io
import json
import re
import zipfile
from pathlib import Path

import pytest
from _web_html import actions_shown, assert_accessible_basics, parse, texts

from nowrongdoor.care.web._masking import mask_count, mask_rate, mask_series

HSDS = Path(__file__).resolve().parents[1] / "data" / "hsds3-example"
ALLOWED = re.compile(r"^(0|<11|suppressed|no data|\d{2,}|\d+%|[\d.]+ hours)$")


@pytest.mark.parametrize(
    ("value", "text", "masked"),
    [(0, "0", False), (1, "<11", True), (10, "<11", True), (11, "11", False)],
)
def test_mask_count(value, text, masked):
    shown = mask_count(value, 11)
    assert (shown.text, shown.masked) == (text, masked)


def test_series_total_is_hidden_when_any_count_is():
    shown, total = mask_series({"a": 40, "b": 3}, 11)
    assert shown["a"].text == "40" and shown["b"].masked
    assert total.masked, "40 + hidden 3 = 43 would reveal the 3"
    shown, total = mask_series({"a": 40, "b": 12}, 11)
    assert total.text == "52"


def test_rate_hides_small_numerators_and_remainders():
    assert mask_rate(5, 100, 11).masked
    assert mask_rate(95, 100, 11).masked  # 5 not completed is a small cell
    assert mask_rate(50, 100, 11).text == "50%"
    assert mask_rate(0, 0, 11).text == "no data"


def test_dashboard_shows_no_small_counts(sign_in):
    sup = sign_in("supervisor")
    tree = assert_accessible_basics(sup.get("/dashboard").text)
    numbers = texts(tree, "td.num, dd.num")
    assert len(numbers) >= 10
    for cell in numbers:
        assert ALLOWED.match(cell), f"dashboard shows {cell!r}"
    assert "<11" in numbers, "the seeded program is small: some counts are masked"
    # the reports plugin is installed, so the dashboard links its program report
    assert tree.css_first('a[href="/reports/program"]') is not None


def test_admin_creates_a_user_and_changes_a_role(sign_in, web_app):
    admin = sign_in("admin")
    page = parse(admin.get("/admin").text)
    plan = next(
        o.attributes["value"]
        for o in page.css("#nu-org option")
        if "(plan)" in o.text()
    )
    created = admin.post(
        "/admin/users",
        data={
            "username": "cm.east",
            "display_name": "Eden East",
            "organization_id": plan,
            "role": "care_manager",
            "team": "east",
            "password": "a-long-enough-password",
        },
    )
    assert created.status_code == 303
    tree = parse(admin.get("/admin").text)
    row = next(r for r in tree.css("#users-table tbody tr") if "cm.east" in r.text())
    user_id = row.css_first("form").attributes["action"].rsplit("/", 1)[1]
    changed = admin.post(f"/admin/users/{user_id}", data={"role": "supervisor"})
    assert changed.status_code == 303
    tree = parse(admin.get("/admin").text)
    selected = tree.css_first(f"#role-{user_id} option[selected]")
    assert selected.attributes["value"] == "supervisor"
    weak = admin.post(
        "/admin/users",
        data={
            "username": "cm.weak",
            "display_name": "Weak",
            "organization_id": plan,
            "role": "care_manager",
            "password": "short",
        },
    )
    assert weak.status_code == 400
    assert "password" in parse(weak.text).css_first("main").text()


def test_audit_log_lists_page_reads_and_verifies_the_chain(sign_in):
    cm = sign_in("cm.north")
    cm.get("/work")
    admin = sign_in("admin")
    tree = assert_accessible_basics(
        admin.get("/admin/audit", params={"username": "cm.north"}).text
    )
    actions = texts(tree, "#audit-table td[data-label=Action] code.action-code")
    assert "work.read" in actions and "auth.login" in actions
    verified = parse(admin.get("/admin/audit", params={"verify": "true"}).text)
    assert "intact" in verified.css_first("#chain-report").text()


def test_audit_log_shows_actions_in_words_with_the_code(sign_in):
    """ "Opened my work", not "work.read"; the code stays beside it (small text
    and the words' title), and the action filter still takes a code."""
    from nowrongdoor.care.web._audit_words import action_words

    sign_in("cm.north").get("/work")
    admin = sign_in("admin")
    tree = parse(admin.get("/admin/audit", params={"username": "cm.north"}).text)
    seen = actions_shown(tree, "#audit-table td[data-label=Action]")
    assert all(words == action_words(code) for code, words in seen.items())
    assert seen["work.read"] == "Opened my work"
    assert seen["auth.login"] == "Signed in"
    only = parse(admin.get("/admin/audit", params={"action": "auth."}).text)
    codes = texts(only, "#audit-table td[data-label=Action] code.action-code")
    assert codes and all(c.startswith("auth.") for c in codes)


def test_audit_log_detects_an_edited_row(sign_in, web_app):
    from sqlalchemy import text

    admin = sign_in("admin")  # its login is audit event 2
    with web_app.state.db.engine.begin() as conn:
        changed = conn.execute(
            text("update audit_event set detail = 'edited' where seq = 2")
        )
        assert changed.rowcount == 1
    report = parse(admin.get("/admin/audit", params={"verify": "true"}).text)
    box = report.css_first("#chain-report")
    assert "broken" in box.text() and "event 2" in box.text()


def test_partner_import_reads_hsds_json(sign_in):
    admin = sign_in("admin")
    doc = (HSDS / "json" / "organization_full.json").read_bytes()
    response = admin.client.post(
        "/admin/partners",
        data={"csrf_token": admin.csrf},
        files={"file": ("organization_full.json", doc, "application/json")},
    )
    assert response.status_code == 200, response.text[:500]
    report = parse(response.text).css_first("#import-report").text()
    assert re.search(r"Imported [1-9]\d* organisations, [1-9]\d* services", report)
    name = json.loads(doc)["name"]
    assert name in texts(parse(admin.get("/admin/partners").text), "main ul li")[
        -50:
    ] or any(
        name in t for t in texts(parse(admin.get("/admin/partners").text), "main ul li")
    )


def test_partner_import_reads_a_zipped_csv_package(sign_in):
    admin = sign_in("admin")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path in (HSDS / "csv").iterdir():
            archive.write(path, f"hsds/{path.name}")
    response = admin.client.post(
        "/admin/partners",
        data={"csrf_token": admin.csrf},
        files={"file": ("hsds.zip", buffer.getvalue(), "application/zip")},
    )
    assert response.status_code == 200, response.text[:500]
    assert parse(response.text).css_first("#import-report") is not None


def test_partner_import_names_a_bad_file(sign_in):
    admin = sign_in("admin")
    response = admin.client.post(
        "/admin/partners",
        data={"csrf_token": admin.csrf},
        files={"file": ("partners.json", b"{not json", "application/json")},
    )
    assert response.status_code == 422
    assert "partners.json" in parse(response.text).css_first("#import-error").text()


def _copy_rows(web_app, table, source_id: int, n: int, **varying: str) -> None:
    """Insert ``n`` copies of one row, each ``varying`` column a format string
    of the copy's number (``name="Partner {:03d}"``)."""
    from sqlalchemy import insert, select

    with web_app.state.db.engine.begin() as conn:
        row = dict(
            conn.execute(select(table).where(table.c.id == source_id)).one()._mapping
        )
        row.pop("id")
        conn.execute(
            insert(table),
            [row | {k: v.format(i) for k, v in varying.items()} for i in range(n)],
        )


def test_admin_users_page_through_every_user_and_every_organisation(sign_in, web_app):
    """More users than a page and more organisations than the old 200 cut: every
    user is on some page, and every organisation is a choice of the forms."""
    from sqlalchemy import text as sql

    from nowrongdoor.care.models import Organization, User
    from nowrongdoor.care.web._admin_pages import USERS_PAGE_SIZE

    with web_app.state.db.engine.connect() as conn:
        user_id = conn.execute(sql("select min(id) from app_user")).scalar_one()
        org_id = conn.execute(
            sql("select min(id) from organization where kind = 'partner'")
        ).scalar_one()
    _copy_rows(
        web_app, User.__table__, user_id, USERS_PAGE_SIZE, username="staff{:03d}"
    )
    _copy_rows(
        web_app,
        Organization.__table__,
        org_id,
        205,
        name="Zz partner {:03d}",
        hsds_id="00000000-0000-4000-8000-b{:011d}",
    )
    with web_app.state.db.engine.connect() as conn:
        users = {r[0] for r in conn.execute(sql("select username from app_user"))}
    admin = sign_in("admin")
    seen: set[str] = set()
    url: str | None = "/admin"
    while url:
        tree = assert_accessible_basics(admin.get(url).text)
        seen |= {s.text() for s in tree.css("#users-table td .muted")}
        nxt = tree.css_first('nav[aria-label="User pages"] a[rel="next"]')
        url = nxt.attributes["href"] if nxt else None
        assert len(seen) <= len(users)
    assert seen == users
    first = parse(admin.get("/admin").text)
    choices = texts(first, "#nu-org option")
    assert "Zz partner 204 (partner)" in choices


def test_audit_log_pages_keep_their_filters(sign_in):
    """The audit log's pager keeps the filters, encoded, and reaches every event."""
    worker = sign_in("cm.north")
    for _ in range(3):
        worker.get("/work")
    admin = sign_in("admin")
    first = parse(admin.get("/admin/audit", params={"action": "work"}).text)
    count = first.css_first("#audit-count").text()
    total = int(count.split()[0])
    seqs: list[str] = []
    url: str | None = "/admin/audit?action=work"
    while url:
        tree = parse(admin.get(url).text)
        seqs += [tr.css_first("td").text() for tr in tree.css("#audit-table tbody tr")]
        assert all(
            a == "work.read"
            for a in texts(tree, "#audit-table td[data-label=Action] code.action-code")
        )
        nxt = tree.css_first('nav[aria-label="Audit log pages"] a[rel="next"]')
        url = nxt.attributes["href"] if nxt else None
        if url:
            assert "action=work&" in url and "page=" in url
    assert len(seqs) == len(set(seqs)) == total >= 3
    odd = parse(admin.get("/admin/audit", params={"username": "a&b c"}).text)
    assert odd.css_first("#audit-count").text().startswith("0 events")


def test_partner_import_says_how_many_warnings_it_does_not_list(sign_in):
    admin = sign_in("admin")
    services = [
        {"id": f"svc-{i}", "organization_id": "nowhere", "name": f"Shelter {i}",
         "eligibility_description": "Youth"}
        for i in range(23)
    ]  # fmt: skip
    response = admin.client.post(
        "/admin/partners",
        data={"csrf_token": admin.csrf},
        files={"file": ("services.json", json.dumps(services), "application/json")},
    )
    assert response.status_code == 200, response.text[:500]
    items = texts(parse(response.text), "#import-report li")
    assert len(items) == 21 and items[-1].startswith("and 3 more")
