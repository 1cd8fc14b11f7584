"""The page context's shared steps: an audited read, a posted form."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from types import SimpleNamespace
from typing import Any

import pytest
from sqlalchemy import text

from nowrongdoor.care.errors import BadRequest
from nowrongdoor.care.web import _session
from nowrongdoor.care.web._session import PageCtx, Read
from nowrongdoor.care.web._templating import ANONYMOUS


class _Audit:
    """Records what a page asks of its auditor, in order."""

    def __init__(self, calls: list[tuple[Any, ...]]) -> None:
        self.calls = calls

    def commit(self, action: str, **event: Any) -> None:
        self.calls.append(("commit", action, event))

    def commit_on(self, action: str, record: Any, *, detail: str | None = None) -> None:
        self.calls.append(("commit_on", action, record, detail))


def _ctx(calls: list[tuple[Any, ...]], request: Any = None) -> PageCtx:
    return PageCtx(
        request or SimpleNamespace(state=SimpleNamespace()),  # type: ignore[arg-type]
        None,  # type: ignore[arg-type]
        None,  # type: ignore[arg-type]
        _Audit(calls),  # type: ignore[arg-type]
        ANONYMOUS,
    )


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> list[tuple[Any, ...]]:
    """What the auditor and the template renderer were asked, in order."""
    seen: list[tuple[Any, ...]] = []

    def fake_render(request: Any, template: str, viewer: Any, **context: Any) -> str:
        seen.append(("render", template, context))
        return "page"

    monkeypatch.setattr(_session, "render", fake_render)
    return seen


def test_render_commits_the_read_before_the_page(calls: list[tuple[Any, ...]]) -> None:
    ctx = _ctx(calls)
    read = Read("user.list", resource_type="user", detail="3 rows")
    assert ctx.render("admin.html", read=read, users=[1, 2, 3]) == "page"
    assert calls == [
        (
            "commit",
            "user.list",
            {
                "resource_type": "user",
                "resource_id": None,
                "person_id": None,
                "detail": "3 rows",
            },
        ),
        ("render", "admin.html", {"status_code": 200, "users": [1, 2, 3]}),
    ]


def test_a_read_on_one_record_names_it(calls: list[tuple[Any, ...]]) -> None:
    ctx = _ctx(calls)
    case = object()
    ctx.render("case.html", 404, read=Read("case.read", on=case, detail="refer page"))
    assert calls == [
        ("commit_on", "case.read", case, "refer page"),
        ("render", "case.html", {"status_code": 404}),
    ]


def test_render_without_a_read_commits_nothing(calls: list[tuple[Any, ...]]) -> None:
    _ctx(calls).render("intake.html", error=None)
    assert calls == [("render", "intake.html", {"status_code": 200, "error": None})]


def test_posted_form_arms_the_page_for_a_refusal() -> None:
    form = {"text": "hi", "csrf_token": "secret"}

    async def read_form() -> dict[str, str]:
        return form

    state = SimpleNamespace()
    ctx = _ctx([], SimpleNamespace(state=state, form=read_form))
    ctx.session = SimpleNamespace(  # type: ignore[assignment]
        rollback=lambda: None, close=lambda: None
    )
    shown: list[dict[str, Any]] = []

    def page(error: dict[str, Any]) -> Any:
        shown.append(error)
        return "page again"

    # in a thread of its own: a browser test in this process may hold this
    # thread's event loop (Playwright's sync API), where asyncio.run refuses
    with ThreadPoolExecutor(1) as pool:
        got = pool.submit(
            asyncio.run, ctx.posted_form("note-form", page, ("text",))
        ).result()
    assert got is form
    assert state.form_rerender(BadRequest("too short", field="text"))
    assert shown == [
        {
            "form": "note-form",
            "field": "text",
            "message": "too short",
            "values": {"text": "hi"},
        }
    ]


#: (user, page, its read's action) for pages that show records.
READ_PAGES = [
    ("admin", "/dashboard", "dashboard.read"),
    ("admin", "/admin", "user.list"),
    ("admin", "/admin/audit", "audit.list"),
    ("admin", "/oversight", "audit.oversight"),
    ("admin", "/account/tokens", "auth.token_list"),
    ("supervisor", "/training/records", "training.records.read"),
    ("supervisor", "/queue", "queue.read"),
    ("cm.north", "/work", "work.read"),
    ("cm.north", "/people", "person.list"),
    ("cm.north", "/people/{person}", "person.read"),
    ("cm.north", "/intakes/{intake}", "intake.read"),
    ("cm.north", "/cases/{case}", "case.read"),
    ("cm.north", "/cases/{case}/refer", "case.read"),
    ("cm.north", "/referrals/{referral}", "referral.read"),
    ("partner.shelter", "/inbox", "referral.list"),
]


def test_each_read_page_commits_one_audit_event(web_app: Any, sign_in: Any) -> None:
    """A page that shows records writes exactly one event, of its action."""

    def sql(query: str) -> Any:
        with web_app.state.db.engine.connect() as conn:
            return conn.execute(text(query)).all()

    case_id, person = sql(
        "select c.id, p.pseudonym from care_case c join person p "
        "on p.id = c.person_id join app_user u on u.id = c.owner_id "
        "where u.username = 'cm.north' order by c.id"
    )[0]
    ids = {
        "case": case_id,
        "person": person,
        "intake": sql("select min(id) from intake")[0][0],
        "referral": sql("select min(id) from referral")[0][0],
    }
    for user, page, action in READ_PAGES:
        client = sign_in(user)
        last = sql("select max(seq) from audit_event")[0][0]
        response = client.get(page.format(**ids))
        assert response.status_code == 200, (user, page)
        events = sql(
            "select action, username, outcome from audit_event "
            f"where seq > {int(last)} order by seq"
        )
        assert [tuple(e) for e in events] == [(action, user, "success")], page
