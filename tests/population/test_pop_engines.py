"""Engine settings reach the engines: DuckDB memory limit, spill folder, threads;
the Spark driver host."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from nowrongdoor.errors import UserInputError
from nowrongdoor.population import _backends
from nowrongdoor.population._backends import connect
from nowrongdoor.settings import build_settings


def test_duckdb_memory_limit_spill_folder_and_threads(tmp_path: Path) -> None:
    engine = connect(
        "duckdb", memory_limit="300MB", threads=1, temp_dir=tmp_path / "spill"
    )
    try:
        con = engine.con  # type: ignore[attr-defined]
        got = con.raw_sql(
            "SELECT current_setting('memory_limit'), current_setting('threads'), "
            "current_setting('temp_directory')"
        ).fetchall()[0]
    finally:
        engine.close()
    assert got[0] in ("286.1 MiB", "300.0 MB", "286.1MiB")
    assert int(got[1]) == 1
    assert got[2] == str(tmp_path / "spill")
    assert (tmp_path / "spill").is_dir()


def test_population_settings_from_the_config_file(tmp_path: Path) -> None:
    config = tmp_path / "s.toml"
    config.write_text(
        'spark_driver_host = "10.20.0.15"\n[population]\nmemory_limit = "4GB"\n'
        f'temp_dir = "{tmp_path.as_posix()}/spill"\nthreads = 2\n',
        encoding="utf-8",
    )
    s = build_settings(config_file=config, env={})
    assert s.population.memory_limit == "4GB"
    assert s.population.temp_dir == tmp_path / "spill"
    assert s.population.threads == 2
    assert s.spark_driver_host == "10.20.0.15"
    assert build_settings(env={}).spark_driver_host == "127.0.0.1"
    with pytest.raises(ValidationError, match="memory_limit"):
        build_settings(env={}, population={"memory_limit": "lots"})
    assert build_settings(env={}, population={"memory_limit": "2 gib"})


def test_a_temp_dir_that_is_a_file_is_one_sentence(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(UserInputError, match="population.temp_dir"):
        connect("duckdb", temp_dir=blocker / "spill")


def test_the_spark_driver_host_reaches_the_session_builder(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    seen: dict[str, Any] = {}

    class Built(Exception):
        pass

    def fake(warehouse: Path, **kwargs: Any) -> Any:
        seen.update(kwargs)
        raise Built

    monkeypatch.setattr(_backends, "spark_session", fake)
    with pytest.raises(Built):
        connect("spark", spark_master="spark://m:7077", spark_driver_host="10.0.0.9")
    assert seen["master"] == "spark://m:7077"
    assert seen["driver_host"] == "10.0.0.9"


def test_ctrl_c_inside_a_duckdb_query_is_ctrl_c(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """DuckDB turns Ctrl-C into its own error; the engine gives Ctrl-C back, so
    the CLI stops with exit 130 and no traceback (nothing written)."""
    import duckdb
    import pyarrow as pa

    engine: Any = connect("duckdb")

    def interrupted(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("Query interrupted")

    monkeypatch.setattr(engine.con, "create_table", interrupted)
    with pytest.raises(KeyboardInterrupt):
        engine.cache(engine.from_arrow(pa.table({"a": [1]})))
    assert isinstance(
        _backends._read_error(duckdb.InterruptException("x")), KeyboardInterrupt
    )
    other = RuntimeError("something else")
    assert _backends._read_error(other) is other
    engine.close()
