"""Smaller findings of the security review: owner changes need case:assign,
CSRF refusals are audited."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select

from nowrongdoor.care.app import create_app
from nowrongdoor.care.models import AuditEvent

PASSWORD = "correct horse battery staple"


def test_moving_a_person_to_another_owner_needs_case_assign(
    client: TestClient, world: Any, records: Any
) -> None:
    colleague = world.users["cm2_a"].id
    body = {"given_name": "Rae", "owner_id": colleague}
    refused = client.post("/api/v1/persons", json=body, headers=world.headers("cm_a"))
    assert refused.status_code == 403, refused.text
    mine = client.post(
        "/api/v1/persons",
        json={"given_name": "Rae", "owner_id": world.users["cm_a"].id},
        headers=world.headers("cm_a"),
    )
    assert mine.status_code == 201
    rec = records("a")
    moved = client.patch(
        f"/api/v1/persons/{rec.person_id}",
        json={"owner_id": colleague},
        headers=world.headers("cm_a"),
    )
    assert moved.status_code == 403
    ok = client.post(
        "/api/v1/persons", json=body, headers=world.headers("supervisor_a")
    )
    assert ok.status_code == 201
    reassigned = client.patch(
        f"/api/v1/persons/{rec.person_id}",
        json={"owner_id": colleague},
        headers=world.headers("supervisor_a"),
    )
    assert reassigned.status_code == 200


def test_a_post_refused_for_csrf_is_audited(db: Any, world: Any) -> None:
    client = TestClient(
        create_app(db.settings, database=db, include_web=False),
        raise_server_exceptions=False,
    )
    login = client.post(
        "/api/v1/auth/login", json={"username": "cm.a", "password": PASSWORD}
    )
    assert login.status_code == 200
    refused = client.post("/api/v1/persons", json={"given_name": "Ira"})
    assert refused.status_code == 403
    with db.session() as s:
        events = list(
            s.scalars(select(AuditEvent).where(AuditEvent.outcome == "denied"))
        )
    assert [(e.username, e.detail) for e in events] == [("cm.a", "csrf_failed")]


def test_hsts_over_https_and_from_trusted_proxies_only(
    db: Any, settings_for: Any, tmp_path: Any
) -> None:
    plain = TestClient(create_app(db.settings, database=db, include_web=False))
    assert "strict-transport-security" not in plain.get("/api/v1/health").headers
    direct = TestClient(
        create_app(db.settings, database=db, include_web=False),
        base_url="https://testserver",
    )
    hsts = direct.get("/api/v1/health").headers["strict-transport-security"]
    assert hsts.startswith("max-age=63072000")
    forwarded = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9"}
    # the TestClient connects from "testclient": untrusted unless listed
    untrusted = plain.get("/api/v1/health", headers=forwarded)
    assert "strict-transport-security" not in untrusted.headers
    proxied = db.settings.model_copy(update={"trusted_proxies": ["testclient"]})
    behind = TestClient(create_app(proxied, database=db, include_web=False))
    assert (
        "strict-transport-security"
        in behind.get("/api/v1/health", headers=forwarded).headers
    )
    assert "strict-transport-security" not in behind.get("/api/v1/health").headers


def test_the_sqlite_database_is_private(settings_for: Any, tmp_path: Any) -> None:
    from nowrongdoor.care.db import Database
    from nowrongdoor.care.migrate import upgrade

    url = f"sqlite:///{(tmp_path / 'new' / 'care.db').as_posix()}"
    db = Database(settings_for(tmp_path, url))
    try:
        upgrade(db.engine)
        with db.session() as s:
            s.execute(select(AuditEvent)).all()
    finally:
        db.dispose()
    assert (tmp_path / "new").stat().st_mode & 0o777 == 0o700
    for path in (tmp_path / "new").iterdir():
        assert path.stat().st_mode & 0o777 == 0o600, path


def test_gender_and_source_ref_are_encrypted_with_a_keyed_index(
    client: TestClient, db: Any, world: Any
) -> None:
    from sqlalchemy import text

    made = client.post(
        "/api/v1/persons",
        json={"given_name": "Rae", "gender": "nonbinary"},
        headers=world.headers("cm_a"),
    )
    assert made.status_code == 201 and made.json()["gender"] == "nonbinary"
    csv = "member_id,tier,score\nM-77,high,70\n"
    for expected in (1, 0):  # the second import finds the intake by its index
        r = client.post(
            "/api/v1/imports/worklist",
            headers=world.headers("admin_a"),
            files={"file": ("worklist.csv", csv, "text/csv")},
            data={"source": "run-77"},
        )
        assert r.status_code == 200, r.text
        assert r.json()["new_persons"] == expected
    with db.engine.connect() as conn:
        genders = conn.execute(text("SELECT gender FROM person")).scalars().all()
        refs = conn.execute(
            text("SELECT source_ref, source_ref_bidx FROM intake")
        ).all()
    assert "nonbinary" not in genders and any(g for g in genders)
    assert refs and all("run-77" not in (ref or "") for ref, _ in refs)
    assert all(len(bidx) == 64 for _, bidx in refs)


def test_the_migration_encrypts_existing_values(
    settings_for: Any, tmp_path: Any
) -> None:
    from sqlalchemy import text

    from nowrongdoor.care.db import Database
    from nowrongdoor.care.migrate import downgrade, upgrade

    url = f"sqlite:///{(tmp_path / 'old.db').as_posix()}"
    db = Database(settings_for(tmp_path, url))
    try:
        upgrade(db.engine, "s21_audit_key")
        with db.engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO organization (name, kind, created_at) "
                    "VALUES ('P', 'plan', '2026-01-01')"
                )
            )
            conn.execute(
                text(
                    "INSERT INTO person (pseudonym, organization_id, gender, "
                    "do_not_contact, created_at, updated_at) VALUES "
                    "('P1', 1, 'female', 0, '2026-01-01', '2026-01-01')"
                )
            )
            conn.execute(
                text(
                    "INSERT INTO intake (organization_id, door, status, source_ref, "
                    "received_at) VALUES (1, 'ad_match', 'new', 'ad_match:C:1', "
                    "'2026-01-01')"
                )
            )
        upgrade(db.engine)
        with db.engine.connect() as conn:
            gender = conn.execute(text("SELECT gender FROM person")).scalar_one()
            ref, bidx = conn.execute(
                text("SELECT source_ref, source_ref_bidx FROM intake")
            ).one()
        assert gender != "female" and db.cipher.decrypt(gender) == "female"
        assert db.cipher.decrypt(ref) == "ad_match:C:1"
        assert bidx == db.cipher.exact_index("ad_match:C:1")
        downgrade(db.engine, "s21_audit_key")
        with db.engine.connect() as conn:
            assert conn.execute(text("SELECT gender FROM person")).scalar_one() == (
                "female"
            )
    finally:
        db.dispose()
