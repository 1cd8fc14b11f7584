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
