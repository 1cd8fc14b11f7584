import functools

import pytest
from typer.testing import CliRunner

from nowrongdoor import __version__
from nowrongdoor.cli import app


def test_version(runner: CliRunner) -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.output.strip() == f"nowrongdoor {__version__}"


def test_python_dash_m_runs() -> None:
    import subprocess
    import sys

    out = subprocess.run(
        [sys.executable, "-m", "nowrongdoor", "--version"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.startswith("nowrongdoor ")


def test_core_import_needs_no_heavy_backend() -> None:
    import subprocess
    import sys

    code = (
        "import sys, nowrongdoor, nowrongdoor.cli, nowrongdoor.knowledge;"
        "heavy = {'duckdb','pyspark','fastapi','sqlalchemy','ibis','pandas'};"
        "print(sorted(heavy & set(sys.modules)))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "[]"


#: How the console script calls the command (pip writes this wrapper).
CONSOLE_SCRIPT = "import sys; from nowrongdoor.__main__ import main; sys.exit(main())"


def _run_timed(argv: list[str], interrupt_after: str = "") -> tuple[int, str, set[str]]:
    """Run ``python -X importtime ARGV``; return its exit status, its stderr and
    the modules whose import it started.

    ``-X importtime`` writes a line to stderr as each import ends. With
    ``interrupt_after``, SIGINT is sent as soon as that module's line appears.
    """
    import signal
    import subprocess
    import sys

    proc = subprocess.Popen(
        [sys.executable, "-X", "importtime", *argv],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stderr is not None
    lines = []
    if interrupt_after:
        for line in proc.stderr:
            lines.append(line)
            if line.rsplit("|", 1)[-1].strip() == interrupt_after:
                proc.send_signal(signal.SIGINT)
                break
    _, rest = proc.communicate(timeout=60)
    err = "".join(lines) + rest
    loaded = {
        line.rsplit("|", 1)[-1].strip()
        for line in err.splitlines()
        if line.startswith("import time:")
    }
    return proc.returncode, err, loaded


_ENTRIES = {"console-script": ["-c", CONSOLE_SCRIPT], "python-m": ["-m", "nowrongdoor"]}


@functools.cache
def _loaded_by_version(entry: str) -> frozenset[str]:
    """The modules ``nowrongdoor --version`` loads (the command, whole)."""
    status, err, loaded = _run_timed([*_ENTRIES[entry], "--version"])
    assert status == 0, err[-2000:]
    return frozenset(loaded)


@pytest.mark.parametrize("entry", list(_ENTRIES))
@pytest.mark.parametrize("after", ["typer", "nowrongdoor.knowledge._loader"])
def test_ctrl_c_while_the_command_loads_exits_130_without_a_traceback(
    entry: str, after: str
) -> None:
    argv = (
        ["-c", CONSOLE_SCRIPT] if entry == "console-script" else ["-m", "nowrongdoor"]
    )
    whole = _loaded_by_version(entry)
    for _ in range(5):  # a stalled machine may finish loading before the signal
        status, err, loaded = _run_timed([*argv, "screen", "list"], after)
        assert after in loaded, err[-2000:]
        assert status == 130, err[-2000:]
        assert "Traceback" not in err and "KeyboardInterrupt" not in err, err[-2000:]
        if {m for m in whole - loaded if m.startswith("nowrongdoor.")}:
            return  # stopped while the command's own modules were still loading
    pytest.fail("the command always finished loading before the interrupt arrived")


def test_the_console_script_enters_where_ctrl_c_is_caught() -> None:
    import tomllib
    from pathlib import Path

    pyproject = Path(__file__).parents[1] / "pyproject.toml"
    scripts = tomllib.loads(pyproject.read_text())["project"]["scripts"]
    assert scripts == {"nowrongdoor": "nowrongdoor.__main__:main"}


def test_importing_the_package_loads_nothing_else() -> None:
    # the console script's try is reached at once: no metadata lookup before it
    _, _, bare = _run_timed(["-c", "pass"])
    _, err, loaded = _run_timed(["-c", "import nowrongdoor"])
    assert loaded - bare == {"nowrongdoor"}, err[-2000:]


def test_ctrl_c_at_a_question_exits_130_like_elsewhere() -> None:
    import os
    import signal
    import subprocess
    import sys
    import time

    proc = subprocess.Popen(
        [sys.executable, "-m", "nowrongdoor", "screen", "run", "cst6"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert proc.stdout is not None
    shown = b""
    deadline = time.monotonic() + 60
    while b"(y/n/skip)" not in shown and time.monotonic() < deadline:
        chunk = os.read(proc.stdout.fileno(), 4096)
        if not chunk:
            break
        shown += chunk
    assert b"(y/n/skip)" in shown, shown  # waiting at the first question
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert b"Traceback" not in err and b"Aborted" not in err, err
