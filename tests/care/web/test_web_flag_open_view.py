"""A 42 CFR Part 2 risk flag shows its open view: a care manager whom no Part 2
consent covers sees the flag's other reasons (the confirmed trafficking code of
an identified survivor) and how many reasons are withheld, never the
substance-use code or its points (42 CFR 2.12, 2.32); under a Part 2 consent
the whole flag shows."""

from __future__ import annotations

import re

from _web_html import assert_accessible_basics
from sqlalchemy import text

from nowrongdoor.care.imports import import_worklist
from nowrongdoor.care.models import Intake
from nowrongdoor.care.seed import DEMO_WORKLIST

WITHHELD = (
    "1 more reason withheld: substance-use records (42 CFR Part 2) show only "
    "where the person's consent covers your organisation."
)


def _sql(web_app, sql: str, **params):
    with web_app.state.db.engine.connect() as conn:
        return conn.execute(text(sql), params).all()


def _identified_part2(web_app) -> tuple[int, str]:
    """The seeded demo's identified survivor whose flag also has an opioid use
    disorder code (worklist row M900000: T74.62XA and F11.20)."""
    rows = _sql(
        web_app,
        "select i.id, p.pseudonym from intake i join person p on p.id = "
        "i.person_id join risk_flag f on f.person_id = p.id where i.door = "
        "'claims_flag' and f.sensitivity = 'part2' and f.tier = 'identified'",
    )
    assert len(rows) == 1, rows
    return rows[0]


def _section(html: str, selector: str) -> str:
    node = assert_accessible_basics(html).css_first(selector)
    assert node is not None, selector
    return " ".join(node.text().split())


def test_without_consent_the_open_reasons_show_and_the_part2_ones_do_not(
    web_app, sign_in
) -> None:
    intake_id, pseudonym = _identified_part2(web_app)
    cm = sign_in("cm.north")
    why = _section(
        cm.get(f"/intakes/{intake_id}").text, "section[aria-labelledby=why-h]"
    )
    assert "identified (50)" in why
    assert "trafficking confirmed (T74.62XA" in why
    assert WITHHELD in why
    assert "F11.20" not in why and "substance use" not in why
    assert "(53)" not in why and "53" not in re.sub(
        r"\d{4}-\d{2}-\d{2}", "", why.replace(pseudonym, "")
    )
    person = _section(
        cm.get(f"/people/{pseudonym}").text, "section[aria-labelledby=flags-h]"
    )
    assert "trafficking confirmed (T74.62XA" in person and WITHHELD in person
    assert "F11.20" not in person and "(53)" not in person
    work = _section(cm.get("/work").text, "section[aria-labelledby=flags-h]")
    assert f"{pseudonym}: identified risk (50), suggested" in work
    assert "1 more reason withheld" in work and "(53)" not in work
    queue = assert_accessible_basics(cm.get("/queue?door=claims_flag").text)
    row = next(
        " ".join(tr.text().split())
        for tr in queue.css("tbody tr")
        if pseudonym in tr.text()
    )
    assert "identified (50) + withheld" in row and "(53)" not in row
    # the tier filter matches it by its open tier, as if its Part 2 reason
    # did not exist (crud tests: tests/care/crud/test_queue_part2.py)
    for tier, found in (("identified", True), ("high", False), ("elevated", False)):
        filtered = cm.get(f"/queue?door=claims_flag&tier={tier}").text
        assert (pseudonym in filtered) is found, tier
    facts = _section(cm.get(f"/intakes/{intake_id}").text, "dl.facts")
    assert "tier identified from the reasons that are not 42 CFR Part 2" in facts
    # the random pseudonym ("P-RVN5-534A") may hold the digits; the facts may not
    assert "53" not in facts.replace(pseudonym, "")


def test_a_flag_whose_only_open_reasons_are_below_every_tier(web_app, sign_in) -> None:
    """Worklist row M900010: serious mental illness (3) and a stimulant use
    disorder code (3), elevated (6) in all; without the Part 2 reason, tier
    none (3), read "below every tier", and the pathway (monitor, from the
    whole tier) is not said."""
    ((pseudonym,),) = _sql(
        web_app,
        "select p.pseudonym from person p join risk_flag f on f.person_id = p.id "
        "where f.sensitivity = 'part2' and f.open_tier = 'none'",
    )
    cm = sign_in("cm.north")
    person = _section(
        cm.get(f"/people/{pseudonym}").text, "section[aria-labelledby=flags-h]"
    )
    assert "below every tier (3)" in person and "F31.9" in person and WITHHELD in person
    assert "F15.20" not in person and "elevated" not in person
    work = _section(cm.get("/work").text, "section[aria-labelledby=flags-h]")
    assert f"{pseudonym}: below every tier (3). 1 more reason withheld" in work
    assert "none" not in person and "none risk" not in work
    queue = cm.get("/queue", params={"whose": "all", "sort": "score"}).text
    row = next(r for r in queue.split("<tr") if pseudonym in r)
    assert "below every tier (3)" in row and ">none" not in row


