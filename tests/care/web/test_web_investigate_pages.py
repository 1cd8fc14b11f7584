"""The investigator's pages without a browser: what they show, who reaches them."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import Any

import pytest
from _investigate_help import (
    INVESTIGATOR,
    biggest_operation,
    build_corpus,
    planted_and_decoy,
    prepare_workspace,
    written_like_an_ad,
)
from _web_html import login, parse
from fastapi.testclient import TestClient

from nowrongdoor.care.app import create_app
from nowrongdoor.care.investigate.importer import AdsImport
from nowrongdoor.settings import build_settings

WORKSPACE = ("/investigate", "/investigate/leads", "/investigate/operations/1",
             "/investigate/leads/1", "/investigate/leads/1/handoff",
             "/investigate/leads/1/handoff.json")  # fmt: skip
CARE_PAGES = ("/work", "/queue", "/people", "/leads", "/intake", "/partners",
              "/dashboard", "/admin", "/inbox")  # fmt: skip


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> AdsImport:
    return build_corpus(tmp_path_factory.mktemp("inv-corpus"))


@pytest.fixture
def ws_client(seeded_db: Any, tmp_path: Path, corpus: AdsImport) -> Any:
    import shutil

    shutil.copy(seeded_db.path, tmp_path / "care.db")
    prepare_workspace(tmp_path, corpus)
    settings = build_settings(
        env={}, data_dir=tmp_path, environment="test", cookie_secure=False
    )
    with TestClient(create_app(settings), follow_redirects=False) as c:
        yield c


def _listed_leads(client: Any, address: str = "/investigate/leads") -> list[Any]:
    """Every row of the leads list, page after page (following "Next page")."""
    rows: list[Any] = []
    while address:
        page = parse(client.get(address).text)
        rows += page.css("tr[data-lead]")
        following = page.css_first('a[rel="next"]')
        address = following.attributes["href"] if following else ""
    return rows


def _lead_id(client: Any, pair: tuple[str, str]) -> int:
    (row,) = [r for r in _listed_leads(client)
              if r.attributes["data-lead"] == f"{pair[0]}/{pair[1]}"]  # fmt: skip
    # the link carries the list's query (its page, its decision shown)
    return int(row.css_first("a").attributes["href"].split("?")[0].rsplit("/", 1)[1])


def test_investigator_finds_opens_and_decides(
    ws_client: Any, corpus: AdsImport
) -> None:
    csrf = login(ws_client, INVESTIGATOR)
    biggest = biggest_operation(corpus)
    typed = written_like_an_ad(biggest["phones"][0])
    found = ws_client.get("/investigate", params={"contact": typed})
    assert found.status_code == 200
    rows = parse(found.text).css("#ops-table tbody tr[data-operation]")
    assert [r.attributes["data-operation"] for r in rows] == [biggest["operation"]]
    assert f"with phone {biggest['phones'][0]}" in found.text
    # sorted by size: the biggest first; filter by a city of its route
    first = parse(ws_client.get("/investigate").text).css_first("tr[data-operation]")
    assert first.attributes["data-operation"] == biggest["operation"]
    city = biggest["cities"][0].split(",")[0]
    by_city = ws_client.get("/investigate", params={"city": city.lower()}).text
    assert biggest["operation"] in by_city
    link = rows[0].css_first("a").attributes["href"]
    op = parse(ws_client.get(link).text)
    assert len(op.css("article.ad")) == biggest["ads"]
    assert op.css("#timeline tbody tr") and op.css("#route li")
    assert op.css("#edges tbody tr td")[2].text().startswith("shared")
    planted, decoy = planted_and_decoy(corpus)
    lead = _lead_id(ws_client, planted)
    page = parse(ws_client.get(f"/investigate/leads/{lead}").text)
    assert page.css_first("#poster dd") is not None and page.css(
        "#comparisons tbody tr"
    )
    assert page.css_first("#lead-ad p") is not None
    # the weights' unit and scale, said beside them
    assert "log2 Bayes factor in bits" in page.css_first("#comparisons-help").text()
    refused = ws_client.post(
        f"/investigate/leads/{lead}/decision",
        data={"csrf_token": csrf, "decision": "confirmed", "reason": ""},
    )
    assert refused.status_code == 400 and "say in a few words why" in refused.text
    done = ws_client.post(
        f"/investigate/leads/{lead}/decision",
        data={
            "csrf_token": csrf,
            "decision": "confirmed",
            "reason": "same name, same eyes and hair, same city",
        },
    )
    assert done.status_code == 303
    shown = parse(ws_client.get(done.headers["location"]).text)
    assert shown.css_first("#lead-status").text() == "confirmed"
    assert "Place: missing from" in shown.css_first("#checks").text()
    # the care team gets an ad-match intake to review
    intake = shown.css_first("#care-intake").text()
    assert "ad-match door" in intake
    # the hand-off record's SHA-256 is the hash of the bundle it links to
    record = parse(ws_client.get(f"/investigate/leads/{lead}/handoff").text)
    bundle = ws_client.get(f"/investigate/leads/{lead}/handoff.json")
    assert bundle.status_code == 200
    sha = record.css_first("#handoff-sha").text()
    assert sha == hashlib.sha256(bundle.content).hexdigest()
    assert json.loads(bundle.content)["decision"]["status"] == "confirmed"
    decoy_id = _lead_id(ws_client, decoy)
    ws_client.post(
        f"/investigate/leads/{decoy_id}/decision",
        data={
            "csrf_token": csrf,
            "decision": "ruled_out",
            "reason": "place is 4,000 km away",
        },
    )
    # an undecided lead has no hand-off record
    undecided = parse(ws_client.get("/investigate/leads?status=new").text)
    open_id = (
        undecided.css_first("tr[data-lead] a")
        .attributes["href"]
        .split("?")[0]
        .rsplit("/", 1)[1]
    )
    assert ws_client.get(f"/investigate/leads/{open_id}/handoff").status_code == 400
    listed = parse(ws_client.get("/investigate/leads?status=ruled_out").text)
    assert [r.attributes["data-lead"] for r in listed.css("tr[data-lead]")] == [
        f"{decoy[0]}/{decoy[1]}"
    ]


def test_other_roles_are_refused_the_workspace(ws_client: Any, seeded_db: Any) -> None:
    for username in seeded_db.logins:
        ws_client.cookies.clear()
        login(ws_client, username)
        for path in WORKSPACE:
            assert ws_client.get(path).status_code == 403, (username, path)


def test_investigator_is_refused_care_pages(ws_client: Any) -> None:
    csrf = login(ws_client, INVESTIGATOR)
    for path in CARE_PAGES:
        assert ws_client.get(path).status_code == 403, path
    assert ws_client.get("/api/v1/persons").status_code == 403
    posted = ws_client.post(
        "/investigate/leads/1/decision",
        data={"csrf_token": csrf, "decision": "bogus", "reason": "x y z"},
    )
    assert posted.status_code == 400


def test_a_refused_filter_or_decision_names_its_field(
    ws_client: Any, corpus: AdsImport
) -> None:
    csrf = login(ws_client, INVESTIGATOR)
    bad = ws_client.get("/investigate", params={"seen_from": "not-a-date"})
    assert bad.status_code == 400
    assert "the filter seen_from is not valid" in bad.text
    planted, _decoy = planted_and_decoy(corpus)
    lead = _lead_id(ws_client, planted)
    refused = ws_client.post(
        f"/investigate/leads/{lead}/decision",
        data={"csrf_token": csrf, "decision": "maybe", "reason": "looks like it"},
    )
    assert refused.status_code == 400 and "choose a decision" in refused.text


def test_leads_are_counted_paged_and_never_certain(
    ws_client: Any, corpus: AdsImport
) -> None:
    """The leads list says how many leads there are and pages them (never one
    endless table), in a stable order; no probability reads as 1.00 or 0.00."""
    from nowrongdoor.care.investigate.pages import LEADS_PAGE_SIZE

    login(ws_client, INVESTIGATOR)
    matches = json.loads((corpus.match_dir / "matches.json").read_text())
    expected = {f"{m['case_id']}/{m['ad_id']}" for m in matches["matches"]}
    first = parse(ws_client.get("/investigate/leads").text)
    count = first.css_first("#leads-count").text()
    assert count.startswith(f"{len(expected)} leads")
    assert "log2 Bayes factors" in count  # the score's unit, said once
    assert len(first.css("tr[data-lead]")) == min(len(expected), LEADS_PAGE_SIZE)
    rows = [r.attributes["data-lead"] for r in _listed_leads(ws_client)]
    assert len(rows) == len(set(rows)) and set(rows) == expected
    assert rows == [r.attributes["data-lead"] for r in _listed_leads(ws_client)]
    shown = " ".join(r.css("td")[3].text() for r in _listed_leads(ws_client))
    assert "(p 1.00)" not in shown and "(p 0.00)" not in shown
    assert "(p over 0.99)" in shown


def test_a_long_leads_list_has_a_pager(ws_client: Any, tmp_path: Path) -> None:
    """Past one page of leads, "Next page" leads on, keeping the filter."""
    import sqlite3

    from nowrongdoor.care.investigate.pages import LEADS_PAGE_SIZE

    with sqlite3.connect(tmp_path / "care.db") as conn:  # five more ads per lead
        names = [r[1] for r in conn.execute("PRAGMA table_info(inv_lead)")]
        columns = [n for n in names if n != "id"]
        picked = ", ".join("ad_key || '-' || n" if c == "ad_key" else c
                           for c in columns)  # fmt: skip
        conn.execute(
            f"INSERT INTO inv_lead ({', '.join(columns)}) SELECT {picked} "
            "FROM inv_lead, (SELECT 1 AS n UNION SELECT 2 UNION SELECT 3 "
            "UNION SELECT 4 UNION SELECT 5)"
        )
        (total,) = conn.execute("SELECT count(*) FROM inv_lead").fetchone()
    assert LEADS_PAGE_SIZE < total <= 2 * LEADS_PAGE_SIZE
    login(ws_client, INVESTIGATOR)
    page = parse(ws_client.get("/investigate/leads?status=new").text)
    assert (
        page.css_first("#leads-count")
        .text()
        .startswith(f"{total} leads to review; page 1 of 2.")
    )
    assert len(page.css("tr[data-lead]")) == LEADS_PAGE_SIZE
    assert page.css_first('a[rel="next"]').attributes["href"] == (
        "/investigate/leads?status=new&page=2"
    )
    second = parse(ws_client.get("/investigate/leads?status=new&page=2").text)
    assert len(second.css("tr[data-lead]")) == total - LEADS_PAGE_SIZE
    listed = {r.attributes["data-lead"] for r in _listed_leads(ws_client)}
    assert len(listed) == total


def test_each_decision_radio_sits_inside_its_label(
    ws_client: Any, corpus: AdsImport
) -> None:
    """A radio drawn on its own line above its words reads as the choice
    before it: each decision's radio is inside its label, beside its words."""
    login(ws_client, INVESTIGATOR)
    planted, _decoy = planted_and_decoy(corpus)
    page = parse(
        ws_client.get(f"/investigate/leads/{_lead_id(ws_client, planted)}").text
    )
    labels = page.css("#decision-form fieldset label.choice")
    radios = [lab.css_first("input[type=radio]") for lab in labels]
    assert [r.attributes["value"] for r in radios] == [
        "confirmed",
        "ruled_out",
        "needs_more",
    ]
    assert labels[0].text(strip=True).startswith("Confirmed: this is")


