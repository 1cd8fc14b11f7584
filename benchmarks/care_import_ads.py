"""Benchmark: ``care import-ads`` at scale, and the operations list under load.

One run, per backend (SQLite file, and a throwaway PostgreSQL database
``nwd_bench_<uuid>`` on 127.0.0.1:5432, dropped afterwards):

1. ``--ads`` scanned ads (default 100,000) in the ``ads scan`` format, grouped
   into operations of ``--op-size`` ads (each sharing a phone and an e-mail),
   with the ``ads link`` files (operations.csv, operations.json, edges.csv: a
   chain of shared-phone merges per operation) are written to a temporary
   folder. They are generated here (``ads scan`` of 100,000 ads takes longer
   than the import being measured); the format is the one the ads commands
   write.
2. **baseline**: a plain bulk insert of the same ad and contact rows (already
   built, encrypted by the same column types, ``INSERT ... executemany`` in
   batches of 2,000) into a fresh schema: the floor any import pays.
3. **import**: :func:`nowrongdoor.care.investigate.importer.import_ads` from
   the files (parse, upsert by stable id, blind indexes, operations, edges),
   committed, then ``refresh_statistics`` (``VACUUM (ANALYZE)`` / ``ANALYZE``)
   as ``care import-ads`` runs it.
4. **list and search**: 4 threads, each with its own session, for
   ``--seconds`` seconds: the first page of the operations list sorted by
   size (with the total), and a phone search typed in words for a random
   operation's phone; p50/p95 per query.

Targets (issue 16): the import under 2 minutes and within 3x of the baseline;
list and search p95 under 200 ms with 4 concurrent users.

Usage::

    .venv/bin/python benchmarks/care_import_ads.py                # 100,000 ads
    .venv/bin/python benchmarks/care_import_ads.py --ads 10000 --backend sqlite
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import statistics
import tempfile
import threading
import time
import uuid
from pathlib import Path

from sqlalchemy import insert, select

from nowrongdoor.care.db import Database
from nowrongdoor.care.enums import OrgKind, Role
from nowrongdoor.care.investigate import crud
from nowrongdoor.care.investigate.importer import (
    AdsImport,
    import_ads,
    refresh_statistics,
)
from nowrongdoor.care.investigate.schemas import OperationFilters
from nowrongdoor.care.migrate import upgrade
from nowrongdoor.care.models import InvAd, InvContact, Organization, User, utcnow
from nowrongdoor.settings import build_settings

WORDS = "zero one two three four five six seven eight nine".split()
TEXT = (
    "New in town this week only. Sweet and discreet, ask for {name}. "
    "Available 24/7, incall at the hotel. 150 hh 250 hr. Call {phone}."
)
NAMES = ["Candy", "Lexi", "Tina", "Mya", "Jade", "Rosa", "Kim", "Ivy"]
CITIES = [
    ("Houston", "TX"), ("Dallas", "TX"), ("Tulsa", "OK"), ("Denver", "CO"),
    ("Reno", "NV"), ("Fresno", "CA"), ("Tampa", "FL"), ("Newark", "NJ"),
]  # fmt: skip


def _phone(i: int) -> str:
    """A valid, distinct North American number for operation ``i``."""
    import phonenumbers

    area = (214, 312, 415, 617, 713, 904)[i % 6]
    for exchange in range(230 + (i // 10000) % 600, 1000):
        e164 = f"+1{area}{exchange:03d}{i % 10000:04d}"
        if phonenumbers.is_valid_number(phonenumbers.parse(e164)):
            return e164
    raise ValueError(f"no valid number for {i}")


def write_corpus(root: Path, n_ads: int, op_size: int) -> tuple[AdsImport, list[str]]:
    """Scanned ads and ``ads link`` files of ``n_ads`` ads; the operations' phones."""
    rng = random.Random(2026)
    linked = root / "linked"
    linked.mkdir(parents=True)
    profiles, phones = [], []
    with (
        (root / "scanned.jsonl").open("w") as fh,
        (linked / "edges.csv").open("w", newline="") as efh,
        (linked / "operations.csv").open("w", newline="") as ofh,
    ):
        edges, ops = csv.writer(efh), csv.writer(ofh)
        edges.writerow(["source", "target", "kind", "evidence", "weight", "operation",
                        "contact", "text", "photo", "name", "place", "time",
                        "match_weight"])  # fmt: skip
        ops.writerow(["id", "operation"])
        for start in range(0, n_ads, op_size):
            op = f"OP-{uuid.UUID(int=start).hex[-12:]}"
            phone, email = _phone(start), f"op{start}@example.com"
            phones.append(phone)
            name = rng.choice(NAMES)
            ids, cities = [], set()
            for i in range(start, min(start + op_size, n_ads)):
                ad_id = f"ad-{i:07d}"
                city, state = rng.choice(CITIES)
                cities.add(f"{city}, {state}")
                ids.append(ad_id)
                text = TEXT.format(name=name, phone=phone)
                rec = {
                    "id": ad_id, "phones": [phone], "emails": [email], "handles": [],
                    "ages": [rng.randint(18, 30)],
                    "rates": [{"amount": 150.0, "minutes": 30}],
                    "locations": [{"city": city, "state": state}], "names": [name],
                    "descriptors": [], "ad_kind": "escort",
                    "indicators": [
                        {"code": "movement", "evidence": "New in town", "start": 0,
                         "end": 11, "weight": 0.25},
                        {"code": "always_available", "evidence": "24/7",
                         "start": 86, "end": 90, "weight": 0.2},
                    ],
                    "score": 0.4, "text": text, "title": f"{name} - 23",
                    "posted_at": f"2025-{1 + i % 12:02d}-{1 + i % 28:02d}T12:00",
                    "city": city, "state": state,
                }  # fmt: skip
                fh.write(json.dumps(rec) + "\n")
                ops.writerow([ad_id, op])
            for a, b in zip(ids, ids[1:], strict=False):
                edges.writerow([a, b, "phone", f"shared phone {phone}", 1.0, op,
                                "share a contact", "", "", "same name", "same city",
                                "", 14.0])  # fmt: skip
            profiles.append({
                "operation": op, "ads": len(ids), "ad_ids": ids, "phones": [phone],
                "emails": [email], "handles": [], "names": [name],
                "cities": sorted(cities), "first_seen": None, "last_seen": None,
                "route": [{"city": c.split(", ")[0], "state": c.split(", ")[1],
                           "first": "", "last": "", "ads": 1} for c in sorted(cities)],
                "indicator_mix": {"movement": len(ids), "always_available": len(ids)},
                "claimed_ages": [23], "revenue": {"estimated_total": 150.0 * len(ids)},
                "controller_signals": ["moved through several cities"],
            })  # fmt: skip
    (linked / "operations.json").write_text(json.dumps({"operations": profiles}))
    return AdsImport(scanned=root / "scanned.jsonl", link_dir=linked), phones


