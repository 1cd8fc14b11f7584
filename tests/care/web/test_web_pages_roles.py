"""Every page for every role, without a browser: status, and accessible HTML.

One table says who may open which page; each row is checked for each role
(anonymous visitors are sent to the login page), and every page that opens is
parsed for the basics (lang, title, skip link, one h1, labelled controls).
"""

from __future__ import annotations

import re

import pytest
from _web_html import assert_accessible_basics, parse

ROLES = ("care_manager", "supervisor", "admin", "analyst", "partner_user")
USERS = {
    "care_manager": "cm.north",
    "supervisor": "supervisor",
    "admin": "admin",
    "analyst": "analyst",
    "partner_user": "partner.shelter",
}
CARE = {"care_manager", "supervisor", "admin"}
STAFF = CARE | {"analyst"}
EVERYONE = set(ROLES)
PUBLIC = "public"
#: Words the deck tells us never to use as labels (quoting the rule is fine).
BANNED = re.compile(r"child (prostitutes?|pornography)", re.IGNORECASE)
NEGATION = re.compile(
    r"(no such thing as an?|never|not|instead of|rather than|preferred term to|"
    r"replaces?|in place of)\W*(\w+\W+){0,3}$",
    re.IGNORECASE,
)


def assert_deck_language(html: str, url: str) -> None:
    """The banned labels appear only where the page says not to use them."""
    text = " ".join(parse(html).body.text().split())
    for match in BANNED.finditer(text):
        before = text[max(0, match.start() - 60) : match.start()]
        assert NEGATION.search(before), f"{url} says {match.group(0)!r}: {before!r}"


#: path -> roles that get 200 (others: 403; anonymous: redirect to /login).
PAGES: dict[str, set[str] | str] = {
    "/glossary": PUBLIC,
    "/glossary/lexicon.bottom": PUBLIC,
    "/training": PUBLIC,
    "/training/courses/awareness/the-law": PUBLIC,
    "/training/verify": PUBLIC,
    "/training/courses": EVERYONE,
    "/training/records": {"supervisor", "admin"},
    "/decision-aid": PUBLIC,
    "/work": CARE,
    "/tasks": CARE,
    "/tasks?show=overdue&page=2": CARE,
    "/queue": CARE,
    "/queue?whose=pool&door=claims_flag&band=12-17&sort=score&page=2": CARE,
    "/intake": CARE,
    "/people": STAFF,
    "/people/{person}": STAFF,
    "/intakes/{intake}": CARE,
    "/screening": CARE,
    "/screening/cst6": CARE,
    "/cases/{case}": STAFF,
    "/cases/{case}/refer": CARE,
    "/partners": EVERYONE,
    "/referrals/{shelter_referral}": EVERYONE,
    "/referrals/{other_referral}": STAFF,
    "/inbox": {"partner_user"},
    "/dashboard": {"supervisor", "admin", "analyst"},
    "/leads": STAFF,
    "/admin": {"admin"},
    "/admin/audit": {"admin"},
    "/oversight": {"supervisor", "admin"},
    "/oversight?kind=reads&username=cm.north": {"supervisor", "admin"},
    "/admin/partners": {"admin"},
}


@pytest.fixture
def ids(web_app) -> dict[str, str]:
    """Ids of records in the north team (cm.north's scope, so every staff role
    may see them)."""
    from sqlalchemy import text

    db = web_app.state.db
    with db.engine.connect() as conn:

        def one(sql: str) -> str:
            row = conn.execute(text(sql)).first()
            assert row is not None, sql
            return str(row[0])

        own = "join app_user u on u.id = {t}.owner_id where u.team = 'north'"
        referral = (
            "select r.id from referral r join organization o "
            "on o.id = r.to_organization_id "
            + own.format(t="r")
            + " and r.status != 'draft' and o.name {op} 'Safe Harbor%' order by r.id"
        )
        return {
            "case": one("select c.id from care_case c " + own.format(t="c")),
            "person": one("select p.pseudonym from person p " + own.format(t="p")),
            "intake": one("select i.id from intake i " + own.format(t="i")),
            "shelter_referral": one(referral.format(op="like")),
            "other_referral": one(referral.format(op="not like")),
        }


@pytest.mark.parametrize("path", sorted(PAGES))
def test_anonymous(client, ids, path):
    allowed = PAGES[path]
    response = client.get(path.format(**ids))
    if allowed == PUBLIC:
        assert response.status_code == 200
        assert_accessible_basics(response.text)
    else:
        assert response.status_code == 303
        assert response.headers["location"].startswith("/login?next=")


@pytest.mark.parametrize("role", ROLES)
def test_every_page_for_role(sign_in, ids, role):
    user = sign_in(USERS[role])
    failures = []
    for path, allowed in PAGES.items():
        url = path.format(**ids)
        response = user.get(url)
        expected = 200 if allowed == PUBLIC or role in allowed else 403
        if response.status_code != expected:
            failures.append(f"{url}: {response.status_code}, expected {expected}")
            continue
        tree = assert_accessible_basics(response.text)
        assert_deck_language(response.text, url)
        nav = {a.attributes.get("href") for a in tree.css("nav.site-nav a")}
        if expected == 200 and path.startswith("/admin"):
            assert "/admin" in nav
        if expected == 403:
            assert "You do not have access" in tree.css_first("h1").text()
            said = tree.css_first("[role=alert]").text()
            # in words: no permission code ("task:read") or role key ("partner_user")
            assert ":" not in said and "_" not in said, (url, said)
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize(
    ("role", "hidden"),
    [
        ("partner_user", {"/work", "/people", "/screening", "/admin", "/dashboard"}),
        ("care_manager", {"/inbox", "/admin", "/dashboard"}),
        ("analyst", {"/inbox", "/admin", "/intake", "/screening"}),
    ],
)
def test_navigation_shows_only_what_the_role_may_open(sign_in, role, hidden):
    user = sign_in(USERS[role])
    tree = parse(user.get("/glossary").text)
    nav = {a.attributes.get("href") for a in tree.css("nav.site-nav a")}
    assert not nav & hidden
    for href in nav:
        assert user.get(href).status_code == 200, href


def test_partner_sees_only_minimum_person_fields(sign_in, ids, web_app):
    from sqlalchemy import text

    partner = sign_in("partner.shelter")
    page = partner.get(f"/referrals/{ids['shelter_referral']}").text
    with web_app.state.db.engine.connect() as conn:
        member = conn.execute(
            text(
                "select p.member_id, p.birth_date from person p join referral r "
                "on r.person_id = p.id where r.id = :rid"
            ),
            {"rid": ids["shelter_referral"]},
        ).first()
    assert member is not None
    cipher = web_app.state.db.cipher
    assert cipher.decrypt(member[0]) not in page  # no member id
    assert cipher.decrypt(member[1]) not in page  # no birth date
    assert "/cases/" not in page
