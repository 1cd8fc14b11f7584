"""Benchmark: a partner system's FHIR Task search (``GET /fhir/Task``).

Builds a throwaway SQLite care database with the test world of
``tests/care/conftest.py`` (plans a/b, partners p/q) and ``N`` sets of records
of plan ``a`` (each with one referral sent to partner ``p``), registers an OAuth2
client of ``p``, and times 20 in-process requests for one page of 50 Tasks
(scope clause, Part 2 filter, total count, 50 resources built and validated with
fhir.resources, one audit event), unfiltered, by status, by each date
parameter (``_lastUpdated``, ``authored-on``, ``modified``, ``authored``),
sorted by a date, and cut with ``_elements``. Prints the median latency per
query (a search this server does not serve is reported, not timed).

Usage: ``PYTHONPATH=src python benchmarks/fhir_search.py [N]`` (default 300).
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "tests" / "care"), str(ROOT / "tests" / "care" / "fhir")]


_PATHS = (
    "/fhir/Task?_count=50",
    "/fhir/Task?status=requested&_count=50",
    "/fhir/Task?_lastUpdated=ge2000-01-01&_lastUpdated=lt2999&_count=50",
    "/fhir/Task?authored-on=ge2000-01-01&authored-on=lt2999&_count=50",
    "/fhir/Task?modified=ne1999,gt2000-06&_count=50",
    "/fhir/Task?_sort=-authored-on&_count=50",
    "/fhir/ServiceRequest?_count=50",
    "/fhir/ServiceRequest?authored=ge2000-01-01&_sort=authored&_count=50",
    "/fhir/Task?_elements=status,owner&_count=50",
)


def main(n: int) -> None:
    """Fill the database with ``n`` record sets and time the searches."""
    from _fhir_help import get_token, new_client
    from fastapi.testclient import TestClient

    from conftest import build_world, care_settings, make_app, make_records
    from nowrongdoor.care.db import Database
    from nowrongdoor.care.migrate import upgrade

    tmp = Path(tempfile.mkdtemp())
    db = Database(care_settings(tmp, f"sqlite:///{tmp}/bench.db"))
    upgrade(db.engine)
    world = build_world(db)
    for _ in range(n):
        make_records(db, world, "a")
    client = TestClient(make_app(db))
    token = get_token(client, new_client(db, world.orgs["p"]))
    headers = {"Authorization": f"Bearer {token}"}
    for path in _PATHS:
        times = []
        for _ in range(20):
            started = time.perf_counter()
            response = client.get(path, headers=headers)
            times.append(time.perf_counter() - started)
            if response.status_code != 200:
                break
        if response.status_code != 200:
            print(f"{path}: not served ({response.status_code})")
            continue
        total = response.json()["total"]
        median = statistics.median(times) * 1000
        print(f"{path}: {total} matches, median {median:.1f} ms")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 300)
