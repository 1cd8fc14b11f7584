"""The shared Spark session builder on a real standalone cluster.

A Spark master and two workers are started on 127.0.0.1 from the pip ``pyspark``
package (``bin/spark-class``: the package ships no ``start-master.sh``), and
``population score --engine spark`` and ``ads link --engine spark`` run on them
through the ``spark_master`` setting, in separate processes, as an operator would
run them. Their outputs must be byte-identical to DuckDB's on the same input, and
the master must have seen each application finish (so a run did not silently fall
back to local mode).
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from nowrongdoor.synth.claims import generate_claims

pytestmark = pytest.mark.spark

AS_OF = date(2025, 12, 31)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Cluster:
    """A running standalone cluster: its master URL and its status page."""

    url: str
    ui: str

    def status(self) -> dict[str, Any]:
        with urllib.request.urlopen(f"{self.ui}/json/", timeout=5) as resp:
            return dict(json.loads(resp.read()))


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    """A Spark standalone master and two one-core workers on loopback."""
    pyspark = pytest.importorskip("pyspark")
    if shutil.which("java") is None:
        pytest.fail("Java is needed for Spark; install a JDK 17")
    home = Path(pyspark.__file__).parent
    work = tmp_path_factory.mktemp("spark-cluster")
    env = {
        **os.environ,
        "SPARK_HOME": str(home),
        "SPARK_LOCAL_IP": "127.0.0.1",
        "SPARK_WORKER_DIR": str(work / "work"),
        "SPARK_LOG_DIR": str(work / "logs"),
        "PYSPARK_PYTHON": sys.executable,
    }
    port, ui_port = _free_port(), _free_port()
    url = f"spark://127.0.0.1:{port}"
    klass = str(home / "bin" / "spark-class")
    procs = []
    logs = []
    try:
        log = open(work / "master.log", "wb")  # noqa: SIM115 - closed below
        logs.append(log)
        procs.append(
            subprocess.Popen(
                [klass, "org.apache.spark.deploy.master.Master", "--host",
                 "127.0.0.1", "--port", str(port), "--webui-port", str(ui_port)],
                env=env, stdout=log, stderr=subprocess.STDOUT,
            )
        )  # fmt: skip
        for i in range(2):
            log = open(work / f"worker{i}.log", "wb")  # noqa: SIM115
            logs.append(log)
            procs.append(
                subprocess.Popen(
                    [klass, "org.apache.spark.deploy.worker.Worker", url,
                     "--cores", "1", "--memory", "1g",
                     "--webui-port", str(_free_port())],
                    env=env, stdout=log, stderr=subprocess.STDOUT,
                )
            )  # fmt: skip
        found = Cluster(url=url, ui=f"http://127.0.0.1:{ui_port}")
        deadline = time.monotonic() + 120
        while True:
            try:
                if found.status().get("aliveworkers") == 2:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                text = (work / "master.log").read_text(errors="replace")[-2000:]
                pytest.fail(f"the Spark cluster did not start in 120 s:\n{text}")
            time.sleep(1)
        yield found
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
        for log in logs:
            log.close()


def _score(src: Path, out: Path, *, engine: str, master: str | None = None) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("NOWRONGDOOR_")}
    env["SPARK_LOCAL_IP"] = "127.0.0.1"
    if master is not None:
        env["NOWRONGDOOR_SPARK_MASTER"] = master
    cmd = [
        sys.executable, "-m", "nowrongdoor", "population", "score", str(src),
        "--out", str(out), "--engine", engine, "--as-of", AS_OF.isoformat(),
    ]  # fmt: skip
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr


def test_population_on_a_standalone_cluster_matches_duckdb(
    cluster: Cluster, tmp_path: Path
) -> None:
    src = tmp_path / "claims"
    generate_claims(400, 7, src, fmt="csv")
    _score(src, tmp_path / "duck", engine="duckdb")
    before = len(cluster.status().get("completedapps", []))
    _score(src, tmp_path / "cluster", engine="spark", master=cluster.url)
    after = cluster.status().get("completedapps", [])
    assert len(after) == before + 1, "the run never reached the cluster's master"
    duck = (tmp_path / "duck" / "worklist.csv").read_bytes()
    assert duck.count(b"\n") > 5
    assert (tmp_path / "cluster" / "worklist.csv").read_bytes() == duck


def _run(args: list[str], master: str | None = None) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("NOWRONGDOOR_")}
    env["SPARK_LOCAL_IP"] = "127.0.0.1"
    if master is not None:
        env["NOWRONGDOOR_SPARK_MASTER"] = master
    cmd = [sys.executable, "-m", "nowrongdoor", *args]
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr


def test_ads_link_on_a_standalone_cluster_matches_duckdb(
    cluster: Cluster, tmp_path: Path
) -> None:
    from nowrongdoor.synth.ads import generate_ads

    corpus = tmp_path / "corpus"
    generate_ads(20, 3, corpus)
    src = str(corpus / "scanned_truth.jsonl")
    _run(["ads", "link", src, "--out", str(tmp_path / "duck"), "--no-graph"])
    before = len(cluster.status().get("completedapps", []))
    _run(
        ["ads", "link", src, "--out", str(tmp_path / "cluster"), "--no-graph",
         "--engine", "spark"],
        master=cluster.url,
    )  # fmt: skip
    assert len(cluster.status().get("completedapps", [])) == before + 1
    for name in ("operations.csv", "edges.csv"):
        duck = (tmp_path / "duck" / name).read_text()
        assert duck.count("\n") > 5
        assert (tmp_path / "cluster" / name).read_text() == duck, name
