"""Bad input on the pages: the same page again with one sentence, or a clear
4xx page - never a 500, never the API's JSON, never lost input."""

from __future__ import annotations

import pytest
from _web_html import assert_accessible_basics, parse

#: An id beyond the 64-bit integers the database stores.
HUGE = "99999999999999999999"
BROWSER = {"accept": "text/html,application/xhtml+xml,*/*;q=0.8"}


def _alert(response) -> str:
    node = parse(response.text).css_first("main .alert")
    assert node is not None, response.text[:500]
    return " ".join(node.text().split())


def _is_page(response, status: int) -> None:
    assert response.status_code == status, response.text[:300]
    assert response.headers["content-type"].startswith("text/html")


def test_over_long_phone_on_intake_is_named_and_kept(cm):
    phone = "5" * 60
    response = cm.post(
        "/intake",
        {"door": "teacher", "phone": phone, "summary": "Came in after school."},
    )
    _is_page(response, 422)
    assert _alert(response) == "Phone may have at most 40 characters."
    tree = parse(response.text)
    assert tree.css_first("input#phone").attributes["value"] == phone
    assert tree.css_first("input#phone").attributes["aria-invalid"] == "true"
    assert tree.css_first("input#phone").attributes["aria-describedby"] == "form-error"
    assert len(tree.css("[aria-invalid]")) == 1
    assert "Came in after school." in tree.css_first("textarea#summary").text()


@pytest.mark.parametrize(
    "path",
    [
        f"/cases/{HUGE}",
        f"/cases/{HUGE}/refer",
        f"/referrals/{HUGE}",
        f"/intakes/{HUGE}",
        f"/training/attempts/{HUGE}",
    ],
)
def test_an_id_too_large_to_store_is_a_page_not_json(sign_in, path):
    response = sign_in("supervisor").get(path)
    _is_page(response, 422)
    assert "too large" in _alert(response)


def test_an_id_too_large_in_a_page_filter_is_a_page_not_json(sign_in):
    response = sign_in("admin").get(f"/admin/audit?person_id={HUGE}")
    _is_page(response, 422)
    assert "too large" in _alert(response)


def test_an_id_too_large_in_a_posted_form_is_a_page_not_json(cm):
    response = cm.post(f"/cases/{HUGE}/tasks", {"title": "Call the shelter"})
    _is_page(response, 422)


def test_an_unknown_address_is_a_page_for_a_browser_and_json_for_the_api(cm):
    page = cm.get("/no-such-page", headers=BROWSER)
    _is_page(page, 404)
    assert _alert(page) == "There is no page at this address."
    # no route served it, yet it is drawn for the signed-in user: her own
    # navigation and "Sign out", not "Sign in" (she is not signed out)
    tree = parse(page.text)
    assert tree.css_first('form[action="/logout"]') is not None
    assert tree.css_first('a[href="/login"]') is None
    assert tree.css_first('nav a[href="/work"]') is not None
    wrong_method = cm.get("/cases/1/status", headers=BROWSER)
    _is_page(wrong_method, 405)
    assert parse(wrong_method.text).css_first('form[action="/logout"]') is not None
    api = cm.get("/api/v1/no-such-thing", headers=BROWSER)
    assert api.status_code == 404
    assert api.json()["error"]["code"] == "not_found"


def test_an_unknown_address_is_drawn_for_nobody_without_a_session(web_app):
    from fastapi.testclient import TestClient

    with TestClient(web_app) as anonymous:
        page = anonymous.get("/no-such-page", headers=BROWSER)
        anonymous.cookies.set("nwd_session", "not-a-session")
        stale = anonymous.get("/no-such-page", headers=BROWSER)
    for response in (page, stale):
        _is_page(response, 404)
        tree = parse(response.text)
        assert tree.css_first('a[href="/login"]') is not None
        assert tree.css_first('form[action="/logout"]') is None


def test_a_page_that_fails_answers_a_page_without_a_traceback(web_app, monkeypatch):
    from fastapi.testclient import TestClient

    from nowrongdoor.care.web import _kb_pages

    def _broken(*_args, **_kwargs):
        raise RuntimeError("boom at line 12")

    monkeypatch.setattr(_kb_pages, "load_knowledge", _broken)
    with TestClient(web_app, raise_server_exceptions=False) as anonymous:
        response = anonymous.get("/glossary?q=consent", headers=BROWSER)
    _is_page(response, 500)
    assert "boom" not in response.text and "Traceback" not in response.text
    assert _alert(response).startswith("Something went wrong on our side.")


