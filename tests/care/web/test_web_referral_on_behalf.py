"""The referral page lets the referring team record the moves of a partner that
is not on the system, on its behalf, and shows such moves in words to everyone,
the partner included (without a browser)."""

from __future__ import annotations

from typing import Any

from _web_html import assert_accessible_basics, one, parse, texts
from sqlalchemy import text


def _sql(web_app: Any, sql: str, **params: Any) -> list[Any]:
    with web_app.state.db.engine.begin() as conn:
        result = conn.execute(text(sql), params)
        return list(result.all()) if result.returns_rows else []


def _open_referral(web_app: Any, owner: str, *, on_system: bool) -> tuple[int, str]:
    """(id, partner name) of a sent referral of ``owner``'s to a partner on,
    or not on, the system (an active partner-user account)."""
    has_user = (
        "exists (select 1 from app_user p where p.organization_id = o.id "
        "and p.role = 'partner_user' and p.is_active)"
    )
    rows = _sql(
        web_app,
        "select r.id, o.name from referral r "
        "join organization o on o.id = r.to_organization_id "
        "join app_user u on u.id = r.owner_id "
        f"where u.username = :owner and r.status = 'sent' and "
        f"{'' if on_system else 'not '}{has_user} order by r.id",
        owner=owner,
    )
    assert rows, f"the demo has no sent referral of {owner} (on system: {on_system})"
    return int(rows[0][0]), str(rows[0][1])


def test_the_form_is_offered_only_for_a_partner_off_the_system(
    web_app: Any, sign_in: Any
) -> None:
    user = sign_in("cm.north")
    off_id, off_name = _open_referral(web_app, "cm.north", on_system=False)
    page = user.get(f"/referrals/{off_id}")
    assert page.status_code == 200
    tree = assert_accessible_basics(page.text)
    form = one(tree, "#behalf-form")
    assert off_name in form.text()
    moves = [n.attributes["value"] for n in form.css("input[name=status]")]
    assert moves == ["accepted", "declined"]
    ways = texts(tree, "#behalf-told-via option")
    assert ways == ["Choose how", "Phone", "Email", "In person", "Letter or fax"]
    assert not tree.css("#partner-answers")

    user = sign_in("cm.north2")
    on_id, on_name = _open_referral(web_app, "cm.north2", on_system=True)
    tree = parse(user.get(f"/referrals/{on_id}").text)
    assert not tree.css("#behalf-form")
    assert f"{on_name} is on the system" in one(tree, "#partner-answers").text()


def test_a_refused_form_marks_the_field_at_fault_and_keeps_what_was_typed(
    web_app: Any, cm: Any
) -> None:
    rid, _name = _open_referral(web_app, "cm.north", on_system=False)
    url = f"/referrals/{rid}/status"
    page = cm.post(url, {"on_behalf": "yes", "status": "accepted", "told_by": "Jo"})
    assert page.status_code == 400
    tree = parse(page.text)
    field = one(tree, "#behalf-told-via")
    assert field.attributes.get("aria-invalid") == "true"
    assert "how the partner told you" in one(tree, "#behalf-form-told_via-error").text()
    assert one(tree, "#behalf-told-by").attributes.get("value") == "Jo"
    assert "checked" in one(tree, "#behalf-status-accepted").attributes

    page = cm.post(url, {"on_behalf": "yes", "status": "declined", "told_via": "email"})
    assert page.status_code == 400
    tree = parse(page.text)
    assert one(tree, "#behalf-reason").attributes.get("aria-invalid") == "true"
    assert len(tree.css("[aria-invalid=true]")) == 1

    page = cm.post(url, {"on_behalf": "yes", "told_via": "email"})
    assert page.status_code == 400
    tree = parse(page.text)
    assert one(tree, "#behalf-status-accepted").attributes.get("aria-invalid")
    states = _sql(web_app, "select status from referral where id = :i", i=rid)
    assert states == [("sent",)]


def test_a_move_recorded_on_behalf_reads_in_words(web_app: Any, cm: Any) -> None:
    rid, name = _open_referral(web_app, "cm.north", on_system=False)
    done = cm.post(
        f"/referrals/{rid}/status",
        {"on_behalf": "yes", "status": "accepted", "told_via": "phone",
         "told_by": "Pat Rivera", "reason": "Intake on Monday."},
    )  # fmt: skip
    assert done.status_code == 303
    assert done.headers["location"] == f"/referrals/{rid}"
    tree = parse(cm.get(f"/referrals/{rid}").text)
    assert one(tree, "#referral-status").text() == "Accepted"
    last = texts(tree, ".timeline li")[-1]
    assert last.startswith(
        f"Accepted: recorded by Casey North on behalf of {name}, told by phone "
        "by Pat Rivera; their words: Intake on Monday."
    )
    # the next moves of the same partner are offered in turn
    moves = [n.attributes["value"] for n in tree.css("#behalf-form input[name=status]")]
    assert moves == ["in_progress", "cancelled"]
    audit = _sql(
        web_app,
        "select username, detail from audit_event where action = 'referral.status' "
        "and resource_id = :r order by seq desc limit 1",
        r=str(rid),
    )
    assert audit[0][0] == "cm.north"
    assert "accepted recorded on behalf of partner organisation" in audit[0][1]
    assert audit[0][1].endswith("told by phone")


def test_a_partner_on_the_system_is_not_answered_for(
    web_app: Any, sign_in: Any
) -> None:
    user = sign_in("cm.north2")
    rid, name = _open_referral(web_app, "cm.north2", on_system=True)
    page = user.post(
        f"/referrals/{rid}/status",
        {"on_behalf": "yes", "status": "accepted", "told_via": "phone"},
    )
    assert page.status_code == 403
    assert f"{name} is on the system, so only the partner may" in page.text
    states = _sql(web_app, "select status from referral where id = :i", i=rid)
    assert states == [("sent",)]


def test_the_partner_sees_what_was_recorded_on_its_behalf(
    web_app: Any, sign_in: Any
) -> None:
    """The shelter had no active account when its answer came by email; once
    its account is active again it reads, in its inbox and on the referral,
    that the answer was recorded for it, by whom and how."""
    rid, name = _open_referral(web_app, "cm.north2", on_system=True)
    _sql(web_app, "update app_user set is_active = false where username = :u",
         u="partner.shelter")  # fmt: skip
    user = sign_in("cm.north2")
    done = user.post(
        f"/referrals/{rid}/status",
        {"on_behalf": "yes", "status": "accepted", "told_via": "email"},
    )
    assert done.status_code == 303, done.text[:300]
    _sql(web_app, "update app_user set is_active = true where username = :u",
         u="partner.shelter")  # fmt: skip
    partner = sign_in("partner.shelter")
    tree = parse(partner.get(f"/referrals/{rid}").text)
    assert texts(tree, ".timeline li")[-1].startswith(
        f"Accepted: recorded by Noor North on behalf of {name}, told by email"
    )
    assert not tree.css("#behalf-form")
    inbox = parse(partner.get("/inbox").text)
    row = [
        tr
        for tr in inbox.css("#inbox-table tbody tr")
        if tr.css_first("a").attributes["href"] == f"/referrals/{rid}"
    ]
    assert len(row) == 1
    change = " ".join(row[0].css_first("td.last-change").text().split())
    assert "Accepted on behalf of your organisation, recorded by" in change
    assert change.endswith("(told by email)")
