"""``nowrongdoor serve --workers N --config FILE``: every worker reads the file."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from _net import free_port


def _children(pid: int) -> list[int]:
    found = []
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            text = status.read_text()
        except OSError:
            continue
        if f"\nPPid:\t{pid}\n" in text:
            found.append(int(status.parent.name))
    return found


def test_two_workers_serve_with_the_config_file(tmp_path: Path) -> None:
    import httpx

    data = tmp_path / "data"
    config = tmp_path / "nowrongdoor.toml"
    config.write_text(
        f'environment = "test"\ndata_dir = "{data.as_posix()}"\n'
        'secret_key = "test-secret-key-for-care-tests"\n',
        encoding="utf-8",
    )
    # No NOWRONGDOOR_* variable and a working directory without a database: a
    # worker that ignored --config would find no schema and never be ready.
    env = {k: v for k, v in os.environ.items() if not k.startswith("NOWRONGDOOR_")}
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    cli = [sys.executable, "-m", "nowrongdoor", "--config", str(config)]
    subprocess.run(
        [*cli, "db", "upgrade"], env=env, cwd=elsewhere, check=True, capture_output=True
    )
    port = free_port()
    proc = subprocess.Popen(
        [*cli, "serve", "--no-web", "--workers", "2", "--port", str(port)],
        env=env,
        cwd=elsewhere,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        ready = None
        while ready != 200:
            try:
                ready = httpx.get(f"{base}/readyz", timeout=2).status_code
            except httpx.TransportError:
                pass
            assert proc.poll() is None, "serve exited"
            assert time.monotonic() < deadline, f"serve not ready (last {ready})"
            time.sleep(0.3)
        with httpx.Client(base_url=base) as http:
            for _ in range(6):  # new connections, spread over the workers
                got = http.get("/api/v1/health", headers={"Connection": "close"})
                assert got.status_code == 200
        assert len(_children(proc.pid)) >= 2, "serve runs two worker processes"
        assert (data / "care.db").is_file()
        assert not (elsewhere / ".nowrongdoor").exists()
    finally:
        proc.terminate()
        _out, err = proc.communicate(timeout=30)
    assert "Traceback" not in err, err[-2000:]