#: Each case page form's fields: name -> the element's id.
CASE_FIELDS = {
    "goals": {"description": "goal-description", "target_date": "goal-date"},
    "needs": {"category": "need-category", "description": "need-description"},
    "tasks": {"title": "task-title", "due_on": "task-due"},
    "safety-plan": {"code_word": "sp-code", "safe_places": "sp-safe_places"},
    "notes": {"text": "note-text"},
}


@pytest.mark.parametrize(
    ("part", "posted", "field", "message"),
    [
        ("goals", {"description": "Find work <b>soon</b>", "target_date": "2026-02-30"},
         "target_date", "Target date must be a date (YYYY-MM-DD)."),
        ("needs", {"category": "legal", "description": "y" * 10000},
         "description", "The description may have at most 5000 characters."),
        ("tasks", {"title": "Call the shelter", "due_on": "1800-01-01x"},
         "due_on", "The due date must be a date (YYYY-MM-DD)."),
        ("safety-plan", {"code_word": "z" * 200, "safe_places": "the library\nschool"},
         "code_word", "Code word may have at most 100 characters."),
        ("notes", {"text": " "}, "text", "The note is required."),
    ],
)  # fmt: skip
def test_a_refused_case_form_is_the_case_page_again_with_what_was_typed(
    cm, part, posted, field, message
):
    response = cm.post(f"/cases/1/{part}", posted)
    _is_page(response, 400)
    tree = assert_accessible_basics(response.text)
    node = tree.css_first(f"#{CASE_FIELDS[part][field]}")
    assert node.attributes.get("aria-invalid") == "true"
    error = tree.css_first(f"#{node.attributes['aria-describedby']}")
    assert " ".join(error.text().split()) == f"Check this: {message}"
    assert len(tree.css(".field-error")) == 1
    for name, value in posted.items():
        node = tree.css_first(f"#{CASE_FIELDS[part][name]}")
        if node.tag == "select":
            shown = node.css_first("option[selected]").attributes["value"]
        elif node.tag == "textarea":
            shown = node.text()
        else:
            shown = node.attributes.get("value")
        assert shown == value, name
    assert "<b>soon" not in response.text


def _scalar(web_app, sql: str):
    """One value read from the test's database."""
    from sqlalchemy import text

    with web_app.state.db.engine.connect() as conn:
        return conn.execute(text(sql)).scalar()


def _pseudonym_of_case(web_app, case_id: int) -> str:
    return _scalar(
        web_app,
        "SELECT p.pseudonym FROM person p JOIN care_case c "
        f"ON c.person_id = p.id WHERE c.id = {case_id}",
    )


def test_a_refused_case_form_saves_nothing_and_audits_the_refusal(cm, web_app):
    last = _scalar(web_app, "SELECT max(rowid) FROM audit_event")
    goals = _scalar(web_app, "SELECT count(*) FROM goal")
    cm.post("/cases/1/goals", {"description": "A goal", "target_date": "2026-13-01"})
    assert _scalar(web_app, "SELECT count(*) FROM goal") == goals
    newer = f"SELECT action || ' ' || outcome FROM audit_event WHERE rowid > {last}"
    assert _scalar(web_app, newer) == "POST /cases/{case_id}/goals failure"
    assert (
        _scalar(web_app, f"SELECT count(*) FROM audit_event WHERE rowid > {last}") == 1
    )


@pytest.mark.parametrize("back", ["", "/cases/1"])
def test_a_refused_consent_is_the_page_it_was_on_again_with_what_was_typed(
    cm, web_app, back
):
    pseudonym = _pseudonym_of_case(web_app, 1)
    consents = _scalar(web_app, "SELECT count(*) FROM consent")
    response = cm.post(
        f"/people/{pseudonym}/consents",
        {
            "back": back,
            "consent_type": "share_with_partners",
            "scope": "care_team",
            "granted": "no",
            "expires_on": "2026-02-30",
            "note": "Said so <i>twice</i>",
        },
    )
    _is_page(response, 400)
    tree = parse(response.text)
    heading = tree.css_first("h1").text()
    assert heading.startswith("Case 1") if back else pseudonym in heading
    assert [" ".join(n.text().split()) for n in tree.css(".field-error")] == [
        "Check this: The expiry date must be a date (YYYY-MM-DD)."
    ]
    assert tree.css_first("#expires_on").attributes["value"] == "2026-02-30"
    assert tree.css_first("#consent_note").attributes["value"] == "Said so <i>twice</i>"
    assert "checked" in tree.css_first("#granted-no").attributes
    assert "checked" not in tree.css_first("#granted-yes").attributes
    assert tree.css_first("#scope option[selected]").attributes["value"] == "care_team"
    assert _scalar(web_app, "SELECT count(*) FROM consent") == consents


