"""A Spark standalone cluster on 127.0.0.1, started from the pip ``pyspark`` package.

The one launcher of a local standalone cluster, shared by ``tests/test_spark.py``
(the CI parity test) and ``benchmarks/population_spark.py`` (the 10^7-line
benchmark; it puts this folder on its ``sys.path``). It lives with the tests
because the CI test is what must keep working with nothing but the test tree;
the benchmark is a script run by hand that already reaches into the project.

The pip package ships no ``start-master.sh``, so the master and the workers are
started with ``bin/spark-class`` (which ``exec``\\ s the JVM, so each Popen is the
JVM itself), each in its own session: a Ctrl-C at the terminal reaches only the
Python process, which stops the cluster in order, and stopping a worker's process
group also ends the executors and Python workers it started, so no JVM is left
behind. Not a test module: imported as ``from _spark_cluster import ...``.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from _net import free_port

__all__ = ["Cluster", "ClusterError", "driver_env", "standalone_cluster"]


class ClusterError(RuntimeError):
    """The cluster could not be started (no Java, a JVM died, or a timeout)."""


@dataclass
class Cluster:
    """A running standalone cluster.

    Attributes:
        url: The master URL (``spark://127.0.0.1:<port>``).
        ui: The master's web UI, whose ``/json/`` is the cluster status.
        master_pid: The master JVM.
        worker_pids: The worker JVMs (each the leader of its process group; the
            executors it starts are in that group).
        conf_dir: A ``SPARK_CONF_DIR`` for drivers: its ``spark-defaults.conf``
            sizes the executors to the workers' memory.
    """

    url: str
    ui: str
    master_pid: int
    worker_pids: list[int] = field(default_factory=list)
    conf_dir: Path | None = None

    def status(self) -> dict[str, Any]:
        """The master's status: ``aliveworkers``, ``completedapps``..."""
        with urllib.request.urlopen(f"{self.ui}/json/", timeout=5) as resp:
            return dict(json.loads(resp.read()))

    def completed_apps(self) -> int:
        """How many applications the master has seen finish."""
        return len(self.status().get("completedapps", []))


def driver_env(
    base: Mapping[str, str], cluster: Cluster | None = None
) -> dict[str, str]:
    """The environment of a ``nowrongdoor`` process run next to the cluster.

    ``base`` without its ``NOWRONGDOOR_*`` settings, bound to loopback, and with a
    cluster: its master URL as the ``spark_master`` setting and its Spark
    configuration folder (``None``: a DuckDB or local run).
    """
    env = {k: v for k, v in base.items() if not k.startswith("NOWRONGDOOR_")}
    env["SPARK_LOCAL_IP"] = "127.0.0.1"
    if cluster is not None:
        env["NOWRONGDOOR_SPARK_MASTER"] = cluster.url
        if cluster.conf_dir is not None:
            env["SPARK_CONF_DIR"] = str(cluster.conf_dir)
    return env


def _stop(procs: list[subprocess.Popen[bytes]]) -> None:
    """Workers first (they end their executors), then the master; then make sure
    nothing of any process group is left."""
    for proc in reversed(procs):
        if proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGTERM)
    for proc in reversed(procs):
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    for proc in procs:
        # A group outliving its leader (an orphaned Python worker) goes too.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)


@contextlib.contextmanager
def standalone_cluster(
    work: Path,
    *,
    workers: int = 2,
    cores: int = 1,
    memory: str = "1g",
    timeout: float = 120.0,
) -> Iterator[Cluster]:
    """Start a master and ``workers`` workers on 127.0.0.1; stop them on exit.

    Args:
        work: A folder for the logs, the workers' scratch space and the drivers'
            Spark configuration.
        workers: How many workers.
        cores: Cores each worker offers.
        memory: Memory each worker offers (``1g``, ``2g``...); an executor gets
            all of it (``spark.executor.memory`` in :attr:`Cluster.conf_dir`).
        timeout: Seconds to wait for every worker to register.

    Yields:
        The running cluster.

    Raises:
        ClusterError: no Java, a JVM exited, or the workers did not register in
            ``timeout`` seconds (the master's log tail is in the message).
    """
    import pyspark

    if shutil.which("java") is None:
        raise ClusterError("Java is needed for Spark; install a JDK 17")
    home = Path(pyspark.__file__).parent
    work.mkdir(parents=True, exist_ok=True)
    conf = work / "conf"
    conf.mkdir(exist_ok=True)
    (conf / "spark-defaults.conf").write_text(
        f"spark.executor.memory {memory}\n", encoding="utf-8"
    )
    env = {
        **os.environ,
        "SPARK_HOME": str(home),
        "SPARK_LOCAL_IP": "127.0.0.1",
        "SPARK_WORKER_DIR": str(work / "work"),
        "SPARK_LOG_DIR": str(work / "logs"),
        "PYSPARK_PYTHON": sys.executable,
    }
    port, ui_port = free_port(), free_port()
    url = f"spark://127.0.0.1:{port}"
    klass = str(home / "bin" / "spark-class")
    commands = [
        ("master", [klass, "org.apache.spark.deploy.master.Master", "--host",
                    "127.0.0.1", "--port", str(port), "--webui-port", str(ui_port)]),
        *(
            (f"worker{i}", [klass, "org.apache.spark.deploy.worker.Worker", url,
                            "--cores", str(cores), "--memory", memory,
                            "--webui-port", str(free_port())])
            for i in range(workers)
        ),
    ]  # fmt: skip
    procs: list[subprocess.Popen[bytes]] = []
    logs: list[IO[bytes]] = []
    try:
        for name, cmd in commands:
            log = open(work / f"{name}.log", "wb")  # noqa: SIM115 - closed below
            logs.append(log)
            procs.append(
                subprocess.Popen(
                    cmd, env=env, stdout=log, stderr=subprocess.STDOUT,
                    start_new_session=True,
                )
            )  # fmt: skip
        found = Cluster(
            url=url,
            ui=f"http://127.0.0.1:{ui_port}",
            master_pid=procs[0].pid,
            worker_pids=[p.pid for p in procs[1:]],
            conf_dir=conf,
        )
        deadline = time.monotonic() + timeout
        while True:
            with contextlib.suppress(OSError):
                if found.status().get("aliveworkers") == workers:
                    break
            dead = [name for (name, _), p in zip(commands, procs, strict=True)
                    if p.poll() is not None]  # fmt: skip
            if dead or time.monotonic() > deadline:
                text = (work / "master.log").read_text(errors="replace")[-2000:]
                why = f"{', '.join(dead)} exited" if dead else f"not up in {timeout} s"
                raise ClusterError(f"the Spark cluster did not start ({why}):\n{text}")
            time.sleep(1)
        yield found
    finally:
        _stop(procs)
        for log in logs:
            log.close()
