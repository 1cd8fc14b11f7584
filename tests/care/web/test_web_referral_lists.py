"""Referral lists and records show times the way the rest of the app does, and
say when and how each referral last changed (without a browser)."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from _investigate_help import (
    INVESTIGATOR,
    build_corpus,
    planted_and_decoy,
    prepare_workspace,
)
from _web_html import assert_accessible_basics, login, parse
from fastapi.testclient import TestClient
from sqlalchemy import text

from nowrongdoor.care.web._forms import fmt_time

#: How every page writes a time ("2026-11-28 17:40 UTC").
APP_TIME = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC$")
#: Raw ISO 8601 text ("2026-11-28T17:40:05+00:00"), never shown to a reader.
ISO = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")


def _sql(web_app: Any, sql: str, **params: Any) -> list[Any]:
    with web_app.state.db.engine.connect() as conn:
        return list(conn.execute(text(sql), params).all())


def _shelter_oldest(web_app: Any, status: str) -> int:
    """The shelter's referral in ``status`` that changed longest ago."""
    return int(
        _sql(
            web_app,
            "select r.id from referral r join organization o on o.id = "
            "r.to_organization_id where o.name like 'Safe Harbor%' "
            "and r.status = :s order by r.updated_at, r.id limit 1",
            s=status,
        )[0][0]
    )


def _inbox_rows(page: Any) -> list[tuple[str, str, str]]:
    """(referral id, last-change time attribute, last-change text) per row."""
    rows = []
    for tr in page.css("#inbox-table tbody tr"):
        rid = tr.css_first("a").attributes["href"].rsplit("/", 1)[1]
        cell = tr.css_first("td.last-change")
        assert cell is not None, "the inbox has a last-change column"
        when = cell.css_first("time")
        rows.append((rid, when.attributes["datetime"], cell.text(separator=" ")))
    return rows


def test_inbox_shows_the_last_change_it_is_ordered_by(sign_in, web_app):
    """The inbox is ordered by last change, so each row says when it changed
    and what: the status move and which side made it (a referral accepted long
    after it was sent comes first, and says so)."""
    accepted = _shelter_oldest(web_app, "sent")
    cancelled = _shelter_oldest(web_app, "accepted")
    partner = sign_in("partner.shelter")
    moved = partner.post(
        f"/referrals/{accepted}/status",
        data={"status": "accepted", "reason": "We have a bed on Friday."},
    )
    assert moved.status_code == 303
    boss = sign_in("supervisor")
    gone = boss.post(
        f"/referrals/{cancelled}/status",
        data={"status": "cancelled", "reason": "The person moved out of state."},
    )
    assert gone.status_code == 303
    partner = sign_in("partner.shelter")
    page = assert_accessible_basics(partner.get("/inbox").text)
    headers = [th.text() for th in page.css("#inbox-table thead th")]
    assert "Last change" in headers and "Sent" in headers
    rows = _inbox_rows(page)
    # newest change first, and the times shown are the order's times
    stamps = [dt.datetime.fromisoformat(at) for _, at, _ in rows]
    assert stamps == sorted(stamps, reverse=True)
    assert [rid for rid, _, _ in rows[:2]] == [str(cancelled), str(accepted)]
    by_id = {rid: shown for rid, _, shown in rows}
    today = dt.datetime.now(dt.UTC).date().isoformat()
    assert today in by_id[str(accepted)]
    assert "Accepted by your organisation" in by_id[str(accepted)]
    assert "Cancelled by Hoosier Health Plan (synthetic)" in by_id[str(cancelled)]
    # an untouched sent referral: the referring organisation sent it
    untouched = next(shown for rid, _, shown in rows if "Sent by" in shown)
    assert "Sent by Hoosier Health Plan (synthetic)" in untouched
    for _, _, shown in rows:
        time_part = shown.split(" UTC")[0] + " UTC"
        assert APP_TIME.match(time_part.strip()), shown
        assert not ISO.search(shown), shown