def test_a_page_past_the_end_says_so(ws_client: Any) -> None:
    """A page number past the last (an old bookmark, a list that shrank after a
    re-import) says the list is shorter, not that nothing matches."""
    login(ws_client, INVESTIGATOR)
    ops = parse(ws_client.get("/investigate?sort=revenue&page=99").text)
    none = ops.css_first("#ops-none").text()
    assert "No operations on page 99: the list has 1 page." in none
    assert "matches" not in none
    link = ops.css_first("#ops-none a").attributes["href"]
    assert link == "/investigate?sort=revenue&page=1"
    assert parse(ws_client.get(link).text).css("tr[data-operation]")
    leads = parse(ws_client.get("/investigate/leads?page=7").text)
    assert "No leads on page 7" in leads.css_first("#leads-none").text()
    empty = parse(ws_client.get("/investigate?contact=nobody@example.org").text)
    assert "No operation matches" in empty.css_first("#ops-none").text()


def test_a_decision_sent_twice_is_recorded_once(
    ws_client: Any, corpus: AdsImport, tmp_path: Path
) -> None:
    """A double click on "Record decision" (or a resend) lands on the lead
    with its decision, as the first did: not on "already recorded"."""
    import sqlite3

    csrf = login(ws_client, INVESTIGATOR)
    planted, _decoy = planted_and_decoy(corpus)
    lead = _lead_id(ws_client, planted)
    form = parse(ws_client.get(f"/investigate/leads/{lead}").text)
    key = form.css_first("#decision-form input[name=form_key]").attributes["value"]
    data = {
        "csrf_token": csrf,
        "form_key": key,
        "decision": "needs_more",
        "reason": "ask for the poster's newer photo",
    }
    first = ws_client.post(f"/investigate/leads/{lead}/decision", data=data)
    second = ws_client.post(f"/investigate/leads/{lead}/decision", data=data)
    assert first.status_code == second.status_code == 303
    assert second.headers["location"] == first.headers["location"]
    with sqlite3.connect(tmp_path / "care.db") as conn:
        decided = conn.execute(
            "SELECT count(*) FROM audit_event "
            "WHERE action = 'investigation.lead.needs_more'"
        ).fetchone()
    assert decided == (1,)
    # who decided and when (a colleague opening the lead sees it)
    shown = parse(ws_client.get(first.headers["location"]).text)
    said = shown.css_first("#lead-decided").text()
    assert "Ivy Investigator" in said
    assert re.search(r"\d{4}-\d\d-\d\d \d\d:\d\d UTC", said)


