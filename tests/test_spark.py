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

import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from _spark_cluster import Cluster, driver_env, standalone_cluster
from nowrongdoor.synth.claims import generate_claims

pytestmark = pytest.mark.spark

AS_OF = date(2025, 12, 31)


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    """A Spark standalone master and two one-core, 1 GB workers on loopback."""
    pytest.importorskip("pyspark")
    with standalone_cluster(tmp_path_factory.mktemp("spark-cluster")) as found:
        yield found


def _run(args: list[str], cluster: Cluster | None = None) -> None:
    """``nowrongdoor *args`` in its own process, on ``cluster`` if given."""
    cmd = [sys.executable, "-m", "nowrongdoor", *args]
    env = driver_env(os.environ, cluster)
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr


def _score(
    src: Path, out: Path, *, engine: str, cluster: Cluster | None = None
) -> None:
    _run(
        ["population", "score", str(src), "--out", str(out), "--engine", engine,
         "--as-of", AS_OF.isoformat()],
        cluster,
    )  # fmt: skip


def test_population_on_a_standalone_cluster_matches_duckdb(
    cluster: Cluster, tmp_path: Path
) -> None:
    src = tmp_path / "claims"
    generate_claims(400, 7, src, fmt="csv")
    _score(src, tmp_path / "duck", engine="duckdb")
    before = cluster.completed_apps()
    _score(src, tmp_path / "cluster", engine="spark", cluster=cluster)
    assert cluster.completed_apps() == before + 1, (
        "the run never reached the cluster's master"
    )
    duck = (tmp_path / "duck" / "worklist.csv").read_bytes()
    assert duck.count(b"\n") > 5
    assert (tmp_path / "cluster" / "worklist.csv").read_bytes() == duck


def test_ads_link_on_a_standalone_cluster_matches_duckdb(
    cluster: Cluster, tmp_path: Path
) -> None:
    from nowrongdoor.synth.ads import generate_ads

    corpus = tmp_path / "corpus"
    generate_ads(20, 3, corpus)
    src = str(corpus / "scanned_truth.jsonl")
    _run(["ads", "link", src, "--out", str(tmp_path / "duck"), "--no-graph"])
    before = cluster.completed_apps()
    _run(
        ["ads", "link", src, "--out", str(tmp_path / "cluster"), "--no-graph",
         "--engine", "spark"],
        cluster,
    )  # fmt: skip
    assert cluster.completed_apps() == before + 1
    for name in ("operations.csv", "edges.csv"):
        duck = (tmp_path / "duck" / name).read_text()
        assert duck.count("\n") > 5
        assert (tmp_path / "cluster" / name).read_text() == duck, name
