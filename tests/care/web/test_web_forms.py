"""Forms that cannot do the wrong thing: one form per action, confirm before a
send, duplicate warnings, and refused input answered beside the field."""

from __future__ import annotations

import pytest
from _web_html import assert_accessible_basics, parse
from sqlalchemy import text

from nowrongdoor.care.web._forms import explain_lead, fmt_published, plain_message


def _sql(web_app, sql: str, **params):
    with web_app.state.db.engine.connect() as conn:
        result = conn.execute(text(sql), params)
        rows = result.all() if result.returns_rows else []
        conn.commit()
        return rows


def _shelter_service(web_app) -> int:
    return int(
        _sql(
            web_app,
            "select s.id from partner_service s join organization o on o.id = "
            "s.organization_id where o.name like 'Safe Harbor%' order by s.id",
        )[0][0]
    )


def _case_without_consent(cm, web_app) -> int:
    rows = _sql(
        web_app,
        "select c.id from care_case c join app_user u on u.id = c.owner_id "
        "where u.username = 'cm.north' and c.status != 'closed' and not exists "
        "(select 1 from consent k where k.person_id = c.person_id) order by c.id",
    )
    if rows:
        return int(rows[0][0])
    made = cm.post("/intake", data={"door": "self"})
    pseudonym = parse(cm.get(made.headers["location"]).text).css_first("dl.facts a")
    opened = cm.post(f"/people/{pseudonym.text()}/cases", data={"pathway": "survive"})
    return int(opened.headers["location"].rsplit("/", 1)[1])


def _draft(cm, web_app) -> tuple[int, int]:
    case_id = _case_without_consent(cm, web_app)
    made = cm.post(
        f"/cases/{case_id}/referrals",
        data={
            "service_id": str(_shelter_service(web_app)),
            "need_category": "homelessness",
            "reason": "Needs a bed tonight",
            "duplicate_ok": "yes",
        },
    )
    assert "unsent=consent_required" in made.headers["location"]
    rid = int(made.headers["location"].split("?")[0].rsplit("/", 1)[1])
    return case_id, rid


def _status(web_app, rid: int) -> str:
    return str(_sql(web_app, "select status from referral where id = :i", i=rid)[0][0])


# -- pure helpers ------------------------------------------------------------------


def test_plain_message_never_uses_pydantic_wording():
    message = plain_message(
        {
            "type": "string_too_short",
            "loc": ("override_reason",),
            "msg": "String should have at least 10 characters",
            "ctx": {"min_length": 10},
        }
    )
    assert message == (
        "The reason for sending without consent needs at least 10 characters."
    )
    assert plain_message({"type": "int_parsing", "loc": ("query", "age")}).endswith(
        "must be a number."
    )


def test_published_accuracy_never_prints_none():
    assert fmt_published(86, None) == (
        "Published sensitivity 86%; specificity not published."
    )
    assert fmt_published(None, None) == "Sensitivity and specificity not published."
    assert fmt_published(76.5, 90) == "Published sensitivity 76.5%, specificity 90%."


def test_lead_numbers_are_explained_in_words():
    lines = explain_lead({"score": -3.52, "probability": 0.0022, "rank": 1})
    assert "about 11 times less likely" in lines[0]
    assert "0.22%" in lines[1] and "never proof" in lines[1]
    assert lines[2].startswith("Rank 1: the best")
    assert "times more likely" in explain_lead({"score": 7.0})[0]


# -- the referral page: one form per action ------------------------------------------


def test_draft_page_has_one_form_per_action_and_no_single_line_text(cm, web_app):
    _case, rid = _draft(cm, web_app)
    tree = assert_accessible_basics(cm.get(f"/referrals/{rid}").text)
    send, cancel = tree.css_first("#send-form"), tree.css_first("#cancel-form")
    assert send is not None and cancel is not None
    for form in tree.css("main form[method=post]"):
        buttons = form.css("button[type=submit], input[type=submit]")
        assert len(buttons) == 1, "one submit action per form"
        assert not form.css("input[type=text]"), "reasons are textareas (Enter)"
    assert cancel.css_first("input[name=status]").attributes["value"] == "cancelled"
    assert send.css_first("input[name=confirm]") is not None


def test_sending_needs_the_confirmation_box(sign_in, web_app):
    cm = sign_in("cm.north")
    _case, rid = _draft(cm, web_app)
    boss = sign_in("supervisor")
    typed = "Imminent danger; sending to keep her safe"
    refused = boss.post(
        f"/referrals/{rid}/status",
        data={"status": "sent", "override_reason": typed},
    )
    assert refused.status_code == 400
    tree = assert_accessible_basics(refused.text)
    assert "Tick the box" in tree.css_first("#send-form-confirm-error").text()
    assert tree.css_first("#override_reason").text() == typed
    assert _status(web_app, rid) == "draft"
    sent = boss.post(
        f"/referrals/{rid}/status",
        data={"status": "sent", "override_reason": typed, "confirm": "yes"},
    )
    assert sent.status_code == 303
    assert _status(web_app, rid) == "sent"


