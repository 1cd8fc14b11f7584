"""The authorisation matrix: every route x every role x own/other organisation.

One table below states, for each route, whether each role may reach a record of
its own organisation (first letter) and of another organisation (second
letter): ``T`` allowed, ``F`` denied. The actors are users of plan ``a`` (admin,
supervisor, care manager, analyst) and of partner ``p`` (partner user); "own"
records belong to plan ``a`` (referred to partner ``p``), "other" records to plan
``b`` (referred to partner ``q``). For list routes "allowed" means the record is
in the list; a denied list either refuses (403) or leaves the record out. A
denied request must never succeed, and no request may fail with a 500.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient

ROLES = {
    "A": "admin_a",
    "S": "supervisor_a",
    "C": "cm_a",
    "N": "analyst_a",
    "P": "partner_p",
}
QYIT = {
    "unsafe-work": True,
    "afraid-to-leave": False,
    "exchanged-sex": False,
    "tricked-into-work": False,
}
WRITE = "A:TT S:TF C:TF N:FF P:FF"
CARE_READ = "A:TT S:TF C:TF N:TF P:FF"
ADMIN_ONLY = "A:TT S:FF C:FF N:FF P:FF"
EVERYONE = "A:TT S:TT C:TT N:TT P:TT"


@dataclass(frozen=True)
class Route:
    """One row of the matrix."""

    method: str
    path: str
    expect: str
    body: Any = None
    contains: str | None = None
    mutates: bool = True
    upload: str | None = None


def _hsds_doc() -> dict[str, Any]:
    oid = str(uuid.uuid4())
    return {"id": oid, "name": f"Partner {oid[:6]}", "services": [], "legal_status": ""}


#: The table: (route, expectations) - the single source of the matrix.
ROUTES: list[Route] = [
    Route(
        "GET",
        "/persons?pseudonym={pseudonym}",
        CARE_READ,
        contains="person_id",
        mutates=False,
    ),
    Route("GET", "/persons/{person_id}", CARE_READ, mutates=False),
    Route("PATCH", "/persons/{person_id}", WRITE, {"gender": "nonbinary"}),
    Route(
        "POST",
        "/persons",
        "A:TF S:TF C:TF N:FF P:FF",
        {"given_name": "Rae", "owner_id": "{owner_id}"},
    ),
    Route("GET", "/persons/{person_id}/intakes", WRITE, mutates=False),
    Route("POST", "/persons/{person_id}/intakes", WRITE, {"door": "teacher"}),
    Route("GET", "/persons/{person_id}/consents", WRITE, mutates=False),
    Route(
        "POST",
        "/persons/{person_id}/consents",
        WRITE,
        {"consent_type": "outreach", "scope": "care_team"},
    ),
    Route("POST", "/persons/{person_id}/consents/{consent_id}/revoke", WRITE),
    Route("GET", "/persons/{person_id}/risk-flags", CARE_READ, mutates=False),
    Route("GET", "/persons/{person_id}/screenings", WRITE, mutates=False),
    Route(
        "POST",
        "/persons/{person_id}/screenings",
        WRITE,
        {"instrument_id": "qyit", "answers": QYIT},
    ),
    Route(
        "GET",
        "/intakes?person_id={person_id}",
        WRITE,
        contains="intake_id",
        mutates=False,
    ),
    Route("GET", "/intakes/{intake_id}", WRITE, mutates=False),
    Route("PATCH", "/intakes/{intake_id}", WRITE, {"status": "reviewed"}),
    Route("POST", "/intakes", "A:TT S:TT C:TT N:FF P:FF", {"door": "hospital"}),
    Route(
        "GET",
        "/cases?person_id={person_id}",
        CARE_READ,
        contains="case_id",
        mutates=False,
    ),
    Route("GET", "/cases/{case_id}", CARE_READ, mutates=False),
    Route("POST", "/cases", WRITE, {"person_id": "{person_id}", "pathway": "prevent"}),
    Route("PATCH", "/cases/{case_id}", WRITE, {"pathway": "thrive"}),
    Route("POST", "/cases/{case_id}/status", WRITE, {"status": "active"}),
    Route("POST", "/cases/{case_id}/needs", WRITE, {"category": "food_insecurity"}),
    Route("PATCH", "/cases/{case_id}/needs/{need_id}", WRITE, {"status": "met"}),
    Route("POST", "/cases/{case_id}/goals", WRITE, {"description": "School"}),
    Route(
        "PATCH", "/cases/{case_id}/goals/{goal_id}", WRITE, {"status": "in_progress"}
    ),
    Route("POST", "/cases/{case_id}/barriers", WRITE, {"description": "Transport"}),
    Route("PATCH", "/cases/{case_id}/barriers/{barrier_id}", WRITE, {"status": "met"}),
    Route("GET", "/cases/{case_id}/notes", WRITE, mutates=False),
    Route(
        "POST", "/cases/{case_id}/notes", WRITE, {"text": "Called at the safe time."}
    ),
    Route("PUT", "/cases/{case_id}/safety-plan", WRITE, {"code_word": "umbrella"}),
    Route(
        "GET",
        "/referrals?case_id={case_id}",
        "A:TT S:TF C:TF N:TF P:TF",
        contains="sent_referral_id",
        mutates=False,
    ),
    Route(
        "GET",
        "/referrals/{sent_referral_id}",
        "A:TT S:TF C:TF N:TF P:TF",
        mutates=False,
    ),
    Route("GET", "/referrals/{draft_referral_id}", CARE_READ, mutates=False),
    Route(
        "POST",
        "/referrals",
        WRITE,
        {"case_id": "{case_id}", "service_id": "{service_id}"},
    ),
    Route("POST", "/referrals/{draft_referral_id}/status", WRITE, {"status": "sent"}),
    Route(
        "POST",
        "/referrals/{sent_referral_id}/status",
        "A:FF S:FF C:FF N:FF P:TF",
        {"status": "accepted"},
    ),
    Route(
        "POST",
        "/referrals/{sent_referral_id}/status",
        WRITE,
        {"status": "cancelled", "reason": "moved away"},
    ),
    Route("GET", "/tasks", WRITE, contains="task_id", mutates=False),
    Route("GET", "/tasks/{task_id}", WRITE, mutates=False),
    Route("PATCH", "/tasks/{task_id}", WRITE, {"status": "done"}),
    Route("POST", "/tasks", WRITE, {"title": "Check in", "case_id": "{case_id}"}),
    Route(
        "GET", "/users", "A:TT S:TF C:FF N:FF P:FF", contains="owner_id", mutates=False
    ),
    Route("GET", "/users/{owner_id}", "A:TT S:TF C:FF N:FF P:FF", mutates=False),
    Route("PATCH", "/users/{owner_id}", ADMIN_ONLY, {"display_name": "Casey"}),
    Route(
        "POST",
        "/users",
        ADMIN_ONLY,
        {
            "username": "{new_username}",
            "password": "a long enough password",
            "organization_id": "{org_id}",
            "role": "care_manager",
            "display_name": "New",
        },
    ),
    Route("GET", "/organizations", EVERYONE, mutates=False),
    Route(
        "POST",
        "/organizations",
        ADMIN_ONLY,
        {"name": "{new_username}", "kind": "partner"},
    ),
    Route("GET", "/partners/services", EVERYONE, mutates=False),
    Route("GET", "/partners/services/{service_id}", EVERYONE, mutates=False),
    Route("POST", "/partners/import", ADMIN_ONLY, "hsds"),
    Route("GET", "/audit", ADMIN_ONLY, mutates=False),
    Route("GET", "/audit/verify", ADMIN_ONLY, mutates=False),
    Route("POST", "/imports/worklist", "A:TT S:TT C:FF N:TT P:FF", upload="worklist"),
    Route("GET", "/auth/me", EVERYONE, mutates=False),
    # a bearer token cannot mint tokens; only an admin (or a browser session) can
    Route("POST", "/auth/tokens", ADMIN_ONLY, {"name": "integration"}),
    Route("GET", "/auth/tokens", EVERYONE, mutates=False),
]


def _expected(route: Route, role: str, side: str) -> bool:
    table = dict(part.split(":") for part in route.expect.split())
    return table[role][0 if side == "own" else 1] == "T"


CASES = [
    pytest.param(
        route, role, side, id=f"{route.method} {route.path}|{ROLES[role]}|{side}|{i}"
    )
    for i, route in enumerate(ROUTES)
    for role in ROLES
    for side in ("own", "other")
]


@pytest.fixture(scope="module")
def env(database: Any, request: pytest.FixtureRequest) -> Iterator[dict[str, Any]]:
    """World, client and a cache of read-only records, per backend."""
    build_world = request.getfixturevalue("build_world_fn")
    make_records = request.getfixturevalue("make_records_fn")
    make_app = request.getfixturevalue("make_app_fn")
    wipe = request.getfixturevalue("wipe_fn")
    wipe(database)
    world = build_world(database)
    client = TestClient(make_app(database), raise_server_exceptions=False)
    cache: dict[str, Any] = {}

    def records(org: str, fresh: bool) -> Any:
        if fresh:
            return make_records(database, world, org)
        if org not in cache:
            cache[org] = make_records(database, world, org)
        return cache[org]

    yield {"world": world, "client": client, "records": records, "db": database}
    wipe(database)


def _audit_outcomes_since(database: Any, seq: int) -> list[str]:
    """Outcomes of the audit events appended after sequence number ``seq``."""
    from sqlalchemy import select

    from nowrongdoor.care.models import AuditEvent

    with database.session() as s:
        return list(s.scalars(select(AuditEvent.outcome).where(AuditEvent.seq > seq)))


def _audit_head(database: Any) -> int:
    from sqlalchemy import func, select

    from nowrongdoor.care.models import AuditEvent

    with database.session() as s:
        return int(s.scalar(select(func.max(AuditEvent.seq))) or 0)


def _fill(value: Any, names: dict[str, Any]) -> Any:
    if isinstance(value, str) and value.startswith("{") and value.endswith("}"):
        key = value[1:-1]
        if key in names:
            return names[key]
    if isinstance(value, str):
        return value.format(**names)
    if isinstance(value, dict):
        return {k: _fill(v, names) for k, v in value.items()}
    return value


@pytest.mark.parametrize(("route", "role", "side"), CASES)
def test_matrix(env: dict[str, Any], route: Route, role: str, side: str) -> None:
    world, client = env["world"], env["client"]
    org = "a" if side == "own" else "b"
    rec = env["records"](org, route.mutates)
    names = {
        **vars(rec),
        "owner_id": world.users[f"cm_{org}"].id,
        "service_id": world.services["p" if org == "a" else "q"],
        "org_id": world.orgs[org],
        "new_username": f"user.{uuid.uuid4().hex[:10]}",
    }
    path = "/api/v1" + route.path.format(**names)
    headers = world.headers(ROLES[role])
    head = _audit_head(env["db"]) if route.mutates else 0
    if route.upload:
        member = f"M-{org}-{uuid.uuid4().hex[:6]}"
        content = (
            "member_id,age,tier,score,pathway,reasons\n"
            f"{member},15,high,70,prevent,[]\n"
        )
        response = client.post(
            path,
            headers=headers,
            files={"file": (f"{route.upload}.csv", content, "text/csv")},
            data={"source": f"run-{member}"},
        )
    elif route.body == "hsds":
        response = client.post(path, headers=headers, json=_hsds_doc())
    elif route.body is not None:
        response = client.request(
            route.method,
            path,
            headers=headers,
            json=_fill(route.body, names),
        )
    else:
        response = client.request(route.method, path, headers=headers)
    assert response.status_code < 500, response.text
    assert response.status_code != 401, response.text
    if response.status_code >= 400:
        body = response.json()
        assert set(body["error"]) == {"code", "message", "field"}
    granted = 200 <= response.status_code < 300
    if granted and route.contains:
        wanted = names[route.contains]
        granted = wanted in {item["id"] for item in response.json()["items"]}
    assert granted == _expected(route, role, side), (
        f"{route.method} {path} as {ROLES[role]} ({side}): "
        f"{response.status_code} {response.text[:300]}"
    )
    if route.mutates:
        # the change and its audit event are one unit of work; so is a refusal
        outcomes = _audit_outcomes_since(env["db"], head)
        wanted = "success" if granted else "denied or failure"
        assert any(
            (o == "success") == granted and o in ("success", "denied", "failure")
            for o in outcomes
        ), f"{route.method} {path} as {ROLES[role]}: no {wanted} event ({outcomes})"


# -- team pools: owner-less imported records ------------------------------------

#: Who reaches owner-less records, as (person, intake) in team t1's pool, then
#: (person, intake) in the supervisors' pool (no team), all in plan a.
POOL_MATRIX: dict[str, str] = {
    "admin_a": "TT TT",
    "supervisor_a": "TT TT",
    "cm_a": "TT FF",  # team t1: its pool, not the supervisors'
    "cm2_a": "TT FF",  # team t1
    "cm3_a": "FF FF",  # team t2
    "analyst_a": "TF TF",  # organisation scope, but no intake:read
    "cm_b": "FF FF",  # team t1 of another plan
    "supervisor_b": "FF FF",
    "partner_p": "FF FF",
}


def _pool_records(database: Any, world: Any) -> dict[str, tuple[int, int]]:
    from nowrongdoor.care.imports import import_worklist

    out: dict[str, tuple[int, int]] = {}
    with database.session() as s:
        for label, team in (("t1", "t1"), ("supervisors", None)):
            member = f"M-pool-{uuid.uuid4().hex[:8]}"
            import_worklist(
                s,
                cipher=database.cipher,
                actor=None,
                organization_id=world.orgs["a"],
                text=f"member_id,age,tier,score\n{member},15,high,0.9\n",
                name="worklist.csv",
                source=f"run-{member}",
                team=team,
            )
            s.flush()
            from sqlalchemy import select

            from nowrongdoor.care.models import Intake

            # source_ref is encrypted: the row just imported is the newest intake
            intake = s.scalars(select(Intake).order_by(Intake.id.desc()).limit(1)).one()
            assert intake.source_ref.startswith(f"worklist:run-{member}:")
            assert intake.owner_id is None
            assert intake.pool_team == (team or "(supervisors)")
            out[label] = (int(intake.person_id or 0), intake.id)
        s.commit()
    return out


@pytest.mark.parametrize("user", sorted(POOL_MATRIX))
def test_team_pool_scope(env: dict[str, Any], database: Any, user: str) -> None:
    world, client = env["world"], env["client"]
    pools = _pool_records(database, world)
    for which, expected in zip(
        ("t1", "supervisors"), POOL_MATRIX[user].split(), strict=True
    ):
        person_id, intake_id = pools[which]
        paths = (f"/persons/{person_id}", f"/intakes/{intake_id}")
        for path, allowed in zip(paths, expected, strict=True):
            response = client.get("/api/v1" + path, headers=world.headers(user))
            assert response.status_code < 500
            assert (response.status_code == 200) == (allowed == "T"), (
                f"{user} GET {path} ({which} pool): {response.status_code}"
            )


# -- every state-changing route and page is in a matrix and writes an audit event --

#: What each state-changing page needs, read from its dependencies: the
#: permissions (``nowrongdoor.care.rbac``), ``signed-in`` for a page of any
#: signed-in user, ``anyone`` for a public form. The pages' role matrix follows
#: from the role table; ``tests/care/web/test_web_pages_roles.py`` walks it.
PAGE_WRITES: dict[tuple[str, str], str] = {
    ("POST", "/login"): "anyone",
    ("POST", "/logout"): "anyone",
    ("POST", "/decision-aid"): "anyone",
    ("POST", "/intake"): "intake:write person:write",
    ("POST", "/intakes/{intake_id}/review"): "lead:review",
    ("POST", "/people"): "person:read",
    ("POST", "/people/{pseudonym}/flags/{flag_id}/reviewed"): "case:write person:read",
    ("POST", "/people/{pseudonym}/cases"): "case:write person:read",
    ("POST", "/people/{pseudonym}/consents"): "consent:write person:read",
    ("POST", "/queue/{intake_id}/take"): "intake:read intake:write",
    ("POST", "/queue/assign"): "case:assign intake:write",
    ("POST", "/screening/{instrument_id}"): "screening:write",
    ("POST", "/cases/{case_id}/status"): "case:write",
    ("POST", "/cases/{case_id}/needs"): "case:write",
    ("POST", "/needs/{need_id}"): "case:write",
    ("POST", "/cases/{case_id}/goals"): "case:write",
    ("POST", "/cases/{case_id}/barriers"): "case:write",
    ("POST", "/progress/{kind}/{item_id}"): "case:write",
    ("POST", "/cases/{case_id}/notes"): "note:write",
    ("POST", "/notes/preview"): "note:write",
    ("POST", "/cases/{case_id}/tasks"): "task:write",
    ("POST", "/tasks/{task_id}/done"): "task:write",
    ("POST", "/cases/{case_id}/safety-plan"): "note:write",
    ("POST", "/cases/{case_id}/referrals"): "referral:write",
    ("POST", "/referrals/{referral_id}/status"): "referral:read",
    ("POST", "/admin/users"): "user:manage",
    ("POST", "/admin/users/{user_id}"): "user:manage",
    ("POST", "/admin/partners"): "partner:import",
    ("POST", "/training/courses/{course_id}/{module_id}/attempts"): "training:take",
    ("POST", "/training/attempts/{attempt_id}"): "training:take",
    ("POST", "/account/tokens"): "signed-in",
    ("POST", "/account/tokens/{token_id}/revoke"): "signed-in",
    ("POST", "/account/revoke-all"): "signed-in",
    # the investigator workspace (deny tests: tests/care/investigate)
    ("POST", "/investigate/leads/{lead_id}/decision"): (
        "investigation:decide investigation:read"
    ),
    ("POST", "/investigate/operations/{operation_id}/notes"): (
        "investigation:decide investigation:read"
    ),
}

#: The investigator workspace's reads and what each needs. Every workspace route
#: (``/investigate...``) must be here or in PAGE_WRITES: a new one (a picture, a
#: graph's data) fails the walk below until its permission is stated. Refusals of
#: every other role: tests/care/web/test_web_investigate_pages.py and
#: test_web_investigate_images.py (the pictures).
WORKSPACE_READS: dict[tuple[str, str], str] = {
    ("GET", "/investigate"): "investigation:read",
    ("GET", "/investigate/operations/{operation_id}"): "investigation:read",
    ("GET", "/investigate/leads"): "investigation:read",
    ("GET", "/investigate/leads/{lead_id}"): "investigation:read",
    ("GET", "/investigate/leads/{lead_id}/handoff"): "investigation:read",
    ("GET", "/investigate/leads/{lead_id}/handoff.json"): "investigation:read",
    ("GET", "/investigate/images/{sha256}"): "investigation:read",
}

#: API and FHIR routes that act on the caller's own sign-in (no record of anyone else),
#: covered by tests/care/test_auth.py and test_tokens.py instead of the matrix.
OWN_SESSION_ROUTES = {
    ("POST", "/api/v1/auth/login"),
    ("POST", "/api/v1/auth/logout"),
    ("DELETE", "/api/v1/auth/tokens/{token_id}"),
    ("POST", "/api/v1/auth/revoke-all"),
    ("POST", "/fhir/auth/token"),  # a partner system's own client credentials
}

#: FHIR routes open to one kind of caller only (a partner system's client, the asker of
#: an export), whose refusals of everyone else are tested beside the route (the file
#: named).
PARTNER_SYSTEM_ROUTES = {
    ("POST", "/fhir"): "tests/care/fhir/test_fhir_inbound.py",
    # a bulk export belongs to the one who asked for it
    ("DELETE", "/fhir/$export-status/{key}"): "tests/care/fhir/test_fhir_bulk.py",
}

#: Posts that change nothing (a form answered with a page): no audit event.
READ_ONLY_POSTS = {
    ("POST", "/decision-aid"),  # the decision aid stores nothing
    ("POST", "/notes/preview"),  # highlights a draft note, stores nothing
}

_UNSAFE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
#: The Auditor methods that end a unit of work (event and change together).
_AUDIT_COMMITS = ("commit", "commit_on", "commit_all")


def _app_routes(tmp_path: Any) -> list[tuple[str, str, Any, Any]]:
    """(method, path, endpoint, dependant) of every route of the full app: API,
    FHIR, pages and the installed plugins (the program reports)."""
    from fastapi.routing import iter_route_contexts

    from nowrongdoor.care.app import create_app, installed_plugins
    from nowrongdoor.care.db import Database
    from nowrongdoor.settings import build_settings

    settings = build_settings(env={}, data_dir=tmp_path, environment="test")
    assert installed_plugins(), "the reports plugin entry point is not installed"
    app = create_app(settings, database=Database(settings))
    out = []
    for route in iter_route_contexts(app.routes):
        if route.endpoint is None or not hasattr(route, "dependant"):
            continue  # static files, the OpenAPI document
        for method in sorted(route.methods or ()):
            out.append((method, str(route.path), route.endpoint, route.dependant))
    return out


def _fhir_matrix_rows() -> set[tuple[str, str]]:
    import importlib.util
    import sys
    from pathlib import Path

    here = Path(__file__).parent / "fhir"
    sys.path.insert(0, str(here))
    try:
        spec = importlib.util.spec_from_file_location(
            "_fhir_matrix_rows", here / "test_fhir_authz_matrix.py"
        )
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = module  # dataclasses look their module up
        spec.loader.exec_module(module)
    finally:
        sys.path.remove(str(here))
        sys.modules.pop("_fhir_matrix_rows", None)
    return {(r.method, r.path) for r in module.ROUTES}


def _needed(dependant: Any) -> str:
    """The permissions a route's dependencies check (``needs``,
    ``require_permission``), or ``signed-in`` / ``anyone``."""
    from nowrongdoor.care.api.deps import get_identity
    from nowrongdoor.care.web._session import page_ctx

    found: set[str] = set()
    signed_in = False
    todo = list(dependant.dependencies)
    while todo:
        dep = todo.pop()
        todo.extend(dep.dependencies)
        call = dep.call
        if call in (get_identity, page_ctx):
            signed_in = True
        if call is None or not call.__closure__:
            continue
        values = [c.cell_contents for c in call.__closure__]
        cells = dict(zip(call.__code__.co_freevars, values, strict=True))
        found.update(cells.get("permissions", ()))
        if "permission" in cells:
            found.add(cells["permission"])
    if found:
        return " ".join(sorted(found))
    return "signed-in" if signed_in else "anyone"


def _calls_audit_commit(func: Any) -> bool:
    """Whether ``func``, or a care function it calls or hands on, commits
    through the audit unit of work (:data:`_AUDIT_COMMITS`)."""
    import ast
    import inspect
    import textwrap

    seen: set[Any] = set()
    todo = [func]
    while todo:
        target = inspect.unwrap(todo.pop())
        if target in seen:
            continue
        seen.add(target)
        names = {**target.__globals__, **inspect.getclosurevars(target).nonlocals}
        tree = ast.parse(textwrap.dedent(inspect.getsource(target)))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                f = node.func
                if isinstance(f, ast.Attribute) and f.attr in _AUDIT_COMMITS:
                    owner = f.value
                    if (isinstance(owner, ast.Name) and "audit" in owner.id) or (
                        isinstance(owner, ast.Attribute) and owner.attr == "audit"
                    ):
                        return True
                if isinstance(f, ast.Attribute) and f.attr == "render":
                    # a page's read, committed as it renders: render(read=Read(..))
                    for k in node.keywords:
                        v = k.value
                        if k.arg == "read" and isinstance(v, ast.Call):
                            if isinstance(v.func, ast.Name) and v.func.id == "Read":
                                return True
            elif isinstance(node, ast.Name):
                # a care function called or handed on (run in a worker thread)
                callee = names.get(node.id)
                if inspect.isfunction(callee) and callee.__module__.startswith(
                    "nowrongdoor.care."
                ):
                    todo.append(callee)
    return False


def test_every_state_changing_route_is_in_a_matrix(tmp_path: Any) -> None:
    api_rows = {(r.method, "/api/v1" + r.path.split("?")[0]) for r in ROUTES}
    fhir_rows = _fhir_matrix_rows()
    missing: list[str] = []
    pages: dict[tuple[str, str], str] = {}
    for method, path, _endpoint, dependant in _app_routes(tmp_path):
        if method not in _UNSAFE_METHODS:
            continue
        key = (method, path)
        if path.startswith("/api/"):
            # matrix rows name records ({sent_referral_id}); routes name params
            shaped = {
                (m, p) for m, p in api_rows if m == method and _same_shape(p, path)
            }
            if not shaped and key not in OWN_SESSION_ROUTES:
                missing.append(f"{method} {path} (tests/care/test_authz_matrix.py)")
        elif path == "/fhir" or path.startswith(("/fhir/", "/hsds/")):
            if key in PARTNER_SYSTEM_ROUTES:
                continue
            if key not in OWN_SESSION_ROUTES and not any(
                m == method and _same_shape(p, path) for m, p in fhir_rows
            ):
                missing.append(f"{method} {path} (test_fhir_authz_matrix.py)")
        else:
            pages[key] = _needed(dependant)
    assert not missing, "state-changing routes missing from a matrix: " + ", ".join(
        missing
    )
    assert pages == PAGE_WRITES, (
        "the state-changing pages or the permissions they check changed: "
        f"new or changed {sorted(set(pages.items()) - set(PAGE_WRITES.items()))}, "
        f"gone {sorted(set(PAGE_WRITES.items()) - set(pages.items()))}"
    )


def _same_shape(row: str, route: str) -> bool:
    """A matrix row's path and a route path agree but for parameter names."""
    import re

    def shape(path: str) -> str:
        return re.sub(r"\{[^}]+\}", "{}", path)

    return shape(row) == shape(route)


