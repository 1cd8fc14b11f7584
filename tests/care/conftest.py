"""Care fixtures: every test runs on SQLite and on PostgreSQL.

PostgreSQL: a throwaway database ``nwd_test_<uuid>`` is created on
127.0.0.1:5432 (user postgres) for this test session and dropped afterwards, so
concurrent test runs never share one. If the server does not answer, the tests
fail (never skip). Tests are isolated by truncating every table after each test.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text
from sqlalchemy.orm import Session

from nowrongdoor.care import crud
from nowrongdoor.care.app import create_app
from nowrongdoor.care.audit import GENESIS
from nowrongdoor.care.db import Database
from nowrongdoor.care.enums import (
    ConsentScope,
    ConsentType,
    Door,
    NeedCategory,
    OrgKind,
    Pathway,
    ReferralStatus,
    Role,
)
from nowrongdoor.care.migrate import upgrade
from nowrongdoor.care.models import Base, Organization, PartnerService, User
from nowrongdoor.care.schemas import (
    BarrierCreate,
    CaseCreate,
    ConsentCreate,
    GoalCreate,
    IntakeCreate,
    NeedCreate,
    NoteCreate,
    PersonCreate,
    ReferralCreate,
    ReferralTransition,
    TaskCreate,
)
from nowrongdoor.care.security import create_api_token, hash_password
from nowrongdoor.settings import Settings, build_settings

PG_ADMIN = "host=127.0.0.1 port=5432 user=postgres dbname=postgres connect_timeout=5"
PASSWORD = "correct horse battery staple"
_HASH: dict[str, str] = {}


def password_hash() -> str:
    """One argon2 hash of PASSWORD, computed once (argon2 is slow on purpose)."""
    if "h" not in _HASH:
        _HASH["h"] = hash_password(PASSWORD)
    return _HASH["h"]


def _pg_admin() -> Any:
    import psycopg

    try:
        return psycopg.connect(PG_ADMIN, autocommit=True)
    except psycopg.OperationalError as exc:
        pytest.fail(
            f"PostgreSQL is not answering on 127.0.0.1:5432 ({exc}); care tests need "
            "it (scripts/ensure-services.sh starts it)"
        )


def care_settings(tmp: Path, url: str, **extra: Any) -> Settings:
    """Test settings for a database URL."""
    values: dict[str, Any] = {
        "environment": "test",
        "data_dir": tmp,
        "database_url": url,
        "secret_key": "test-secret-key-for-care-tests",
        "cookie_secure": False,
        "login_rate_per_minute": 1000,
    }
    values.update(extra)
    return build_settings(env={}, **values)


@pytest.fixture(scope="session")
def pg_url() -> Iterator[str]:
    """A fresh PostgreSQL database for this session (dropped at the end)."""
    name = f"nwd_test_{uuid.uuid4().hex[:12]}"
    with _pg_admin() as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
        # a throwaway database: no need to wait for the disk on each commit
        conn.execute(f'ALTER DATABASE "{name}" SET synchronous_commit = off')
    yield f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
    with _pg_admin() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def backend_url(backend: str, tmp: Path, request: pytest.FixtureRequest) -> str:
    """The database URL for ``backend`` (``sqlite`` or ``postgresql``)."""
    if backend == "sqlite":
        return f"sqlite:///{(tmp / 'care.db').as_posix()}"
    url: str = request.getfixturevalue("pg_url")
    return url


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def database(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Database]:
    """A migrated care database on each backend (shared by the session)."""
    tmp = tmp_path_factory.mktemp(f"care-{request.param}")
    settings = care_settings(tmp, backend_url(request.param, tmp, request))
    db = Database(settings)
    upgrade(db.engine)
    yield db
    db.dispose()


def wipe(db: Database) -> None:
    """Empty every table and reset the audit chain head."""
    tables = [t.name for t in reversed(Base.metadata.sorted_tables)]
    with db.engine.begin() as conn:
        if db.engine.dialect.name == "postgresql":
            conn.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
        else:
            for name in tables:
                conn.execute(text(f"DELETE FROM {name}"))
        conn.execute(
            text("INSERT INTO audit_head (id, last_seq, last_hash) VALUES (1, 0, :h)"),
            {"h": GENESIS},
        )


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_db(
    request: pytest.FixtureRequest, tmp_path: Path, settings_for: Any
) -> Iterator[Database]:
    """A brand-new empty database on each backend.

    On PostgreSQL it is a fresh schema in the session's throwaway database
    (creating and dropping whole databases waits on server checkpoints).
    """
    if request.param == "sqlite":
        url = f"sqlite:///{(tmp_path / 'fresh.db').as_posix()}"
        db = Database(settings_for(tmp_path, url))
        yield db
        db.dispose()
        return
    base: str = request.getfixturevalue("pg_url")
    schema = f"mig_{uuid.uuid4().hex[:10]}"
    admin = create_engine(base)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    db = Database(settings_for(tmp_path, f"{base}?options=-csearch_path%3D{schema}"))
    yield db
    db.dispose()
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


@pytest.fixture
def db(database: Database) -> Iterator[Database]:
    """The backend's database, emptied after the test."""
    yield database
    wipe(database)


