"""One-time form keys: a create form sent twice makes one record, on SQLite
and PostgreSQL (``care/web/_form_key.py``).

The second POST of a form (same key, same user) answers 303 to the address
the first went to and records ``form.repeat``; a refused form leaves its key
unused; two keys make two records; another user's key is refused.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from _web_html import parse
from fastapi.testclient import TestClient
from sqlalchemy import func, select, text

from nowrongdoor.care import crud
from nowrongdoor.care.app import create_app
from nowrongdoor.care.db import Database
from nowrongdoor.care.enums import OrgKind
from nowrongdoor.care.models import AuditEvent, FormKey, User, utcnow
from nowrongdoor.care.web import _form_key
from nowrongdoor.screening import get_instrument

PASSWORD = "correct horse battery staple"  # tests/care/conftest.py's


class Browser:
    """A page client signed in as one user of the test world."""

    def __init__(self, client: TestClient, username: str) -> None:
        self.client = client
        page = client.get("/login")
        token = parse(page.text).css_first("input[name=csrf_token]")
        signed = client.post(
            "/login",
            data={
                "username": username,
                "password": PASSWORD,
                "csrf_token": token.attributes["value"],
            },
        )
        assert signed.status_code == 303, signed.text[:300]
        home = client.get(signed.headers["location"])
        meta = parse(home.text).css_first('meta[name="csrf-token"]')
        self.csrf = str(meta.attributes["content"])

    def key(self, url: str, action: str) -> str:
        """The one-time key of the form posting to ``action`` on page ``url``."""
        page = self.client.get(url)
        assert page.status_code == 200, page.text[:300]
        form = parse(page.text).css_first(f'form[action="{action}"]')
        assert form is not None, f"no form posting to {action} on {url}"
        field = form.css_first("input[name=form_key]")
        assert field is not None, f"the form posting to {action} carries no key"
        return str(field.attributes["value"])

    def post(self, url: str, data: dict[str, str]) -> Any:
        """POST a form with the CSRF token."""
        return self.client.post(url, data={"csrf_token": self.csrf, **data})


@pytest.fixture
def site(db: Database, build_world_fn: Any) -> Iterator[TestClient]:
    """The care app with its pages over the backend's database and a world."""
    build_world_fn(db)
    with TestClient(
        create_app(db.settings, database=db), follow_redirects=False
    ) as client:
        yield client


def _count(db: Database, table: str) -> int:
    with db.engine.connect() as conn:
        return int(conn.execute(text(f"SELECT count(*) FROM {table}")).scalar_one())


def _repeats(db: Database) -> list[tuple[str | None, str | None]]:
    with db.session() as s:
        rows = s.execute(
            select(AuditEvent.username, AuditEvent.detail).where(
                AuditEvent.action == "form.repeat"
            )
        ).all()
    return [(r[0], r[1]) for r in rows]


def _new_person(cm: Browser) -> str:
    made = cm.post("/intake", {"door": "self"})
    assert made.status_code == 303
    page = parse(cm.client.get(made.headers["location"]).text)
    return page.css_first("dl.facts a").text().strip()


def test_intake_sent_twice_makes_one_intake_and_one_person(
    site: TestClient, db: Database
) -> None:
    cm = Browser(site, "cm.a")
    key = cm.key("/intake", "/intake")
    form = {"door": "hospital", "summary": "Seen at the clinic", "form_key": key}
    people, intakes = _count(db, "person"), _count(db, "intake")
    first = cm.post("/intake", form)
    second = cm.post("/intake", form)
    assert first.status_code == second.status_code == 303
    assert first.headers["location"].startswith("/intakes/")
    assert second.headers["location"] == first.headers["location"]
    assert (_count(db, "person"), _count(db, "intake")) == (people + 1, intakes + 1)
    assert _repeats(db) == [("cm.a", "POST /intake: a repeated submission was ignored")]
    # the first one's page is where the repeat leads
    assert site.get(second.headers["location"]).status_code == 200