def _database(url: str, data_dir: Path) -> Database:
    settings = build_settings(
        env={}, data_dir=data_dir, database_url=url, environment="test",
        secret_key="benchmark-secret-key-not-for-production",
    )  # fmt: skip
    db = Database(settings)
    upgrade(db.engine)
    with db.session() as s:
        org = Organization(name="Plan (benchmark)", kind=OrgKind.PLAN)
        s.add(org)
        s.flush()
        s.add(
            User(organization_id=org.id, username="inv", display_name="Inv",
                 role=str(Role.INVESTIGATOR), password_hash="x")
        )  # fmt: skip
    return db


def baseline(db: Database, job: AdsImport) -> tuple[float, float]:
    """Wall and CPU seconds (this process) to bulk-insert the same ad and
    contact rows, prebuilt."""
    with db.session() as s:
        org_id = s.scalars(select(Organization.id)).one()
    rows, contacts = [], []
    with job.scanned.open() as fh:
        for line in fh:
            rec = json.loads(line)
            rows.append({
                "organization_id": org_id, "ad_key": rec["id"], "city": rec["city"],
                "state": rec["state"], "ad_kind": rec["ad_kind"], "score": rec["score"],
                "indicator_codes": "|always_available|movement|", "title": rec["title"],
                "text": rec["text"], "imported_at": utcnow(),
                "facts": {k: rec[k] for k in ("phones", "emails", "handles", "ages",
                                               "rates", "locations", "names",
                                               "descriptors", "indicators")},
            })  # fmt: skip
            contacts.append(rec["phones"][0])
    t0, c0 = time.perf_counter(), time.process_time()
    with db.session() as s:
        for i in range(0, len(rows), 2000):
            s.execute(insert(InvAd), rows[i : i + 2000])
        ids = s.scalars(select(InvAd.id).order_by(InvAd.id)).all()
        batch = [
            {"ad_id": ad_id, "kind": "phone", "value_bidx": db.cipher.blind_index(p)}
            for ad_id, p in zip(ids, contacts, strict=True)
        ]
        for i in range(0, len(batch), 2000):
            s.execute(insert(InvContact), batch[i : i + 2000])
    return time.perf_counter() - t0, time.process_time() - c0