def make_app(db: Database) -> FastAPI:
    """The API (without web pages) over ``db``."""
    return create_app(db.settings, database=db, include_web=False)


@pytest.fixture
def client(db: Database) -> TestClient:
    """An API client that reports 500s as responses (to assert there are none)."""
    return TestClient(make_app(db), raise_server_exceptions=False)


def add_user(
    session: Session, org: Organization, role: Role, name: str, team: str | None = None
) -> User:
    """Insert a user with the shared test password (no argon2 per user)."""
    user = User(
        organization_id=org.id,
        username=name,
        display_name=name,
        role=str(role),
        team=team,
        password_hash=password_hash(),
    )
    session.add(user)
    session.flush()
    return user


@dataclass
class Records:
    """One organisation's records, all owned by its care manager."""

    person_id: int = 0
    pseudonym: str = ""
    case_id: int = 0
    need_id: int = 0
    goal_id: int = 0
    barrier_id: int = 0
    task_id: int = 0
    consent_id: int = 0
    intake_id: int = 0
    draft_referral_id: int = 0
    sent_referral_id: int = 0


@dataclass
class World:
    """Two plans (own ``a``, other ``b``), two partners (``p`` own, ``q`` other),
    users of every role, and bearer tokens for them."""

    orgs: dict[str, int] = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)
    services: dict[str, int] = field(default_factory=dict)

    def headers(self, key: str) -> dict[str, str]:
        """Authorization header for user ``key``."""
        return {"Authorization": f"Bearer {self.tokens[key]}"}


def build_world(db: Database) -> World:
    """Create the organisations, users and tokens of a :class:`World`."""
    world = World()
    with db.session() as s:
        orgs = {
            "a": crud.create_organization(s, name="Plan A", kind=OrgKind.PLAN),
            "b": crud.create_organization(s, name="Plan B", kind=OrgKind.PLAN),
            "p": crud.create_organization(s, name="Shelter P", kind=OrgKind.PARTNER),
            "q": crud.create_organization(s, name="Shelter Q", kind=OrgKind.PARTNER),
        }
        world.orgs = {k: o.id for k, o in orgs.items()}
        for key in ("p", "q"):
            service = PartnerService(
                organization_id=orgs[key].id,
                name=f"Beds at {orgs[key].name}",
                service_types="|trafficking_housing|",
                minimum_age=12,
                maximum_age=24,
            )
            s.add(service)
            s.flush()
            world.services[key] = service.id
        spec = [
            ("admin_a", "a", Role.ADMIN, None),
            ("supervisor_a", "a", Role.SUPERVISOR, None),
            ("cm_a", "a", Role.CARE_MANAGER, "t1"),
            ("cm2_a", "a", Role.CARE_MANAGER, "t1"),
            ("cm3_a", "a", Role.CARE_MANAGER, "t2"),
            ("analyst_a", "a", Role.ANALYST, None),
            ("cm_b", "b", Role.CARE_MANAGER, "t1"),
            ("supervisor_b", "b", Role.SUPERVISOR, None),
            ("partner_p", "p", Role.PARTNER_USER, None),
            ("partner_q", "q", Role.PARTNER_USER, None),
        ]
        for key, org, role, team in spec:
            user = add_user(s, orgs[org], role, key.replace("_", "."), team)
            world.users[key] = user
            world.tokens[key], _ = create_api_token(s, user=user, name="test")
    return world


