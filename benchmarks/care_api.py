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
   * ``referral update``: a partner accepts a different sent referral each time
     (``POST /api/v1/referrals/{id}/status``: scope, transition rules, history
     row, audit event);
   * ``mix``: 50 % list, 30 % detail, 20 % update.
   Every request is authenticated with a bearer token and writes a hash-chained
   audit event (except the health check).

It prints, per scenario, the achieved throughput, p50/p95/p99 latency, errors,
each figure's ratio to the baseline, and whether the target (the offered rate
achieved, p99 under ``--target-p99-ms``, zero errors) was met. Latency is
measured from the scheduled send time (so a backlog shows up as latency, not as
a lower offered rate).

Usage::

    .venv/bin/python benchmarks/care_api.py                      # full size
    .venv/bin/python benchmarks/care_api.py --persons 1000 --seconds 5
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import random
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx  # only to wait for the server to answer
from sqlalchemy import insert, select, text

from nowrongdoor.care.audit import AuditEntry, append_event
from nowrongdoor.care.crud import new_pseudonym
from nowrongdoor.care.db import Database
from nowrongdoor.care.migrate import upgrade
from nowrongdoor.care.models import (
    Case,
    CaseEvent,
    Consent,
    Goal,
    Need,
    Note,
    Organization,
    Person,
    Referral,
    ReferralEvent,
    Task,
    User,
)
from nowrongdoor.care.security import create_api_token, hash_password
from nowrongdoor.settings import build_settings

ROOT = Path(__file__).resolve().parents[1]
PG_ADMIN = "host=127.0.0.1 port=5432 user=postgres dbname=postgres connect_timeout=5"
SECRET = "benchmark-secret-key-not-for-production"


@dataclass
class Fixture:
    """What the load generator needs: tokens and ids."""

    supervisor_token: str = ""
    partner_token: str = ""
    case_ids: list[int] = field(default_factory=list)
    sent_referral_ids: list[int] = field(default_factory=list)


def _pg_database() -> tuple[str, Callable[[], None]]:
    import psycopg

    name = f"nwd_bench_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')

    def drop() -> None:
        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}", drop