def test_short_override_reason_is_named_beside_the_field(sign_in, web_app):
    cm = sign_in("cm.north")
    _case, rid = _draft(cm, web_app)
    boss = sign_in("supervisor")
    refused = boss.post(
        f"/referrals/{rid}/status",
        data={"status": "sent", "override_reason": "urgent", "confirm": "yes"},
    )
    assert refused.status_code == 400
    assert "String should" not in refused.text
    tree = parse(refused.text)
    error = tree.css_first("#send-form-override_reason-error").text()
    assert "at least 10 characters" in error
    field = tree.css_first("#override_reason")
    assert field.text() == "urgent"
    assert field.attributes.get("aria-invalid") == "true"


def test_care_manager_without_consent_is_told_in_words(cm, web_app):
    _case, rid = _draft(cm, web_app)
    refused = cm.post(
        f"/referrals/{rid}/status", data={"status": "sent", "confirm": "yes"}
    )
    assert refused.status_code == 400
    alert = parse(refused.text).css_first("#send-form .alert").text()
    assert "no active consent" in alert and "override_reason" not in alert
    assert _status(web_app, rid) == "draft"


def test_cancelling_without_reason_keeps_the_draft_and_says_why(cm, web_app):
    _case, rid = _draft(cm, web_app)
    refused = cm.post(f"/referrals/{rid}/status", data={"status": "cancelled"})
    assert refused.status_code == 400
    assert "reason" in parse(refused.text).css_first("#cancel-form-reason-error").text()
    assert _status(web_app, rid) == "draft"


def test_partner_accepted_state_offers_a_withdrawal_with_reason(sign_in, web_app):
    rid = _sql(
        web_app,
        "select r.id from referral r join organization o on o.id = "
        "r.to_organization_id where o.name like 'Safe Harbor%' "
        "and r.status = 'sent' order by r.id",
    )[0][0]
    partner = sign_in("partner.shelter")
    assert (
        partner.post(
            f"/referrals/{rid}/status", data={"status": "accepted"}
        ).status_code
        == 303
    )
    tree = assert_accessible_basics(partner.get(f"/referrals/{rid}").text)
    withdraw = tree.css_first("#cancelled-form")
    assert withdraw is not None
    assert "required" in withdraw.css_first("textarea").attributes
    assert "Required to decline" not in tree.text()
    refused = partner.post(f"/referrals/{rid}/status", data={"status": "cancelled"})
    assert refused.status_code == 400
    assert parse(refused.text).css_first("#cancelled-form-reason-error") is not None


# -- refer: confirm, reason, duplicates, drafts after consent ----------------------


def test_refer_button_only_opens_a_confirmation(cm, web_app):
    case_id = _case_without_consent(cm, web_app)
    before = _sql(web_app, "select count(*) from referral")[0][0]
    page = cm.get(
        f"/cases/{case_id}/refer/confirm",
        params={"service_id": _shelter_service(web_app), "need": "homelessness"},
    )
    assert page.status_code == 200
    tree = assert_accessible_basics(page.text)
    assert "Not yet" in tree.css_first("#send-when").text()
    assert (
        tree.css_first("#need_category option[selected]").attributes["value"]
        == "homelessness"
    )
    assert _sql(web_app, "select count(*) from referral")[0][0] == before


def test_referral_needs_a_reason_and_keeps_what_was_chosen(cm, web_app):
    case_id = _case_without_consent(cm, web_app)
    refused = cm.post(
        f"/cases/{case_id}/referrals",
        data={
            "service_id": str(_shelter_service(web_app)),
            "need_category": "legal",
            "duplicate_ok": "yes",
        },
    )
    assert refused.status_code == 400
    tree = assert_accessible_basics(refused.text)
    assert "reason" in tree.css_first("#refer-form-reason-error").text()
    assert (
        tree.css_first("#need_category option[selected]").attributes["value"] == "legal"
    )


def test_second_referral_to_the_same_partner_is_warned(cm, web_app):
    case_id, rid = _draft(cm, web_app)
    service = _shelter_service(web_app)
    page = parse(
        cm.get(f"/cases/{case_id}/refer/confirm", params={"service_id": service}).text
    )
    assert page.css_first(f"#duplicate-warning a#send-draft-{rid}") is not None
    before = _sql(web_app, "select count(*) from referral")[0][0]
    refused = cm.post(
        f"/cases/{case_id}/referrals",
        data={
            "service_id": str(service),
            "need_category": "homelessness",
            "reason": "Second try",
        },
    )
    assert refused.status_code == 400
    tree = parse(refused.text)
    assert "open referral" in tree.css_first("#refer-form-duplicate_ok-error").text()
    assert tree.css_first("#reason").text() == "Second try"
    assert _sql(web_app, "select count(*) from referral")[0][0] == before