def test_codes_read_as_words_and_times_as_the_pages_write_them(
    ws_client: Any, corpus: AdsImport
) -> None:
    """Indicator codes and comparison levels are said in words ("claims to be
    18 or 19", not "age 18 19"; "a minor advertised as 18 to 20", not "minor
    advertised 18 20"), and the hand-off record's times as the pages write
    times, not ISO stamps (2026-12-07T16:04:46.167139+00:00)."""
    from nowrongdoor.care.investigate.pages import LEVEL_LABELS
    from nowrongdoor.care.investigate.schemas import INDICATOR_LABELS

    csrf = login(ws_client, INVESTIGATOR)
    listing = parse(ws_client.get("/investigate").text)
    assert "Reverse the order" in listing.css_first("#ops-filters").text()
    options = [o.text() for o in listing.css("#f-indicator option")]
    assert options == ["any", *INDICATOR_LABELS.values()]
    mixes = " ".join(td.text() for td in listing.css('td[data-label="Indicators"]'))
    assert "claims to be 18 or 19: " in mixes and "age 18 19" not in mixes
    biggest = biggest_operation(corpus)
    link = listing.css_first(f'tr[data-operation="{biggest["operation"]}"] a')
    op = parse(ws_client.get(str(link.attributes["href"])).text)
    said = {li.css_first("strong").text() for li in op.css("ul.indicators li")}
    assert said and said <= set(INDICATOR_LABELS.values())
    # a lead whose age comparison is the matcher's minor_advertised_18_20
    matches = json.loads((corpus.match_dir / "matches.json").read_text())["matches"]
    minor = next(
        (m["case_id"], m["ad_id"])
        for m in matches
        if m["evidence"].get("age", {}).get("level") == "minor_advertised_18_20"
    )
    lead = _lead_id(ws_client, minor)
    page = parse(ws_client.get(f"/investigate/leads/{lead}").text)
    findings = {
        r.css("td")[0].text(): r.css("td")[1].text()
        for r in page.css("#comparisons tbody tr")
    }
    assert findings["age"] == LEVEL_LABELS["minor_advertised_18_20"]
    # the poster's sex as a word, not the poster file's F / M
    described = page.css_first("#poster-description").text()
    assert described.split()[0] in {"female", "male"}, described
    ws_client.post(
        f"/investigate/leads/{lead}/decision",
        data={"csrf_token": csrf, "decision": "needs_more", "reason": "ask NCMEC"},
    )
    record = parse(ws_client.get(f"/investigate/leads/{lead}/handoff").text)
    seal = record.css_first("#handoff-seal").text()
    assert not re.search(r"\d{4}-\d\d-\d\dT\d\d:", record.body.text())
    assert re.search(r"Ivy Investigator, \d{4}-\d\d-\d\d \d\d:\d\d UTC", seal)
    assert "a minor advertised as 18 to 20" in record.body.text()
    assert re.search(r"\. (Female|Male) ", record.body.text())  # a sentence's start