def seed(db: Database, persons: int, referrals: int, seed_value: int) -> Fixture:
    """Fill the database in bulk (core inserts with encrypted values)."""
    rng = random.Random(seed_value)
    cipher = db.cipher
    fx = Fixture()
    with db.session() as s:
        plan = Organization(name="Bench plan", kind="plan")
        partners = [
            Organization(name=f"Bench partner {i}", kind="partner") for i in range(5)
        ]
        s.add_all([plan, *partners])
        s.flush()
        pw = hash_password("benchmark password")
        managers = [
            User(
                organization_id=plan.id,
                username=f"cm{i}",
                display_name=f"CM {i}",
                role="care_manager",
                team=f"team{i % 4}",
                password_hash=pw,
            )
            for i in range(20)
        ]
        sup = User(
            organization_id=plan.id,
            username="sup",
            display_name="Sup",
            role="supervisor",
            password_hash=pw,
        )
        partner_user = User(
            organization_id=partners[0].id,
            username="partner",
            display_name="Partner",
            role="partner_user",
            password_hash=pw,
        )
        s.add_all([*managers, sup, partner_user])
        s.flush()
        fx.supervisor_token, _ = create_api_token(s, user=sup, name="bench")
        fx.partner_token, _ = create_api_token(s, user=partner_user, name="bench")
        manager_ids = [m.id for m in managers]
        plan_id, partner_ids = plan.id, [p.id for p in partners]
    batch = 2000
    person_rows = []
    for i in range(persons):
        given, family = f"Given{i}", f"Family{i}"
        birth = dt.date(1990, 1, 1) + dt.timedelta(days=rng.randint(0, 9000))
        person_rows.append(
            {
                "pseudonym": new_pseudonym(),
                "organization_id": plan_id,
                "owner_id": manager_ids[i % len(manager_ids)],
                "given_name": given,
                "family_name": family,
                "birth_date": birth.isoformat(),
                "contacts": {"phone": f"317-555-{i % 10000:04d}"},
                "member_id": f"M{i:07d}",
                "given_name_bidx": cipher.blind_index(given),
                "family_name_bidx": cipher.blind_index(family),
                "member_id_bidx": cipher.blind_index(f"M{i:07d}"),
                "birth_year": birth.year,
                "do_not_contact": False,
                "created_at": dt.datetime.now(dt.UTC),
                "updated_at": dt.datetime.now(dt.UTC),
            }
        )
    with db.engine.begin() as conn:
        for k in range(0, len(person_rows), batch):
            conn.execute(insert(Person), person_rows[k : k + batch])
        person_ids = list(conn.execute(select(Person.id).order_by(Person.id)).scalars())
        case_rows = [
            {
                "person_id": pid,
                "organization_id": plan_id,
                "owner_id": manager_ids[n % len(manager_ids)],
                "pathway": rng.choice(["prevent", "survive", "thrive"]),
                "status": rng.choice(["open", "active", "active", "closed"]),
                "opened_at": dt.datetime.now(dt.UTC)
                - dt.timedelta(days=rng.randint(0, 700)),
                "reopened_count": 0,
                "updated_at": dt.datetime.now(dt.UTC),
            }
            for n, pid in enumerate(person_ids)
        ]
        for k in range(0, len(case_rows), batch):
            conn.execute(insert(Case), case_rows[k : k + batch])
        cases = list(
            conn.execute(
                select(Case.id, Case.person_id, Case.owner_id).order_by(Case.id)
            )
        )
        fx.case_ids = [c.id for c in cases]
        utc = dt.datetime.now(dt.UTC)
        children: dict[Any, list[dict[str, Any]]] = {
            Need: [],
            Goal: [],
            Note: [],
            Task: [],
            CaseEvent: [],
            Consent: [],
        }
        for c in cases:
            children[Need].append(
                {
                    "case_id": c.id,
                    "category": "housing_instability",
                    "status": "identified",
                    "description": "Needs a safe bed",
                    "sensitivity": "normal",
                    "created_at": utc,
                }
            )
            children[Goal].append(
                {
                    "case_id": c.id,
                    "description": "Stable housing",
                    "status": "identified",
                    "created_at": utc,
                }
            )
            children[Note].append(
                {
                    "case_id": c.id,
                    "author_id": c.owner_id,
                    "text": "Met at the clinic; follow up at the safe time.",
                    "sensitivity": "normal",
                    "created_at": utc,
                }
            )
            children[Task].append(
                {
                    "case_id": c.id,
                    "organization_id": plan_id,
                    "owner_id": c.owner_id,
                    "title": "Follow-up call",
                    "status": "open",
                    "due_at": utc + dt.timedelta(days=rng.randint(-5, 20)),
                    "created_at": utc,
                }
            )
            children[CaseEvent].append(
                {"case_id": c.id, "kind": "opened", "actor_id": c.owner_id, "at": utc}
            )
            children[Consent].append(
                {
                    "person_id": c.person_id,
                    "consent_type": "share_with_partners",
                    "scope": "any_partner",
                    "granted": True,
                    "given_at": utc,
                }
            )
        for model, rows in children.items():
            for k in range(0, len(rows), batch):
                conn.execute(insert(model), rows[k : k + batch])
        referral_rows = []
        for n in range(referrals):
            c = cases[n % len(cases)]
            status = (
                "sent"
                if n % 2 == 0
                else rng.choice(["accepted", "in_progress", "completed", "declined"])
            )
            to_org = partner_ids[0] if status == "sent" else rng.choice(partner_ids)
            referral_rows.append(
                {
                    "case_id": c.id,
                    "person_id": c.person_id,
                    "from_organization_id": plan_id,
                    "to_organization_id": to_org,
                    "owner_id": c.owner_id,
                    "status": status,
                    "need_category": "housing_instability",
                    "reason": "Needs a safe bed tonight",
                    "do_not_contact": False,
                    "created_at": utc,
                    "sent_at": utc,
                    "updated_at": utc,
                }
            )
        for k in range(0, len(referral_rows), batch):
            conn.execute(insert(Referral), referral_rows[k : k + batch])
        refs = list(
            conn.execute(
                select(Referral.id, Referral.status, Referral.owner_id).order_by(
                    Referral.id
                )
            )
        )
        events = []
        for r in refs:
            events.append(
                {
                    "referral_id": r.id,
                    "from_status": None,
                    "to_status": "draft",
                    "actor_id": r.owner_id,
                    "at": utc,
                }
            )
            events.append(
                {
                    "referral_id": r.id,
                    "from_status": "draft",
                    "to_status": "sent",
                    "actor_id": r.owner_id,
                    "at": utc,
                }
            )
        for k in range(0, len(events), batch):
            conn.execute(insert(ReferralEvent), events[k : k + batch])
        fx.sent_referral_ids = [r.id for r in refs if r.status == "sent"]
        conn.execute(text("ANALYZE"))
    rng.shuffle(fx.sent_referral_ids)
    with db.session() as s:
        append_event(s, AuditEntry(action="bench.seed"), user=None, request_id=None)
    return fx


