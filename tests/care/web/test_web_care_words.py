"""What a care manager reads on "my work", the case and the referral pages:
words instead of stored codes, counts that hold, and when referrals changed
(without a browser)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from _web_html import assert_accessible_basics, parse
from sqlalchemy import text

from nowrongdoor.care.enums import CaseStatus, NeedStatus, TaskStatus

#: A stored code shown as it is stored ("human_trafficking", "goals_met").
CODE = re.compile(r"\b[a-z]+_[a-z_]+\b")


def _sql(web_app: Any, sql: str, **params: Any) -> list[Any]:
    with web_app.state.db.engine.connect() as conn:
        return list(conn.execute(text(sql), params).all())


def _send_if_draft(web_app: Any, sign_in: Any, rid: int) -> None:
    """Send referral ``rid`` if it is still a draft (a supervisor, overriding
    the missing consent with a reason)."""
    if _sql(web_app, "select status from referral where id = :i", i=rid) == [
        ("draft",)
    ]:
        sent = sign_in("supervisor").post(
            f"/referrals/{rid}/status",
            data={"status": "sent", "confirm": "yes",
                  "override_reason": "Safety first: she has nowhere to sleep."},
        )  # fmt: skip
        assert sent.status_code == 303


def _refer(cm: Any, case: int, service: int, need: str, **extra: str) -> int:
    """Create a referral from ``case`` (sent or draft); its id."""
    made = cm.post(
        f"/cases/{case}/referrals",
        data={
            "service_id": str(service),
            "need_category": need,
            "reason": "Needs a safe bed this week.",
            **extra,
        },  # fmt: skip
    )
    assert made.status_code == 303, made.text[:500]
    rid = made.headers["location"].split("/referrals/")[-1].split("?")[0]
    if rid.isdigit():
        return int(rid)
    page = parse(cm.get(made.headers["location"]).text)
    rows = page.css("#referrals-table tr[data-referral]")
    return max(int(r.attributes["data-referral"]) for r in rows)


def _service_of(web_app: Any, org_like: str) -> int:
    return int(
        _sql(
            web_app,
            "select s.id from partner_service s join organization o on o.id = "
            "s.organization_id where o.name like :o order by s.id limit 1",
            o=org_like,
        )[0][0]
    )


def test_case_timeline_speaks_words_newest_first(cm, sign_in, web_app, north_case):
    """The timeline names needs, pathways, close reasons and referral moves in
    words, lists each referral move once, and a moment's events newest first."""
    need = {"category": "human_trafficking", "description": "Exit plan"}
    added = cm.post(f"/cases/{north_case}/needs", data=need)
    assert added.status_code == 303, added.text[:300]
    rid = _refer(cm, north_case, _service_of(web_app, "Safe Harbor%"),
                 "human_trafficking", duplicate_ok="yes")  # fmt: skip
    tree = assert_accessible_basics(cm.get(f"/cases/{north_case}").text)
    items = [" ".join(li.text().split()) for li in tree.css("ol.timeline li")]
    shown = "\n".join(items)
    assert "Need added Human trafficking (specialty services)" in shown
    assert re.search(r"Case opened on the (Prevent|Survive|Thrive) pathway", shown)
    assert not CODE.search(shown), CODE.search(shown)
    moves = [i for i in items if i.startswith("Referral to Safe Harbor")]
    # the newest referral: drafted then sent at one moment, shown newest first
    status = _sql(web_app, "select status from referral where id = :i", i=rid)[0][0]
    if status == "sent":
        assert moves[0].startswith("Referral to Safe Harbor Youth Shelter: Sent by")
        assert moves[1].startswith("Referral to Safe Harbor Youth Shelter: Drafted by")
    drafted = [m for m in items if ": Drafted by" in m]
    referrals = _sql(
        web_app, "select count(*) from referral where case_id = :c", c=north_case
    )[0][0]
    assert len(drafted) == referrals, "one 'drafted' line per referral, no echo"
    closed = cm.post(
        f"/cases/{north_case}/status", data={"status": "closed", "reason": "goals_met"}
    )
    assert closed.status_code == 303
    tree = parse(cm.get(f"/cases/{north_case}").text)
    first = " ".join(tree.css_first("ol.timeline li").text().split())
    assert first.startswith("Case closed Goals met"), first


