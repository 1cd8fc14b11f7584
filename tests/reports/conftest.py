"""A small care database with known counts, on SQLite (no server needed)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from nowrongdoor.settings import Settings, build_settings


@dataclass
class Seeded:
    """A seeded care database: its settings and URL."""

    settings: Settings
    url: str


def at(day: str, hour: int = 12) -> dt.datetime:
    return dt.datetime.fromisoformat(day).replace(hour=hour, tzinfo=dt.UTC)


def seed_care(session: object) -> None:
    """Known data (period of interest: 2026-01-01 .. 2026-02-28).

    - 40 persons; 30 have a case opened in Jan (prevent 20, survive 10), 5 in
      Feb (thrive), 5 have a case opened in Dec 2025 (outside the period).
    - Screenings in Jan: 25 with cst6 (15 positive), 3 with qyit (1 positive);
      one screening in Dec 2025.
    - Referrals sent in Jan: 24 (completed 12, declined 3, accepted 4, sent 5),
      accepted 2 days and completed 10 days after sending; 2 drafts never sent.
    """
    from nowrongdoor.care import models as m

    plan = m.Organization(name="Plan", kind="plan")
    partner = m.Organization(name="Shelter", kind="partner")
    session.add_all([plan, partner])  # type: ignore[attr-defined]
    session.flush()  # type: ignore[attr-defined]
    persons = []
    for n in range(40):
        person = m.Person(
            pseudonym=f"P{n:04d}",
            organization_id=plan.id,
            birth_year=2010 if n < 12 else 1990,
            gender="female" if n % 4 else "male",
            contacts={"county": "Marion" if n < 25 else "Lake"},
        )
        persons.append(person)
    session.add_all(persons)  # type: ignore[attr-defined]
    session.flush()  # type: ignore[attr-defined]
    cases = []
    for n, person in enumerate(persons):
        if n < 20:
            pathway, opened = "prevent", at("2026-01-05")
        elif n < 30:
            pathway, opened = "survive", at("2026-01-20")
        elif n < 35:
            pathway, opened = "thrive", at("2026-02-10")
        else:
            pathway, opened = "survive", at("2025-12-10")
        case = m.Case(
            person_id=person.id,
            organization_id=plan.id,
            pathway=pathway,
            status="active" if n % 3 else "open",
            opened_at=opened,
        )
        cases.append(case)
        door = "self" if n < 14 else "hospital"
        session.add(  # type: ignore[attr-defined]
            m.Intake(
                person_id=person.id,
                organization_id=plan.id,
                door=door,
                status="reviewed",
                received_at=opened - dt.timedelta(days=1),
            )
        )
    session.add_all(cases)  # type: ignore[attr-defined]
    session.flush()  # type: ignore[attr-defined]
    for n in range(28):
        instrument = "cst6" if n < 25 else "qyit"
        positive = n < 15 or n == 25
        session.add(  # type: ignore[attr-defined]
            m.Screening(
                person_id=persons[n].id,
                instrument_id=instrument,
                positive=positive,
                questionnaire_response={"resourceType": "QuestionnaireResponse"},
                result={"positive": positive},
                performed_at=at("2026-01-15"),
            )
        )
    session.add(  # type: ignore[attr-defined]
        m.Screening(
            person_id=persons[39].id,
            instrument_id="cst6",
            positive=True,
            questionnaire_response={},
            result={},
            performed_at=at("2025-12-11"),
        )
    )
    for n in range(26):
        sent = at("2026-01-10") if n < 24 else None
        status = (
            "completed"
            if n < 12
            else "declined"
            if n < 15
            else "accepted"
            if n < 19
            else "sent"
            if n < 24
            else "draft"
        )
        referral = m.Referral(
            case_id=cases[n].id,
            person_id=persons[n].id,
            from_organization_id=plan.id,
            to_organization_id=partner.id,
            status=status,
            need_category="housing_instability" if n < 16 else "legal",
            sent_at=sent,
            accepted_at=sent + dt.timedelta(days=2)
            if sent and status in ("completed", "accepted")
            else None,
            completed_at=sent + dt.timedelta(days=10)
            if sent and status == "completed"
            else None,
            declined_at=sent + dt.timedelta(days=1)
            if sent and status == "declined"
            else None,
        )
        session.add(referral)  # type: ignore[attr-defined]
    for n in range(30):
        session.add(  # type: ignore[attr-defined]
            m.Need(
                case_id=cases[n].id,
                category="housing_instability" if n < 18 else "mental_health",
                status="identified" if n < 25 else "met",
                created_at=at("2026-01-22"),
            )
        )


@pytest.fixture
def care_db(tmp_path: Path) -> Iterator[Seeded]:
    from nowrongdoor.care.db import open_database
    from nowrongdoor.care.models import Base

    settings = build_settings(
        env={},
        data_dir=tmp_path,
        environment="test",
        database_url=f"sqlite:///{tmp_path / 'care.db'}",
    )
    db = open_database(settings)
    Base.metadata.create_all(db.engine)
    with db.session() as session:
        seed_care(session)
    db.dispose()
    yield Seeded(settings=settings, url=settings.resolved_database_url)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict:
    """Launch /usr/bin/chromium headless (pytest-playwright fixture override)."""
    return {
        **browser_type_launch_args,
        "executable_path": "/usr/bin/chromium",
        "args": [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


@pytest.fixture
def care_db_postgres(tmp_path: Path) -> Iterator[Seeded]:
    """The same seeded data in a throwaway PostgreSQL database."""
    import uuid

    from sqlalchemy import create_engine, text

    from nowrongdoor.care.db import open_database
    from nowrongdoor.care.models import Base

    server = "postgresql+psycopg://postgres@127.0.0.1:5432"
    name = f"nwd_reports_{uuid.uuid4().hex[:10]}"
    admin = create_engine(f"{server}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    settings = build_settings(
        env={}, data_dir=tmp_path, environment="test", database_url=f"{server}/{name}"
    )
    db = open_database(settings)
    try:
        Base.metadata.create_all(db.engine)
        with db.session() as session:
            seed_care(session)
        db.dispose()
        yield Seeded(settings=settings, url=settings.resolved_database_url)
    finally:
        db.dispose()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
