"""The operation page without a browser: the route map's visited states, the
contact graph's nodes and edges, and notes (persisted encrypted, audited, kept
across a re-import, refused to every other role)."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from _investigate_help import (
    INVESTIGATOR,
    biggest_operation,
    build_corpus,
    prepare_workspace,
)
from _web_html import assert_accessible_basics, login, parse
from fastapi.testclient import TestClient

from nowrongdoor.care.app import create_app
from nowrongdoor.care.investigate.importer import AdsImport
from nowrongdoor.settings import build_settings

NOTE = "Phone 201 also posts in Camden; ask the task force about the Newark hotel"


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> AdsImport:
    return build_corpus(tmp_path_factory.mktemp("inv-op-corpus"))


@pytest.fixture
def site(seeded_db: Any, tmp_path: Path, corpus: AdsImport) -> Any:
    shutil.copy(seeded_db.path, tmp_path / "care.db")
    prepare_workspace(tmp_path, corpus)
    settings = build_settings(
        env={}, data_dir=tmp_path, environment="test", cookie_secure=False
    )
    with TestClient(create_app(settings), follow_redirects=False) as c:
        yield c, tmp_path / "care.db"


def _operation_path(client: Any, op_key: str) -> str:
    page = parse(client.get("/investigate").text)
    row = page.css_first(f'tr[data-operation="{op_key}"] a')
    return str(row.attributes["href"])


def _ads(corpus: AdsImport) -> dict[str, dict[str, Any]]:
    assert corpus.scanned is not None
    lines = corpus.scanned.read_text().splitlines()
    return {r["id"]: r for r in map(json.loads, lines)}


def test_map_and_graph_of_the_biggest_operation(site: Any, corpus: AdsImport) -> None:
    client, _ = site
    login(client, INVESTIGATOR)
    biggest = biggest_operation(corpus)
    html = client.get(_operation_path(client, biggest["operation"])).text
    page = assert_accessible_basics(html)
    # the map: every state of the route shaded, no other; a point per city
    svg = page.css_first("#route-map svg")
    assert svg.attributes["role"] == "img"
    assert page.css_first("#route-map-title").text().endswith(biggest["operation"])
    states = {s["state"] for s in biggest["route"]}
    shaded = {p.attributes["data-state"] for p in page.css("path.state.visited")}
    assert shaded == states and len(page.css("path.state")) <= 51
    cities = {f"{s['city']}, {s['state']}" for s in biggest["route"]}
    assert {c.attributes["data-city"] for c in page.css("circle.stop")} == cities
    assert len(page.css("#route li")) == len(biggest["route"])
    # the graph: the operation's ads and every phone, e-mail and handle they show
    scanned = _ads(corpus)
    data = json.loads(page.css_first("#graph-data").text())["elements"]
    nodes = {e["data"]["id"] for e in data if "source" not in e["data"]}
    edges = {
        (e["data"]["source"], e["data"]["target"])
        for e in data
        if "source" in e["data"]
    }
    expected_nodes = {f"ad:{a}" for a in biggest["ad_ids"]}
    expected_edges = set()
    for ad in biggest["ad_ids"]:
        for field, kind in (("phones", "phone"), ("emails", "email"),
                            ("handles", "handle")):  # fmt: skip
            for value in scanned[ad][field]:
                ident = value if kind == "phone" else value.casefold()
                expected_nodes.add(f"{kind}:{ident}")
                expected_edges.add((f"ad:{ad}", f"{kind}:{ident}"))
    photos = {n for n in nodes if n.startswith("photo:")}
    assert nodes - photos == expected_nodes
    assert {e for e in edges if not e[1].startswith("photo:")} == expected_edges
    assert {f"phone:{p}" for p in biggest["phones"]} <= nodes
    image_merges = biggest["merges"].get("image", 0)
    assert (len(photos) > 0) == (image_merges > 0)
    # the same nodes and edges as tables (no JavaScript needed)
    assert len(page.css("#graph-nodes tbody tr")) == len(nodes)
    assert len(page.css("#graph-edges tbody tr")) == len(edges)
    shared = {r.attributes["data-node"] for r in page.css("#graph-shared tbody tr")}
    assert {f"phone:{p}" for p in biggest["phones"]} <= shared


def test_note_is_kept_encrypted_audited_and_survives_reimport(
    site: Any, corpus: AdsImport, tmp_path: Path
) -> None:
    client, db_path = site
    csrf = login(client, INVESTIGATOR)
    biggest = biggest_operation(corpus)
    path = _operation_path(client, biggest["operation"])
    refused = client.post(f"{path}/notes", data={"csrf_token": csrf, "text": " x "})
    assert refused.status_code == 400
    assert "write the note" in parse(refused.text).css_first("#note-form").text()
    done = client.post(f"{path}/notes", data={"csrf_token": csrf, "text": NOTE})
    assert done.status_code == 303
    shown = parse(client.get(done.headers["location"]).text)
    assert shown.css_first("#op-notes").text().count(NOTE) == 1
    assert "Ivy Investigator" in shown.css_first("#op-notes").text()
    assert " UTC" in shown.css_first("#op-notes .muted").text()  # the time too
    with sqlite3.connect(db_path) as conn:
        (op_key, stored), *_ = conn.execute("SELECT op_key, text FROM inv_op_note")
        audit = conn.execute(
            "SELECT resource_type, detail FROM audit_event "
            "WHERE action = 'investigation.operation.note'"
        ).fetchall()
        dump = "\n".join(conn.iterdump())
    assert op_key == biggest["operation"]
    assert NOTE not in stored and "Camden" not in dump  # encrypted at rest
    assert len(audit) == 1 and audit[0][0] == "inv_operation"
    assert "Camden" not in audit[0][1]  # the text is never audited
    # a re-import of the same link output keeps the note with the operation
    prepare_again(db_path.parent, corpus)
    again = parse(client.get(path).text)
    assert NOTE in again.css_first("#op-notes").text()


def prepare_again(data_dir: Path, corpus: AdsImport) -> None:
    """Import the corpus again (as a relinked corpus would be)."""
    from sqlalchemy import select

    from nowrongdoor.care.db import Database
    from nowrongdoor.care.enums import OrgKind
    from nowrongdoor.care.investigate.importer import import_ads
    from nowrongdoor.care.models import Organization

    settings = build_settings(
        env={}, data_dir=data_dir, environment="test", cookie_secure=False
    )
    db = Database(settings)
    try:
        with db.session() as s:
            plan = s.scalars(
                select(Organization).where(Organization.kind == OrgKind.PLAN)
            ).one()
            import_ads(s, cipher=db.cipher, organization_id=plan.id, job=corpus)
    finally:
        db.dispose()


def test_other_roles_cannot_add_notes(site: Any, seeded_db: Any) -> None:
    client, db_path = site
    for username in seeded_db.logins:
        client.cookies.clear()
        csrf = login(client, username)
        posted = client.post(
            "/investigate/operations/1/notes",
            data={"csrf_token": csrf, "text": "a note from the wrong role"},
        )
        assert posted.status_code == 403, username
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("SELECT count(*) FROM inv_op_note").fetchone() == (0,)


def test_a_note_sent_twice_is_kept_once(site: Any, corpus: AdsImport) -> None:
    """The note form's one-time key: a double click or a resend adds one note
    and answers the second time with the first one's address."""
    client, db_path = site
    csrf = login(client, INVESTIGATOR)
    path = _operation_path(client, biggest_operation(corpus)["operation"])
    form = parse(client.get(path).text).css_first("#note-form")
    key = form.css_first("input[name=form_key]").attributes["value"]
    data = {"csrf_token": csrf, "text": NOTE, "form_key": key}
    first = client.post(f"{path}/notes", data=data)
    second = client.post(f"{path}/notes", data=data)
    assert first.status_code == second.status_code == 303
    assert second.headers["location"] == first.headers["location"]
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("SELECT count(*) FROM inv_op_note").fetchone() == (1,)
        repeats = conn.execute(
            "SELECT detail FROM audit_event WHERE action = 'form.repeat'"
        ).fetchall()
    assert repeats == [
        ("POST /investigate/operations/{operation_id}/notes: "
         "a repeated submission was ignored",)
    ]  # fmt: skip


