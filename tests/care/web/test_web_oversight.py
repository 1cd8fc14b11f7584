"""Audit oversight: a supervisor's view of their organisation, with CSV."""

from __future__ import annotations

import csv
import io

from _web_html import actions_shown, assert_accessible_basics, parse
from sqlalchemy import text


def _sql(web_app, sql: str, **params):
    with web_app.state.db.engine.connect() as conn:
        return conn.execute(text(sql), params).all()


def _failed_login(client, username: str) -> None:
    client.cookies.clear()
    token = parse(client.get("/login").text).css_first("input[name=csrf_token]")
    client.post(
        "/login",
        data={
            "username": username,
            "password": "not the password",
            "csrf_token": token.attributes["value"],
        },
    )


def _rows(tree) -> list[dict[str, str]]:
    return [
        {
            td.attributes["data-label"]: " ".join(td.text().split())
            for td in tr.css("td")
        }
        for tr in tree.css("#oversight-table tbody tr")
        if tr.css_first("td[data-label]") is not None
    ]


def test_supervisor_sees_reads_failed_logins_and_overrides(sign_in, client, web_app):
    pseudonym = _sql(
        web_app,
        "select p.pseudonym from person p join app_user u on u.id = p.owner_id "
        "where u.username = 'cm.north' order by p.id",
    )[0][0]
    cm = sign_in("cm.north")
    assert cm.get(f"/people/{pseudonym}").status_code == 200
    sign_in("partner.shelter").get("/inbox")
    _failed_login(client, "cm.south")
    boss = sign_in("supervisor")

    reads = _rows(
        assert_accessible_basics(
            boss.get(
                "/oversight", params={"kind": "reads", "pseudonym": pseudonym}
            ).text
        )
    )
    assert any(
        r["Who"].startswith("cm.north") and r["Person"] == pseudonym for r in reads
    )
    failed = _rows(parse(boss.get("/oversight?kind=failed_logins").text))
    assert failed and failed[0]["Who"].startswith("cm.south")
    assert failed[0]["Outcome"] == "failure"
    everything = boss.get("/oversight").text
    assert "partner.shelter" not in everything, "another organisation's staff"

    # a referral sent without consent shows as an override
    service = _sql(
        web_app,
        "select s.id from partner_service s join organization o on o.id = "
        "s.organization_id where o.name like 'Safe Harbor%'",
    )[0][0]
    intake = boss.post("/intake", data={"door": "self"})
    person = parse(boss.get(intake.headers["location"]).text).css_first("dl.facts a")
    opened = boss.post(f"/people/{person.text()}/cases", data={"pathway": "survive"})
    case_id = opened.headers["location"].rsplit("/", 1)[1]
    made = boss.post(
        f"/cases/{case_id}/referrals",
        data={
            "service_id": str(service),
            "need_category": "legal",
            "reason": "Court date next week",
            "duplicate_ok": "yes",
        },
    )
    rid = made.headers["location"].split("?")[0].rsplit("/", 1)[1]
    sent = boss.post(
        f"/referrals/{rid}/status",
        data={
            "status": "sent",
            "override_reason": "Imminent risk; safety first",
            "confirm": "yes",
        },
    )
    assert sent.status_code == 303
    overrides = _rows(parse(boss.get("/oversight?kind=overrides").text))
    assert [r["Detail"] for r in overrides] == ["sent with consent override"]


def test_csv_export_matches_the_view_and_is_audited(sign_in, web_app):
    boss = sign_in("supervisor")
    view = parse(boss.get("/oversight?kind=reads").text)
    total = int(view.css_first("#oversight-count").text().split()[0])
    exported = boss.get("/oversight.csv?kind=reads")
    assert exported.status_code == 200
    assert exported.headers["content-type"].startswith("text/csv")
    assert "attachment" in exported.headers["content-disposition"]
    rows = list(csv.reader(io.StringIO(exported.text)))
    assert rows[0][:3] == ["seq", "at", "username"]
    # the view itself was audited after counting, so the export has one more
    assert len(rows) - 1 in (total, total + 1)
    assert all(r[4].endswith(".read") for r in rows[1:])
    names = {r[0] for r in _sql(web_app, "select username from app_user")}
    assert {r[2] for r in rows[1:]} <= names
    assert _sql(
        web_app,
        "select username from audit_event where action = 'audit.export' "
        "order by seq desc limit 1",
    ) == [("supervisor",)]


def test_csv_export_carries_the_words_after_the_old_columns(sign_in):
    """The export keeps every column it had, by name and place (scripts read
    either), and adds the action's words (``action_words``) last."""
    from nowrongdoor.care.web._audit_words import action_words

    worker = sign_in("cm.north")
    person = parse(worker.get("/people").text).css_first("main a[href^='/people/P-']")
    assert worker.get(person.attributes["href"]).status_code == 200
    exported = sign_in("supervisor").get("/oversight.csv?kind=reads")
    header, *rows = list(csv.reader(io.StringIO(exported.text)))
    before = ["seq", "at", "username", "role", "action", "outcome", "person",
              "record", "detail"]  # fmt: skip
    assert header == [*before, "action_words"]
    assert rows
    for row in rows:
        code, words = row[header.index("action")], row[header.index("action_words")]
        assert words == action_words(code) != code
    assert "Opened a person's record" in {r[-1] for r in rows}


def test_csv_export_writes_every_event_batch_by_batch(sign_in, web_app, monkeypatch):
    """The export is read in batches (here of 7) and leaves none out: every
    event the view counts, each once, newest first, and no file is left behind."""
    import tempfile
    from pathlib import Path

    from nowrongdoor.care.web import _oversight_pages

    monkeypatch.setattr(_oversight_pages, "EXPORT_BATCH", 7)
    made: list[str] = []
    real = tempfile.NamedTemporaryFile

    def spy(*args, **kwargs):
        handle = real(*args, **kwargs)
        made.append(handle.name)
        return handle

    monkeypatch.setattr(_oversight_pages.tempfile, "NamedTemporaryFile", spy)
    worker = sign_in("cm.north")
    person = parse(worker.get("/people").text).css_first("main a[href^='/people/P-']")
    for _ in range(25):
        assert worker.get(person.attributes["href"]).status_code == 200
    boss = sign_in("supervisor")
    exported = boss.get("/oversight.csv?kind=reads")
    rows = list(csv.reader(io.StringIO(exported.text)))[1:]
    seqs = [int(r[0]) for r in rows]
    assert seqs == sorted(set(seqs), reverse=True)
    view = parse(boss.get("/oversight?kind=reads").text)
    total = int(view.css_first("#oversight-count").text().split()[0])
    assert len(rows) == total > 3 * 7
    assert made and not any(Path(name).exists() for name in made)


def test_care_managers_and_analysts_have_no_oversight(sign_in):
    for username in ("cm.north", "analyst", "partner.shelter"):
        assert sign_in(username).get("/oversight").status_code == 403
        assert sign_in(username).get("/oversight.csv").status_code == 403


def test_actions_read_in_words_with_the_code_for_auditors(sign_in, web_app):
    """ "Opened a case", not "case.read"; the code stays beside it (small text
    and the words' title) for an auditor matching the log or the CSV."""
    case = _sql(
        web_app,
        "select c.id from care_case c join app_user u on u.id = c.owner_id "
        "where u.username = 'cm.north' order by c.id",
    )[0][0]
    assert sign_in("cm.north").get(f"/cases/{case}").status_code == 200
    tree = parse(sign_in("supervisor").get("/oversight?username=cm.north").text)
    seen = actions_shown(tree, "#oversight-table td[data-label=What]")
    assert seen["case.read"] == "Opened a case"
