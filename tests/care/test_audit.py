"""Audit: every person-data request is recorded; the hash chain catches tampering."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select, text

from nowrongdoor.care.audit import verify_chain
from nowrongdoor.care.models import AuditEvent


def _events(db: Any) -> list[AuditEvent]:
    with db.session() as s:
        return list(s.scalars(select(AuditEvent).order_by(AuditEvent.seq)))


def test_reads_writes_and_denials_are_audited(
    client: TestClient, world: Any, records: Any, db: Any
) -> None:
    rec = records("a")
    other = records("b")
    rid = "req-42.audit"
    r = client.get(
        f"/api/v1/persons/{rec.person_id}",
        headers={**world.headers("cm_a"), "X-Request-ID": rid},
    )
    assert r.status_code == 200 and r.headers["x-request-id"] == rid
    denied = client.get(f"/api/v1/cases/{other.case_id}", headers=world.headers("cm_a"))
    assert denied.status_code == 403
    client.post(
        f"/api/v1/cases/{rec.case_id}/notes",
        json={"text": "Spoke with her at school."},
        headers=world.headers("cm_a"),
    )
    events = _events(db)
    read = next(e for e in events if e.action == "person.read")
    assert read.request_id == rid
    assert read.username == "cm.a" and read.role == "care_manager"
    assert read.person_id == rec.person_id and read.outcome == "success"
    assert read.resource_type == "person" and read.resource_id == str(rec.person_id)
    deny = next(e for e in events if e.outcome == "denied")
    assert deny.resource_type == "case" and deny.resource_id == str(other.case_id)
    assert deny.action == "case:read"
    assert any(e.action == "note.create" for e in events)
    assert all(e.at is not None for e in events)
    listed = client.get(
        "/api/v1/audit?outcome=denied", headers=world.headers("admin_a")
    )
    assert listed.status_code == 200
    assert [e["seq"] for e in listed.json()["items"]] == [deny.seq]


def test_chain_detects_edited_row(
    client: TestClient, world: Any, records: Any, db: Any
) -> None:
    records("a")
    for _ in range(3):
        client.get("/api/v1/cases", headers=world.headers("cm_a"))
    with db.session() as s:
        report = verify_chain(s)
    assert report.ok and report.checked >= 3
    with db.engine.begin() as conn:
        conn.execute(
            text("UPDATE audit_event SET username = 'someone.else' WHERE seq = 2")
        )
    with db.session() as s:
        report = verify_chain(s)
    assert not report.ok
    assert (2, "event content was changed (edited)") in report.problems


def test_chain_detects_deleted_rows(client: TestClient, world: Any, db: Any) -> None:
    for _ in range(5):
        client.get("/api/v1/tasks", headers=world.headers("cm_a"))
    with db.engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_event WHERE seq = 3"))
    with db.session() as s:
        problems = dict(verify_chain(s).problems)
    assert "missing" in problems[4] or "broken" in problems[4]
    verify = client.get("/api/v1/audit/verify", headers=world.headers("admin_a")).json()
    assert verify["ok"] is False
    assert {p["seq"] for p in verify["problems"]} >= {4}


def test_chain_detects_deleted_tail(client: TestClient, world: Any, db: Any) -> None:
    for _ in range(4):
        client.get("/api/v1/tasks", headers=world.headers("cm_a"))
    with db.engine.begin() as conn:
        last = conn.execute(text("SELECT max(seq) FROM audit_event")).scalar_one()
        conn.execute(text("DELETE FROM audit_event WHERE seq = :s"), {"s": last})
    with db.session() as s:
        report = verify_chain(s)
    assert not report.ok
    assert "deleted from the end" in report.problems[-1][1]


def test_audit_verify_command(
    runner: Any, db: Any, world: Any, client: TestClient
) -> None:
    from nowrongdoor.cli import app

    client.get("/api/v1/tasks", headers=world.headers("cm_a"))
    env = {
        "NOWRONGDOOR_DATABASE_URL": db.settings.resolved_database_url,
        "NOWRONGDOOR_SECRET_KEY": db.settings.secret_key.get_secret_value(),
    }
    good = runner.invoke(app, ["audit", "verify"], env=env)
    assert good.exit_code == 0, good.output
    assert "intact" in good.output
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE audit_event SET outcome = 'denied' WHERE seq = 1"))
    bad = runner.invoke(app, ["audit", "verify"], env=env)
    assert bad.exit_code == 1
    assert "event 1" in bad.output and "edited" in bad.output


def test_audit_checkpoint_commands(
    runner: Any, db: Any, world: Any, client: TestClient, tmp_path: Any
) -> None:
    from nowrongdoor.cli import app

    cp = tmp_path / "witness" / "checkpoints.jsonl"
    env = {
        "NOWRONGDOOR_DATABASE_URL": db.settings.resolved_database_url,
        "NOWRONGDOOR_SECRET_KEY": db.settings.secret_key.get_secret_value(),
        "NOWRONGDOOR_AUDIT_CHECKPOINT_FILE": str(cp),
    }
    client.get("/api/v1/tasks", headers=world.headers("cm_a"))
    first = runner.invoke(app, ["audit", "verify", "--checkpoint"], env=env)
    assert first.exit_code == 0, first.output
    assert (
        "checkpoint written" in first.output and "against 0 checkpoint" in first.output
    )
    cron = runner.invoke(app, ["audit", "checkpoint"], env=env)
    assert cron.exit_code == 0, cron.output
    assert len(cp.read_text().splitlines()) == 2
    with db.engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_event"))
        conn.execute(text("DELETE FROM audit_head"))
    bad = runner.invoke(app, ["audit", "verify"], env=env)
    assert bad.exit_code == 1
    assert "truncated" in bad.output and "Traceback" not in bad.output
    assert len(cp.read_text().splitlines()) == 2


def test_append_moves_the_head_with_the_event(db: Any) -> None:
    """Each append writes the event and moves the chain head in its transaction
    (on PostgreSQL in one statement after the head's lock: two in all)."""
    from sqlalchemy import event as sa_event

    from nowrongdoor.care.audit import AuditEntry, append_event
    from nowrongdoor.care.models import AuditHead

    statements: list[str] = []

    def count(_c: Any, _cur: Any, sql: str, *_: Any) -> None:
        statements.append(sql)

    written = []
    sa_event.listen(db.engine, "before_cursor_execute", count)
    try:
        for n in range(3):
            with db.session() as s:
                s.connection()  # the transaction's BEGIN is not the append's
                statements.clear()
                written.append(
                    append_event(
                        s,
                        AuditEntry(action="case.read", resource_id=str(n)),
                        user=None,
                        request_id=f"r{n}",
                    )
                )
                appended = len(statements)
    finally:
        sa_event.remove(db.engine, "before_cursor_execute", count)
    if db.engine.dialect.name == "postgresql":
        assert appended == 2, statements
    with db.session() as s:
        head = s.get(AuditHead, 1)
        assert head is not None
        assert (head.last_seq, head.last_hash) == (written[-1].seq, written[-1].hash)
    seqs = [e.seq for e in _events(db)]
    assert seqs[-3:] == [written[0].seq, written[0].seq + 1, written[0].seq + 2]
    assert written[1].prev_hash == written[0].hash
    with db.session() as s:
        assert verify_chain(s).ok