def test_open_case_and_consent_sent_twice_make_one_each(
    site: TestClient, db: Database
) -> None:
    cm = Browser(site, "cm.a")
    pseudonym = _new_person(cm)
    person_page = f"/people/{pseudonym}"
    cases = f"/people/{pseudonym}/cases"
    form = {"pathway": "survive", "form_key": cm.key(person_page, cases)}
    first, second = cm.post(cases, form), cm.post(cases, form)
    assert first.status_code == second.status_code == 303
    assert first.headers["location"].startswith("/cases/")
    assert second.headers["location"] == first.headers["location"]
    assert _count(db, "care_case") == 1

    consents = f"/people/{pseudonym}/consents"
    form = {
        "consent_type": "share_with_partners",
        "scope": "any_partner",
        "granted": "yes",
        "form_key": cm.key(person_page, consents),
    }
    first, second = cm.post(consents, form), cm.post(consents, form)
    assert first.status_code == second.status_code == 303
    assert first.headers["location"] == f"{person_page}#consent"
    assert second.headers["location"] == first.headers["location"]
    assert _count(db, "consent") == 1
    details = [d for _u, d in _repeats(db)]
    assert details == [
        "POST /people/{pseudonym}/cases: a repeated submission was ignored",
        "POST /people/{pseudonym}/consents: a repeated submission was ignored",
    ]
    assert not any(pseudonym in (d or "") for d in details)


def test_a_refused_form_leaves_its_key_for_the_corrected_one(
    site: TestClient, db: Database
) -> None:
    cm = Browser(site, "cm.a")
    key = cm.key("/intake", "/intake")
    refused = cm.post("/intake", {"door": "self", "birth_date": "31/12/2010",
                                  "form_key": key})  # fmt: skip
    assert refused.status_code == 422
    tree = parse(refused.text)
    assert "birth date" in tree.css_first("#form-error").text().lower()
    # the page drawn again carries a key of its own
    assert tree.css_first("#intake-form input[name=form_key]") is not None
    assert (_count(db, "person"), _count(db, "intake"), _count(db, "form_key")) == (
        0,
        0,
        0,
    )
    corrected = cm.post("/intake", {"door": "self", "birth_date": "2010-12-31",
                                    "form_key": key})  # fmt: skip
    assert corrected.status_code == 303
    assert _count(db, "intake") == 1

    pseudonym = _new_person(cm)
    consents = f"/people/{pseudonym}/consents"
    key = cm.key(f"/people/{pseudonym}", consents)
    form = {"consent_type": "outreach", "scope": "care_team", "form_key": key}
    refused = cm.post(consents, {**form, "expires_on": "someday"})
    assert refused.status_code == 400
    assert _count(db, "consent") == 0
    again = cm.post(consents, {**form, "expires_on": "2030-01-31"})
    assert again.status_code == 303
    assert _count(db, "consent") == 1

    cases = f"/people/{pseudonym}/cases"
    key = cm.key(f"/people/{pseudonym}", cases)
    assert cm.post(cases, {"pathway": "sideways", "form_key": key}).status_code == 400
    assert _count(db, "care_case") == 0
    assert cm.post(cases, {"pathway": "prevent", "form_key": key}).status_code == 303
    assert _count(db, "care_case") == 1
    assert _repeats(db) == []


def test_two_keys_make_two_records(site: TestClient, db: Database) -> None:
    cm = Browser(site, "cm.a")
    pseudonym = _new_person(cm)
    cases = f"/people/{pseudonym}/cases"
    made = {
        cm.post(
            cases,
            {"pathway": "prevent", "form_key": cm.key(f"/people/{pseudonym}", cases)},
        ).headers["location"]
        for _ in range(2)
    }
    assert len(made) == 2
    assert _count(db, "care_case") == 2
    # and a form posted without a key (a script) is not held back either
    cm.post(cases, {"pathway": "prevent"})
    cm.post(cases, {"pathway": "prevent"})
    assert _count(db, "care_case") == 4


def test_another_users_key_and_a_malformed_key_are_refused(
    site: TestClient, db: Database
) -> None:
    cm = Browser(site, "cm.a")
    key = cm.key("/intake", "/intake")
    assert cm.post("/intake", {"door": "self", "form_key": key}).status_code == 303
    site.cookies.clear()
    other = Browser(site, "cm2.a")
    taken = other.post("/intake", {"door": "self", "form_key": key})
    assert taken.status_code == 409
    assert "/intakes/" not in taken.text
    assert "another account" in parse(taken.text).css_first("main").text()
    bad = other.post("/intake", {"door": "self", "form_key": "not a key; <b>"})
    assert bad.status_code == 422
    assert "key" in parse(bad.text).css_first("#form-error").text()
    assert _count(db, "intake") == 1
    # an unknown key of the right shape is simply claimed
    fresh = _form_key.new_key()
    assert other.post("/intake", {"door": "self", "form_key": fresh}).status_code == 303
    assert _count(db, "intake") == 2


