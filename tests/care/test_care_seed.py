"""The demo seed: a program spread over past months, on both backends."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import func, select

from nowrongdoor.care.audit import verify_chain
from nowrongdoor.care.models import Intake, Referral, ReferralEvent, Screening, utcnow
from nowrongdoor.care.seed import seed_demo


def _seed(db: Any, spread_days: int) -> None:
    with db.session() as session:
        seed_demo(
            session, cipher=db.cipher, persons=40, seed=3, spread_days=spread_days
        )
        session.commit()


def test_spread_seed_covers_months_and_spaces_referral_steps(db: Any) -> None:
    _seed(db, spread_days=150)
    now = utcnow() + dt.timedelta(seconds=5)
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(Screening)) == 40
        received = list(s.scalars(select(Intake.received_at)))
        assert max(received) - min(received) > dt.timedelta(days=60)
        assert max(received) <= now
        screened = {r.intake_id: r.performed_at for r in s.scalars(select(Screening))}
        intakes = {i.id: i.received_at for i in s.scalars(select(Intake))}
        # Each screening moved with its intake (same shift, order kept).
        assert all(
            abs(screened[k] - intakes[k]) < dt.timedelta(minutes=5) for k in screened
        )
        accepted = list(
            s.scalars(select(Referral).where(Referral.accepted_at.is_not(None)))
        )
        assert accepted, "the seed should accept some referrals"
        for ref in accepted:
            assert ref.sent_at is not None
            assert dt.timedelta(days=1) <= ref.accepted_at - ref.sent_at
            assert ref.accepted_at <= now
        for ref in s.scalars(select(Referral)):
            times = [
                e.at
                for e in s.scalars(
                    select(ReferralEvent)
                    .where(ReferralEvent.referral_id == ref.id)
                    .order_by(ReferralEvent.id)
                )
            ]
            assert times == sorted(times)
        assert verify_chain(s).ok


def test_default_seed_stays_in_the_present(db: Any) -> None:
    _seed(db, spread_days=0)
    with db.session() as s:
        received = list(s.scalars(select(Intake.received_at)))
        assert max(received) - min(received) < dt.timedelta(minutes=5)


def test_seed_records_counties_genders_and_team_pools(db: Any) -> None:
    from nowrongdoor.care.models import Person
    from nowrongdoor.care.rbac import SUPERVISORS_POOL

    _seed(db, spread_days=0)
    with db.session() as s:
        people = s.scalars(select(Person).where(Person.owner_id.is_not(None))).all()
        counties = {(p.contacts or {}).get("county") for p in people}
        genders = {p.gender for p in people}
        pools = set(
            s.scalars(
                select(Intake.pool_team).where(
                    Intake.door == "claims_flag", Intake.owner_id.is_(None)
                )
            )
        )
    assert None not in counties and len(counties) >= 4
    assert {"female", "male"} <= genders and None not in genders
    assert pools == {"north", "south", SUPERVISORS_POOL}


def test_seed_spans_age_bands_outcomes_and_writes_the_apps_audit_events(
    db: Any,
) -> None:
    from nowrongdoor.care.crud import AGE_BANDS, age_band
    from nowrongdoor.care.models import AuditEvent, Person

    _seed(db, spread_days=0)
    with db.session() as s:
        years = s.scalars(
            select(Person.birth_year).where(Person.owner_id.is_not(None))
        ).all()
        today = utcnow().date()
        # birth_year gives the age this year; a birthday still to come makes
        # it one year more than the age, so the bands are checked loosely
        bands = {age_band(today.year - y - 1) for y in years if y is not None}
        statuses = set(s.scalars(select(Referral.status)))
        actions = {
            a: n
            for a, n in s.execute(
                select(AuditEvent.action, func.count()).group_by(AuditEvent.action)
            ).all()
        }
        referral_steps = s.scalar(select(func.count()).select_from(ReferralEvent))
        assert verify_chain(s).ok
    assert set(AGE_BANDS) <= bands, bands
    assert {"sent", "accepted", "in_progress", "completed"} <= statuses
    for action in (
        "person.create",
        "intake.create",
        "screening.create",
        "case.create",
        "case.status",
        "note.create",
        "task.create",
        "consent.create",
        "referral.create",
        "referral.sent",
        "referral.accepted",
        "referral.completed",
    ):
        assert actions.get(action, 0) > 0, (action, actions)
    assert actions["person.create"] == 40
    # one event per referral step the seed took (the draft's row is its create)
    steps = (
        sum(n for a, n in actions.items() if a.startswith("referral."))
        - (actions["referral.create"])
    )
    assert steps == referral_steps - actions["referral.create"]


def test_demo_worklist_rows_follow_the_population_scoring_model() -> None:
    """The seed's risk flags read as the population model writes them: each
    reason's points are the model's for the member's age band, the score is
    their sum, and tier and pathway follow the model's thresholds (an
    ``identified`` row carries coded confirmed exploitation)."""
    import csv
    import json

    from nowrongdoor.care.seed import DEMO_WORKLIST
    from nowrongdoor.population import load_scoring_model

    model = load_scoring_model()
    rows = list(csv.DictReader(DEMO_WORKLIST.open(encoding="utf-8")))
    assert len(rows) == 12
    tiers = set()
    for row in rows:
        age, score = int(row["age"]), int(row["score"])
        band = next(b for b in model.age_bands if b.min_age <= age <= b.max_age)
        reasons = json.loads(row["reasons"])
        assert reasons, row["member_id"]
        for r in reasons:
            assert r["points"] == model.points(r["indicator"], band), row
        assert score == sum(r["points"] for r in reasons), row
        if any(r["indicator"] == "trafficking_confirmed" for r in reasons):
            tier = "identified"
        elif score >= model.tiers.high:
            tier = "high"
        else:
            assert score >= model.tiers.elevated, row
            tier = "elevated"
        assert (row["tier"], row["pathway"]) == (tier, model.pathways[tier]), row
        tiers.add(tier)
    assert tiers == {"identified", "high", "elevated"}
