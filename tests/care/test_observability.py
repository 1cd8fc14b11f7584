"""Probes, JSON logs without person data, and Prometheus metrics."""

from __future__ import annotations

import io
import json
import logging
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families
from selectolax.lexbor import LexborHTMLParser as HTMLParser
from sqlalchemy import select

from _net import free_port
from nowrongdoor.care.app import create_app
from nowrongdoor.care.db import Database
from nowrongdoor.care.migrate import downgrade, upgrade
from nowrongdoor.care.models import Case, Person
from nowrongdoor.care.observability import configure_logging
from nowrongdoor.care.seed import DEMO_PASSWORD, seed_demo

LOCAL = ("127.0.0.1", 40000)


def _families(text: str) -> dict[str, Any]:
    return {f.name: f for f in text_string_to_metric_families(text)}


# --- probes ---------------------------------------------------------------------


def test_healthz_and_readyz_when_ready(db: Database) -> None:
    client = TestClient(create_app(db.settings, database=db, include_web=False))
    assert client.get("/healthz").json() == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200, ready.text
    assert ready.json() == {"status": "ready"}


def test_readyz_503_when_schema_behind(tmp_path: Path, settings_for: Any) -> None:
    settings = settings_for(tmp_path, f"sqlite:///{tmp_path / 'behind.db'}")
    db = Database(settings)
    try:
        client = TestClient(create_app(settings, database=db, include_web=False))
        empty = client.get("/readyz")
        assert empty.status_code == 503
        assert "empty" in empty.json()["reason"]
        upgrade(db.engine)
        assert client.get("/readyz").status_code == 200
        downgrade(db.engine, "-1")
        behind = client.get("/readyz")
        assert behind.status_code == 503
        assert "code expects" in behind.json()["reason"]
        assert client.get("/healthz").status_code == 200
    finally:
        db.dispose()


def test_readyz_503_when_database_unreachable(
    tmp_path: Path, settings_for: Any
) -> None:
    url = "postgresql+psycopg://postgres@127.0.0.1:1/nowhere?connect_timeout=2"
    settings = settings_for(tmp_path, url)
    db = Database(settings)
    try:
        client = TestClient(create_app(settings, database=db, include_web=False))
        r = client.get("/readyz")
        assert r.status_code == 503
        assert r.json()["reason"].startswith("database unreachable")
        assert "127.0.0.1" not in r.json()["reason"]
    finally:
        db.dispose()


# --- metrics --------------------------------------------------------------------


def test_metrics_scraped_and_parsed(db: Database, world: Any, records: Any) -> None:
    rec = records("a")
    app = create_app(db.settings, database=db, include_web=False)
    client = TestClient(app, client=LOCAL, raise_server_exceptions=False)
    cm = world.headers("cm_a")
    assert client.get(f"/api/v1/persons/{rec.person_id}", headers=cm).status_code == 200
    bad = client.post(
        "/api/v1/auth/login", json={"username": "cm.a", "password": "wrong password!"}
    )
    assert bad.status_code == 401
    created = client.post("/api/v1/persons", json={"given_name": "Teodora"}, headers=cm)
    assert created.status_code == 201

    scrape = client.get("/metrics")
    assert scrape.status_code == 200
    assert scrape.headers["content-type"].startswith("text/plain")
    fams = _families(scrape.text)

    latency = fams["nowrongdoor_http_request_duration_seconds"]
    counts = {
        (s.labels["method"], s.labels["route"], s.labels["status"]): s.value
        for s in latency.samples
        if s.name.endswith("_count")
    }
    assert counts[("GET", "/api/v1/persons/{person_id}", "200")] >= 1
    assert counts[("POST", "/api/v1/persons", "201")] >= 1
    # route templates only: never a raw path with an id in it
    assert not [r for _m, r, _s in counts if re.search(r"/\d+(/|$)", r)]

    failures = {
        s.labels["reason"]: s.value
        for s in fams["nowrongdoor_login_failures"].samples
        if s.name.endswith("_total")
    }
    assert failures["invalid_credentials"] >= 1

    appends = [
        s.value
        for s in fams["nowrongdoor_audit_append_seconds"].samples
        if s.name.endswith("_count")
    ]
    assert appends and appends[0] >= 1  # the person creation was audited
    assert "nowrongdoor_db_pool_connections_in_use" in fams
    pool = fams["nowrongdoor_db_pool_connections_in_use"].samples[0].value
    assert pool >= 0