def _proc_cpu(pid: int) -> float:
    """CPU seconds (user + system) a process has used, from /proc."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _cpu_of(server_pid: int, dbname: str) -> tuple[float, float]:
    """CPU seconds of the service (uvicorn and its workers) and of the PostgreSQL
    backends serving ``dbname``."""
    service = database = 0.0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        pid = int(entry.name)
        try:
            stat = (entry / "stat").read_text()
            cmd = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        if pid == server_pid or ppid == server_pid:
            service += _proc_cpu(pid)
        elif cmd.startswith("postgres:") and f" {dbname} " in f" {cmd} ":
            database += _proc_cpu(pid)
    return service, database


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Result:
    """One scenario's figures."""

    name: str
    sent: int
    seconds: float
    latencies: list[float]
    errors: int
    service_cpu: float = 0.0
    database_cpu: float = 0.0
    generator_cpu: float = 0.0

    def pct(self, p: float) -> float:
        if not self.latencies:
            return float("nan")
        data = sorted(self.latencies)
        k = min(len(data) - 1, max(0, round(p / 100 * len(data)) - 1))
        return data[k] * 1000

    @property
    def throughput(self) -> float:
        return (self.sent - self.errors) / self.seconds


class RawClient:
    """A minimal keep-alive HTTP/1.1 client on asyncio streams.

    The load generator shares the two cores with the service, so it must cost
    little: this spends a fraction of httpx's CPU per request.
    """

    def __init__(self, host: str, port: int, size: int) -> None:
        self.host, self.port = host, port
        self.pool: asyncio.Queue[Any] = asyncio.Queue()
        for _ in range(size):
            self.pool.put_nowait(None)

    async def _send(self, conn: Any, raw: bytes) -> tuple[int, bytes]:
        reader, writer = conn
        writer.write(raw)
        await writer.drain()
        status_line = await reader.readline()
        if not status_line:
            raise ConnectionResetError("connection closed by the server")
        status = int(status_line.split()[1])
        length, chunked = 0, False
        while True:
            line = await reader.readline()
            if line in (b"\r\n", b""):
                break
            key, _, value = line.decode("latin-1").partition(":")
            key = key.strip().lower()
            if key == "content-length":
                length = int(value)
            elif key == "transfer-encoding" and "chunked" in value.lower():
                chunked = True
        if not chunked:
            return status, await reader.readexactly(length)
        data = b""
        while True:
            size = int((await reader.readline()).strip(), 16)
            if size == 0:
                await reader.readline()
                return status, data
            data += (await reader.readexactly(size + 2))[:-2]

    async def request(
        self, method: str, path: str, headers: dict[str, str], body: Any
    ) -> tuple[int, bytes]:
        """Send one request; reconnects once if an idle connection was closed."""
        payload = b"" if body is None else json.dumps(body).encode()
        lines = [f"{method} {path} HTTP/1.1", f"Host: {self.host}"]
        lines.append(f"Content-Length: {len(payload)}")
        if body is not None:
            lines.append("Content-Type: application/json")
        lines += [f"{k}: {v}" for k, v in headers.items()]
        raw = ("\r\n".join(lines) + "\r\n\r\n").encode() + payload
        conn = await self.pool.get()
        try:
            for attempt in (1, 2):
                reused = conn is not None
                if conn is None:
                    conn = await asyncio.open_connection(self.host, self.port)
                try:
                    return await self._send(conn, raw)
                except (ConnectionResetError, asyncio.IncompleteReadError):
                    conn[1].close()
                    conn = None
                    if not reused or attempt == 2:
                        raise
            raise ConnectionResetError("unreachable")
        except BaseException:
            if conn is not None:
                conn[1].close()
            conn = None
            raise
        finally:
            self.pool.put_nowait(conn)


async def _offer(
    name: str,
    client: RawClient,
    make: Callable[[int], tuple[str, str, dict[str, str], Any]],
    rate: float,
    seconds: float,
    concurrency: int,
) -> Result:
    total = int(rate * seconds)
    latencies: list[float] = []
    failures: Counter[str] = Counter()
    errors = 0
    sem = asyncio.Semaphore(concurrency)
    start = time.perf_counter() + 0.05

    async def one(i: int) -> None:
        nonlocal errors
        due = start + i / rate
        delay = due - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        async with sem:
            method, url, headers, body = make(i)
            try:
                status, data = await client.request(method, url, headers, body)
                ok = status < 400
                if not ok:
                    failures[f"{status} {data[:120].decode(errors='replace')}"] += 1
            except (OSError, asyncio.IncompleteReadError, ValueError) as exc:
                ok = False
                failures[type(exc).__name__] += 1
            latencies.append(time.perf_counter() - due)
            if not ok:
                errors += 1

    await asyncio.gather(*(one(i) for i in range(total)))
    elapsed = time.perf_counter() - start
    for what, count in failures.most_common(3):
        print(f"  {name}: {count} x {what}")
    return Result(name, total, elapsed, latencies, errors)


