"""Loading the record a route names, and answering a list (care.api.records)."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from nowrongdoor.care.api.deps import Page
from nowrongdoor.care.api.records import in_scope, list_page
from nowrongdoor.care.errors import NotFound
from nowrongdoor.care.models import AuditEvent


class _Audit:
    """Records what a route asks of its unit of work."""

    def __init__(self) -> None:
        self.calls: list[tuple[Any, ...]] = []

    def target(self, kind: str, record_id: int) -> None:
        self.calls.append(("target", kind, record_id))

    def commit(self, action: str, **event: Any) -> None:
        self.calls.append(("commit", action, event))


def test_in_scope_names_the_target_before_loading() -> None:
    audit = _Audit()

    def load(session: Any, *, viewer: Any, task_id: int) -> Any:
        audit.calls.append(("load", session, viewer, task_id))
        raise NotFound("no such task")

    ctx = SimpleNamespace(audit=audit, session="session", user="viewer")
    with pytest.raises(NotFound):
        in_scope(ctx, "task", 9, load)  # type: ignore[arg-type]
    assert audit.calls == [("target", "task", 9), ("load", "session", "viewer", 9)]


def test_list_page_reads_the_window_commits_then_presents() -> None:
    audit = _Audit()

    asked: dict[str, Any] = {}

    def lister(
        session: Any, *, viewer: Any, limit: int, offset: int, status: str
    ) -> tuple[list[int], int]:
        asked.update(
            session=session, viewer=viewer, limit=limit, offset=offset, status=status
        )
        return [1, 2], 12

    def present(n: int) -> str:
        audit.calls.append(("present", n))
        return f"row {n}"

    ctx = SimpleNamespace(audit=audit, session="session", user="viewer")
    page = Page(limit=2, offset=4)
    out = list_page(ctx, page, "task", str, lister, present, status="open")  # type: ignore[arg-type]
    assert asked == {
        "session": "session",
        "viewer": "viewer",
        "limit": 2,
        "offset": 4,
        "status": "open",
    }
    assert audit.calls == [
        ("commit", "task.list", {"resource_type": "task", "detail": "2 rows"}),
        ("present", 1),
        ("present", 2),
    ]
    assert (out.items, out.total, out.limit, out.offset) == (
        ["row 1", "row 2"],
        12,
        2,
        4,
    )


def test_a_refused_read_is_audited_with_its_target(
    client: TestClient, records: Any, world: Any, db: Any
) -> None:
    """A care manager may not read another plan's task: the denial names it."""
    other = records("b")
    r = client.get(f"/api/v1/tasks/{other.task_id}", headers=world.headers("cm_a"))
    assert r.status_code == 403, r.text
    with db.session() as session:
        event = session.scalars(
            select(AuditEvent).order_by(AuditEvent.seq.desc()).limit(1)
        ).one()
    assert (event.outcome, event.resource_type, event.resource_id) == (
        "denied",
        "task",
        str(other.task_id),
    )
