"""Retention periods: what a purge lists, what it deletes, what it keeps."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from sqlalchemy import func, select, update
from typer.testing import CliRunner

from nowrongdoor.care.audit import verify_chain
from nowrongdoor.care.db import Database
from nowrongdoor.care.models import (
    AuditEvent,
    Case,
    Consent,
    Intake,
    Need,
    Note,
    Person,
    PurgeTally,
    Referral,
    ReferralEvent,
)
from nowrongdoor.care.retention import plan_purge, purge
from nowrongdoor.settings import build_settings

NOW = dt.datetime(2030, 1, 1, tzinfo=dt.UTC)


def _ago(days: int) -> dt.datetime:
    return NOW - dt.timedelta(days=days)


def _age(db: Database, world: Any, records: Any) -> dict[str, Any]:
    """Three record sets aged so that each retention rule has work to do."""
    gone, kept, waiting = records("a"), records("a"), records("a")
    with db.session() as s:
        # gone: case closed 11 years ago, notes as old, intake reviewed
        for rec in (gone, waiting):
            s.execute(
                update(Case)
                .where(Case.id == rec.case_id)
                .values(status="closed", closed_at=_ago(4000))
            )
            s.execute(
                update(Note)
                .where(Note.case_id == rec.case_id)
                .values(created_at=_ago(4000))
            )
        s.execute(
            update(Intake).where(Intake.id == gone.intake_id).values(status="reviewed")
        )
        # kept: an open case whose sent referral was declined 400 days ago
        s.execute(
            update(Referral)
            .where(Referral.id == kept.sent_referral_id)
            .values(status="declined", declined_at=_ago(400))
        )
        org = world.orgs["a"]
        leads = {}
        for key, status, days in (
            ("dismissed_old", "dismissed", 200),
            ("new_old", "new", 200),
            ("reviewed_old", "reviewed", 200),
            ("dismissed_recent", "dismissed", 20),
        ):
            lead = Intake(
                organization_id=org,
                door="ad_match",
                status=status,
                received_at=_ago(days),
            )
            s.add(lead)
            s.flush()
            leads[key] = lead.id
    return {"gone": gone, "kept": kept, "waiting": waiting, "leads": leads}


def _count(db: Database, model: Any) -> int:
    with db.session() as s:
        return int(s.scalar(select(func.count()).select_from(model)) or 0)


def test_plan_lists_what_goes_and_why(db: Database, world: Any, records: Any) -> None:
    aged = _age(db, world, records)
    gone, kept, waiting, leads = (
        aged["gone"],
        aged["kept"],
        aged["waiting"],
        aged["leads"],
    )
    before = {m: _count(db, m) for m in (Person, Case, Note, Referral, Intake)}
    with db.session() as s:
        plan = plan_purge(s, db.settings, now=NOW)
    got = {(i.kind, i.table, i.id) for i in plan.items}
    assert ("closed_case", "care_case", gone.case_id) in got
    assert ("closed_case", "care_case", waiting.case_id) in got
    assert ("person", "person", gone.person_id) in got
    # an intake still to review keeps the person
    assert ("person", "person", waiting.person_id) not in got
    assert ("declined_referral", "referral", kept.sent_referral_id) in got
    assert ("ad_match_lead", "intake", leads["dismissed_old"]) in got
    assert ("ad_match_lead", "intake", leads["new_old"]) in got
    assert all(
        i.id not in (leads["reviewed_old"], leads["dismissed_recent"])
        for i in plan.items
        if i.table == "intake"
    )
    assert ("closed_case", "care_case", kept.case_id) not in got
    notes = [i for i in plan.items if i.kind == "note"]
    assert len(notes) == 2 and all("closed case" in i.reason for i in notes)
    assert all(i.reason for i in plan.items)
    # planning is read-only
    assert before == {m: _count(db, m) for m in before}


def test_purge_deletes_dependents_keeps_the_rest_and_audits(
    db: Database, world: Any, records: Any, tmp_path: Path
) -> None:
    aged = _age(db, world, records)
    gone, kept = aged["gone"], aged["kept"]
    ledger = tmp_path / "purge-ledger.jsonl"
    with db.session() as s:
        plan = plan_purge(s, db.settings, now=NOW)
        removed = purge(s, plan, ledger=ledger)
    assert removed > len(plan.items)  # dependents went too
    with db.session() as s:
        assert s.get(Person, gone.person_id) is None
        assert s.get(Case, gone.case_id) is None
        assert s.scalar(select(Need).where(Need.case_id == gone.case_id)) is None
        assert s.get(Referral, gone.draft_referral_id) is None
        assert (
            s.scalar(select(Consent).where(Consent.person_id == gone.person_id)) is None
        )
        assert s.get(Referral, kept.sent_referral_id) is None
        assert (
            s.scalar(
                select(ReferralEvent).where(
                    ReferralEvent.referral_id == kept.sent_referral_id
                )
            )
            is None
        )
        # the rest stays
        assert s.get(Person, kept.person_id) is not None
        assert s.get(Case, kept.case_id) is not None
        assert s.get(Referral, kept.draft_referral_id) is not None
        assert s.get(Person, aged["waiting"].person_id) is not None
        event = s.scalars(
            select(AuditEvent).where(AuditEvent.action == "retention.purge")
        ).one()
        assert "closed_case=2" in (event.detail or "")
        assert "person=1" in (event.detail or "")
        assert verify_chain(s).ok
        tally = {t.kind: t.count for t in s.scalars(select(PurgeTally))}
    assert tally == {k: v for k, v in plan.counts().items() if v}
    assert tally["closed_case"] == 2 and tally["person"] == 1
    entry = json.loads(ledger.read_text(encoding="utf-8").splitlines()[0])
    assert entry["counts"]["closed_case"] == 2
    assert ["person", "person", gone.person_id] in entry["items"]
    # a second purge finds nothing more
    with db.session() as s:
        assert plan_purge(s, db.settings, now=NOW).items == []


def test_cli_purge_dry_run_then_purge(tmp_path: Path) -> None:
    from nowrongdoor.cli import app

    env = {
        "NOWRONGDOOR_DATA_DIR": str(tmp_path),
        "NOWRONGDOOR_ENVIRONMENT": "test",
        "NOWRONGDOOR_RETENTION_AD_MATCH_LEAD_DAYS": "1",
    }
    runner = CliRunner()
    assert runner.invoke(app, ["db", "upgrade"], env=env).exit_code == 0
    settings_db = Database(build_settings(env=env))  # what the CLI builds
    with settings_db.session() as s:
        from nowrongdoor.care import crud
        from nowrongdoor.care.enums import OrgKind

        org = crud.create_organization(s, name="Plan", kind=OrgKind.PLAN)
        s.add(
            Intake(
                organization_id=org.id,
                door="ad_match",
                status="dismissed",
                received_at=dt.datetime.now(dt.UTC) - dt.timedelta(days=5),
            )
        )
    dry = runner.invoke(app, ["care", "purge", "--dry-run", "--json"], env=env)
    assert dry.exit_code == 0, dry.output
    listed = json.loads(dry.output)
    assert listed["dry_run"] and listed["counts"]["ad_match_lead"] == 1
    assert _count(settings_db, Intake) == 1
    done = runner.invoke(app, ["care", "purge"], env=env)
    assert done.exit_code == 0, done.output
    assert "purged" in done.output
    assert _count(settings_db, Intake) == 0
    assert (tmp_path / "purge-ledger.jsonl").is_file()
    settings_db.dispose()


def test_ad_text_is_purged_after_its_retention_and_audited(
    db: Database, world: Any, tmp_path: Path
) -> None:
    """Ad text and title go ``retention_ad_text_days`` after posting (an undated
    ad: after its first import); the ad row, its facts and links stay."""
    from nowrongdoor.care.models import InvAd

    days = db.settings.retention_ad_text_days
    org = world.orgs["a"]
    ages = {
        "old": (_ago(days + 1), _ago(1)),
        "recent": (_ago(days - 1), _ago(1)),
        "undated_old": (None, _ago(days + 5)),
        "undated_recent": (None, _ago(3)),
    }
    with db.session() as s:
        for key, (posted, imported) in ages.items():
            s.add(
                InvAd(
                    organization_id=org, ad_key=key, posted_at=posted,
                    imported_at=imported, title=f"{key} title",
                    text=f"{key}: new in town, call me", facts={"phones": ["+1"]},
                )
            )  # fmt: skip
    ledger = tmp_path / "purge-ledger.jsonl"
    with db.session() as s:
        plan = plan_purge(s, db.settings, now=NOW)
        going = {i.id for i in plan.items if i.kind == "ad_text"}
        ids = dict(s.execute(select(InvAd.ad_key, InvAd.id)).tuples().all())
        assert going == {ids["old"], ids["undated_old"]}
        assert all("ad text" in i.reason for i in plan.items if i.kind == "ad_text")
        purge(s, plan, ledger=ledger)
    with db.session() as s:
        ads = {a.ad_key: a for a in s.scalars(select(InvAd))}
        for key in ("old", "undated_old"):
            assert ads[key].text is None and ads[key].title is None
            assert ads[key].text_purged_at is not None
            assert ads[key].facts == {"phones": ["+1"]}  # the row stays
        for key in ("recent", "undated_recent"):
            assert ads[key].text and ads[key].title and ads[key].text_purged_at is None
        event = s.scalars(
            select(AuditEvent).where(AuditEvent.action == "retention.purge")
        ).one()
        assert "ad_text=2" in (event.detail or "")
        assert verify_chain(s).ok
    entry = json.loads(ledger.read_text(encoding="utf-8").splitlines()[0])
    assert ["ad_text", "inv_ad", ids["old"]] in entry["items"]
    # later, the recent one's turn comes
    with db.session() as s:
        later = plan_purge(s, db.settings, now=NOW + dt.timedelta(days=2))
        assert {i.id for i in later.items if i.kind == "ad_text"} == {ids["recent"]}


def test_purged_intake_leaves_the_investigators_lead(
    db: Database, world: Any, tmp_path: Path
) -> None:
    """A confirmed lead's care intake, never reviewed, goes after its period;
    the lead and its decision stay (the reference is cleared)."""
    from nowrongdoor.care.models import InvLead

    org = world.orgs["a"]
    with db.session() as s:
        intake = Intake(
            organization_id=org, door="ad_match", status="new", received_at=_ago(400)
        )
        s.add(intake)
        s.flush()
        lead = InvLead(
            organization_id=org, case_key="NCMEC-1", ad_key="ad-1",
            status="confirmed", reason="same tattoo", intake_id=intake.id,
        )  # fmt: skip
        s.add(lead)
        s.flush()
        ids = (intake.id, lead.id)
    with db.session() as s:
        plan = plan_purge(s, db.settings, now=NOW)
        assert ("ad_match_lead", "intake", ids[0]) in {
            (i.kind, i.table, i.id) for i in plan.items
        }
        purge(s, plan, ledger=tmp_path / "ledger.jsonl")
    with db.session() as s:
        assert s.get(Intake, ids[0]) is None
        kept = s.get(InvLead, ids[1])
        assert kept is not None and kept.status == "confirmed"
        assert kept.intake_id is None and kept.reason == "same tattoo"


def test_a_purge_ledger_that_cannot_be_read_is_one_sentence(
    db: Database, tmp_path: Path
) -> None:
    import pytest

    from nowrongdoor.care.retention import reapply_purges
    from nowrongdoor.errors import UserInputError

    since = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
    ledger = tmp_path / "purge-ledger.jsonl"
    at = "2026-01-01T00:00:00+00:00"
    for content, said in (
        (b"\xd0\xcf\x11\xe0 binary", r"is not UTF-8 text \(byte 0\)"),
        (json.dumps({"at": at, "items": [["person", "person"]]}).encode(), "line 1"),
        (json.dumps({"at": at, "counts": {"person": "x"}}).encode(), "line 1"),
        (json.dumps({"at": at, "items": "person"}).encode(), "line 1"),
    ):
        ledger.write_bytes(content)
        with pytest.raises(UserInputError, match=said):
            reapply_purges(db.engine, db.audit_keys, ledger, since=since)
    with pytest.raises(UserInputError, match="cannot be read"):
        reapply_purges(db.engine, db.audit_keys, tmp_path, since=since)
