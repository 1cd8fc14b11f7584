"""Benchmark: ``population score`` on a Spark standalone cluster against DuckDB.

    .venv/bin/python benchmarks/population_spark.py                  # 10^7 claim lines
    .venv/bin/python benchmarks/population_spark.py --members 20000  # a quick check
    .venv/bin/python benchmarks/population_spark.py \
        --data benchmarks/.cache/population-parts-494000/claims      # reuse an input

The input is the population benchmark's (``benchmarks/population.py``: wide Parquet
parts from ``synth claims --format partitioned --seed 2026``, about 20.3 claim
lines per member, cached under benchmarks/.cache/), or any claims folder or file
given with ``--data``. A standalone master and ``--workers`` workers of
``--cores`` cores and ``--worker-memory`` each are started on 127.0.0.1 from the
pip package (``tests/_spark_cluster.py``, the launcher the CI parity test uses)
and stopped at the end, also on Ctrl-C or SIGTERM. Then, ``--rounds`` times,
the same command runs once per engine, each in its own process, as an operator
runs it::

    nowrongdoor population score DATA --out OUT --engine duckdb|spark --as-of 2025-12-31

the Spark one with ``NOWRONGDOOR_SPARK_MASTER`` set to the cluster. DuckDB (in
process, all cores) is the baseline. For each run: wall time of the command
(Spark's includes starting its session and its executors, not the cluster), and
CPU seconds read from ``/proc`` every ``--interval`` seconds for every process of
the run's session: the driver (Python, and for Spark its JVM) and, for Spark, the
cluster (executor JVMs, their Python workers, the master and worker JVMs). A
process's CPU is its last reading, so each process that exits loses at most one
interval; the driver's exact CPU (``wait4``: Python and the children it reaped)
is printed beside it as a check. Peak memory is the largest sum of the resident
memory of the run's processes at one reading (for Spark, the idle master and
worker JVMs included).

The master must see each Spark application finish (so a run cannot silently fall
back to local mode), and the worklists (``worklist.csv``) must be byte-identical;
otherwise the run exits non-zero. The other output files are compared and listed.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT.parent / "tests"))  # the shared cluster launcher

from _spark_cluster import Cluster, driver_env, standalone_cluster  # noqa: E402
from population import AS_OF, CACHE, DEFAULT_MEMBERS, _data, _load  # noqa: E402

TICK = os.sysconf("SC_CLK_TCK")
PAGE = os.sysconf("SC_PAGE_SIZE")


@dataclass
class _Proc:
    session: int
    state: str  # Z: exited, not yet reaped (its CPU is final)
    comm: str
    cpu: float  # seconds, user + system, at the last reading
    rss: int  # bytes


def _read(pid: int) -> _Proc | None:
    """One process's session, name, CPU and resident memory from /proc/PID/stat."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    comm = text[text.index("(") + 1 : text.rindex(")")]
    f = text.rsplit(")", 1)[1].split()
    # after the name: state ppid pgrp session ... utime(11) stime(12) ... rss(21)
    return _Proc(
        session=int(f[3]),
        state=f[0],
        comm=comm,
        cpu=(int(f[11]) + int(f[12])) / TICK,
        rss=int(f[21]) * PAGE,
    )