def _scenarios(fx: Fixture, rng: random.Random) -> dict[str, Callable[[int], Any]]:
    sup = {"Authorization": f"Bearer {fx.supervisor_token}"}
    partner = {"Authorization": f"Bearer {fx.partner_token}"}
    queue = iter(fx.sent_referral_ids)

    def health(_: int) -> Any:
        return "GET", "/api/v1/health", {}, None

    def case_list(i: int) -> Any:
        return "GET", f"/api/v1/cases?limit=50&offset={(i % 20) * 50}", sup, None

    def case_detail(_: int) -> Any:
        return "GET", f"/api/v1/cases/{rng.choice(fx.case_ids)}", sup, None

    def referral_update(_: int) -> Any:
        rid = next(queue)
        return (
            "POST",
            f"/api/v1/referrals/{rid}/status",
            partner,
            {"status": "accepted"},
        )

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
    args = parser.parse_args()

    drop: Callable[[], None] | None = None
    url = args.database_url
    if url is None:
        url, drop = _pg_database()
    dbname = url.rsplit("/", 1)[-1].split("?")[0]
    tmp = Path(tempfile.mkdtemp(prefix="nwd-bench-"))
    settings = build_settings(
        env={}, environment="test", data_dir=tmp, database_url=url, secret_key=SECRET
    )
    db = Database(settings)
    server: subprocess.Popen[bytes] | None = None
    try:
        t = time.perf_counter()
        upgrade(db.engine)
        fx = seed(db, args.persons, args.referrals, args.seed)
        print(
            f"seeded {args.persons:,} persons/cases and {args.referrals:,} referrals "
            f"in {time.perf_counter() - t:.1f} s"
        )
        needed = int(args.rate * args.seconds * 0.2) + int(args.rate * args.seconds)
        if len(fx.sent_referral_ids) < needed:
            print(
                f"warning: {len(fx.sent_referral_ids)} sent referrals for "
                f"{needed} updates"
            )
        port = _free_port()
        env = {
            **os.environ,
            "NOWRONGDOOR_DATABASE_URL": url,
            "NOWRONGDOOR_SECRET_KEY": SECRET,
            "NOWRONGDOOR_ENVIRONMENT": "test",
            "NOWRONGDOOR_DATA_DIR": str(tmp),
            "NOWRONGDOOR_LOG_LEVEL": "WARNING",
        }
        server = subprocess.Popen(
            [
                str(ROOT / ".venv" / "bin" / "nowrongdoor"),
                "serve",
                "--no-web",
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
        for _ in range(100):
            try:
                if httpx.get(f"{base}/api/v1/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        else:
            raise SystemExit("the service did not start")
        rng = random.Random(args.seed)
        results: list[Result] = []
        load_before = " / ".join(f"{x:.2f}" for x in os.getloadavg())

        async def run_all() -> None:
            client = RawClient("127.0.0.1", port, args.concurrency)
            scenarios = _scenarios(fx, rng)
            await _offer(
                "warm-up",
                client,
                scenarios["mix 50/30/20"],
                args.rate,
                2,
                args.concurrency,
            )
            for name, make in scenarios.items():
                before = _cpu_of(server.pid, dbname)
                gen_before = time.process_time()
                result = await _offer(
                    name, client, make, args.rate, args.seconds, args.concurrency
                )
                result.generator_cpu = time.process_time() - gen_before
                after = _cpu_of(server.pid, dbname)
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
            f"process (pid {server.pid}, {args.workers} uvicorn worker(s)); "
            f"PostgreSQL; {os.cpu_count()} CPU(s); load average before the run "
            f"{load_before}"
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
        with db.session() as s:
            from nowrongdoor.care.audit import verify_chain

            report = verify_chain(s)
        print(
            f"\naudit chain after the run: {report.checked:,} events, "
            f"intact={report.ok}"
        )
    finally:
        if server is not None:
            server.terminate()
            try:
                server.wait(timeout=15)
            except subprocess.TimeoutExpired:
                server.kill()
        db.dispose()
        if drop is not None:
            drop()


if __name__ == "__main__":
    sys.exit(main())