def test_under_a_part2_consent_the_whole_flag_shows(web_app, sign_in) -> None:
    intake_id, pseudonym = _identified_part2(web_app)
    cm = sign_in("cm.north")
    given = cm.post(
        f"/people/{pseudonym}/consents",
        data={
            "consent_type": "part2_disclosure",
            "granted": "yes",
            "scope": "care_team",
        },
    )
    assert given.status_code == 303, given.text[:400]
    why = _section(
        cm.get(f"/intakes/{intake_id}").text, "section[aria-labelledby=why-h]"
    )
    assert "identified (53)" in why and "F11.20" in why and "T74.62XA" in why
    assert "withheld" not in why
    work = _section(cm.get("/work").text, "section[aria-labelledby=flags-h]")
    assert f"{pseudonym}: identified risk (53)" in work
    queue = assert_accessible_basics(cm.get("/queue?door=claims_flag").text)
    row = next(
        " ".join(tr.text().split())
        for tr in queue.css("tbody tr")
        if pseudonym in tr.text()
    )
    assert "identified (53)" in row and "withheld" not in row


def test_a_flag_from_before_the_open_view_says_how_to_get_one(web_app, sign_in) -> None:
    """A flag imported before revision 0020 has no open view: the queue says so
    in one sentence and names the command; importing the worklist again (same
    run label) gives it its open view."""
    intake_id, pseudonym = _identified_part2(web_app)
    with web_app.state.db.engine.begin() as conn:
        conn.execute(
            text(
                "update risk_flag set open_tier = null, open_score = null, "
                "open_reasons = null where sensitivity = 'part2'"
            )
        )
    cm = sign_in("cm.north")
    page = assert_accessible_basics(cm.get("/queue?door=claims_flag").text)
    row = next(
        " ".join(tr.text().split())
        for tr in page.css("tbody tr")
        if pseudonym in tr.text()
    )
    assert "withheld (42 CFR Part 2), from before the open view" in row
    assert "(50)" not in row and "(53)" not in row
    note = page.css_first("#queue-predates")
    assert note is not None
    said = " ".join(note.text().split())
    assert said.count(". ") == 0 and said.endswith("shows those reasons.")
    assert "imported before its reasons that are not 42 CFR Part 2" in said
    assert "nowrongdoor care import-worklist" in said
    assert pseudonym not in cm.get("/queue?door=claims_flag&tier=identified").text
    with web_app.state.db.session() as s:
        import_worklist(
            s,
            cipher=web_app.state.db.cipher,
            actor=None,
            organization_id=s.get(Intake, intake_id).organization_id,
            text=DEMO_WORKLIST.read_text(encoding="utf-8"),
            name="demo worklist.csv",
            source="demo-worklist",
        )
        s.commit()
    again = assert_accessible_basics(
        cm.get("/queue?door=claims_flag&tier=identified").text
    )
    rows = [" ".join(tr.text().split()) for tr in again.css("tbody tr")]
    assert any(pseudonym in r and "identified (50) + withheld" in r for r in rows)
    assert "queue-predates" not in cm.get("/queue?door=claims_flag").text


def test_person_and_intake_pages_say_a_flag_predates_the_open_view(
    web_app, sign_in
) -> None:
    """The person and intake pages, like the queue, say which withheld flag was
    imported before the open view and what shows its other reasons; under a
    Part 2 consent nothing is withheld, so nothing is said."""
    intake_id, pseudonym = _identified_part2(web_app)
    cm = sign_in("cm.north")
    before = cm.get(f"/people/{pseudonym}").text
    assert "from before the open view" not in before  # it has an open view
    with web_app.state.db.engine.begin() as conn:
        conn.execute(
            text(
                "update risk_flag set open_tier = null, open_score = null, "
                "open_reasons = null where sensitivity = 'part2'"
            )
        )
    for path in (f"/people/{pseudonym}", f"/intakes/{intake_id}"):
        html = cm.get(path).text
        said = _section(html, "p.withheld")
        assert said.startswith("1 withheld: substance-use records"), said
        assert "1 of them from before the open view." in said
        assert "nowrongdoor care import-worklist" in said
        assert "T74.62XA" not in html and "F11.20" not in html