@dataclass
class Sampler:
    """Reads /proc for every process of the watched sessions, in a thread."""

    interval: float
    sessions: set[int] = field(default_factory=set)
    seen: dict[int, _Proc] = field(default_factory=dict)
    peak: dict[frozenset[int], int] = field(default_factory=dict)
    _now: dict[int, _Proc] = field(default_factory=dict)
    _stop: threading.Event = field(default_factory=threading.Event)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def watch(self, session: int) -> None:
        with self._lock:
            self.sessions.add(session)

    def alive(self, session: int) -> list[int]:
        """The running pids of ``session`` at the last reading (no zombies)."""
        return [
            p for p, r in self._now.items() if r.session == session and r.state != "Z"
        ]

    def reading(self) -> None:
        now: dict[int, _Proc] = {}
        for entry in os.scandir("/proc"):
            if entry.name.isdigit():
                got = _read(int(entry.name))
                if got is not None and got.session in self.sessions:
                    now[int(entry.name)] = got
        with self._lock:
            self._now = now
            self.seen.update(now)
            for group in self.peak:
                rss = sum(r.rss for r in now.values() if r.session in group)
                self.peak[group] = max(self.peak[group], rss)

    def run(self) -> None:
        while not self._stop.wait(self.interval):
            self.reading()

    def __enter__(self) -> Sampler:
        self._thread = threading.Thread(target=self.run, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def snapshot(self) -> dict[int, float]:
        """CPU seconds so far per pid (a baseline to subtract)."""
        self.reading()
        with self._lock:
            return {p: r.cpu for p, r in self.seen.items()}

    def track_peak(self, group: frozenset[int]) -> None:
        with self._lock:
            self.peak[group] = 0


@dataclass
class Run:
    """One engine's run: wall, exact driver CPU, CPU per kind of process."""

    engine: str
    seconds: float
    driver_exact: float
    cpu: dict[str, float]
    peak_mb: float
    out: Path

    @property
    def total(self) -> float:
        return sum(self.cpu.values())


def _kind(pid: int, proc: _Proc, driver: int, cluster: Cluster | None) -> str:
    java = proc.comm == "java"
    if proc.session == driver:
        return "driver JVM" if java else "driver Python"
    assert cluster is not None
    if pid == cluster.master_pid:
        return "master JVM"
    if pid in cluster.worker_pids:
        return "worker JVMs"
    return "executor JVMs" if java else "executor Python"


def _settle(sampler: Sampler, sessions: list[int], keep: set[int]) -> None:
    """Keep reading until only ``keep`` is left of ``sessions`` (60 s at most):
    the driver's JVM and the cluster's executors end after the command does."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        sampler.reading()
        if all(set(sampler.alive(s)) <= keep for s in sessions):
            return
        time.sleep(sampler.interval)
    left = [f"{p} {sampler.seen[p].comm}" for s in sessions for p in sampler.alive(s)]
    print(f"warning: still alive 60 s after the run: {', '.join(left)}", flush=True)


def run_engine(
    engine: str,
    data: Path,
    out: Path,
    sampler: Sampler,
    cluster: Cluster | None,
) -> Run:
    """``population score`` on ``engine`` in its own session, measured."""
    cmd = [
        sys.executable, "-m", "nowrongdoor", "population", "score", str(data),
        "--out", str(out), "--engine", engine, "--as-of", AS_OF.isoformat(),
    ]  # fmt: skip
    cluster_sessions = (
        [] if cluster is None else [cluster.master_pid, *cluster.worker_pids]
    )
    before = sampler.snapshot()
    apps = cluster.completed_apps() if cluster is not None else 0
    with tempfile.TemporaryFile("w+") as log:
        t0 = time.perf_counter()
        proc = subprocess.Popen(
            cmd, env=driver_env(os.environ, cluster), stdout=log, stderr=log,
            start_new_session=True,
        )  # fmt: skip
        sampler.watch(proc.pid)
        group = frozenset([proc.pid, *cluster_sessions])
        sampler.track_peak(group)
        try:
            _, status, usage = os.wait4(proc.pid, 0)
            seconds = time.perf_counter() - t0
            proc.returncode = os.waitstatus_to_exitcode(status)
            _settle(sampler, [proc.pid, *cluster_sessions], set(cluster_sessions))
        finally:
            if proc.returncode is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)  # a driver JVM left behind
        if proc.returncode != 0:
            log.seek(0)
            print(log.read()[-3000:], file=sys.stderr)
            raise SystemExit(f"{engine} run failed ({proc.returncode})")
    if cluster is not None and cluster.completed_apps() != apps + 1:
        raise SystemExit("the Spark run never reached the cluster's master")
    cpu: dict[str, float] = {}
    for pid, seen in sampler.seen.items():
        if seen.session in group:
            kind = _kind(pid, seen, proc.pid, cluster)
            cpu[kind] = cpu.get(kind, 0.0) + seen.cpu - before.get(pid, 0.0)
    return Run(
        engine=engine,
        seconds=seconds,
        driver_exact=usage.ru_utime + usage.ru_stime,
        cpu=cpu,
        peak_mb=sampler.peak.pop(group) / 2**20,
        out=out,
    )


def _print(run: Run) -> None:
    parts = ", ".join(f"{k} {v:.1f}" for k, v in sorted(run.cpu.items()))
    print(
        f"{run.engine:6s} {run.seconds:7.1f} s wall {run.total:7.1f} s CPU "
        f"({parts}; driver by wait4 {run.driver_exact:.1f})  "
        f"peak {run.peak_mb:,.0f} MB  load {_load()}",
        flush=True,
    )


def _same(a: Path, b: Path) -> bool:
    """Byte-identical; ``summary.json`` apart from its ``engine`` field."""
    if not b.is_file():
        return False
    if a.name != "summary.json":
        return a.read_bytes() == b.read_bytes()
    left, right = (json.loads(p.read_text()) for p in (a, b))
    return bool({**left, "engine": None} == {**right, "engine": None})


def _compare(duck: Path, spark: Path) -> bool:
    """Print which output files are identical; True if the worklists are."""
    names = sorted(
        p.relative_to(duck).as_posix() for p in duck.rglob("*") if p.is_file()
    )
    same = [n for n in names if _same(duck / n, spark / n)]
    print(f"identical (summary.json but its engine): {', '.join(same) or 'none'}")
    differ = sorted(set(names) - set(same))
    if differ:
        print(f"differ or missing on Spark: {', '.join(differ)}")
    worklist = duck / "worklist.csv"
    return worklist.read_bytes().count(b"\n") > 1 and "worklist.csv" in same


def _lines(data: Path) -> str:
    if data.suffix == ".csv":
        with open(data, "rb") as fh:
            return f"{sum(1 for _ in fh) - 1:,} claim lines (CSV)"
    import pyarrow.dataset as ds

    found = ds.dataset(data, format="parquet")
    return f"{found.count_rows():,} claim lines ({len(found.files)} Parquet parts)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--members",
        type=int,
        default=DEFAULT_MEMBERS,
        help=f"generate (or reuse) this population (default {DEFAULT_MEMBERS:,}, "
        "about 10^7 claim lines)",
    )
    parser.add_argument(
        "--data", type=Path, help="a claims folder or file instead of --members"
    )
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--cores", type=int, default=1, help="cores per worker")
    parser.add_argument(
        "--worker-memory",
        default="2g",
        help="memory per worker, all of it to its executor (default 2g)",
    )
    parser.add_argument("--rounds", type=int, default=1, help="DuckDB, Spark, ...")
    parser.add_argument(
        "--interval", type=float, default=0.2, help="seconds between /proc readings"
    )
    parser.add_argument(
        "--work",
        type=Path,
        default=CACHE / "spark",
        help="outputs, cluster logs and scratch (default benchmarks/.cache/spark)",
    )
    args = parser.parse_args()
    # SIGTERM ends the run like Ctrl-C: the cluster and the driver are stopped.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    data = args.data or _data(args.members)
    print(f"input: {data}: {_lines(data)}", flush=True)
    print(f"load average at the start: {_load()}", flush=True)
    t0 = time.perf_counter()
    with (
        Sampler(args.interval) as sampler,
        standalone_cluster(
            args.work / "cluster",
            workers=args.workers,
            cores=args.cores,
            memory=args.worker_memory,
        ) as cluster,
    ):
        for pid in (cluster.master_pid, *cluster.worker_pids):
            sampler.watch(pid)
        print(
            f"cluster {cluster.url}: {args.workers} workers x {args.cores} core(s), "
            f"{args.worker_memory} each, up in {time.perf_counter() - t0:.1f} s",
            flush=True,
        )
        runs: list[tuple[Run, Run]] = []
        for r in range(args.rounds):
            duck = run_engine("duckdb", data, args.work / f"duckdb-{r}", sampler, None)
            _print(duck)
            spark = run_engine(
                "spark", data, args.work / f"spark-{r}", sampler, cluster
            )
            _print(spark)
            runs.append((duck, spark))
            if not _compare(duck.out, spark.out):
                raise SystemExit("the worklists differ between Spark and DuckDB")
    print(f"load average at the end: {_load()}")
    for r, (duck, spark) in enumerate(runs, 1):
        print(
            f"round {r}: spark / duckdb {spark.seconds / duck.seconds:.2f}x the wall "
            f"time, {spark.total / duck.total:.2f}x the CPU time "
            f"({spark.total:.1f} s vs {duck.total:.1f} s), "
            f"{spark.peak_mb / duck.peak_mb:.2f}x the peak memory"
        )


if __name__ == "__main__":
    main()
