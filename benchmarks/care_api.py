"""Benchmark: the care API under a bounded load on loopback, against PostgreSQL.

One run:

1. a throwaway PostgreSQL database (``nwd_bench_<uuid>`` on 127.0.0.1:5432,
   dropped afterwards; or ``--database-url``) is migrated and filled with a
   realistic synthetic program: ``--persons`` persons (encrypted names, birth
   dates, contacts), one case each with a need, a goal, a note and a task,
   ``--referrals`` referrals (2 per case by default) with their status history;
2. the service is started as a separate process (``nowrongdoor serve``,
   uvicorn, ``--workers`` processes) on 127.0.0.1;
3. each scenario is offered at a fixed rate (``--rate`` requests/s, open loop,
   at most ``--concurrency`` in flight) for ``--seconds`` seconds:
   * ``baseline``: ``GET /api/v1/health`` (no auth, no database) - the cost of
     the HTTP stack alone, measured in the same run;
   * ``case list``: a supervisor's ``GET /api/v1/cases`` (organisation scope,
     10,000 cases, one page of 50 + total count, audited);
   * ``case detail``: ``GET /api/v1/cases/{id}`` of random cases (person,
     needs, goals, notes, tasks, referrals with history, consent; audited);
   * ``referral update``: a partner moves a different sent referral each time
     (``POST /api/v1/referrals/{id}/status``: scope, transition rules, history
     row, audit event; accepted, then - once every sent referral is accepted -
     in progress, then completed);
   * ``mix``: 50 % list, 30 % detail, 20 % update.
   Every request is authenticated with a bearer token and writes a hash-chained
   audit event (except the health check).

It prints, per scenario, the achieved throughput, p50/p95/p99 latency, errors,
each figure's ratio to the baseline, and whether the target (the offered rate
achieved, p99 under ``--target-p99-ms``, zero errors) was met. Latency is
measured from the scheduled send time (so a backlog shows up as latency, not as
a lower offered rate).

Two other modes:

* ``--in-process N``: no server and no load; each scenario's request is sent N
  times, one after the other, straight into the ASGI app in this process, and
  the CPU milliseconds and SQL statements (round trips: commits and the
  pool's liveness pings included) per request are printed - figures that do
  not depend on the machine's load.
  ``--profile FILE`` also writes cProfile statistics of the case detail there.
* ``--soak SECONDS``: the mix alone at ``--rate`` for SECONDS (bounded: at most
  ``--concurrency`` in flight, loopback only), with p50/p99, errors and the
  service's resident memory per minute; the verdict compares the last minute
  with the first (p99 within ``--soak-p99-pct``, RSS within ``--soak-rss-pct``).

Usage::

    .venv/bin/python benchmarks/care_api.py                      # full size
    .venv/bin/python benchmarks/care_api.py --persons 1000 --seconds 5
    .venv/bin/python benchmarks/care_api.py --in-process 300     # CPU, statements
    .venv/bin/python benchmarks/care_api.py --soak 600 --rate 150
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import os
import random
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from _care_load import (
    SECRET,
    Fixture,
    RawClient,
    Result,
    cpu_of,
    offer,
    pg_database,
    rss_of,
    seed,
    start_server,
    stop_server,
)
from sqlalchemy import event

from nowrongdoor.care.db import Database
from nowrongdoor.care.migrate import upgrade
from nowrongdoor.settings import build_settings

#: The statuses a partner moves a sent referral through, one pass each.
_UPDATE_PASSES = ("accepted", "in_progress", "completed")


def _updates(sent: list[int]) -> Iterator[tuple[int, str]]:
    """(referral id, next status) for every update the run may need."""
    for status in _UPDATE_PASSES:
        for rid in sent:
            yield rid, status


def _scenarios(fx: Fixture, rng: random.Random) -> dict[str, Callable[[int], Any]]:
    sup = {"Authorization": f"Bearer {fx.supervisor_token}"}
    partner = {"Authorization": f"Bearer {fx.partner_token}"}
    queue = _updates(fx.sent_referral_ids)

    def health(_: int) -> Any:
        return "GET", "/api/v1/health", {}, None

    def case_list(i: int) -> Any:
        return "GET", f"/api/v1/cases?limit=50&offset={(i % 20) * 50}", sup, None

    def case_detail(_: int) -> Any:
        return "GET", f"/api/v1/cases/{rng.choice(fx.case_ids)}", sup, None

    def referral_update(_: int) -> Any:
        rid, status = next(queue)
        return "POST", f"/api/v1/referrals/{rid}/status", partner, {"status": status}

    def mix(i: int) -> Any:
        k = i % 10
        if k < 5:
            return case_list(i)
        if k < 8:
            return case_detail(i)
        return referral_update(i)

    return {
        "baseline (health)": health,
        "case list": case_list,
        "case detail": case_detail,
        "referral update": referral_update,
        "mix 50/30/20": mix,
    }


def _load() -> str:
    return " / ".join(f"{x:.2f}" for x in os.getloadavg())


# --- in process: CPU and statements per request ---------------------------------


async def _asgi(
    app: Any, method: str, url: str, headers: dict[str, str], body: Any
) -> int:
    """Send one request straight into the ASGI app; returns the status."""
    import json

    path, _, query = url.partition("?")
    payload = b"" if body is None else json.dumps(body).encode()
    raw = [(k.lower().encode(), v.encode()) for k, v in headers.items()]
    raw += [(b"host", b"127.0.0.1"), (b"content-length", str(len(payload)).encode())]
    if body is not None:
        raw.append((b"content-type", b"application/json"))
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": query.encode(),
        "root_path": "",
        "headers": raw,
        "client": ("127.0.0.1", 40000),
        "server": ("127.0.0.1", 8000),
    }
    sent = False
    status = 0

    async def receive() -> dict[str, Any]:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": payload, "more_body": False}
        await asyncio.sleep(3600)
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = int(message["status"])

    await app(scope, receive, send)
    return status


def _inline_threads() -> None:
    """Run what would go to a worker thread on the event loop's thread instead
    (cProfile sees one thread only; used with ``--profile``)."""
    import anyio.to_thread

    async def run_sync(func: Callable[..., Any], *args: Any, **_: Any) -> Any:
        return func(*args)

    anyio.to_thread.run_sync = run_sync  # type: ignore[assignment]


def in_process(
    db: Database,
    settings: Any,
    fx: Fixture,
    n: int,
    seed_value: int,
    profile: Path | None,
) -> None:
    """CPU ms and SQL statements per request of each scenario, in this process."""
    from nowrongdoor.care.app import create_app

    app = create_app(settings, database=db, include_web=False)
    statements = 0

    def count(*_: Any) -> None:
        nonlocal statements
        statements += 1

    event.listen(db.engine, "before_cursor_execute", count)
    event.listen(db.engine, "commit", count)
    # a liveness ping on checkout (pool_pre_ping, or the pool's own check) runs
    # on the driver's cursor, unseen by the events above: count it here
    dialect = db.engine.dialect
    real_ping = dialect.do_ping

    def counted_ping(dbapi_conn: Any) -> bool:
        count()
        return bool(real_ping(dbapi_conn))

    dialect.do_ping = counted_ping  # type: ignore[method-assign]
    if profile is not None:
        _inline_threads()
    scenarios = _scenarios(fx, random.Random(seed_value))
    print(
        f"\nin process: {n} requests per scenario, one at a time, straight into the "
        f"ASGI app (no HTTP server); load average {_load()}"
    )
    head = (
        f"{'scenario':<18} {'CPU ms/req':>10} {'wall ms/req':>11} "
        f"{'statements/req':>14}"
    )
    print(head)
    print("-" * len(head))

    async def run() -> None:
        nonlocal statements
        for name, make in scenarios.items():
            if name.startswith("mix"):
                continue
            for i in range(max(5, n // 10)):  # warm caches
                await _asgi(app, *make(i))
            profiler = (
                cProfile.Profile(time.process_time)
                if profile and name == "case detail"
                else None
            )
            statements = 0
            cpu, wall = time.process_time(), time.perf_counter()
            if profiler is not None:
                profiler.enable()
            bad = 0
            for i in range(n):
                status = await _asgi(app, *make(i))
                bad += status >= 400
            if profiler is not None:
                profiler.disable()
                profiler.dump_stats(str(profile))
            cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
            note = f"  ({bad} errors)" if bad else ""
            print(
                f"{name:<18} {1000 * cpu / n:10.2f} {1000 * wall / n:11.2f} "
                f"{statements / n:14.1f}{note}"
            )

    asyncio.run(run())
    event.remove(db.engine, "before_cursor_execute", count)
    event.remove(db.engine, "commit", count)
    dialect.do_ping = real_ping  # type: ignore[method-assign]


# --- soak: the mix for a long time, per minute ----------------------------------


async def _soak(
    client: RawClient,
    make: Callable[[int], Any],
    rate: float,
    seconds: float,
    concurrency: int,
    server_pid: int,
) -> list[tuple[int, int, list[float], int]]:
    """Offer ``make`` at ``rate`` for ``seconds``; per minute: (minute, errors,
    latencies, service RSS at the minute's end). Requests are started just in
    time (never more than ``concurrency`` in flight)."""
    minutes = max(1, int(seconds // 60))
    lat: list[list[float]] = [[] for _ in range(minutes)]
    errs = [0] * minutes
    rss = [0] * minutes
    sem = asyncio.Semaphore(concurrency)
    start = time.perf_counter() + 0.05
    total = int(rate * seconds)
    tasks: set[asyncio.Task[None]] = set()

    async def one(i: int, due: float) -> None:
        minute = min(minutes - 1, int((due - start) // 60))
        async with sem:
            method, url, headers, body = make(i)
            try:
                status, _ = await client.request(method, url, headers, body)
                ok = status < 400
            except (OSError, asyncio.IncompleteReadError, ValueError):
                ok = False
            lat[minute].append(time.perf_counter() - due)
            errs[minute] += not ok

    async def sample() -> None:
        for m in range(minutes):
            await asyncio.sleep(max(0.0, start + 60 * (m + 1) - time.perf_counter()))
            rss[m] = rss_of(server_pid)

    sampler = asyncio.create_task(sample())
    for i in range(total):
        due = start + i / rate
        delay = due - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        task = asyncio.create_task(one(i, due))
        tasks.add(task)
        task.add_done_callback(tasks.discard)
    await asyncio.gather(*tasks)
    await sampler
    return [(m + 1, errs[m], lat[m], rss[m]) for m in range(minutes)]


def soak(args: argparse.Namespace, fx: Fixture, port: int, server_pid: int) -> None:
    """Run the soak and print the per-minute table and the verdict."""
    rng = random.Random(args.seed)
    make = _scenarios(fx, rng)["mix 50/30/20"]
    load_before = _load()
    cpu_before = cpu_of(server_pid, "")[0]
    rss_start = rss_of(server_pid)

    async def run() -> list[tuple[int, int, list[float], int]]:
        client = RawClient("127.0.0.1", port, args.concurrency)
        await offer("warm-up", client, make, args.rate, 5, args.concurrency)
        return await _soak(
            client, make, args.rate, args.soak, args.concurrency, server_pid
        )

    rows = asyncio.run(run())
    cpu = cpu_of(server_pid, "")[0] - cpu_before
    print(
        f"\nsoak: mix 50/30/20 at {args.rate:.0f} req/s offered for {args.soak:.0f} s "
        f"(open loop, <= {args.concurrency} in flight, loopback), "
        f"{args.workers} uvicorn worker(s); load average before {load_before}, "
        f"after {_load()}; service RSS after warm-up {rss_start / 2**20:.1f} MB"
    )
    head = (
        f"{'minute':>6} {'requests':>8} {'errors':>6} {'p50 ms':>8} {'p99 ms':>8} "
        f"{'RSS MB':>8}"
    )
    print(head)
    print("-" * len(head))
    for minute, errors, latencies, rss in rows:
        r = Result("", len(latencies), 60, latencies, errors)
        print(
            f"{minute:6d} {len(latencies):8d} {errors:6d} {r.pct(50):8.1f} "
            f"{r.pct(99):8.1f} {rss / 2**20:8.1f}"
        )
    first = Result("", len(rows[0][2]), 60, rows[0][2], rows[0][1])
    last = Result("", len(rows[-1][2]), 60, rows[-1][2], rows[-1][1])
    p99_change = 100 * (last.pct(99) / first.pct(99) - 1)
    rss_change = 100 * (rows[-1][3] / rows[0][3] - 1) if rows[0][3] else float("nan")
    errors = sum(r[1] for r in rows)
    total = sum(len(r[2]) for r in rows)
    print(
        f"service CPU {1000 * cpu / max(total, 1):.2f} ms per request; {errors} errors "
        f"of {total:,} requests"
    )
    met = abs(p99_change) <= args.soak_p99_pct and abs(rss_change) <= args.soak_rss_pct
    print(
        f"last minute vs first: p99 {first.pct(99):.1f} -> {last.pct(99):.1f} ms "
        f"({p99_change:+.1f} %), RSS {rows[0][3] / 2**20:.1f} -> "
        f"{rows[-1][3] / 2**20:.1f} MB ({rss_change:+.1f} %); target (p99 within "
        f"{args.soak_p99_pct:.0f} %, RSS within {args.soak_rss_pct:.0f} %): "
        f"{'met' if met else 'MISSED'}"
    )


# --- the load run --------------------------------------------------------------


def load_run(
    args: argparse.Namespace, fx: Fixture, port: int, server_pid: int, dbname: str
) -> None:
    """Offer every scenario at the rate; print the table and the verdicts."""
    rng = random.Random(args.seed)
    results: list[Result] = []
    load_before = _load()

    async def run_all() -> None:
        client = RawClient("127.0.0.1", port, args.concurrency)
        scenarios = _scenarios(fx, rng)
        await offer(
            "warm-up", client, scenarios["mix 50/30/20"], args.rate, 2, args.concurrency
        )
        for name, make in scenarios.items():
            before = cpu_of(server_pid, dbname)
            gen_before = time.process_time()
            result = await offer(
                name, client, make, args.rate, args.seconds, args.concurrency
            )
            result.generator_cpu = time.process_time() - gen_before
            after = cpu_of(server_pid, dbname)
            result.service_cpu = after[0] - before[0]
            # a PostgreSQL backend that exits takes its CPU count with it
            result.database_cpu = max(0.0, after[1] - before[1])
            results.append(result)

    asyncio.run(run_all())
    baseline = results[0]
    print(
        f"\nbounded load: open loop, {args.rate:.0f} req/s offered for "
        f"{args.seconds:.0f} s per scenario, <= {args.concurrency} in flight; "
        f"load generator: this process (pid {os.getpid()}); service: a separate "
        f"process (pid {server_pid}, {args.workers} uvicorn worker(s)); "
        f"PostgreSQL; {os.cpu_count()} CPU(s); load average before the run "
        f"{load_before}, after {_load()}"
    )
    head = (
        f"{'scenario':<18} {'req/s':>7} {'p50 ms':>8} {'p95 ms':>8} "
        f"{'p99 ms':>8} {'errors':>6} {'svc ms':>7} {'db ms':>6} {'gen ms':>6}   "
        "p50/p99 vs baseline"
    )
    print(head)
    print("-" * len(head))
    for r in results:
        ratio = (
            f"{r.pct(50) / baseline.pct(50):5.1f}x / "
            f"{r.pct(99) / baseline.pct(99):5.1f}x"
            if r is not baseline
            else "  1.0x /   1.0x"
        )
        per = max(r.sent, 1)
        print(
            f"{r.name:<18} {r.throughput:7.1f} {r.pct(50):8.1f} {r.pct(95):8.1f} "
            f"{r.pct(99):8.1f} {r.errors:6d} {1000 * r.service_cpu / per:7.2f} "
            f"{1000 * r.database_cpu / per:6.2f} "
            f"{1000 * r.generator_cpu / per:6.2f}   {ratio}"
        )
    print(
        "svc / db / gen ms: CPU milliseconds per request used by the service "
        "processes / the PostgreSQL backends / this load generator; "
        f"{os.cpu_count()} cores / (svc + db) bounds the rate on an idle machine"
    )
    for r in results[1:]:
        met = (
            r.throughput >= 0.98 * args.rate
            and r.pct(99) < args.target_p99_ms
            and r.errors == 0
        )
        print(
            f"target ({args.rate:.0f} req/s, p99 < {args.target_p99_ms:.0f} ms, "
            f"0 errors) {r.name}: {'met' if met else 'MISSED'}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--persons", type=int, default=10_000)
    parser.add_argument("--referrals", type=int, default=20_000)
    parser.add_argument("--rate", type=float, default=200.0, help="offered requests/s")
    parser.add_argument("--seconds", type=float, default=15.0, help="per scenario")
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--workers", type=int, default=2, help="uvicorn processes")
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument(
        "--target-p99-ms", type=float, default=100.0, help="p99 target (verdict)"
    )
    parser.add_argument(
        "--in-process",
        type=int,
        default=0,
        metavar="N",
        help="no server: CPU ms and statements per request over N requests each",
    )
    parser.add_argument(
        "--profile", type=Path, default=None, help="cProfile file (--in-process)"
    )
    parser.add_argument(
        "--soak", type=float, default=0.0, metavar="SECONDS", help="soak the mix"
    )
    parser.add_argument("--soak-p99-pct", type=float, default=20.0)
    parser.add_argument("--soak-rss-pct", type=float, default=10.0)
    args = parser.parse_args()

    drop: Callable[[], None] | None = None
    url = args.database_url
    if url is None:
        url, drop = pg_database()
    dbname = url.rsplit("/", 1)[-1].split("?")[0]
    tmp = Path(tempfile.mkdtemp(prefix="nwd-bench-"))
    settings = build_settings(
        env={}, environment="test", data_dir=tmp, database_url=url, secret_key=SECRET
    )
    db = Database(settings)
    server = None
    try:
        t = time.perf_counter()
        upgrade(db.engine)
        fx = seed(db, args.persons, args.referrals, args.seed)
        print(
            f"seeded {args.persons:,} persons/cases and {args.referrals:,} referrals "
            f"in {time.perf_counter() - t:.1f} s"
        )
        if args.in_process:
            in_process(db, settings, fx, args.in_process, args.seed, args.profile)
            return
        seconds = args.soak or args.seconds
        needed = int(args.rate * seconds * (0.2 if args.soak else 1.2)) + 400
        if len(fx.sent_referral_ids) * len(_UPDATE_PASSES) < needed:
            have = len(fx.sent_referral_ids)
            print(f"warning: {have} sent referrals for {needed} updates")
        server, port = start_server(url, tmp, workers=args.workers)
        if args.soak:
            soak(args, fx, port, server.pid)
        else:
            load_run(args, fx, port, server.pid, dbname)
        stop_server(server)
        server = None
        with db.session() as s:
            from nowrongdoor.care.audit import verify_chain

            report = verify_chain(s)
        print(
            f"\naudit chain after the run: {report.checked:,} events, "
            f"intact={report.ok}"
        )
    finally:
        stop_server(server)
        db.dispose()
        if drop is not None:
            drop()


if __name__ == "__main__":
    main()