def test_a_claim_made_while_another_is_open_finds_the_first(db: Database) -> None:
    """Two submissions at once: the second waits for the first's commit, then
    finds its row (PostgreSQL: the unique index and a savepoint; SQLite: the
    write lock)."""
    with db.session() as s:
        org = crud.create_organization(s, name="Plan", kind=OrgKind.PLAN)
        s.add(User(organization_id=org.id, username="u", display_name="u",
                   role="care_manager", password_hash="-"))  # fmt: skip
    key = _form_key.new_key()
    first = db.sessionmaker()
    user = first.scalars(select(User)).one()
    row, new = _form_key.claim(first, user, key)
    assert new
    found: list[tuple[str, bool]] = []

    def second_claim() -> None:
        with db.sessionmaker() as second:
            them = second.scalars(select(User)).one()
            other, made = _form_key.claim(second, them, key)
            found.append((other.redirect_to, made))
            second.rollback()

    waiting = threading.Thread(target=second_claim)
    waiting.start()
    time.sleep(0.5)
    assert found == [], "the second claim must wait for the first transaction"
    row.redirect_to = "/cases/1"
    first.commit()
    first.close()
    waiting.join(timeout=10)
    assert found == [("/cases/1", False)]
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(FormKey)) == 1


def test_old_keys_are_deleted_when_the_user_claims_another(db: Database) -> None:
    with db.session() as s:
        org = crud.create_organization(s, name="Plan", kind=OrgKind.PLAN)
        users = [
            User(
                organization_id=org.id,
                username=n,
                display_name=n,
                role="care_manager",
                password_hash="-",
            )  # fmt: skip
            for n in ("old", "other")
        ]
        s.add_all(users)
        s.flush()
        long_ago = utcnow() - dt.timedelta(days=_form_key.KEEP_DAYS + 1)
        for user in users:
            s.add(FormKey(key=_form_key.new_key(), user_id=user.id,
                          created_at=long_ago, redirect_to="/work"))  # fmt: skip
        s.add(FormKey(key="recent" + "k" * 20, user_id=users[0].id,
                      redirect_to="/work"))  # fmt: skip
    with db.session() as s:
        me = s.scalars(select(User).where(User.username == "old")).one()
        _form_key.claim(s, me, _form_key.new_key())
    with db.session() as s:
        kept = s.execute(
            select(User.username, FormKey.key).join(User, User.id == FormKey.user_id)
        ).all()
    by_user = sorted(u for u, _k in kept)
    # mine: the old one gone, the recent and the new kept; the other user's untouched
    assert by_user == ["old", "old", "other"]


# -- every other create form, on the seeded demo (SQLite) ------------------------


def _sql(web_app: Any, sql: str, **params: Any) -> list[Any]:
    with web_app.state.db.engine.connect() as conn:
        return list(conn.execute(text(sql), params).all())


def _key_on(signed: Any, url: str, action: str) -> str:
    page = signed.get(url)
    assert page.status_code == 200, page.text[:300]
    form = parse(page.text).css_first(f'form[action="{action}"]')
    assert form is not None, f"no form posting to {action} on {url}"
    field = form.css_first("input[name=form_key]")
    assert field is not None, f"the form posting to {action} carries no key"
    return str(field.attributes["value"])


def _twice(signed: Any, action: str, data: dict[str, str]) -> tuple[Any, Any]:
    return signed.post(action, data=data), signed.post(action, data=data)


def _open_case(cm: Any, web_app: Any) -> int:
    return int(
        _sql(
            web_app,
            "select c.id from care_case c join app_user u on u.id = c.owner_id "
            "where u.username = 'cm.north' and c.status != 'closed' order by c.id",
        )[0][0]
    )