def make_records(db: Database, world: World, org: str) -> Records:
    """A full set of records in plan ``org`` (``a`` refers to p, ``b`` to q)."""
    owner = world.users[f"cm_{org}"]
    partner = "p" if org == "a" else "q"
    rec = Records()
    with db.session() as s:
        owner = s.get(User, owner.id)
        assert owner is not None
        person = crud.create_person(
            s,
            actor=owner,
            cipher=db.cipher,
            data=PersonCreate(
                given_name="Mara",
                family_name="Quill",
                birth_date="2010-04-05",  # type: ignore[arg-type]
                contacts={"phone": "317-555-0142"},  # type: ignore[arg-type]
                member_id=f"M-{org}-{uuid.uuid4().hex[:6]}",
            ),
        )
        rec.person_id, rec.pseudonym = person.id, person.pseudonym
        rec.intake_id = crud.create_intake(
            s, actor=owner, person=person, data=IntakeCreate(door=Door.TEACHER)
        ).id
        case = crud.create_case(
            s,
            actor=owner,
            data=CaseCreate(person_id=person.id, pathway=Pathway.SURVIVE),
        )
        rec.case_id = case.id
        rec.need_id = crud.add_need(
            s,
            actor=owner,
            case=case,
            data=NeedCreate(category=NeedCategory.HOUSING_INSTABILITY),
        ).id
        rec.goal_id = crud.add_goal(
            s, case=case, data=GoalCreate(description="Safe housing")
        ).id
        rec.barrier_id = crud.add_barrier(
            s, case=case, data=BarrierCreate(description="No ID")
        ).id
        crud.add_note(s, actor=owner, case=case, data=NoteCreate(text="First visit."))
        rec.task_id = crud.create_task(
            s, actor=owner, data=TaskCreate(title="Call back", case_id=case.id)
        ).id
        rec.consent_id = crud.record_consent(
            s,
            actor=owner,
            person=person,
            data=ConsentCreate(
                consent_type=ConsentType.SHARE_WITH_PARTNERS,
                scope=ConsentScope.ANY_PARTNER,
            ),
        ).id
        body = ReferralCreate(case_id=case.id, service_id=world.services[partner])
        rec.draft_referral_id = crud.create_referral(s, actor=owner, data=body).id
        sent = crud.create_referral(s, actor=owner, data=body)
        crud.transition_referral(
            s,
            actor=owner,
            referral=sent,
            data=ReferralTransition(status=ReferralStatus.SENT),
        )
        rec.sent_referral_id = sent.id
    return rec


@pytest.fixture
def world(db: Database) -> World:
    """Organisations, users and tokens in an empty database."""
    return build_world(db)


@pytest.fixture
def records(db: Database, world: World) -> Any:
    """``records("a")``: a fresh set of records in plan ``a`` (or ``b``)."""
    return lambda org: make_records(db, world, org)


@pytest.fixture(scope="session")
def build_world_fn() -> Any:
    """:func:`build_world` for module-scoped fixtures."""
    return build_world


@pytest.fixture(scope="session")
def make_records_fn() -> Any:
    """:func:`make_records` for module-scoped fixtures."""
    return make_records


@pytest.fixture(scope="session")
def make_app_fn() -> Any:
    """:func:`make_app` for module-scoped fixtures."""
    return make_app


@pytest.fixture(scope="session")
def wipe_fn() -> Any:
    """:func:`wipe` for module-scoped fixtures."""
    return wipe


@pytest.fixture
def settings_for() -> Any:
    """``settings_for(tmp, url, **extra)``: test settings for a database URL."""
    return care_settings


@pytest.fixture
def make_test_app() -> Any:
    """``make_test_app(db)``: the API over a database."""
    return make_app