def test_metrics_only_for_allowed_addresses_or_token(
    tmp_path: Path, settings_for: Any
) -> None:
    settings = settings_for(
        tmp_path,
        f"sqlite:///{tmp_path / 'm.db'}",
        metrics_token="scrape-token-for-tests",
        metrics_allow=["10.0.0.0/8"],
    )
    db = Database(settings)
    try:
        app = create_app(settings, database=db, include_web=False)
        outsider = TestClient(app, client=("192.0.2.7", 5000))
        assert outsider.get("/metrics").status_code == 403
        wrong = {"Authorization": "Bearer not-the-token"}
        assert outsider.get("/metrics", headers=wrong).status_code == 403
        right = {"Authorization": "Bearer scrape-token-for-tests"}
        assert outsider.get("/metrics", headers=right).status_code == 200
        inside = TestClient(app, client=("10.1.2.3", 5000))
        assert inside.get("/metrics").status_code == 200
        local = TestClient(app, client=LOCAL)  # not in this allow list
        assert local.get("/metrics").status_code == 403
    finally:
        db.dispose()


# --- logs -----------------------------------------------------------------------


@pytest.fixture
def captured_logs(tmp_path: Path, settings_for: Any) -> Iterator[io.StringIO]:
    """Every log record of the process as JSON lines, at DEBUG level."""
    root = logging.getLogger()
    saved = (list(root.handlers), root.level)
    buf = io.StringIO()
    settings = settings_for(tmp_path, "sqlite://", log_level="DEBUG")
    configure_logging(settings, stream=buf)
    yield buf
    for handler in list(root.handlers):
        root.removeHandler(handler)
    for handler in saved[0]:
        root.addHandler(handler)
    root.setLevel(saved[1])


def _person_values(db: Database) -> set[str]:
    values: set[str] = set()
    with db.session() as s:
        for p in s.scalars(select(Person)):
            for v in (p.given_name, p.family_name, p.birth_date, p.member_id):
                if v:
                    values.add(str(v))
            for v in (p.contacts or {}).values():
                if isinstance(v, str) and v:
                    values.add(v)
                    digits = re.sub(r"\D", "", v)
                    if len(digits) >= 7:
                        values.add(digits)
    return values


def _csrf(html: str, selector: str, attr: str) -> str:
    node = HTMLParser(html).css_first(selector)
    assert node is not None, selector
    return str(node.attributes[attr])


