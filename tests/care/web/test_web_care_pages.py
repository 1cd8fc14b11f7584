"""Intake, people, case and referral pages, without a browser."""

from __future__ import annotations

import datetime as dt
import re

from _web_html import assert_accessible_basics, parse, texts
from sqlalchemy import text


def _sql(web_app, sql: str, **params):
    with web_app.state.db.engine.connect() as conn:
        return conn.execute(text(sql), params).all()


def _last_audit(web_app, action: str):
    rows = _sql(
        web_app,
        "select username, action, resource_type, resource_id, person_id, outcome "
        "from audit_event where action = :a order by seq desc limit 1",
        a=action,
    )
    assert rows, f"no {action} event"
    return rows[0]


def test_intake_creates_person_and_intake_and_audits(cm, web_app):
    birth = (dt.date.today() - dt.timedelta(days=15 * 365 + 40)).isoformat()
    response = cm.post(
        "/intake",
        data={
            "door": "teacher",
            "given_name": "Rowan",
            "birth_date": birth,
            "summary": "Counsellor worried about an older boyfriend.",
        },
    )
    assert response.status_code == 303
    page = cm.get(response.headers["location"])
    tree = assert_accessible_basics(page.text)
    assert "Teacher or school counsellor" in tree.css_first("h1").text()
    pseudonym = tree.css_first("dl.facts a").text()
    assert re.fullmatch(r"P-[0-9A-Z]{4}-[0-9A-Z]{4}", pseudonym)
    user, action, _type, _id, person_id, outcome = _last_audit(web_app, "intake.read")
    assert (user, outcome) == ("cm.north", "success") and person_id
    raw = _sql(
        web_app, "select given_name from person where pseudonym = :p", p=pseudonym
    )
    assert "Rowan" not in raw[0][0]  # encrypted at rest


def test_intake_without_a_door_is_re_asked(cm):
    response = cm.post("/intake", data={"summary": "no door given"})
    assert response.status_code == 422
    tree = assert_accessible_basics(response.text)
    assert "door" in tree.css_first("#form-error").text().lower()
    assert tree.css_first("#summary").text() == "no door given"


def test_person_search_by_id_and_by_name(cm, web_app):
    pseudonym, given = _sql(
        web_app,
        "select p.pseudonym, p.given_name from person p join app_user u "
        "on u.id = p.owner_id where u.username = 'cm.north' order by p.id limit 1",
    )[0]
    name = web_app.state.db.cipher.decrypt(given)
    by_id = parse(cm.get("/people", params={"q": pseudonym}).text)
    assert texts(by_id, "#people-table td[data-label=Id]") == [pseudonym]
    by_name = parse(cm.post("/people", data={"name": name}).text)
    assert pseudonym in texts(by_name, "#people-table td[data-label=Id]")
    detail = _sql(
        web_app,
        "select detail from audit_event where action = 'person.list' "
        "order by seq desc limit 1",
    )[0][0]
    assert detail.startswith("name search")


def test_analyst_cannot_search_by_name_or_see_names(sign_in, web_app):
    analyst = sign_in("analyst")
    tree = parse(analyst.get("/people").text)
    assert tree.css_first("#name") is None
    assert "Name" not in texts(tree, "#people-table th")
    given = _sql(web_app, "select given_name from person limit 1")[0][0]
    name = web_app.state.db.cipher.decrypt(given)
    page = analyst.post("/people", data={"name": name}).text
    assert name not in page
    assert analyst.get("/people", params={"name": name}).status_code == 200