def test_link_evidence_is_strongest_first_in_a_stable_order(
    site: Any, corpus: AdsImport
) -> None:
    """The merges read strongest first, ties by the pair of ads (not by the
    order rows happened to be stored in), an edge without a weight last and
    said so; the weight carries its unit."""
    client, db_path = site
    login(client, INVESTIGATOR)
    biggest = biggest_operation(corpus)
    path = _operation_path(client, biggest["operation"])
    op_id = int(path.rsplit("/", 1)[1])
    with sqlite3.connect(db_path) as conn:
        rows = conn.execute(
            "SELECT id, source_key, target_key, match_weight FROM inv_edge "
            "WHERE operation_id = ? ORDER BY id",
            (op_id,),
        ).fetchall()
        # two tied merges of one ad stored against the order of their ads
        ties: dict[tuple[str, float], list[tuple[int, str]]] = {}
        for rid, source, target, weight in rows:
            ties.setdefault((source, weight), []).append((rid, target))
        (first, second), *_ = [v[:2] for v in ties.values() if len(v) > 1]
        conn.execute("UPDATE inv_edge SET target_key = ? WHERE id = ?",
                     (second[1], first[0]))  # fmt: skip
        conn.execute("UPDATE inv_edge SET target_key = ? WHERE id = ?",
                     (first[1], second[0]))  # fmt: skip
        unweighted = rows[-1][0]
        conn.execute(
            "UPDATE inv_edge SET match_weight = NULL WHERE id = ?", (unweighted,)
        )
        stored = conn.execute(
            "SELECT source_key, target_key, match_weight FROM inv_edge "
            "WHERE operation_id = ?",
            (op_id,),
        ).fetchall()
    page = parse(client.get(path).text)
    shown = []
    for row in page.css("#edges tbody tr"):
        ads = [a.text() for a in row.css("td")[0].css("a")]
        shown.append((ads[0], ads[1], row.css("td")[4].text()))
    expected = sorted(stored, key=lambda r: (r[2] is None, -(r[2] or 0.0), r[0], r[1]))
    assert [(s, t) for s, t, _ in shown] == [(s, t) for s, t, _ in expected]
    assert shown[-1][2] == "not given"
    assert shown[0][2] == f"{expected[0][2]:+.1f}"
    assert "log2 Bayes factor" in page.css_first("#edges-help").text()