@pytest.mark.parametrize(
    ("part", "table", "data"),
    [
        ("needs", "need", {"category": "food_insecurity", "description": "Meals"}),
        ("goals", "goal", {"description": "A place of her own"}),
        ("barriers", "barrier", {"description": "No ID documents"}),
        ("notes", "note", {"text": "Called back; safe for now."}),
        ("tasks", "task", {"title": "Call the shelter", "due_on": "2030-01-31"}),
    ],
)
def test_case_page_forms_sent_twice_add_one_item(
    cm: Any, web_app: Any, part: str, table: str, data: dict[str, str]
) -> None:
    case_id = _open_case(cm, web_app)
    action = f"/cases/{case_id}/{part}"
    before = _sql(web_app, f"select count(*) from {table}")[0][0]
    key = _key_on(cm, f"/cases/{case_id}", action)
    first, second = _twice(cm, action, {**data, "form_key": key})
    assert first.status_code == second.status_code == 303
    assert first.headers["location"].startswith(f"/cases/{case_id}#")
    assert second.headers["location"] == first.headers["location"]
    assert _sql(web_app, f"select count(*) from {table}")[0][0] == before + 1


def test_referral_sent_twice_makes_one_referral(cm: Any, web_app: Any) -> None:
    case_id = _open_case(cm, web_app)
    service = _sql(
        web_app,
        "select s.id from partner_service s join organization o on o.id = "
        "s.organization_id where o.name like 'Safe Harbor%' order by s.id",
    )[0][0]
    action = f"/cases/{case_id}/referrals"
    confirm = f"/cases/{case_id}/refer/confirm?service_id={service}&need=homelessness"
    form = {
        "service_id": str(service),
        "need_category": "homelessness",
        "reason": "Needs a bed tonight",
        "duplicate_ok": "yes",
        "form_key": _key_on(cm, confirm, action),
    }
    before = _sql(web_app, "select count(*) from referral")[0][0]
    first, second = _twice(cm, action, form)
    assert first.status_code == second.status_code == 303
    assert second.headers["location"] == first.headers["location"]
    assert _sql(web_app, "select count(*) from referral")[0][0] == before + 1


def test_screening_sent_twice_keeps_one_screening(cm: Any, web_app: Any) -> None:
    pseudonym = _sql(
        web_app,
        "select p.pseudonym from person p join app_user u on u.id = p.owner_id "
        "where u.username = 'cm.north' order by p.id",
    )[0][0]
    answers = {f"item-{i.linkId}": "yes" for i in get_instrument("cst6").items}
    key = _key_on(cm, f"/screening/cst6?person={pseudonym}", "/screening/cst6")
    form = {"age": "15", "person": pseudonym, **answers, "form_key": key}
    before = _sql(web_app, "select count(*) from screening")[0][0]
    first, second = _twice(cm, "/screening/cst6", form)
    assert first.status_code == 200  # the result page
    assert second.status_code == 303
    assert second.headers["location"] == f"/people/{pseudonym}#screenings-h"
    assert _sql(web_app, "select count(*) from screening")[0][0] == before + 1


def test_token_and_user_forms_sent_twice_make_one(sign_in: Any, web_app: Any) -> None:
    admin = sign_in("admin")
    key = _key_on(admin, "/account/tokens", "/account/tokens")
    # refused (no name): the page again, the key still unused
    refused = admin.post("/account/tokens", data={"days": "30", "form_key": key})
    assert "Give the token a name." in refused.text
    first, second = _twice(
        admin, "/account/tokens", {"name": "laptop", "days": "30", "form_key": key}
    )
    assert first.status_code == 200 and "laptop" in first.text
    assert second.status_code == 303
    assert second.headers["location"] == "/account/tokens"
    assert _sql(web_app, "select count(*) from api_token where name = 'laptop'") == [
        (1,)
    ]
    plan = _sql(web_app, "select id from organization where kind = 'plan'")[0][0]
    user = {
        "username": "cm.east",
        "display_name": "Eden East",
        "organization_id": str(plan),
        "role": "care_manager",
        "password": "a-long-enough-password",
        "form_key": _key_on(admin, "/admin", "/admin/users"),
    }
    first, second = _twice(admin, "/admin/users", user)
    assert first.status_code == second.status_code == 303
    assert second.headers["location"] == first.headers["location"] == "/admin#users"