def test_draft_is_offered_for_sending_after_consent(cm, web_app):
    case_id, rid = _draft(cm, web_app)
    pseudonym = _sql(
        web_app,
        "select p.pseudonym from person p join care_case c on c.person_id = p.id "
        "where c.id = :c",
        c=case_id,
    )[0][0]
    cm.post(
        f"/people/{pseudonym}/consents",
        data={
            "consent_type": "share_with_partners",
            "scope": "any_partner",
            "granted": "yes",
            "back": f"/cases/{case_id}",
        },
    )
    tree = parse(cm.get(f"/cases/{case_id}").text)
    waiting = tree.css_first("#drafts-waiting")
    assert "consent to share recorded now" in waiting.text()
    assert waiting.css_first(f"#send-draft-{rid}") is not None
    draft_page = parse(cm.get(f"/referrals/{rid}").text)
    assert draft_page.css_first("#override_reason") is None
    sent = cm.post(
        f"/referrals/{rid}/status", data={"status": "sent", "confirm": "yes"}
    )
    assert sent.status_code == 303 and _status(web_app, rid) == "sent"


# -- withheld, audit filters, query errors -----------------------------------------


def test_part2_flag_is_labelled_withheld(sign_in, web_app):
    person_id, pseudonym = _sql(
        web_app,
        "select p.id, p.pseudonym from person p join app_user u on u.id = "
        "p.owner_id where u.username = 'cm.north' order by p.id",
    )[0]
    from nowrongdoor.care.models import Person, RiskFlag

    _sql(web_app, "delete from risk_flag where person_id = :p", p=person_id)
    with web_app.state.db.session() as session:
        person = session.get(Person, person_id)
        session.add(
            RiskFlag(
                person_id=person_id,
                organization_id=person.organization_id,
                source="claims",
                tier="high",
                score=0.9,
                sensitivity="part2",
            )
        )
        session.commit()
    tree = parse(sign_in("supervisor").get(f"/people/{pseudonym}").text)
    flags = tree.css_first("section[aria-labelledby=flags-h]").text()
    assert "1 withheld" in flags and "42 CFR Part 2" in flags
    assert "None." not in flags


@pytest.mark.parametrize(
    "query",
    [
        "action=&username=&outcome=&person_id=",
        "verify=true",
        "action=&username=&outcome=&person_id=&page=2",
    ],
)
def test_audit_filters_ignore_empty_fields(sign_in, query):
    admin = sign_in("admin")
    response = admin.get(f"/admin/audit?{query}")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")


def test_bad_page_query_is_a_page_not_json(sign_in):
    admin = sign_in("admin")
    audit = admin.get("/admin/audit?person_id=abc")
    assert audit.status_code == 400
    assert audit.headers["content-type"].startswith("text/html")
    assert "Person id must be a whole number" in audit.text
    partners = admin.get("/partners?age=old")
    assert partners.status_code == 400
    assert partners.headers["content-type"].startswith("text/html")
    assert (
        "The age must be a whole number"
        in parse(partners.text).css_first("main .alert").text()
    )


def test_case_page_forms_have_one_submit_action_each(cm, web_app):
    case_id = _case_without_consent(cm, web_app)
    tree = assert_accessible_basics(cm.get(f"/cases/{case_id}").text)
    forms = tree.css("main form[method=post]")
    assert tree.css_first("#activate-form") is not None
    assert tree.css_first("#status-form") is not None
    for form in forms:
        buttons = form.css("button[type=submit], input[type=submit]")
        assert len(buttons) <= 1, (
            f"form {form.attributes.get('id') or form.attributes.get('action')} "
            f"has {len(buttons)} submit buttons"
        )


def test_flag_reasons_read_as_words() -> None:
    """A worklist flag's reasons (the population score's JSON list) read as
    indicators with their code and date, never as raw JSON; other text is
    kept as written, and an empty list says nothing."""
    from nowrongdoor.care.web._forms import FILTERS

    reasons = FILTERS["flag_reasons"]
    raw = (
        '[{"indicator": "runaway", "code": "Z62.892", "date": "2025-10-25", '
        '"points": 12}, {"indicator": "child_abuse_history", "code": "Z62.810"}]'
    )
    assert (
        reasons(raw) == "runaway (Z62.892, 2025-10-25); child abuse history (Z62.810)"
    )
    assert reasons("[]") == ""
    assert reasons(None) == ""
    assert reasons("seen twice at the ER") == "seen twice at the ER"
    assert reasons('{"not": "a list"}') == '{"not": "a list"}'


def test_flag_scores_read_as_their_model_wrote_them(sign_in) -> None:
    """The population model's whole points read "30" (not "30.00"); another
    model's fraction keeps its digits; the queue shows the seeded worklist's
    points that way, its identified member first."""
    from nowrongdoor.care.web._forms import FILTERS

    score = FILTERS["flag_score"]
    assert [score(30.0), score(53), score(0.53), score(0.125), score(None)] == [
        "30",
        "53",
        "0.53",
        "0.125",
        "",
    ]
    boss = sign_in("supervisor")
    tree = parse(boss.get("/queue?whose=all&door=claims_flag").text)
    cells = [
        td.text() for td in tree.css("#queue-table td[data-label='Risk or screen']")
    ]
    assert cells and not any(".00" in c for c in cells), cells
    # first: the identified member (coded confirmed exploitation); a 42 CFR Part 2
    # flag shows its open view ("identified (50) + withheld") or, without one,
    # "withheld"
    assert cells[0].startswith(("identified", "withheld")), cells
