"""The work queue: team pools, taking (one of two wins), bulk assignment."""

from __future__ import annotations

from _web_html import assert_accessible_basics, parse
from sqlalchemy import text


def _sql(web_app, sql: str, **params):
    with web_app.state.db.engine.connect() as conn:
        return conn.execute(text(sql), params).all()


def _pool_items(web_app, team: str) -> list[int]:
    return [
        int(r[0])
        for r in _sql(
            web_app,
            "select id from intake where owner_id is null and pool_team = :t "
            "and status = 'new' order by id",
            t=team,
        )
    ]


def _user_id(web_app, username: str) -> int:
    return int(
        _sql(web_app, "select id from app_user where username = :u", u=username)[0][0]
    )


def test_care_manager_sees_own_and_team_pool_only(cm, web_app):
    north, south = _pool_items(web_app, "north"), _pool_items(web_app, "south")
    assert north and south, "the seed routes worklist rows to both teams"
    tree = assert_accessible_basics(cm.get("/queue").text)
    rows = {
        int(tr.attributes["data-intake"]): tr.text()
        for tr in tree.css("#queue-table tbody tr[data-intake]")
    }
    assert set(north) <= set(rows)
    assert not set(south) & set(rows)
    for intake_id in north:
        assert "north team pool" in rows[intake_id]
        assert tree.css_first(f"#take-{intake_id}") is not None
    header = [th.text() for th in tree.css("#queue-table thead th")]
    assert header == [
        "Person",
        "Door",
        "Risk or screen",
        "Age band",
        "Due",
        "Who has it",
    ]


def test_taking_opens_the_person_and_the_second_taker_sees_who(sign_in, web_app):
    intake_id = _pool_items(web_app, "north")[0]
    first = sign_in("cm.north")
    taken = first.post(f"/queue/{intake_id}/take")
    assert taken.status_code == 303
    assert taken.headers["location"] == f"/intakes/{intake_id}"
    page = first.get(f"/intakes/{intake_id}")
    assert page.status_code == 200
    pseudonym = parse(page.text).css_first("dl.facts a").text()
    assert first.get(f"/people/{pseudonym}").status_code == 200
    owner, person_owner = _sql(
        web_app,
        "select i.owner_id, p.owner_id from intake i join person p "
        "on p.id = i.person_id where i.id = :i",
        i=intake_id,
    )[0]
    assert owner == person_owner == _user_id(web_app, "cm.north")
    second = sign_in("cm.north2")
    lost = second.post(f"/queue/{intake_id}/take")
    assert lost.status_code == 409
    notice = parse(lost.text).css_first("#queue-notice").text()
    assert "taken by Casey North" in notice
    assert _sql(web_app, "select owner_id from intake where id = :i", i=intake_id)[0][
        0
    ] == _user_id(web_app, "cm.north")
    events = _sql(
        web_app,
        "select username, outcome from audit_event where action = 'intake.take' "
        "order by seq",
    )
    assert events[-2:] == [("cm.north", "success"), ("cm.north2", "denied")]


def test_other_team_cannot_open_or_take(sign_in, web_app):
    intake_id = _pool_items(web_app, "north")[0]
    south = sign_in("cm.south")
    assert south.get(f"/intakes/{intake_id}").status_code == 403
    assert south.post(f"/queue/{intake_id}/take").status_code == 403
    assert _sql(web_app, "select owner_id from intake where id = :i", i=intake_id)[
        0
    ] == (None,)


def test_supervisor_assigns_in_bulk(sign_in, web_app):
    items = (
        _pool_items(web_app, "north")[:2] + _pool_items(web_app, "(supervisors)")[:1]
    )
    assert len(items) == 3
    boss = sign_in("supervisor")
    tree = assert_accessible_basics(boss.get("/queue?whose=pool").text)
    for intake_id in items:
        assert tree.css_first(f"#tick-{intake_id}") is not None
    target = _user_id(web_app, "cm.south")
    done = boss.client.post(
        "/queue/assign",
        data={
            "csrf_token": boss.csrf,
            "intake_id": [str(i) for i in items],
            "owner_id": str(target),
        },
    )
    assert done.status_code == 303 and "assigned=3" in done.headers["location"]
    owners = {
        r[0]
        for r in _sql(
            web_app,
            f"select owner_id from intake where id in ({','.join(map(str, items))})",
        )
    }
    assert owners == {target}
    again = boss.client.post(
        "/queue/assign",
        data={"csrf_token": boss.csrf, "owner_id": str(target)},
    )
    assert again.status_code == 400
    assert "Tick at least one" in parse(again.text).css_first("#queue-notice").text()


def test_filters_and_sort_apply(sign_in):
    boss = sign_in("supervisor")
    tree = parse(boss.get("/queue?door=claims_flag&band=12-17&sort=score").text)
    rows = tree.css("#queue-table tbody tr[data-intake]")
    assert rows, "the seed has minors on the worklist"
    scores = []
    for tr in rows:
        cells = {td.attributes.get("data-label"): td.text() for td in tr.css("td")}
        assert cells["Age band"] == "12-17"
        assert cells["Door"] == "Health-plan claims risk flag"
        risk = cells["Risk or screen"]
        scores.append(float(risk[risk.index("(") + 1 : risk.index(")")]))
    assert scores == sorted(scores, reverse=True)


def test_newly_flagged_members_show_imported_flags(cm):
    tree = parse(cm.get("/work").text)
    flags = tree.css_first("section[aria-labelledby=flags-h]")
    assert "No new flags" not in flags.text()
    assert flags.css("li a")
    summary = tree.css_first("#queue-summary").text()
    assert "waiting in your team pool" in summary


def test_analyst_opens_and_reviews_a_lead_but_no_other_intake(sign_in, web_app):
    analyst = sign_in("analyst")
    tree = assert_accessible_basics(analyst.get("/leads").text)
    links = tree.css("#queue-table tr[data-intake] a")
    assert links, "the seeded ad-match leads are listed"
    assert not tree.css("form[id^=take-]") and not tree.css("#assign-form")
    lead = links[0].attributes["href"]
    page = parse(analyst.get(lead).text)
    assert page.css_first("#lead-explained") is not None
    assert page.css_first("#create_person") is None, "analysts register nobody"
    intake_id = int(lead.rsplit("/", 1)[1])
    done = analyst.post(f"/intakes/{intake_id}/review", data={"status": "dismissed"})
    assert done.status_code == 303
    assert _sql(
        web_app, "select status, person_id from intake where id = :i", i=intake_id
    ) == [("dismissed", None)]
    other = _sql(web_app, "select id from intake where door != 'ad_match' order by id")[
        0
    ][0]
    assert analyst.get(f"/intakes/{other}").status_code == 403
    assert (
        analyst.post(
            f"/intakes/{other}/review", data={"status": "dismissed"}
        ).status_code
        == 403
    )
    assert analyst.get("/queue").status_code == 403