def test_an_operation_without_imported_ads_says_so(
    site: Any, corpus: AdsImport
) -> None:
    """An operation whose ads are not in the scanned file: no empty graph box to
    tab into, and the page says why there is nothing to show."""
    client, db_path = site
    login(client, INVESTIGATOR)
    path = _operation_path(client, biggest_operation(corpus)["operation"])
    op_id = int(path.rsplit("/", 1)[1])
    with sqlite3.connect(db_path) as conn:
        conn.execute("UPDATE inv_ad SET operation_id = NULL WHERE operation_id = ?",
                     (op_id,))  # fmt: skip
        conn.execute("DELETE FROM inv_edge WHERE operation_id = ?", (op_id,))
    answer = client.get(path)
    assert answer.status_code == 200
    page = assert_accessible_basics(answer.text)
    assert page.css_first("#contact-graph") is None  # nothing focusable and blank
    assert "none of this operation's ads" in page.css_first("#graph-empty").text()
    assert "was imported" in page.css_first("#ads-none").text()
    assert not page.css("article.ad")


def test_indicator_numbers_say_what_they_count(site: Any, corpus: AdsImport) -> None:
    """The list's indicator mix counts ads ("moved between cities: 3 ads", the
    code in words), and an ad's indicator weights are read beside the ad's
    score they make up."""
    from nowrongdoor.care.investigate.schemas import INDICATOR_LABELS

    client, _ = site
    login(client, INVESTIGATOR)
    biggest = biggest_operation(corpus)
    listed = parse(client.get("/investigate").text)
    row = listed.css_first(f'tr[data-operation="{biggest["operation"]}"]')
    mix = row.css_first('td[data-label="Indicators"]').text()
    code, n = max(biggest["indicator_mix"].items(), key=lambda kv: kv[1])
    assert f"{INDICATOR_LABELS[code]}: {n} ads" in mix
    page = parse(client.get(_operation_path(client, biggest["operation"])).text)
    scanned = _ads(corpus)
    flagged = [a for a in biggest["ad_ids"] if scanned[a]["indicators"]]
    card = page.css_first(f"#ad-{flagged[0]}")
    said = card.css_first(".ad-score").text()
    assert f"score {scanned[flagged[0]]['score']:.2f} of 1" in said
    assert "share of the ad's score" in said
    first = scanned[flagged[0]]["indicators"][0]
    assert f"(weight {first['weight']})" in card.css_first(".indicators li").text()


def test_the_way_back_keeps_the_lists_filters_sort_and_page(
    site: Any, corpus: AdsImport
) -> None:
    """An operation opened from a filtered, sorted list page links back to that
    same page ("All operations" dropped it), also after a note is added."""
    client, _ = site
    csrf = login(client, INVESTIGATOR)
    biggest = biggest_operation(corpus)
    city = biggest["cities"][0].split(",")[0]
    listed = f"/investigate?city={city.replace(' ', '+')}&sort=last_seen&ascending=1"
    before = parse(client.get(listed).text)
    link = before.css_first(f'tr[data-operation="{biggest["operation"]}"] a')
    op_path = str(link.attributes["href"])
    assert op_path.split("?")[1] == listed.split("?")[1]
    back = parse(client.get(op_path).text).css_first("#back-to-list")
    assert back.attributes["href"] == listed
    assert back.text() == "Back to the operations list"
    after = parse(client.get(str(back.attributes["href"])).text)
    rows = [r.attributes["data-operation"] for r in after.css("tr[data-operation]")]
    assert rows == [
        r.attributes["data-operation"] for r in before.css("tr[data-operation]")
    ]
    # the page number too (the pager's page=), and through the note form
    bare = op_path.split("?")[0]
    paged = parse(client.get(f"{bare}?indicator=youth&page=2").text)
    assert paged.css_first("#back-to-list").attributes["href"] == (
        "/investigate?indicator=youth&page=2"
    )
    action = paged.css_first("#note-form").attributes["action"]
    assert action == f"{bare}/notes?indicator=youth&page=2"
    done = client.post(str(action), data={"csrf_token": csrf, "text": NOTE})
    assert done.headers["location"] == f"{bare}?indicator=youth&page=2&noted=1#notes"
    # no list query, or one the list would refuse: the list's first page
    for plain in (bare, f"{bare}?sort=nonsense&page=2", f"{bare}?page=0"):
        back = parse(client.get(plain).text).css_first("#back-to-list")
        assert back.attributes["href"] == "/investigate"
        assert back.text() == "All operations"