def test_referral_history_says_what_happened(cm, web_app, north_case):
    """The referral's history reads as moves ("Drafted", "Sent"), not as the
    status names of a list ("Draft (not sent)")."""
    rid = _refer(cm, north_case, _service_of(web_app, "Safe Harbor%"),
                 "housing_instability", duplicate_ok="yes")  # fmt: skip
    tree = assert_accessible_basics(cm.get(f"/referrals/{rid}").text)
    history = [li.css_first("strong").text() for li in tree.css("ol.timeline li")]
    assert history[0] == "Drafted"
    assert "Draft (not sent)" not in history


def test_directory_types_are_names_not_codes(cm, north_case):
    """A service's types read as names; the partner-type codes kept for search
    ("trafficking_housing") are not shown beside their names."""
    tree = parse(cm.get(f"/cases/{north_case}/refer").text)
    types = [dd.text() for dd in tree.css("dd.service-types")]
    assert types, "the seeded directory lists services with types"
    for shown in types:
        assert not CODE.search(shown), shown
        assert "ngos" not in shown.split(", ")
    assert any("Residential programs housing trafficked victims" in t for t in types)


def test_case_referrals_updated_counts_a_cancellation(cm, sign_in, web_app):
    """A referral cancelled after it was accepted shows the cancellation as its
    last update, not the acceptance."""
    rows = _sql(
        web_app,
        "select r.id, r.case_id from referral r join organization o on o.id = "
        "r.to_organization_id where o.name like 'Safe Harbor%' and "
        "r.status = 'accepted' order by r.id limit 1",
    )
    rid, case = rows[0]
    from nowrongdoor.care.models import Referral

    with web_app.state.db.session() as session:  # accepted three days ago
        row = session.get(Referral, rid)
        row.accepted_at = dt.datetime.now(dt.UTC) - dt.timedelta(days=3)
        session.commit()
    boss = sign_in("supervisor")
    gone = boss.post(
        f"/referrals/{rid}/status",
        data={"status": "cancelled", "reason": "The person moved out of state."},
    )
    assert gone.status_code == 303
    tree = parse(boss.get(f"/cases/{case}").text)
    row = tree.css_first(f'#referrals-table tr[data-referral="{rid}"]')
    updated = row.css_first("td[data-label=Updated]").text()
    today = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d")
    assert updated.startswith(today), updated


def _overdue_in_queue(client: Any, whose: str) -> int:
    """Overdue items in the queue, counted row by row over every page."""
    count, address, pages = 0, f"/queue?whose={whose}&sort=oldest", 0
    while address:
        tree = parse(client.get(address).text)
        pages += 1
        for cell in tree.css("#queue-table td[data-label=Due]"):
            count += "overdue" in cell.text()
        nxt = tree.css_first('a[rel="next"]')
        address = nxt.attributes["href"] if nxt else ""
        assert pages < 60
    return count