def test_journey_logs_carry_ids_and_no_person_data(
    tmp_path: Path, settings_for: Any, captured_logs: io.StringIO
) -> None:
    settings = settings_for(tmp_path, f"sqlite:///{tmp_path / 'j.db'}")
    db = Database(settings)
    upgrade(db.engine)
    with db.session() as s:
        report = seed_demo(s, cipher=db.cipher, persons=12)
    cm = next(u for u, role, _o, _p in report.logins if role == "care_manager")
    with db.session() as s:
        person = s.scalars(select(Person).where(Person.given_name.is_not(None))).first()
        assert person is not None
        name, pseudonym = person.given_name, person.pseudonym
        case = s.scalars(select(Case).where(Case.person_id == person.id)).first()
    app = create_app(settings, database=db)
    rids: list[str] = []
    with TestClient(app, follow_redirects=False, raise_server_exceptions=False) as web:

        def call(method: str, url: str, **kw: Any) -> Any:
            r = web.request(method, url, **kw)
            assert r.status_code < 500, (url, r.status_code)
            rids.append(r.headers["x-request-id"])
            return r

        # web pages: sign in, look for a person by name (POST), open records
        page = call("GET", "/login")
        token = _csrf(page.text, "input[name=csrf_token]", "value")
        call(
            "POST",
            "/login",
            data={"username": cm, "password": "wrong!", "csrf_token": token},
        )
        page = call("GET", "/login")
        token = _csrf(page.text, "input[name=csrf_token]", "value")
        signed = call(
            "POST",
            "/login",
            data={"username": cm, "password": DEMO_PASSWORD, "csrf_token": token},
        )
        assert signed.status_code == 303
        home = call("GET", signed.headers["location"])
        csrf = _csrf(home.text, 'meta[name="csrf-token"]', "content")
        call("GET", "/people")
        found = call(
            "POST", "/people", data={"name": name, "q": "", "csrf_token": csrf}
        )
        assert found.status_code == 200
        call("GET", f"/people/{pseudonym}")
        if case is not None:
            call("GET", f"/cases/{case.id}")
        # API: the same session, a search by name in the query string, a new
        # person, and a validation error that echoes person values
        hdr = {"X-CSRF-Token": csrf}
        call("GET", "/api/v1/persons", params={"name": name})
        new = call(
            "POST",
            "/api/v1/persons",
            json={
                "given_name": "Ysolde",
                "family_name": "Brankovic",
                "birth_date": "2009-07-19",
                "contacts": {"phone": "317-555-0199"},
            },
            headers=hdr,
        )
        assert new.status_code == 201, new.text
        call(
            "POST",
            "/api/v1/persons",
            json={"given_name": "Ysolde", "birth_date": "Brankovic 2009-07-19"},
            headers=hdr,
        )
        call("GET", f"/api/v1/persons/{new.json()['id']}")
    values = _person_values(db) | {"Ysolde", "Brankovic", "2009-07-19", "3175550199"}
    db.dispose()

    lines = [json.loads(x) for x in captured_logs.getvalue().splitlines() if x]
    access = {
        line["request_id"]: line
        for line in lines
        if line["logger"] == "nowrongdoor.access"
    }
    assert set(rids) <= set(access), "every request has an access line"
    person_page = next(
        a for a in access.values() if a["route"] == "/people/{pseudonym}"
    )
    assert isinstance(person_page["user_id"], int)
    assert access[rids[0]]["user_id"] is None  # the anonymous login page

    text = captured_logs.getvalue()
    leaked = sorted(
        v for v in values if re.search(rf"(?<![\w-]){re.escape(v)}(?![\w-])", text)
    )
    assert len(values) > 30
    assert leaked == [], f"person values in the logs: {leaked}"


# --- several workers --------------------------------------------------------------


def test_metrics_merge_every_worker_of_serve(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys
    import time

    import httpx

    env = {
        **os.environ,
        "NOWRONGDOOR_ENVIRONMENT": "test",
        "NOWRONGDOOR_DATA_DIR": str(tmp_path),
        "NOWRONGDOOR_SECRET_KEY": "test-secret-key-for-care-tests",
    }
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    cli = [sys.executable, "-m", "nowrongdoor"]
    subprocess.run([*cli, "db", "upgrade"], env=env, check=True, capture_output=True)
    port = free_port()
    proc = subprocess.Popen(
        [*cli, "serve", "--no-web", "--workers", "2", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{base}/readyz", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert proc.poll() is None, "serve exited"
            assert time.monotonic() < deadline, "serve did not become ready"
            time.sleep(0.3)
        with httpx.Client(base_url=base) as http:  # a new connection each time
            for _ in range(12):
                assert http.get("/api/v1/health", headers={"Connection": "close"})
        scrape = httpx.get(f"{base}/metrics", timeout=10)
        assert scrape.status_code == 200
        fams = _families(scrape.text)
        health = [
            s
            for s in fams["nowrongdoor_http_request_duration_seconds"].samples
            if s.name.endswith("_count") and s.labels["route"] == "/api/v1/health"
        ]
        assert sum(s.value for s in health) == 12
        files = list((tmp_path / "metrics").glob("*.db"))
        assert files, "workers write prometheus-client multiprocess files"
    finally:
        proc.terminate()
        _out, err = proc.communicate(timeout=30)
    json_lines = [x for x in err.splitlines() if x.startswith("{")]
    assert json_lines, err[-2000:]
    assert all("level" in json.loads(x) for x in json_lines)
