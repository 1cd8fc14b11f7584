"""Benchmark: the work queue and the partner directory search at a plan's size.

One run:

1. a throwaway PostgreSQL database (``nwd_bench_<uuid>`` on 127.0.0.1:5432,
   dropped afterwards) is migrated and filled in bulk: ``--persons`` persons
   (encrypted names), ``--items`` work queue items (new intakes from every door;
   a third owned by care managers, the rest waiting in the four teams' pools and
   the supervisors' pool) with a risk flag for each claims-flag person (tier,
   score, age; 5 % 42 CFR Part 2) and a screening for a quarter of the persons,
   and ``--services`` partner services of ``--services / 10`` organisations
   (names, descriptions and eligibility from a care vocabulary, one to three
   taxonomy terms each), indexed by the migrations' full-text triggers;
2. the service is started as a separate process (``nowrongdoor serve``, pages
   included, ``--workers`` uvicorn processes) on 127.0.0.1;
3. ``--users`` simulated users (closed loop: each sends its next request when
   the last one is answered) run each scenario for ``--seconds`` seconds:
   * ``baseline``: ``GET /api/v1/health`` (no database) - the HTTP stack alone,
     measured in the same run;
   * ``queue supervisor``: the ``/queue`` page of the supervisor (everyone's
     items), a random filter (whose, door, tier, age band, or none) and sort
     (priority, oldest, newest, score) each time, random page of the first 5;
   * ``queue care mgr``: a care manager's ``/queue`` (own items and the team's
     pool), random filter and sort likewise;
   * ``directory search``: a care manager's ranked full-text search
     ``GET /api/v1/partners/services?q=`` of one or two random care words
     (half of them with an age), one page of 50 with the total.

It prints per scenario the requests answered, p50/p95/p99 latency, errors, the
p95 as a ratio to the baseline's, and whether the target (p95 under
``--target-p95-ms``, zero errors) was met.

Usage::

    .venv/bin/python benchmarks/care_queue.py                  # plan size
    .venv/bin/python benchmarks/care_queue.py --persons 1000 --items 2000 \
        --services 500 --seconds 5                             # quick look
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import random
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
from _care_load import SECRET, RawClient, Result, plan_staff
from _care_load import free_port as _free_port
from _care_load import pg_database as _pg_database
from sqlalchemy import insert, select, text

from nowrongdoor.care.crud import new_pseudonym, refresh_queue_keys
from nowrongdoor.care.db import Database
from nowrongdoor.care.migrate import upgrade
from nowrongdoor.care.models import (
    Intake,
    Organization,
    PartnerService,
    Person,
    RiskFlag,
    Screening,
)
from nowrongdoor.care.rbac import SUPERVISORS_POOL
from nowrongdoor.care.security import create_api_token, hash_password
from nowrongdoor.settings import build_settings

PASSWORD = "benchmark password"
TEAMS = ("north", "south", "east", "west")
DOORS = (
    "claims_flag",
    "claims_flag",
    "claims_flag",
    "hospital",
    "teacher",
    "self",
    "law_enforcement",
    "ad_match",
)
TIERS = ("critical", "high", "elevated", "medium")
WORDS = (
    "shelter housing youth emergency beds legal aid immigration counselling "
    "trauma therapy medical clinic advocacy survivor case management food "
    "transport language interpretation employment training school family "
    "substance recovery mental health crisis hotline safety planning dental "
    "child women men lgbtq refugee court accompaniment outreach drop-in"
).split()
TAXONOMY = (
    "trafficking_housing",
    "domestic violence shelters",
    "child advocacy centers",
    "behavioral health providers and agencies",
    "victim advocates",
    "legal services",
    "medical care",
    "substance use treatment",
)


def seed(
    db: Database, persons: int, items: int, services: int, rng: random.Random
) -> dict[str, Any]:
    """Fill the database in bulk; returns the users' names and a token."""
    cipher = db.cipher
    now = dt.datetime.now(dt.UTC)
    with db.session() as s:
        plan = Organization(name="Bench plan", kind="plan")
        s.add(plan)
        s.flush()
        managers, sup = plan_staff(plan.id, hash_password(PASSWORD), list(TEAMS))
        s.add_all([*managers, sup])
        s.flush()
        token, _ = create_api_token(s, user=managers[0], name="bench")
        plan_id, manager_ids = plan.id, [m.id for m in managers]
        teams = {m.id: m.team for m in managers}
    batch = 2000
    with db.engine.begin() as conn:
        rows = []
        for i in range(persons):
            birth_year = now.year - rng.choice(
                [rng.randint(10, 17), rng.randint(18, 60)]
            )
            rows.append(
                {
                    "pseudonym": new_pseudonym(),
                    "organization_id": plan_id,
                    "owner_id": None,
                    "pool_team": rng.choice(TEAMS),
                    "given_name": f"Given{i}",
                    "family_name": f"Family{i}",
                    "given_name_bidx": cipher.blind_index(f"Given{i}"),
                    "family_name_bidx": cipher.blind_index(f"Family{i}"),
                    "birth_year": birth_year if rng.random() < 0.8 else None,
                    "do_not_contact": False,
                    "created_at": now,
                    "updated_at": now,
                }
            )
        for k in range(0, len(rows), batch):
            conn.execute(insert(Person), rows[k : k + batch])
        person_ids = list(conn.execute(select(Person.id).order_by(Person.id)).scalars())
        flags = [
            {
                "person_id": pid,
                "organization_id": plan_id,
                "source": "bench",
                "tier": rng.choice(TIERS),
                "score": round(rng.random(), 3),
                "age": rng.randint(10, 60),
                "sensitivity": "part2" if rng.random() < 0.05 else "normal",
                "reviewed": False,
                "imported_at": now,
            }
            for pid in person_ids
            if rng.random() < 0.6
        ]
        for k in range(0, len(flags), batch):
            conn.execute(insert(RiskFlag), flags[k : k + batch])
        screenings = [
            {
                "person_id": pid,
                "instrument_id": "cst6",
                "positive": rng.random() < 0.4,
                "questionnaire_response": {},
                "result": {},
                "sensitivity": "normal",
                "performed_at": now,
            }
            for pid in rng.sample(person_ids, len(person_ids) // 4)
        ]
        for k in range(0, len(screenings), batch):
            conn.execute(insert(Screening), screenings[k : k + batch])
        intakes = []
        for _ in range(items):
            owned = rng.random() < 0.33
            owner = rng.choice(manager_ids) if owned else None
            door = rng.choice(DOORS)
            pool = (
                None
                if owned or door == "ad_match"
                else rng.choice([*TEAMS, SUPERVISORS_POOL])
            )
            intakes.append(
                {
                    "person_id": rng.choice(person_ids),
                    "organization_id": plan_id,
                    "owner_id": owner,
                    "pool_team": pool if not owned else None,
                    "door": door,
                    "status": "new",
                    "received_at": now
                    - dt.timedelta(minutes=rng.randint(0, 60 * 24 * 30)),
                }
            )
        for k in range(0, len(intakes), batch):
            conn.execute(insert(Intake), intakes[k : k + batch])
        orgs = [
            {
                "name": f"{rng.choice(WORDS).title()} {rng.choice(WORDS)} partner {i}",
                "kind": "partner",
                "created_at": now,
            }
            for i in range(max(1, services // 10))
        ]
        conn.execute(insert(Organization), orgs)
        org_ids = list(
            conn.execute(
                select(Organization.id).where(Organization.kind == "partner")
            ).scalars()
        )
        service_rows = []
        for i in range(services):
            low = rng.choice([None, 0, 12, 18])
            service_rows.append(
                {
                    "organization_id": rng.choice(org_ids),
                    "name": " ".join(rng.sample(WORDS, 3)).capitalize() + f" {i}",
                    "description": " ".join(rng.choices(WORDS, k=25)) + ".",
                    "eligibility": " ".join(rng.choices(WORDS, k=6)),
                    "status": "active",
                    "minimum_age": low,
                    "maximum_age": None
                    if low is None
                    else low + rng.choice([6, 12, 80]),
                    "service_types": "|"
                    + "|".join(rng.sample(TAXONOMY, rng.randint(1, 3)))
                    + "|",
                    "imported_at": now,
                }
            )
        for k in range(0, len(service_rows), batch):
            conn.execute(insert(PartnerService), service_rows[k : k + batch])
    with db.session() as s:  # bulk inserts bypass the ORM hook keeping these
        refresh_queue_keys(s, year=now.year)
        s.commit()
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
        c.execute(text("VACUUM ANALYZE"))  # as autovacuum would after a bulk load
    return {
        "token": token,
        "managers": [f"cm{i}" for i in range(20)],
        "teams": teams,
    }


def _login(base: str, username: str) -> str:
    """A session cookie header for ``username`` (signed in through the API)."""
    r = httpx.post(
        f"{base}/api/v1/auth/login",
        json={"username": username, "password": PASSWORD},
        timeout=30,
    )
    r.raise_for_status()
    return "; ".join(f"{k}={v}" for k, v in r.cookies.items())


def _queue_path(rng: random.Random, care_manager: bool) -> str:
    whose = rng.choice(
        ["mine_pool", "mine", "pool"] if care_manager else ["all", "pool", "mine_pool"]
    )
    params = [
        f"whose={whose}",
        f"sort={rng.choice(['priority', 'oldest', 'newest', 'score'])}",
    ]
    extra = rng.choice(["", "door", "tier", "band"])
    if extra == "door":
        params.append(f"door={rng.choice(DOORS)}")
    elif extra == "tier":
        params.append(f"tier={rng.choice(TIERS)}")
    elif extra == "band":
        params.append(f"band={rng.choice(['12-17', '18-24', '25-44'])}")
    params.append(f"page={rng.randint(1, 5)}")
    return "/queue?" + "&".join(params)


def _search_path(rng: random.Random) -> str:
    words = "+".join(rng.sample(WORDS, rng.choice([1, 2])))
    age = f"&age={rng.randint(10, 40)}" if rng.random() < 0.5 else ""
    return f"/api/v1/partners/services?q={words}{age}&limit=50"


async def _closed_loop(
    name: str,
    client: RawClient,
    make: Callable[[random.Random], tuple[str, dict[str, str]]],
    users: int,
    seconds: float,
    seed_value: int,
) -> Result:
    latencies: list[float] = []
    errors = 0
    deadline = time.perf_counter() + seconds

    async def user(n: int) -> None:
        nonlocal errors
        rng = random.Random(seed_value * 100 + n)
        while time.perf_counter() < deadline:
            path, headers = make(rng)
            t = time.perf_counter()
            try:
                status, _ = await client.request("GET", path, headers, None)
            except (OSError, asyncio.IncompleteReadError):
                status = 0
            latencies.append(time.perf_counter() - t)
            if status != 200:
                errors += 1

    started = time.perf_counter()
    await asyncio.gather(*(user(n) for n in range(users)))
    return Result(
        name, len(latencies), time.perf_counter() - started, latencies, errors
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--persons", type=int, default=10_000)
    parser.add_argument("--items", type=int, default=20_000)
    parser.add_argument("--services", type=int, default=5_000)
    parser.add_argument("--users", type=int, default=8, help="concurrent users")
    parser.add_argument("--seconds", type=float, default=20.0, help="per scenario")
    parser.add_argument("--workers", type=int, default=2, help="uvicorn processes")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--target-p95-ms", type=float, default=300.0)
    args = parser.parse_args()

    url, drop = _pg_database()
    dbname = url.rsplit("/", 1)[-1]
    tmp = Path(tempfile.mkdtemp(prefix="nwd-bench-"))
    settings = build_settings(
        env={}, environment="test", data_dir=tmp, database_url=url, secret_key=SECRET
    )
    db = Database(settings)
    server: subprocess.Popen[bytes] | None = None
    try:
        t = time.perf_counter()
        upgrade(db.engine)
        fx = seed(db, args.persons, args.items, args.services, random.Random(args.seed))
        print(
            f"seeded {args.persons:,} persons, {args.items:,} queue items and "
            f"{args.services:,} partner services in {time.perf_counter() - t:.1f} s "
            f"(database {dbname})"
        )
        port = _free_port()
        env = {
            **os.environ,
            "NOWRONGDOOR_DATABASE_URL": url,
            "NOWRONGDOOR_SECRET_KEY": SECRET,
            "NOWRONGDOOR_ENVIRONMENT": "test",
            "NOWRONGDOOR_DATA_DIR": str(tmp),
            "NOWRONGDOOR_LOG_LEVEL": "WARNING",
            "NOWRONGDOOR_COOKIE_SECURE": "false",
            "NOWRONGDOOR_LOGIN_RATE_PER_MINUTE": "1000",
        }
        server = subprocess.Popen(
            [
                str(Path(sys.executable).with_name("nowrongdoor")),
                "serve",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--workers",
                str(args.workers),
            ],
            env=env,
        )
        base = f"http://127.0.0.1:{port}"
        for _ in range(450):  # up to 90 s on a busy machine
            try:
                if httpx.get(f"{base}/api/v1/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        else:
            raise SystemExit("the service did not start")
        sup_cookie = _login(base, "sup")
        cm_cookies = [_login(base, name) for name in fx["managers"][: args.users]]
        bearer = {"Authorization": f"Bearer {fx['token']}"}

        def health(_rng: random.Random) -> tuple[str, dict[str, str]]:
            return "/api/v1/health", {}

        def queue_sup(rng: random.Random) -> tuple[str, dict[str, str]]:
            return _queue_path(rng, False), {"Cookie": sup_cookie}

        def queue_cm(rng: random.Random) -> tuple[str, dict[str, str]]:
            return _queue_path(rng, True), {"Cookie": rng.choice(cm_cookies)}

        def search(rng: random.Random) -> tuple[str, dict[str, str]]:
            return _search_path(rng), bearer

        scenarios = {
            "baseline": health,
            "queue supervisor": queue_sup,
            "queue care mgr": queue_cm,
            "directory search": search,
        }
        load_before = " / ".join(f"{x:.2f}" for x in os.getloadavg())
        results: list[Result] = []

        async def run_all() -> None:
            client = RawClient("127.0.0.1", port, args.users)
            for warm in (queue_cm, search):
                await _closed_loop("warm-up", client, warm, args.users, 2, args.seed)
            for name, make in scenarios.items():
                results.append(
                    await _closed_loop(
                        name, client, make, args.users, args.seconds, args.seed
                    )
                )

        asyncio.run(run_all())
        baseline = results[0]
        print(
            f"\nclosed loop: {args.users} concurrent users, {args.seconds:.0f} s per "
            f"scenario; service: a separate process ({args.workers} uvicorn "
            f"worker(s)); PostgreSQL; {os.cpu_count()} CPU(s); load average before "
            f"the run {load_before}"
        )
        head = (
            f"{'scenario':<18} {'answered':>8} {'req/s':>7} {'p50 ms':>8} "
            f"{'p95 ms':>8} {'p99 ms':>8} {'errors':>6}   p95 vs baseline"
        )
        print(head)
        print("-" * len(head))
        for r in results:
            print(
                f"{r.name:<18} {r.sent:8d} {r.throughput:7.1f} {r.pct(50):8.1f} "
                f"{r.pct(95):8.1f} {r.pct(99):8.1f} {r.errors:6d}   "
                f"{r.pct(95) / baseline.pct(95):6.1f}x"
            )
        for r in results[1:]:
            met = r.pct(95) < args.target_p95_ms and r.errors == 0
            print(
                f"target (p95 < {args.target_p95_ms:.0f} ms with {args.users} users, "
                f"0 errors) {r.name}: {'met' if met else 'MISSED'}"
            )
    finally:
        if server is not None:
            server.terminate()
            try:
                server.wait(timeout=15)
            except subprocess.TimeoutExpired:
                server.kill()
        db.dispose()
        drop()


if __name__ == "__main__":
    main()