@pytest.mark.parametrize("who", ["cm.north", "supervisor"])
def test_my_work_counts_every_overdue_item(sign_in, web_app, who):
    """ "My work" counts every overdue item of the queue it sums up (a care
    manager's own and team pool's; a supervisor's whole queue), not just
    those on the queue's first page."""
    from nowrongdoor.care.models import Intake

    # most items have waited five days (the seed receives them all today)
    with web_app.state.db.session() as session:
        waiting = session.query(Intake).filter(Intake.status == "new").all()
        for intake in waiting[: len(waiting) * 3 // 4]:
            intake.received_at = dt.datetime.now(dt.UTC) - dt.timedelta(days=5)
        session.commit()
    me = sign_in(who)
    tree = assert_accessible_basics(me.get("/work").text)
    link = tree.css_first("#queue-overdue")
    assert link is not None
    shown = int(link.text().split()[0])
    if who == "supervisor":
        assert shown > 25, "more than one queue page is overdue"
    whose = "mine_pool" if who == "cm.north" else "all"
    assert link.attributes["href"] == f"/queue?whose={whose}&sort=oldest"
    assert shown == _overdue_in_queue(me, whose)


def test_my_work_says_when_and_how_referrals_changed(cm, sign_in, web_app, north_case):
    """Each referral update on "my work" says when it changed and who moved it."""
    rid = _refer(cm, north_case, _service_of(web_app, "Safe Harbor%"),
                 "housing_instability", duplicate_ok="yes")  # fmt: skip
    _send_if_draft(web_app, sign_in, rid)
    partner_name = "Safe Harbor Youth Shelter"
    partner = sign_in("partner.shelter")
    assert partner.post(f"/referrals/{rid}/status",
                        data={"status": "accepted"}).status_code == 303  # fmt: skip
    cm = sign_in("cm.north")
    tree = parse(cm.get("/work").text)
    items = tree.css("#referral-updates li")
    assert items
    first = items[0]
    assert first.css_first("a").attributes["href"] == f"/referrals/{rid}"
    said = first.text(separator=" ")
    today = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d")
    assert today in said and "UTC" in said
    assert f"Accepted by {partner_name}" in said
    for li in items:
        assert li.css_first("time") is not None


def test_each_waiting_draft_has_its_own_link_text(cm, web_app):
    """Two drafts to one partner: the case page's links to them differ, so a
    screen reader's list of links tells them apart."""
    rows = _sql(
        web_app,
        "select c.id from care_case c join app_user u on u.id = c.owner_id "
        "where u.username = 'cm.north' and c.status != 'closed' and not exists "
        "(select 1 from consent k where k.person_id = c.person_id and "
        "k.consent_type = 'part2_disclosure') order by c.id",
    )
    assert rows, "the seed has a case without a 42 CFR Part 2 consent"
    case = rows[0][0]
    service = _service_of(web_app, "Safe Harbor%")
    for _ in range(2):  # a substance-use referral waits for a Part 2 consent
        _refer(cm, case, service, "substance_use", duplicate_ok="yes")
    tree = parse(cm.get(f"/cases/{case}").text)
    links = [a.text() for a in tree.css("#drafts-waiting a")]
    assert len(links) >= 2 and len(set(links)) == len(links), links


def test_confirm_page_names_the_consent_that_is_missing(cm, web_app):
    """A person whose consent to share covers the partner, referred for
    substance use without a 42 CFR Part 2 disclosure consent: the confirmation
    page says it is the Part 2 consent that is missing (42 CFR 2.31), not that
    the person has no consent."""
    rows = _sql(
        web_app,
        "select c.id from care_case c join app_user u on u.id = c.owner_id "
        "where u.username = 'cm.north' and c.status != 'closed' and exists "
        "(select 1 from consent k where k.person_id = c.person_id and "
        "k.consent_type = 'share_with_partners' and k.granted) and not exists "
        "(select 1 from consent k where k.person_id = c.person_id and "
        "k.consent_type = 'part2_disclosure') order by c.id",
    )
    assert rows
    case = rows[0][0]
    service = _service_of(web_app, "Safe Harbor%")
    base = f"/cases/{case}/refer/confirm?service_id={service}"
    shared = parse(cm.get(f"{base}&need=housing_instability").text)
    assert shared.css_first("#send-when").text().startswith("Now")
    page = parse(cm.get(f"{base}&need=substance_use").text)
    said = page.css_first("#send-when").text()
    assert "42 CFR Part 2" in said and "has no consent" not in said, said


def test_a_referral_the_partner_marked_received_can_still_be_closed(
    cm, sign_in, web_app, north_case
):
    """A partner's own system may mark a referral "received" (FHIR Task). The
    referring team still sees it in words, may cancel it (the move exists), and
    is warned before referring to the same partner again."""
    from nowrongdoor.care.crud import OPEN_REFERRAL_STATES, REFERRAL_MOVES

    assert set(OPEN_REFERRAL_STATES) == {before for before, _ in REFERRAL_MOVES}
    service = _service_of(web_app, "Safe Harbor%")
    rid = _refer(cm, north_case, service, "housing_instability", duplicate_ok="yes")
    _send_if_draft(web_app, sign_in, rid)
    partner = sign_in("partner.shelter")
    got = partner.post(f"/referrals/{rid}/status", data={"status": "received"})
    assert got.status_code == 303
    cm = sign_in("cm.north")
    page = assert_accessible_basics(cm.get(f"/referrals/{rid}").text)
    assert page.css_first("#referral-status").text() == "Received by the partner"
    assert page.css_first("#cancel-form") is not None
    confirm = parse(
        cm.get(f"/cases/{north_case}/refer/confirm?service_id={service}").text
    )
    warned = confirm.css_first("#duplicate-warning")
    assert warned is not None and f"/referrals/{rid}" in warned.html
    gone = cm.post(
        f"/referrals/{rid}/status",
        data={"status": "cancelled", "reason": "The person moved out of state."},
    )
    assert gone.status_code == 303
    status = _sql(web_app, "select status from referral where id = :i", i=rid)
    assert status == [("cancelled",)]


def test_a_substance_use_referral_carries_the_part2_notice(cm, sign_in, web_app):
    """Each disclosure of substance-use records made with consent carries the
    notice of 42 CFR 2.32: the partner reads it on the referral and in the
    inbox; a referral for another need does not carry it."""
    from nowrongdoor.care.web._forms import PART2_NOTICE

    case, pseudonym = _sql(
        web_app,
        "select c.id, p.pseudonym from care_case c join app_user u on "
        "u.id = c.owner_id join person p on p.id = c.person_id where "
        "u.username = 'cm.north' and c.status != 'closed' order by c.id",
    )[0]
    shelter = _sql(
        web_app, "select id from organization where name like 'Safe Harbor%'"
    )[0][0]
    # a Part 2 consent names its recipient (42 CFR 2.31(a)(4))
    for kind, scope in (
        ("share_with_partners", {"scope": "any_partner"}),
        (
            "part2_disclosure",
            {"scope": "organisation", "scope_organization_id": str(shelter)},
        ),
    ):
        given = cm.post(
            f"/people/{pseudonym}/consents",
            data={"consent_type": kind, "granted": "yes", **scope},
        )
        assert given.status_code == 303
    service = _service_of(web_app, "Safe Harbor%")
    rid = _refer(cm, case, service, "substance_use", duplicate_ok="yes")
    assert _sql(web_app, "select status from referral where id = :i", i=rid) == [
        ("sent",)
    ]
    other = _sql(
        web_app,
        "select r.id from referral r join organization o on o.id = "
        "r.to_organization_id where o.name like 'Safe Harbor%' and r.status = "
        "'sent' and r.need_category != 'substance_use' order by r.id limit 1",
    )[0][0]
    partner = sign_in("partner.shelter")
    page = assert_accessible_basics(partner.get(f"/referrals/{rid}").text)
    assert page.css_first("#part2-notice strong").text() == PART2_NOTICE
    plain = parse(partner.get(f"/referrals/{other}").text)
    assert plain.css_first("#part2-notice") is None
    inbox = parse(partner.get("/inbox").text)
    assert inbox.css_first("#part2-notice strong").text() == PART2_NOTICE


@pytest.mark.parametrize("status", ["open", "active", "closed"])
def test_case_page_statuses_are_words(cm, web_app, north_case, status):
    """The case header, and the needs', goals', barriers' and tasks' statuses,
    read in words ("Active", "In progress"), never as stored ("in_progress")."""
    with web_app.state.db.engine.begin() as conn:
        conn.execute(
            text("update care_case set status = :s where id = :c"),
            {"s": status, "c": north_case},
        )
        conn.execute(
            text("update need set status = 'in_progress' where case_id = :c"),
            {"c": north_case},
        )
    tree = parse(cm.get(f"/cases/{north_case}").text)
    header = " ".join(tree.css_first("#case-status").text().split())
    assert header != status and header.lower() == status
    shown = [" ".join(n.text().split()) for n in tree.css("main .status")]
    assert "In progress" in shown
    stored = {str(s) for kind in (CaseStatus, NeedStatus, TaskStatus) for s in kind}
    for words in shown:
        assert not CODE.search(words) and words not in stored, words