def load(db: Database, job: AdsImport) -> tuple[float, float]:
    """Wall and CPU seconds (this process) for the import, committed."""
    t0, c0 = time.perf_counter(), time.process_time()
    with db.session() as s:
        org_id = s.scalars(select(Organization.id)).one()
        import_ads(s, cipher=db.cipher, organization_id=org_id, job=job)
    refresh_statistics(db.engine)  # as `care import-ads` does after its commit
    return time.perf_counter() - t0, time.process_time() - c0


def _typed(e164: str) -> str:
    digits = e164[2:]
    return " ".join(WORDS[int(d)] for d in digits[:3]) + f" {digits[3:6]}-{digits[6:]}"


def under_load(
    db: Database, phones: list[str], seconds: float, users: int
) -> dict[str, list[float]]:
    """Per query kind, the latencies (s) of ``users`` threads for ``seconds``."""
    times: dict[str, list[float]] = {"list": [], "search": []}
    lock = threading.Lock()
    stop = time.perf_counter() + seconds

    def work(seed: int) -> None:
        rng = random.Random(seed)
        with db.sessionmaker() as s:
            viewer = s.scalars(select(User)).one()
            while time.perf_counter() < stop:
                kind = rng.choice(("list", "search"))
                filters = (
                    OperationFilters()
                    if kind == "list"
                    else OperationFilters(contact=_typed(rng.choice(phones)))
                )
                t0 = time.perf_counter()
                page = crud.list_operations(
                    s, viewer=viewer, cipher=db.cipher, filters=filters,
                    limit=25, offset=0,
                )  # fmt: skip
                took = time.perf_counter() - t0
                assert page.rows, kind
                s.rollback()
                with lock:
                    times[kind].append(took)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(users)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return times


def _load() -> str:
    """The 1-minute load average (the shared machine's other work)."""
    import os

    return f"{os.getloadavg()[0]:.1f}"


def _p(values: list[float], q: float) -> float:
    return (
        statistics.quantiles(values, n=100)[int(q) - 1] * 1000
        if len(values) > 1
        else 0.0
    )


def run(backend: str, args: argparse.Namespace, job: AdsImport, phones: list[str],
        tmp: Path) -> None:  # fmt: skip
    """Measure one backend and print its figures."""
    import psycopg

    admin = "host=127.0.0.1 port=5432 user=postgres dbname=postgres"
    urls: list[str] = []
    names: list[str] = []
    for k in ("base", "import"):
        if backend == "sqlite":
            urls.append(f"sqlite:///{tmp / f'{k}.db'}")
        else:
            name = f"nwd_bench_{uuid.uuid4().hex[:12]}"
            with psycopg.connect(admin, autocommit=True) as conn:
                conn.execute(f'CREATE DATABASE "{name}"')
            names.append(name)
            urls.append(f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}")
    try:
        base_db = _database(urls[0], tmp)
        floor, floor_cpu = baseline(base_db, job)
        base_db.dispose()
        db = _database(urls[1], tmp)
        took, took_cpu = load(db, job)
        times = under_load(db, phones, args.seconds, args.users)
        db.dispose()
    finally:
        for name in names:
            with psycopg.connect(admin, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    ratio = took / floor
    met = "met" if took < 120 and ratio <= 3 else "MISSED"
    print(
        f"{backend}: {args.ads:,} ads: plain bulk insert {floor:.1f} s, import "
        f"{took:.1f} s = {ratio:.2f}x (target < 120 s and <= 3x: {met}); "
        f"client CPU {floor_cpu:.1f} s vs {took_cpu:.1f} s = "
        f"{took_cpu / floor_cpu:.2f}x; load average {_load()}"
    )
    for kind, values in times.items():
        p95 = _p(values, 95)
        print(f"{backend}: {kind} with {args.users} users: {len(values)} queries, "
              f"p50 {_p(values, 50):.0f} ms, p95 {p95:.0f} ms "
              f"(target p95 < 200 ms: {'met' if p95 < 200 else 'MISSED'}); "
              f"load average {_load()}")  # fmt: skip


def main() -> None:
    """Parse arguments, write the corpus, measure each backend."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--ads", type=int, default=100_000)
    parser.add_argument("--op-size", type=int, default=10)
    parser.add_argument("--users", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"),
                        default="both")  # fmt: skip
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="nwd-import-ads-") as tmp_name:
        tmp = Path(tmp_name)
        job, phones = write_corpus(tmp / "corpus", args.ads, args.op_size)
        backends = (
            ("sqlite", "postgresql") if args.backend == "both" else (args.backend,)
        )
        for backend in backends:
            run(backend, args, job, phones, tmp)


if __name__ == "__main__":
    main()