@pytest.mark.parametrize(
    ("posted", "field_id", "message"),
    [
        (
            {"username": "cm.north"},
            "nu-username",
            "The username cm.north is taken; choose another.",
        ),
        ({"password": "short"}, "nu-password", "The password needs at least 12"),
        ({"team": "t" * 10000}, "nu-team", "Team may have at most"),
    ],
)
def test_a_refused_new_user_is_the_admin_page_again_without_the_password(
    sign_in, posted, field_id, message
):
    admin = sign_in("admin")
    typed = {
        "username": "new.person",
        "display_name": "New <em>Person</em>",
        "organization_id": "2",
        "role": "supervisor",
        "team": "east",
        "password": "a-long-enough-password",
        **posted,
    }
    response = admin.post("/admin/users", typed)
    _is_page(response, 400)
    tree = parse(response.text)
    field = tree.css_first(f"#{field_id}")
    assert field.attributes.get("aria-invalid") == "true"
    error = tree.css_first(f"#{field.attributes['aria-describedby']}")
    assert message in " ".join(error.text().split())
    assert tree.css_first("#nu-username").attributes["value"] == typed["username"]
    assert tree.css_first("#nu-display").attributes["value"] == "New <em>Person</em>"
    assert tree.css_first("#nu-team").attributes["value"] == typed["team"]
    assert tree.css_first("#nu-org option[selected]").attributes["value"] == "2"
    assert tree.css_first("#nu-role option[selected]").attributes["value"] == (
        "supervisor"
    )
    assert "value" not in tree.css_first("#nu-password").attributes
    assert typed["password"] not in response.text


@pytest.mark.parametrize("back", [f"/cases/{HUGE}", "/cases/3"])
def test_a_refused_form_whose_page_cannot_be_shown_is_the_error_page(cm, web_app, back):
    pseudonym = _pseudonym_of_case(web_app, 1)
    south = _pseudonym_of_case(web_app, 3)
    response = cm.post(
        f"/people/{pseudonym}/consents",
        {"back": back, "consent_type": "x", "scope": "care_team"},
    )
    _is_page(response, 400)
    assert _alert(response) == "Consent type: choose one of the listed options."
    assert south not in response.text


WINDOW = "between 1896 and 2156"


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("birth_date", "1800-01-01",
         "Birth date must be a date between 1896 and today."),
        ("birth_date", "2026-12-08", "Birth date cannot be in the future."),
        ("due_on", "0001-01-01", f"The due date must be a date {WINDOW}."),
        ("expires_on", "9999-12-31", f"The expiry date must be a date {WINDOW}."),
        ("due_on", "2026-02-30", "The due date must be a date (YYYY-MM-DD)."),
    ],
)  # fmt: skip
def test_a_date_nobody_meant_is_refused_naming_the_field(name, value, message):
    import datetime as dt

    from starlette.datastructures import FormData

    from nowrongdoor.care.errors import BadRequest
    from nowrongdoor.care.web._forms import date_field

    with pytest.raises(BadRequest) as refused:
        date_field(FormData({name: value}), name, today=dt.date(2026, 12, 7))
    assert (refused.value.message, refused.value.field) == (message, name)
    kept = date_field(FormData({name: "1990-02-28"}), name, today=dt.date(2026, 12, 7))
    assert kept == dt.date(1990, 2, 28)


def test_a_birth_date_in_1800_is_named_on_the_intake_form_and_kept(cm, web_app):
    intakes = _scalar(web_app, "SELECT count(*) FROM intake")
    response = cm.post(
        "/intake", {"door": "teacher", "birth_date": "1800-01-01", "summary": "Hi"}
    )
    _is_page(response, 422)
    assert _alert(response).startswith("Birth date must be a date between")
    tree = parse(response.text)
    assert tree.css_first("#birth_date").attributes["value"] == "1800-01-01"
    assert _scalar(web_app, "SELECT count(*) FROM intake") == intakes
    task = cm.post("/cases/1/tasks", {"title": "Call", "due_on": "1800-01-01"})
    _is_page(task, 400)
    assert parse(task.text).css_first("#task-due").attributes["value"] == "1800-01-01"


def test_an_unknown_person_id_on_intake_marks_the_person_field(cm):
    response = cm.post("/intake", {"door": "teacher", "person": "P-NOPE-NOPE"})
    _is_page(response, 422)
    tree = parse(response.text)
    assert [n.attributes["id"] for n in tree.css("[aria-invalid]")] == ["person"]
    assert tree.css_first("#person").attributes["value"] == "P-NOPE-NOPE"