def test_open_case_from_person_and_add_need_goal_barrier_task(cm, web_app):
    pseudonym = _sql(
        web_app,
        "select p.pseudonym from person p join app_user u on u.id = p.owner_id "
        "where u.username = 'cm.north' order by p.id limit 1",
    )[0][0]
    opened = cm.post(f"/people/{pseudonym}/cases", data={"pathway": "thrive"})
    assert opened.status_code == 303
    case_url = opened.headers["location"]
    case_id = case_url.rsplit("/", 1)[1]
    for path, data in [
        ("needs", {"category": "legal", "description": "T-visa questions"}),
        ("goals", {"description": "Finish school", "target_date": "2027-06-01"}),
        ("barriers", {"description": "No ID documents"}),
        ("tasks", {"title": "Call back at the safe time", "due_on": "2027-01-05"}),
    ]:
        response = cm.post(f"/cases/{case_id}/{path}", data=data)
        assert response.status_code == 303, (path, response.text[:300])
    tree = assert_accessible_basics(cm.get(case_url).text)
    assert "Thrive" in tree.css_first("#case-pathway").text()
    needs = tree.css_first("section[aria-labelledby=needs]").text()
    assert "Legal" in needs and "T-visa questions" in needs
    assert "Finish school" in tree.css_first("section[aria-labelledby=plan]").text()
    assert "Call back" in tree.css_first("section[aria-labelledby=tasks]").text()
    assert "opened" in tree.css_first("ol.timeline").text()
    assert _last_audit(web_app, "case.read")[3] == case_id


def test_close_needs_a_reason_and_reopen_works(cm, north_case):
    closed = cm.post(
        f"/cases/{north_case}/status", data={"status": "closed", "reason": "moved"}
    )
    assert closed.status_code == 303
    tree = parse(cm.get(f"/cases/{north_case}").text)
    assert tree.css_first("#case-status").text() == "Closed"
    reopened = cm.post(f"/cases/{north_case}/status", data={"status": "open"})
    assert reopened.status_code == 303
    bad = cm.post(f"/cases/{north_case}/status", data={"status": "closed"})
    assert bad.status_code == 400
    assert "reason" in parse(bad.text).css_first("main").text()


def test_notes_highlight_lexicon_terms_and_suggest_a_screening(cm, north_case):
    note = (
        "He calls himself her daddy and keeps her quota money; she paid a choosing fee."
    )
    assert cm.post(f"/cases/{north_case}/notes", data={"text": note}).status_code == 303
    tree = parse(cm.get(f"/cases/{north_case}").text)
    marked = {m.attributes["data-term"] for m in tree.css("article.note mark.term")}
    assert {"lexicon.daddy", "lexicon.quota", "lexicon.choosing_up"} <= marked
    suggestion = tree.css_first("#screening-suggestion")
    assert suggestion is not None
    links = {a.attributes["href"] for a in suggestion.css("a")}
    assert f"/screening?case_id={north_case}" in links


def test_notes_list_the_indicators_they_describe(cm, north_case):
    note = (
        "Her boyfriend keeps her passport and her ID card, and he books the hotel "
        "rooms and answers her phone for her."
    )
    assert cm.post(f"/cases/{north_case}/notes", data={"text": note}).status_code == 303
    tree = parse(cm.get(f"/cases/{north_case}").text)
    listed = tree.css_first("#note-indicators")
    assert listed is not None
    assert "passport or papers" in listed.text()
    assert "books the rooms" in listed.text()
    assert tree.css("article.note")[-1].css("mark.term")