def test_the_way_back_to_the_leads_keeps_the_decision_shown_and_page(
    ws_client: Any,
) -> None:
    """A lead opened from a page of the leads list (a decision shown, page 2)
    links back to that page ("All leads" dropped both), also after a decision."""
    csrf = login(ws_client, INVESTIGATOR)
    undecided = parse(ws_client.get("/investigate/leads?status=new").text)
    href = str(undecided.css_first("tr[data-lead] a").attributes["href"])
    path, query = href.split("?")
    assert query == "status=new"
    # (the corpus's leads fill one page: the page number as the pager gives it)
    lead = parse(ws_client.get(f"{href}&page=2").text)
    back = lead.css_first("#back-to-leads")
    assert back.attributes["href"] == "/investigate/leads?status=new&page=2"
    assert back.text() == "Back to the leads list"
    action = lead.css_first("#decision-form").attributes["action"]
    assert action == f"{path}/decision?status=new&page=2"
    done = ws_client.post(
        str(action),
        data={"csrf_token": csrf, "decision": "needs_more", "reason": "ask NCMEC"},
    )
    assert done.headers["location"] == f"{path}?status=new&page=2&decided=1"
    for plain in (path, f"{path}?status=bogus", f"{path}?page=x"):
        back = parse(ws_client.get(plain).text).css_first("#back-to-leads")
        assert back.attributes["href"] == "/investigate/leads"
        assert back.text() == "All leads"
