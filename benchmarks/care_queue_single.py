"""Benchmark: one user's work queue and directory search requests, with SQL time.

The companion of ``care_queue.py`` that is less sensitive to a busy machine:
the same plan-size PostgreSQL database (``care_queue.seed``, then ``VACUUM
ANALYZE``) in a throwaway database, the app in process (FastAPI test client),
and ``--requests`` random requests of each scenario sent one at a time. An
engine event times every SQL statement. It prints per scenario the wall and
process CPU time per request, the SQL time per request and the number of
statements, and the statements that took the most time.

Usage::

    PYTHONPATH=src .venv/bin/python benchmarks/care_queue_single.py
"""

from __future__ import annotations

import argparse
import collections
import os
import random
import tempfile
import time
import warnings
from pathlib import Path
from typing import Any

from _care_load import SECRET
from _care_load import pg_database as _pg_database
from care_queue import PASSWORD, _queue_path, _search_path, seed
from sqlalchemy import event, select

from nowrongdoor.care.app import create_app
from nowrongdoor.care.db import Database
from nowrongdoor.care.migrate import upgrade
from nowrongdoor.care.models import User
from nowrongdoor.care.security import create_api_token
from nowrongdoor.settings import build_settings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--persons", type=int, default=10_000)
    parser.add_argument("--items", type=int, default=20_000)
    parser.add_argument("--services", type=int, default=5_000)
    parser.add_argument("--requests", type=int, default=40, help="per scenario")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    warnings.simplefilter("ignore", DeprecationWarning)
    from fastapi.testclient import TestClient

    url, drop = _pg_database()
    settings = build_settings(
        env={
            "NOWRONGDOOR_COOKIE_SECURE": "false",
            "NOWRONGDOOR_LOGIN_RATE_PER_MINUTE": "1000",
        },
        environment="test",
        data_dir=Path(tempfile.mkdtemp(prefix="nwd-bench-")),
        database_url=url,
        secret_key=SECRET,
    )
    db = Database(settings)
    try:
        upgrade(db.engine)
        seed(db, args.persons, args.items, args.services, random.Random(args.seed))
        with db.session() as s:
            cm = s.scalars(select(User).where(User.username == "cm0")).one()
            token, _ = create_api_token(s, user=cm, name="single")
            s.commit()
        client = TestClient(create_app(settings, database=db), base_url="http://t")
        stats: dict[str, list[float]] = collections.defaultdict(lambda: [0, 0.0])

        def before(_c: Any, _cur: Any, _st: str, _p: Any, ctx: Any, _m: Any) -> None:
            ctx.nwd_started = time.perf_counter()

        def after(
            _c: Any, _cur: Any, statement: str, _p: Any, ctx: Any, _m: Any
        ) -> None:
            key = " ".join(statement.split())[:60]
            stats[key][0] += 1
            stats[key][1] += time.perf_counter() - ctx.nwd_started

        event.listen(db.engine, "before_cursor_execute", before)
        event.listen(db.engine, "after_cursor_execute", after)
        load = " / ".join(f"{x:.2f}" for x in os.getloadavg())
        print(f"one user at a time, {args.requests} requests each; load average {load}")
        for name, user in (
            ("queue supervisor", "sup"),
            ("queue care mgr", "cm0"),
            ("directory search", ""),
        ):
            rng = random.Random(args.seed)
            headers = {"Authorization": f"Bearer {token}"} if not user else {}
            if user:
                client.cookies.clear()
                client.post(
                    "/api/v1/auth/login", json={"username": user, "password": PASSWORD}
                ).raise_for_status()
            paths = [
                _queue_path(rng, user != "sup") if user else _search_path(rng)
                for _ in range(args.requests + 5)
            ]
            for path in paths[:5]:  # warm-up
                client.get(path, headers=headers)
            stats.clear()
            cpu, wall = time.process_time(), time.perf_counter()
            for path in paths[5:]:
                if client.get(path, headers=headers).status_code != 200:
                    raise SystemExit(f"{path} failed")
            n = args.requests
            sql = sum(v[1] for v in stats.values())
            elapsed = time.perf_counter() - wall
            print(
                f"{name:<17} wall {1000 * elapsed / n:6.1f} ms/req, "
                f"CPU {1000 * (time.process_time() - cpu) / n:5.1f} ms/req, SQL "
                f"{1000 * sql / n:5.1f} ms/req in "
                f"{sum(v[0] for v in stats.values()) / n:.1f} statements"
            )
            for key, (count, total) in sorted(stats.items(), key=lambda kv: -kv[1][1])[
                :3
            ]:
                print(f"    {count / n:4.1f}x {1000 * total / n:6.1f} ms/req  {key}")
    finally:
        db.dispose()
        drop()


if __name__ == "__main__":
    main()