def test_inbox_says_a_note_sent_later_is_the_last_change(sign_in, web_app):
    """A partner's note sent from its own system (over FHIR) changes the row
    but not its status: the inbox says the note changed, not the old move."""
    rid = _shelter_oldest(web_app, "accepted")
    from nowrongdoor.care.models import Referral

    with web_app.state.db.session() as session:
        row = session.get(Referral, rid)
        row.response_note = "Met twice; next visit Monday."
        row.updated_at = dt.datetime.now(dt.UTC)
        session.commit()
    partner = sign_in("partner.shelter")
    rows = _inbox_rows(parse(partner.get("/inbox").text))
    first_id, _, shown = rows[0]
    assert first_id == str(rid)
    assert "note or progress updated" in shown and "Accepted by" not in shown


def test_time_filter_reads_iso_text_and_naive_times_as_utc():
    """The pages' one time format, also for times read back from JSON text."""
    aware = dt.datetime(
        2026, 11, 28, 19, 40, 5, tzinfo=dt.timezone(dt.timedelta(hours=2))
    )
    assert fmt_time(aware) == "2026-11-28 17:40 UTC"
    assert fmt_time("2026-11-28T19:40:05+02:00") == "2026-11-28 17:40 UTC"
    assert fmt_time("2026-11-28T17:40:05") == "2026-11-28 17:40 UTC"
    assert fmt_time(dt.datetime(2026, 11, 28, 17, 40)) == "2026-11-28 17:40 UTC"
    assert fmt_time(None) == fmt_time("") == ""
    assert fmt_time("not a time") == "not a time"


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Any:
    return build_corpus(tmp_path_factory.mktemp("handoff-corpus"))


def test_handoff_record_writes_times_like_every_other_page(
    seeded_db: Any, tmp_path: Path, corpus: Any
) -> None:
    """The printable hand-off record states its times in UTC as the other
    pages do, never as raw ISO text (the bundle keeps its exact ISO times)."""
    from nowrongdoor.care.app import create_app
    from nowrongdoor.settings import build_settings

    shutil.copy(seeded_db.path, tmp_path / "care.db")
    prepare_workspace(tmp_path, corpus)
    settings = build_settings(
        env={}, data_dir=tmp_path, environment="test", cookie_secure=False
    )
    with TestClient(create_app(settings), follow_redirects=False) as client:
        csrf = login(client, INVESTIGATOR)
        planted, _ = planted_and_decoy(corpus)
        listed = parse(client.get("/investigate/leads").text)
        pair = f"{planted[0]}/{planted[1]}"
        href = None
        address = "/investigate/leads"
        while href is None and address:
            for row in listed.css("tr[data-lead]"):
                if row.attributes["data-lead"] == pair:
                    href = row.css_first("a").attributes["href"]
            following = listed.css_first('a[rel="next"]')
            address = following.attributes["href"] if following else ""
            if href is None and address:
                listed = parse(client.get(address).text)
        assert href is not None
        decided = client.post(
            f"{href}/decision",
            data={
                "csrf_token": csrf,
                "decision": "confirmed",
                "reason": "same name, same eyes and hair, same city",
            },
        )
        assert decided.status_code == 303
        record = client.get(f"{href}/handoff")
        assert record.status_code == 200
        page = parse(record.text)
        bundle = client.get(f"{href}/handoff.json").json()
    decided_at = page.css_first("#handoff-decided-at").text()
    assert APP_TIME.match(decided_at), decided_at
    assert decided_at == fmt_time(bundle["decision"]["decided_at"])
    assert APP_TIME.match(page.css_first("#handoff-made-at").text())
    if bundle["ad"] and bundle["ad"]["posted_at"]:
        assert page.css_first("#handoff-posted-at").text() == fmt_time(
            bundle["ad"]["posted_at"]
        )
    assert not ISO.search(page.css_first("main").text())
    assert "T" in bundle["decision"]["decided_at"]  # the bundle itself is exact
