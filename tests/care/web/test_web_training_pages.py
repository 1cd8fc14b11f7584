"""Training pages: quizzes without keys, grading, certificates, records, scope."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from typing import Any

from _training_help import attempt_from, keys_of, pass_modules, user_id
from _web_html import assert_accessible_basics, parse
from sqlalchemy import select, update

from nowrongdoor.care import training as tr
from nowrongdoor.care.models import TrainingAttempt, TrainingCompletion, User

LAW = "/training/courses/awareness/the-law"


def _start(user, module: str = "the-law") -> int:
    return attempt_from(user.post(f"/training/courses/awareness/{module}/attempts"))


def _wrong(keys: dict[str, str], choices: int = 6) -> dict[str, str]:
    return {q: str((int(k) + 1) % choices) for q, k in keys.items()}


def test_module_reading_is_public_and_quiz_needs_sign_in(client) -> None:
    page = client.get(LAW)
    assert page.status_code == 200
    tree = assert_accessible_basics(page.text)
    assert "Sign in to take the quiz" in page.text
    assert tree.css_first("#start-quiz") is None
    cited = {a.attributes["href"] for a in tree.css("dl.glossary a")}
    assert "/glossary/legal.sex_trafficking" in cited
    for path in ("/training/courses", "/training/records", "/training/attempts/1"):
        response = client.get(path)
        assert response.status_code == 303, path
        assert response.headers["location"].startswith("/login")
    assert client.get("/training/courses/awareness/nope").status_code == 404


def test_quiz_page_carries_no_key(sign_in, web_app) -> None:
    cm = sign_in("cm.north")
    attempt_id = _start(cm)
    html = cm.get(f"/training/attempts/{attempt_id}").text
    assert_accessible_basics(html)
    with web_app.state.db.session() as session:
        attempt = session.get(TrainingAttempt, attempt_id)
        assert attempt is not None
        quiz = tr.quiz_of(attempt)
        stored = attempt.quiz
    tree = parse(html)
    assert len(tree.css("fieldset.question")) == len(quiz.questions) == 5
    for q in quiz.questions:
        assert q.explanation not in html
        values = [i.attributes["value"] for i in tree.css(f"input[name={q.id}]")]
        assert values == [str(i) for i in range(len(q.choices))]
    assert "checked" not in html and "Right answer" not in html
    # The page is the same whatever the keys are: it cannot reveal them.
    moved = dict(stored)
    moved["questions"] = [
        {**q, "key": (q["key"] + 1) % len(q["choices"]), "explanation": "x"}
        for q in stored["questions"]
    ]
    with web_app.state.db.session() as session:
        session.execute(
            update(TrainingAttempt)
            .where(TrainingAttempt.id == attempt_id)
            .values(quiz=moved)
        )
    again = cm.get(f"/training/attempts/{attempt_id}").text
    assert _unkeyed(again, cm.csrf) == _unkeyed(html, cm.csrf)


def _unkeyed(html: str, csrf: str) -> str:
    """A page without its CSRF token and its forms' one-time keys (drawn
    fresh for every page)."""
    return re.sub(r'name="form_key" value="[^"]*"', "", html.replace(csrf, ""))


def test_start_and_submit_sent_twice_count_once(sign_in, web_app) -> None:
    """A double click on "Start the quiz" starts one attempt (the daily limit
    counts one), and a quiz sent twice is graded once: the repeat goes to the
    result, not to "already submitted"."""
    cm = sign_in("cm.north")
    start = f"{LAW}/attempts"
    form = parse(cm.get(LAW).text).css_first(f'form[action="{start}"]')
    key = {"form_key": form.css_first("input[name=form_key]").attributes["value"]}
    first, second = cm.post(start, data=key), cm.post(start, data=key)
    assert first.status_code == second.status_code == 303
    assert second.headers["location"] == first.headers["location"]
    with web_app.state.db.session() as session:
        me = user_id(web_app.state.db, "cm.north")
        assert len(session.scalars(
            select(TrainingAttempt).where(TrainingAttempt.user_id == me)
        ).all()) == 1  # fmt: skip
    quiz_page = first.headers["location"]
    quiz = parse(cm.get(quiz_page).text).css_first("#quiz-form")
    answers = {q: "0" for q in {i.attributes["name"] for i in
               quiz.css("fieldset.question input")}}  # fmt: skip
    answers["form_key"] = quiz.css_first("input[name=form_key]").attributes["value"]
    graded, again = cm.post(quiz_page, data=answers), cm.post(quiz_page, data=answers)
    assert graded.status_code == again.status_code == 303
    assert again.headers["location"] == graded.headers["location"] == quiz_page


def test_fail_then_pass_completes_the_course(sign_in, web_app) -> None:
    pass_modules(web_app, "cm.north", skip=("the-law",))
    cm = sign_in("cm.north")
    first = _start(cm)
    keys = keys_of(web_app, first)
    assert cm.post(f"/training/attempts/{first}", _wrong(keys)).status_code == 303
    result = parse(cm.get(f"/training/attempts/{first}").text)
    assert "Not passed" in result.css_first("#verdict").text()
    assert result.css_first("#certificate-link") is None
    # every answer is explained and cites a knowledge-base entry
    assert len(result.css("ol.results li")) == 5
    assert all(
        li.css_first('a[href^="/glossary/"]') for li in result.css("ol.results li")
    )
    second = _start(cm)
    cm.post(f"/training/attempts/{second}", keys_of(web_app, second))
    page = parse(cm.get(f"/training/attempts/{second}").text)
    assert "Passed" in page.css_first("#verdict").text()
    link = page.css_first("#certificate-link").attributes["href"]
    cert = cm.get(link)
    assert cert.status_code == 200
    tree = assert_accessible_basics(cert.text)
    assert tree.css_first("#cert-holder").text() == "Casey North"
    assert tree.css_first("#cert-hours").text() == "2.75"
    code = tree.css_first("#cert-code").text().strip()
    renewal = tree.css_first("#cert-renewal").text()
    assert renewal and renewal != tree.css_first("#cert-date").text()
    # a submitted attempt cannot be answered again
    assert cm.post(f"/training/attempts/{second}", {}).status_code == 409
    # public verification: initials, never the name
    verified = sign_in("cm.north2").client.get(f"/training/verify?code={code}")
    assert "CN" in verified.text and "Casey North" not in verified.text
    assert "No certificate" in cm.get("/training/verify?code=NOPE").text


def test_daily_attempt_limit(sign_in) -> None:
    cm = sign_in("cm.north")
    for _ in range(3):
        _start(cm, "lexicon")
    refused = cm.post("/training/courses/awareness/lexicon/attempts")
    assert refused.status_code == 409
    assert "attempts" in refused.text
    # another module has its own limit
    _start(cm, "minors")


def test_users_see_only_their_own_attempts(sign_in, web_app) -> None:
    cm = sign_in("cm.north")
    attempt_id = _start(cm)
    url = f"/training/attempts/{attempt_id}"
    for other in ("cm.north2", "cm.south", "analyst", "partner.shelter"):
        user = sign_in(other)
        assert user.get(url).status_code == 403, other
        assert user.post(url, {"q1": "0"}).status_code == 403, other
    # a supervisor may not open a quiz that is still open...
    assert sign_in("supervisor").get(url).status_code == 403
    cm = sign_in("cm.north")
    cm.post(url, keys_of(web_app, attempt_id))
    # ...but reads a submitted one of their organisation; so does an admin
    assert sign_in("supervisor").get(url).status_code == 200
    assert sign_in("admin").get(url).status_code == 200
    assert sign_in("cm.north2").get(url).status_code == 403
    mine = sign_in("cm.north2").get("/training/courses").text
    assert url not in mine


def test_supervisor_sees_their_organisation_and_csv(sign_in, web_app) -> None:
    pass_modules(web_app, "cm.north")
    sup = sign_in("supervisor")
    page = parse(sup.get("/training/records").text)
    users = {tr_.attributes["data-user"] for tr_ in page.css("#records tbody tr")}
    assert {"cm.north", "cm.south", "supervisor", "admin"} <= users
    assert not {"partner.shelter", "partner.cac"} & users
    north = page.css_first('#records tr[data-user="cm.north"]').text()
    assert "current" in north and "11/11" in north
    summary = page.css_first("#summary").text()
    assert "north" in summary
    response = sup.get("/training/records.csv")
    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert {r["username"] for r in rows} == users
    row = next(r for r in rows if r["username"] == "cm.north")
    assert row["status"] == "current" and row["modules_passed"] == "11"
    assert len(row["code"]) == 19
    # admin sees partner staff too; care managers and analysts see no records
    admin = parse(sign_in("admin").get("/training/records").text)
    everyone = {t.attributes["data-user"] for t in admin.css("#records tbody tr")}
    assert "partner.shelter" in everyone
    for role_user in ("cm.north", "analyst", "partner.shelter"):
        assert sign_in(role_user).get("/training/records").status_code == 403
        assert sign_in(role_user).get("/training/records.csv").status_code == 403


def test_partner_training_lead_sees_only_their_own_staff(sign_in, web_app) -> None:
    db = web_app.state.db
    pass_modules(web_app, "partner.shelter")
    pass_modules(web_app, "cm.north")
    with db.session() as session:
        lead = session.scalars(
            select(User).where(User.username == "partner.shelter")
        ).one()
        tr.grant_lead(session, user=lead, granted_by=None)
    partner = sign_in("partner.shelter")
    page = parse(partner.get("/training/records").text)
    users = {t.attributes["data-user"] for t in page.css("#records tbody tr")}
    assert users == {"partner.shelter"}
    rows = list(csv.DictReader(io.StringIO(partner.get("/training/records.csv").text)))
    assert {r["username"] for r in rows} == {"partner.shelter"}
    # not the plan's certificates, nor its attempts
    cm_id = user_id(db, "cm.north")
    with db.session() as session:
        cm_cert = tr.current_completion(session, user_id=cm_id, course_id="awareness")
        assert cm_cert is not None
        code = cm_cert.code
        cm_attempt = session.scalars(
            select(TrainingAttempt.id).where(TrainingAttempt.user_id == cm_id)
        ).first()
    assert partner.get(f"/training/certificates/{code}").status_code == 403
    assert partner.get(f"/training/attempts/{cm_attempt}").status_code == 403
    # and the lead still sees no referral inbox beyond its own organisation
    assert partner.get("/people").status_code == 403
    # the plan's supervisor does not see the partner's staff
    sup = parse(sign_in("supervisor").get("/training/records").text)
    assert "partner.shelter" not in {
        t.attributes["data-user"] for t in sup.css("#records tbody tr")
    }


def test_work_queue_shows_the_renewal_due_date(sign_in, web_app) -> None:
    cm = sign_in("cm.north")
    due = parse(cm.get("/work").text).css_first("#training-due").text()
    assert "not completed yet" in due
    pass_modules(web_app, "cm.north")
    due = parse(cm.get("/work").text).css_first("#training-due").text()
    cm_id = user_id(web_app.state.db, "cm.north")
    with web_app.state.db.session() as session:
        completion = tr.current_completion(
            session, user_id=cm_id, course_id="awareness"
        )
    assert completion is not None
    assert f"renewal due {completion.renewal_due_at.date().isoformat()}" in due


def test_a_bad_course_file_stops_start_up(tmp_path) -> None:
    import pytest

    from nowrongdoor.care.app import create_app
    from nowrongdoor.errors import UserInputError
    from nowrongdoor.settings import build_settings

    bad = tmp_path / "local.yaml"
    bad.write_text("id: local\ntitle: Local\nmodules: []\n", encoding="utf-8")
    settings = build_settings(
        env={},
        data_dir=tmp_path,
        environment="test",
        training_course_files=[bad],
    )
    with pytest.raises(UserInputError, match="local.yaml: field modules"):
        create_app(settings)


def _lapse(web_app: Any, code: str) -> None:
    """Backdate a certificate: completed 2020-01-01, renewal due 2020-12-31."""
    past = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
    with web_app.state.db.session() as session:
        session.execute(
            update(TrainingCompletion)
            .where(TrainingCompletion.code == code)
            .values(completed_at=past, renewal_due_at=past + dt.timedelta(days=365))
        )


def _completion_code(web_app, username: str) -> str:
    with web_app.state.db.session() as session:
        done = tr.current_completion(
            session, user_id=user_id(web_app.state.db, username), course_id="awareness"
        )
        assert done is not None
        return done.code


def test_verify_says_a_lapsed_certificate_is_not_current(sign_in, web_app) -> None:
    """A certificate past its renewal date does not verify as "Valid": the
    page says it lapsed and when."""

    pass_modules(web_app, "cm.north")
    code = _completion_code(web_app, "cm.north")
    client = sign_in("cm.north2").client
    fresh = parse(client.get(f"/training/verify?code={code}").text)
    assert "Valid certificate" in fresh.css_first("#verified").text()
    _lapse(web_app, code)
    page = parse(client.get(f"/training/verify?code={code}").text)
    assert page.css_first("#verified") is None
    lapsed = page.css_first("#lapsed").text()
    assert "Valid certificate" not in lapsed
    assert "2020-12-31" in lapsed and "lapsed" in lapsed.lower()


def test_records_csv_cells_do_not_run_as_formulas(sign_in, web_app) -> None:
    """A name or team typed as a formula reaches the CSV as text."""
    with web_app.state.db.session() as session:
        session.execute(
            update(User)
            .where(User.username == "cm.north")
            .values(display_name='=HYPERLINK("http://x","y")', team="+north")
        )
    rows = list(
        csv.DictReader(
            io.StringIO(sign_in("supervisor").get("/training/records.csv").text)
        )
    )
    row = next(r for r in rows if r["username"] == "cm.north")
    assert row["name"] == '\'=HYPERLINK("http://x","y")'
    assert row["team"] == "'+north"
    assert all(not v.startswith(("=", "+", "@")) for r in rows for v in r.values())


def test_retake_sent_twice_starts_one_attempt(sign_in, web_app) -> None:
    """A double click on "Try again" on a result page starts one attempt, not
    two (the second would use up the day's limit)."""
    cm = sign_in("cm.north")
    first = _start(cm)
    cm.post(f"/training/attempts/{first}", _wrong(keys_of(web_app, first)))
    result = parse(cm.get(f"/training/attempts/{first}").text)
    form = result.css_first(f'form[action="{LAW}/attempts"]')
    key = form.css_first("input[name=form_key]")
    assert key is not None
    data = {"form_key": key.attributes["value"]}
    one, two = (
        cm.post(f"{LAW}/attempts", data=data),
        cm.post(f"{LAW}/attempts", data=data),
    )
    assert one.headers["location"] == two.headers["location"]
    with web_app.state.db.session() as session:
        me = user_id(web_app.state.db, "cm.north")
        started = session.scalars(
            select(TrainingAttempt).where(TrainingAttempt.user_id == me)
        ).all()
    assert len(started) == 2


def test_unanswered_question_keeps_the_answers_given(sign_in, web_app) -> None:
    """A quiz sent with a question unanswered is not graded (nothing is
    spent): the quiz comes back with the sentence at that question and the
    answers already chosen still chosen."""
    cm = sign_in("cm.north")
    attempt_id = _start(cm)
    keys = keys_of(web_app, attempt_id)
    partial = {q: k for q, k in keys.items() if q != "q3"}
    page = cm.post(f"/training/attempts/{attempt_id}", partial)
    assert page.status_code == 422
    tree = parse(page.text)
    assert "answer question 3" in tree.css_first("#q3").text().lower()
    for q, k in partial.items():
        chosen = tree.css_first(f'input[name="{q}"][value="{k}"]')
        assert "checked" in chosen.attributes, q
    with web_app.state.db.session() as session:
        attempt = session.get(TrainingAttempt, attempt_id)
        assert attempt is not None and attempt.submitted_at is None
    assert cm.post(f"/training/attempts/{attempt_id}", keys).status_code == 303


def test_my_training_says_when_attempts_are_cut(sign_in, web_app) -> None:
    """More attempts than the page lists: it says how many it shows of how many."""
    db, settings = web_app.state.db, web_app.state.settings
    course = tr.catalogue_for(settings).get("awareness")
    with db.session() as session:
        user = session.scalars(select(User).where(User.username == "cm.north")).one()
        for module in course.quiz_modules:
            for _ in range(2):
                tr.start_attempt(
                    session, user=user, course=course, module_id=module.id,
                    settings=settings,
                )  # fmt: skip
    page = parse(sign_in("cm.north").get("/training/courses").text)
    assert len(page.css("#attempts tbody tr")) == 20
    assert "20 latest of 22" in page.css_first("#attempts-note").text()


def test_renewal_is_overdue_from_the_day_after_its_date(web_app) -> None:
    """The queue says "renewal due 2027-12-07": that whole UTC day is due, the
    next is overdue; 30 days ahead (by date) is "due", 31 is current."""
    pass_modules(web_app, "cm.north")
    db = web_app.state.db
    course = tr.catalogue_for(web_app.state.settings).get("awareness")
    due = dt.datetime(2027, 12, 7, 9, 0, tzinfo=dt.UTC)
    with db.session() as session:
        session.execute(update(TrainingCompletion).values(renewal_due_at=due))
        user = session.scalars(select(User).where(User.username == "cm.north")).one()

        def status(now: dt.datetime) -> str:
            [item] = tr.training_due(session, user=user, courses=[course], now=now)
            return str(item["status"])

        assert status(dt.datetime(2027, 12, 7, 23, 59, tzinfo=dt.UTC)) == "due"
        assert status(dt.datetime(2027, 12, 8, 0, 0, tzinfo=dt.UTC)) == "overdue"
        assert status(dt.datetime(2027, 11, 7, 23, 0, tzinfo=dt.UTC)) == "due"
        assert status(dt.datetime(2027, 11, 6, 23, 0, tzinfo=dt.UTC)) == "current"


def test_a_lapsed_certificate_page_says_so(sign_in, web_app) -> None:
    """The printable certificate of a lapsed completion says it lapsed; a
    current one carries no such line."""

    pass_modules(web_app, "cm.north")
    code = _completion_code(web_app, "cm.north")
    cm = sign_in("cm.north")
    page = parse(cm.get(f"/training/certificates/{code}").text)
    assert page.css_first("#cert-lapsed") is None
    _lapse(web_app, code)
    page = parse(cm.get(f"/training/certificates/{code}").text)
    assert "lapsed" in page.css_first("#cert-lapsed").text()
    assert "2020-12-31" in page.css_first("#cert-lapsed").text()