def test_a_denied_indicator_is_not_listed(cm, north_case):
    note = "She denies that anyone takes her money or holds her documents."
    response = cm.post(
        "/notes/preview",
        data={"text": note, "case_id": str(north_case)},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert parse(response.text).css_first("#note-suggestion") is None


def test_ordinary_words_are_not_highlighted(cm, north_case):
    from nowrongdoor.knowledge import load_knowledge

    note = " ".join(load_knowledge().get("lexicon.bottom").examples_negative)
    cm.post(f"/cases/{north_case}/notes", data={"text": note})
    tree = parse(cm.get(f"/cases/{north_case}").text)
    last = tree.css("article.note")[-1]
    assert note in " ".join(last.text().split())
    assert last.css("mark.term") == []


def test_note_preview_is_an_htmx_fragment(cm):
    response = cm.post(
        "/notes/preview",
        data={"text": "she had to pay a choosing fee", "case_id": "1"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert "<html" not in response.text
    tree = parse(response.text)
    assert tree.css_first("mark.term").attributes["data-term"] == "lexicon.choosing_up"
    assert tree.css_first("#note-suggestion") is not None


def test_note_html_is_escaped(cm, north_case):
    cm.post(
        f"/cases/{north_case}/notes",
        data={"text": "<script>alert(1)</script> quota <b>x</b>"},
    )
    page = cm.get(f"/cases/{north_case}").text
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;" in page


def test_safety_plan_lines_are_saved(cm, north_case):
    response = cm.post(
        f"/cases/{north_case}/safety-plan",
        data={"safe_people": "Aunt Rosa\nCoach", "code_word": "green kite"},
    )
    assert response.status_code == 303
    safety = parse(cm.get(f"/cases/{north_case}").text).css_first(
        "section[aria-labelledby=safety]"
    )
    assert "Aunt Rosa" in safety.text() and "green kite" in safety.text()


def test_screening_for_an_intake_is_stored_and_offers_a_case(cm, web_app):
    intake = _sql(
        web_app,
        "select i.id from intake i join app_user u on u.id = i.owner_id "
        "where u.username = 'cm.north' and i.person_id is not null order by i.id",
    )[0][0]
    from nowrongdoor.screening import get_instrument

    answers = {f"item-{i.linkId}": "yes" for i in get_instrument("qyit").items}
    response = cm.post(
        "/screening/qyit", data={"intake_id": str(intake), "age": "19", **answers}
    )
    tree = assert_accessible_basics(response.text)
    assert tree.css_first("#result-category").text() == "positive"
    buttons = {b.attributes.get("value") for b in tree.css("button[name=pathway]")}
    assert buttons == {"prevent", "survive"}
    stored = _sql(
        web_app,
        "select instrument_id, positive from screening where intake_id = :i "
        "and instrument_id = 'qyit'",  # the seed screened the intake with cst6/raft
        i=intake,
    )
    assert stored == [("qyit", 1)]
    event = _last_audit(web_app, "screening.create")
    assert event[0] == "cm.north" and event[4] is not None


def test_referral_without_consent_stays_a_draft(cm, web_app):
    pseudonym = _sql(
        web_app,
        "select p.pseudonym from person p join app_user u on u.id = p.owner_id "
        "where u.username = 'cm.north' and not exists (select 1 from consent c "
        "where c.person_id = p.id) order by p.id",
    )
    if not pseudonym:
        response = cm.post("/intake", data={"door": "self"})
        pseudonym = [
            (
                parse(cm.get(response.headers["location"]).text)
                .css_first("dl.facts a")
                .text(),
            )
        ]
    opened = cm.post(f"/people/{pseudonym[0][0]}/cases", data={"pathway": "survive"})
    case_id = opened.headers["location"].rsplit("/", 1)[1]
    service = _sql(
        web_app,
        "select s.id from partner_service s join organization o on o.id = "
        "s.organization_id where o.name like 'Safe Harbor%'",
    )[0][0]
    response = cm.post(
        f"/cases/{case_id}/referrals",
        data={
            "service_id": str(service),
            "need_category": "homelessness",
            "reason": "Needs a bed tonight",
            "duplicate_ok": "yes",
        },
    )
    assert response.status_code == 303
    assert "unsent=consent_required" in response.headers["location"]
    page = parse(cm.get(response.headers["location"]).text)
    assert "no active consent" in page.css_first("main .alert").text()
    assert page.css_first("#referral-status").text().startswith("Draft")


def test_partner_decline_needs_a_reason_and_the_loop_shows_it(sign_in, web_app):
    case_id = _sql(
        web_app,
        "select c.id from care_case c join app_user u on u.id = c.owner_id "
        "where u.username = 'cm.north' and c.status != 'closed' and exists "
        "(select 1 from consent k where k.person_id = c.person_id "
        "and k.consent_type = 'share_with_partners' and k.granted) order by c.id",
    )[0][0]
    service = _sql(
        web_app,
        "select s.id from partner_service s join organization o on o.id = "
        "s.organization_id where o.name like 'Safe Harbor%'",
    )[0][0]
    cm = sign_in("cm.north")
    sent = cm.post(
        f"/cases/{case_id}/referrals",
        data={
            "service_id": str(service),
            "need_category": "housing_instability",
            "reason": "Needs stable housing",
            "duplicate_ok": "yes",
        },
    )
    assert sent.headers["location"] == f"/cases/{case_id}#referrals"
    rid = _sql(web_app, "select max(id) from referral")[0][0]
    partner = sign_in("partner.shelter")
    bad = partner.post(f"/referrals/{rid}/status", data={"status": "declined"})
    assert bad.status_code == 400
    assert "reason" in parse(bad.text).css_first("main").text()
    ok = partner.post(
        f"/referrals/{rid}/status",
        data={"status": "declined", "reason": "No beds for this age this week"},
    )
    assert ok.status_code == 303
    skip = partner.post(f"/referrals/{rid}/status", data={"status": "completed"})
    assert skip.status_code == 409
    cm = sign_in("cm.north")
    row = parse(cm.get(f"/cases/{case_id}").text).css_first(
        f"#referrals-table tr[data-referral='{rid}']"
    )
    assert "Declined" in row.text() and "No beds for this age" in row.text()


def test_partner_cannot_move_another_orgs_referral(sign_in, web_app):
    other = _sql(
        web_app,
        "select r.id from referral r join organization o on o.id = "
        "r.to_organization_id where o.name not like 'Safe Harbor%' "
        "and r.status = 'sent' order by r.id",
    )[0][0]
    partner = sign_in("partner.shelter")
    response = partner.post(f"/referrals/{other}/status", data={"status": "accepted"})
    assert response.status_code == 403
    status = _sql(web_app, "select status from referral where id = :i", i=other)
    assert status == [("sent",)]


def _shelter_inbox(web_app) -> set[str]:
    """The ids of the referrals sent to the demo shelter (its inbox)."""
    return {
        str(r[0])
        for r in _sql(
            web_app,
            "select r.id from referral r join organization o on o.id = "
            "r.to_organization_id where o.name like 'Safe Harbor%' "
            "and r.status != 'draft'",
        )
    }


def test_partner_inbox_lists_only_its_referrals(sign_in, web_app):
    partner = sign_in("partner.shelter")
    tree = assert_accessible_basics(partner.get("/inbox").text)
    shown = {a.attributes["href"].rsplit("/", 1)[1] for a in tree.css("#inbox-table a")}
    expected = _shelter_inbox(web_app)
    assert shown == expected and shown


def test_my_work_lists_due_tasks_flags_and_leads(sign_in):
    sup = sign_in("supervisor")
    tree = assert_accessible_basics(sup.get("/work").text)
    for heading in ("tasks-h", "intakes-h", "refs-h", "flags-h"):
        assert tree.css_first(f"#{heading}") is not None
    leads = parse(sup.get("/queue?door=ad_match").text)
    assert leads.css("#queue-table tr[data-intake] a"), "the seeded leads are queued"
    flags = tree.css_first("section[aria-labelledby=flags-h]")
    assert flags.css("a"), "the seeded worklist flags are listed"


def test_my_work_says_how_many_open_tasks_are_not_listed(cm, web_app):
    """Past the 20 due soonest, the page says how many open tasks there are."""
    from sqlalchemy import insert, select

    from nowrongdoor.care.models import Task, User

    with web_app.state.db.engine.begin() as conn:
        me = conn.execute(
            select(User.id).where(User.username == "cm.north")
        ).scalar_one()
        org = conn.execute(
            select(User.organization_id).where(User.id == me)
        ).scalar_one()
        conn.execute(
            insert(Task.__table__),
            [
                {
                    "organization_id": org,
                    "owner_id": me,
                    "title": f"Call back {i}",
                    "status": "open",
                }
                for i in range(25)
            ],
        )
        mine = conn.execute(
            select(Task.id).where(Task.owner_id == me, Task.status == "open")
        ).all()
    tree = parse(cm.get("/work").text)
    shown = tree.css("section[aria-labelledby=tasks-h] li")
    assert len(shown) == 20
    more = tree.css_first("#tasks-more").text()
    assert f"The 20 due soonest of your {len(mine)} open tasks" in more


def test_partner_directory_search_filters_by_type_and_age(cm):
    everyone = parse(cm.get("/partners").text).css("article.service")
    adults = parse(cm.get("/partners", params={"age": "40"}).text).css(
        "article.service"
    )
    assert 0 < len(adults) < len(everyone)
    fragment = cm.get(
        "/partners", params={"q": "shelter"}, headers={"HX-Request": "true"}
    )
    assert "<html" not in fragment.text
    found = texts(parse(fragment.text), "article.service")
    assert found and all("shelter" in card.lower() for card in found)


def test_supervisor_marks_a_worklist_flag_reviewed(sign_in, web_app):
    sup = sign_in("supervisor")
    work = parse(sup.get("/work").text)
    link = work.css_first("section[aria-labelledby=flags-h] a")
    pseudonym = link.text()
    person = parse(sup.get(link.attributes["href"]).text)
    form = person.css_first("section[aria-labelledby=flags-h] form")
    assert sup.post(form.attributes["action"]).status_code == 303
    after = parse(sup.get("/work").text)
    still = texts(after, "section[aria-labelledby=flags-h] a")
    flags = _sql(
        web_app,
        "select count(*) from risk_flag f join person p on p.id = f.person_id "
        "where p.pseudonym = :p and not f.reviewed",
        p=pseudonym,
    )[0][0]
    assert (pseudonym in still) == (flags > 0)
    assert _last_audit(web_app, "riskflag.review")[0] == "supervisor"


def test_intake_for_an_unknown_person_id_is_re_asked(cm):
    response = cm.post("/intake", data={"door": "family", "person": "P-0000-0000"})
    assert response.status_code == 422
    error = parse(response.text).css_first("#form-error").text()
    assert "P-0000-0000" in error


def test_a_form_posted_after_sign_out_goes_to_sign_in(cm, north_case):
    cm.client.cookies.clear()
    response = cm.client.post(f"/cases/{north_case}/notes", data={"text": "x"})
    assert response.status_code == 303
    assert response.headers["location"] == "/login"


def test_screening_from_a_case_is_kept_on_the_case(cm, north_case, web_app):
    from nowrongdoor.screening import get_instrument

    answers = {f"item-{i.linkId}": "no" for i in get_instrument("raft").items}
    response = cm.post(
        "/screening/raft", data={"case_id": str(north_case), "age": "30", **answers}
    )
    tree = assert_accessible_basics(response.text)
    assert tree.css_first("#result-category").text() == "negative"
    back = tree.css_first("#back-to-case")
    assert back.attributes["href"] == f"/cases/{north_case}"
    stored = _sql(
        web_app,
        "select instrument_id, positive from screening where case_id = :c",
        c=north_case,
    )
    assert ("raft", 0) in stored
    case = parse(cm.get(f"/cases/{north_case}").text)
    assert "raft: negative" in case.css_first("ol.timeline").text()
    # the case's and the person's screening lists name the instrument in words
    title = (
        "Rapid Appraisal for Trafficking (RAFT), 4 items, adult emergency department"
    )
    assert f"{title}: negative" in case.body.text()
    pseudonym = _sql(
        web_app,
        "select p.pseudonym from care_case c join person p on p.id = c.person_id "
        "where c.id = :c",
        c=north_case,
    )[0][0]
    person = parse(cm.get(f"/people/{pseudonym}").text).body.text()
    assert f"{title}: negative" in person and "raft:" not in person


def test_analyst_sees_a_person_without_write_actions(sign_in, web_app):
    pseudonym = _sql(web_app, "select pseudonym from person order by id limit 1")[0][0]
    analyst = sign_in("analyst")
    tree = assert_accessible_basics(analyst.get(f"/people/{pseudonym}").text)
    forms = [f.attributes.get("action", "") for f in tree.css("main form")]
    assert forms == []
    assert tree.css_first("a[href^='/screening']") is None


def test_analyst_cannot_post_what_the_page_does_not_offer(sign_in, web_app):
    """The person page shows an analyst no forms; the server refuses the posts
    too (as the API does): no case opened, no consent recorded, no flag
    marked reviewed, each refusal audited."""
    pseudonym, person_id = _sql(
        web_app,
        "select p.pseudonym, p.id from person p join risk_flag f "
        "on f.person_id = p.id where not f.reviewed order by p.id limit 1",
    )[0]
    flag_id = _sql(
        web_app,
        "select id from risk_flag where person_id = :p and not reviewed",
        p=person_id,
    )[0][0]

    def counts():
        return [
            _sql(web_app, f"select count(*) from {t} where person_id = :p", p=person_id)
            for t in ("care_case", "consent")
        ] + [_sql(web_app, "select count(*) from risk_flag where not reviewed")]

    before = counts()
    analyst = sign_in("analyst")
    for path, data in (
        (f"/people/{pseudonym}/cases", {"pathway": "prevent"}),
        (
            f"/people/{pseudonym}/consents",
            {"consent_type": "outreach", "scope": "any_partner", "given": "yes"},
        ),
        (f"/people/{pseudonym}/flags/{flag_id}/reviewed", {}),
    ):
        response = analyst.post(path, data=data)
        assert response.status_code == 403, (path, response.status_code)
    assert counts() == before
    denied = _sql(
        web_app,
        "select count(*) from audit_event e join app_user u on u.id = e.user_id "
        "where u.username = 'analyst' and e.outcome = 'denied'",
    )[0][0]
    assert denied >= 3


def test_analyst_reads_a_case_without_write_actions(sign_in, north_case):
    analyst = sign_in("analyst")
    tree = assert_accessible_basics(analyst.get(f"/cases/{north_case}").text)
    assert tree.css("main form") == []
    assert tree.css_first("#refer-button") is None
    assert tree.css("article.note") == [], "analysts do not read notes"


def test_referring_team_cancels_a_sent_referral_with_a_reason(cm, web_app):
    rid = _sql(
        web_app,
        "select r.id from referral r join app_user u on u.id = r.owner_id "
        "where u.team = 'north' and r.status = 'sent' order by r.id",
    )[0][0]
    page = parse(cm.get(f"/referrals/{rid}").text)
    assert page.css_first("#cancel-form") is not None
    response = cm.post(
        f"/referrals/{rid}/status",
        data={"status": "cancelled", "reason": "Person moved out of state"},
    )
    assert response.status_code == 303
    status = _sql(web_app, "select status from referral where id = :i", i=rid)
    assert status == [("cancelled",)]


def test_partner_inbox_pages_through_every_referral(sign_in, web_app):
    """An inbox longer than a page shows the rest on later pages, never drops it."""
    from nowrongdoor.care.models import Referral
    from nowrongdoor.care.web._referral_pages import INBOX_PAGE_SIZE

    table = Referral.__table__
    cols = [c.name for c in table.columns if c.name != "id"]
    listed = ", ".join(cols)
    with web_app.state.db.engine.begin() as conn:
        (source,) = conn.execute(
            text(
                "select r.id from referral r join organization o on o.id = "
                "r.to_organization_id where o.name like 'Safe Harbor%' "
                "and r.status != 'draft' order by r.id limit 1"
            )
        ).one()
        for _ in range(INBOX_PAGE_SIZE + 5):
            conn.execute(
                text(
                    f"insert into referral ({listed}) select {listed} "
                    "from referral where id = :id"
                ),
                {"id": source},
            )
    expected = _shelter_inbox(web_app)
    partner = sign_in("partner.shelter")
    shown: list[str] = []
    url: str | None = "/inbox"
    pages = 0
    while url:
        tree = assert_accessible_basics(partner.get(url).text)
        pages += 1
        shown += [
            a.attributes["href"].rsplit("/", 1)[1] for a in tree.css("#inbox-table a")
        ]
        nxt = tree.css_first('nav[aria-label="Inbox pages"] a[rel="next"]')
        url = nxt.attributes["href"] if nxt else None
        assert pages <= 10
    assert pages == -(-len(expected) // INBOX_PAGE_SIZE) >= 2
    assert sorted(shown) == sorted(expected)
    first = assert_accessible_basics(partner.get("/inbox").text)
    count = first.css_first("#inbox-count").text()
    assert count.startswith(f"{len(expected)} referrals; page 1 of {pages}")


def test_a_claims_flag_item_says_why_the_claims_flagged_the_person(sign_in, web_app):
    """The queue item of a claims flag lists the flag's reasons (indicator, code,
    date), so the reviewer sees why before screening; of a 42 CFR Part 2 flag
    only the reasons that are not Part 2 show there, as on the person page."""
    rows = _sql(
        web_app,
        "select i.id, f.sensitivity from intake i join risk_flag f on "
        "f.person_id = i.person_id where i.door = 'claims_flag' order by i.id",
    )
    open_ids = [i for i, sensitivity in rows if sensitivity != "part2"]
    part2_ids = [i for i, sensitivity in rows if sensitivity == "part2"]
    assert open_ids and part2_ids
    boss = sign_in("supervisor")
    tree = assert_accessible_basics(boss.get(f"/intakes/{open_ids[0]}").text)
    reasons = tree.css_first("#flag-reasons").text()
    assert re.search(r"\((?:[A-Z]\d{2}(?:\.\w+)?), \d{4}-\d{2}-\d{2}\)", reasons), (
        reasons
    )
    withheld = assert_accessible_basics(boss.get(f"/intakes/{part2_ids[0]}").text)
    why = withheld.css_first("section[aria-labelledby=why-h]").text()
    assert "more reason withheld" in why
    assert not re.search(r"\bF1\d\.", why), why  # no substance use disorder code


def test_a_flagged_person_without_a_birth_date_shows_the_worklists_age(
    sign_in, web_app
):
    """A person made from a worklist row has no birth date: the page gives the
    age the worklist gave (a minor marked so), never a bare "unknown"."""
    rows = _sql(
        web_app,
        "select p.pseudonym, f.age from person p join risk_flag f on "
        "f.person_id = p.id where p.birth_year is null and f.age < 18 "
        "and f.sensitivity != 'part2' order by p.id",
    )
    assert rows
    pseudonym, age = rows[0]
    tree = assert_accessible_basics(
        sign_in("supervisor").get(f"/people/{pseudonym}").text
    )
    shown = tree.css_first("#person-age").text()
    assert shown.startswith(f"{age} (minor)") and "worklist" in shown, shown


def test_my_work_names_whose_each_task_is(cm, web_app, north_case):
    made = cm.post(
        f"/cases/{north_case}/tasks",
        data={"title": "Call back at the safe time", "due_on": "2026-01-05"},
    )
    assert made.status_code == 303
    tree = assert_accessible_basics(cm.get("/work").text)
    items = tree.css("section[aria-labelledby=tasks-h] li")
    assert items
    for item in items:
        case_id = item.css_first("a").attributes["href"].split("/")[2].split("#")[0]
        (pseudonym,) = _sql(
            web_app,
            "select p.pseudonym from person p join care_case c on c.person_id = p.id "
            "where c.id = :c",
            c=int(case_id),
        )[0]
        assert f"(case {case_id}, {pseudonym})" in item.text(), item.text()


def test_my_tasks_lists_every_open_task_of_mine_and_marks_one_done(
    cm, web_app, north_case
):
    def count(where: str = "") -> int:
        return _sql(
            web_app,
            "select count(*) from task t join app_user u on u.id = t.owner_id "
            f"where u.username = 'cm.north' and t.status = 'open' {where}",
            now=dt.datetime.now(dt.UTC).replace(tzinfo=None),
        )[0][0]

    for n in range(max(0, 52 - count())):  # more than one page of 50
        due = "2026-01-05" if n % 10 == 0 else "2099-01-05"
        made = cm.post(
            f"/cases/{north_case}/tasks", data={"title": f"Task {n}", "due_on": due}
        )
        assert made.status_code == 303
    open_count, overdue_count = count(), count("and t.due_at < :now")
    assert open_count > 50 and overdue_count > 0
    work = parse(cm.get("/work").text)
    assert work.css_first("#tasks-more a").attributes["href"] == "/tasks"
    first = assert_accessible_basics(cm.get("/tasks").text)
    assert texts(first, "#tasks-count")[0].startswith(f"{open_count} open tasks")
    second = parse(cm.get("/tasks", params={"page": 2}).text)
    rows = first.css("#tasks-table tbody tr") + second.css("#tasks-table tbody tr")
    assert len(rows) == open_count
    assert all(re.search(r"case \d+, P-", r.text()) for r in rows)
    overdue = parse(cm.get("/tasks", params={"show": "overdue"}).text)
    shown = overdue.css("#tasks-table tbody tr")
    assert len(shown) == overdue_count
    assert all("overdue since" in r.text() for r in shown)
    task_id = shown[0].css_first("form").attributes["action"].split("/")[2]
    done = cm.post(f"/tasks/{task_id}/done", data={"back": "overdue"})
    assert done.status_code == 303
    assert done.headers["location"] == "/tasks?show=overdue"
    status = _sql(web_app, "select status from task where id = :t", t=int(task_id))
    assert status[0][0] == "done"
    assert _last_audit(web_app, "task.list")[0] == "cm.north"
