"""Shared parts of the care service benchmarks (``care_api.py``, ``care_queue.py``).

* :func:`pg_database`: a throwaway PostgreSQL database on 127.0.0.1:5432
  (dropped by the returned callable);
* :func:`seed`: a synthetic program in bulk (persons with encrypted identity, one
  case each with its plan, referrals with their history, bearer tokens);
* :func:`start_server` / :func:`stop_server`: ``nowrongdoor serve`` as its own
  process on loopback;
* :class:`RawClient`, :func:`offer`, :class:`Result`: a cheap keep-alive HTTP/1.1
  client, an open-loop load at a fixed rate, and the figures of one scenario;
* :func:`cpu_of`, :func:`rss_of`: CPU seconds and resident memory of the service
  processes (and CPU of the PostgreSQL backends), read from ``/proc``.

Not a test and not part of the package: imported by the scripts beside it.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import os
import random
import socket
import subprocess
import sys
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

__all__ = [
    "PG_ADMIN",
    "SECRET",
    "Fixture",
    "RawClient",
    "Result",
    "cpu_of",
    "free_port",
    "offer",
    "pg_database",
    "proc_cpu",
    "rss_of",
    "seed",
    "start_server",
    "stop_server",
]

PG_ADMIN = "host=127.0.0.1 port=5432 user=postgres dbname=postgres connect_timeout=5"
SECRET = "benchmark-secret-key-not-for-production"


@dataclass
class Fixture:
    """What the load generator needs: tokens and ids."""

    supervisor_token: str = ""
    partner_token: str = ""
    case_ids: list[int] = field(default_factory=list)
    sent_referral_ids: list[int] = field(default_factory=list)


def pg_database() -> tuple[str, Callable[[], None]]:
    import psycopg

    name = f"nwd_bench_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')

    def drop() -> None:
        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}", drop


def plan_staff(
    plan_id: int, password_hash: str, teams: list[str]
) -> tuple[list[User], User]:
    """The plan's 20 care managers (``cm0``..``cm19``, teams in turn) and its
    supervisor (``sup``), not yet added to a session."""
    managers = [
        User(
            organization_id=plan_id,
            username=f"cm{i}",
            display_name=f"CM {i}",
            role="care_manager",
            team=teams[i % len(teams)],
            password_hash=password_hash,
        )
        for i in range(20)
    ]
    sup = User(
        organization_id=plan_id,
        username="sup",
        display_name="Sup",
        role="supervisor",
        password_hash=password_hash,
    )
    return managers, sup


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
        managers, sup = plan_staff(plan.id, pw, [f"team{i}" for i in range(4)])
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


def proc_cpu(pid: int) -> float:
    """CPU seconds (user + system) a process has used, from /proc."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def cpu_of(server_pid: int, dbname: str) -> tuple[float, float]:
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
            service += proc_cpu(pid)
        elif cmd.startswith("postgres:") and f" {dbname} " in f" {cmd} ":
            database += proc_cpu(pid)
    return service, database


def free_port() -> int:
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


async def offer(
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


def rss_of(server_pid: int) -> int:
    """Resident memory in bytes of the service: the process and its children."""
    total = 0
    page = os.sysconf("SC_PAGE_SIZE")
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        pid = int(entry.name)
        try:
            stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if pid == server_pid or int(stat[1]) == server_pid:
            total += int(stat[21]) * page
    return total


def start_server(
    url: str,
    data_dir: Path,
    *,
    workers: int,
    web: bool = False,
    extra_env: dict[str, str] | None = None,
) -> tuple[subprocess.Popen[bytes], int]:
    """Start ``nowrongdoor serve`` on a free loopback port; wait until it answers.

    Returns:
        The server process and its port.
    """
    port = free_port()
    env = {
        **os.environ,
        "NOWRONGDOOR_DATABASE_URL": url,
        "NOWRONGDOOR_SECRET_KEY": SECRET,
        "NOWRONGDOOR_ENVIRONMENT": "test",
        "NOWRONGDOOR_DATA_DIR": str(data_dir),
        "NOWRONGDOOR_LOG_LEVEL": "WARNING",
        **(extra_env or {}),
    }
    command = [
        str(Path(sys.executable).with_name("nowrongdoor")),
        "serve",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--workers",
        str(workers),
    ]
    if not web:
        command.insert(2, "--no-web")
    server = subprocess.Popen(command, env=env)
    base = f"http://127.0.0.1:{port}"
    for _ in range(450):  # up to 90 s on a busy machine
        try:
            if httpx.get(f"{base}/api/v1/health", timeout=1).status_code == 200:
                return server, port
        except httpx.HTTPError:
            pass
        if server.poll() is not None:
            break
        time.sleep(0.2)
    stop_server(server)
    raise SystemExit("the service did not start")


def stop_server(server: subprocess.Popen[bytes] | None) -> None:
    """Stop a server started by :func:`start_server` (SIGTERM, then SIGKILL)."""
    if server is None:
        return
    server.terminate()
    try:
        server.wait(timeout=15)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()