def test_every_state_changing_route_commits_with_an_audit_event(
    tmp_path: Any,
) -> None:
    """The one unit of work: each state-changing route or page ends its
    transaction with ``audit.commit`` (the event and the change together), and
    no route or page module commits a session by itself."""
    import ast
    import inspect
    import sys

    silent: list[str] = []
    modules: set[str] = set()
    for method, path, endpoint, _dependant in _app_routes(tmp_path):
        if endpoint.__module__.startswith("nowrongdoor."):
            modules.add(endpoint.__module__)
        if method not in _UNSAFE_METHODS or (method, path) in READ_ONLY_POSTS:
            continue
        if not _calls_audit_commit(endpoint):
            where = f"{endpoint.__module__}.{endpoint.__name__}"
            silent.append(f"{method} {path} ({where})")
    assert not silent, "state-changing routes with no audit.commit: " + ", ".join(
        silent
    )
    direct: list[str] = []
    for name in sorted(modules):
        tree = ast.parse(inspect.getsource(sys.modules[name]))
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in ("commit", "rollback")
                and "session" in ast.unparse(node.func.value)
            ):
                direct.append(f"{name}:{node.lineno}")
    assert not direct, "routes or pages that commit a session directly: " + str(direct)


def test_every_workspace_route_is_registered(tmp_path: Any) -> None:
    """Each investigator workspace route is in WORKSPACE_READS or PAGE_WRITES
    with the permissions it checks: only ``investigation:*`` reaches it."""
    found = {
        (method, path): _needed(dependant)
        for method, path, _endpoint, dependant in _app_routes(tmp_path)
        if path == "/investigate" or path.startswith("/investigate/")
    }
    reads = {k: v for k, v in found.items() if k[0] not in _UNSAFE_METHODS}
    writes = {k: v for k, v in found.items() if k[0] in _UNSAFE_METHODS}
    assert reads == WORKSPACE_READS, (
        f"new or changed {sorted(set(reads.items()) - set(WORKSPACE_READS.items()))}, "
        f"gone {sorted(set(WORKSPACE_READS.items()) - set(reads.items()))}"
    )
    assert writes == {k: v for k, v in PAGE_WRITES.items() if "investigate" in k[1]}
    assert all(
        perm.startswith("investigation:")
        for needed in found.values()
        for perm in needed.split()
    )
