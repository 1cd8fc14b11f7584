from pathlib import Path

import pytest
from pydantic import ValidationError

from nowrongdoor.settings import build_settings


def test_env_prefix_and_toml(tmp_path: Path) -> None:
    toml = tmp_path / "nwd.toml"
    toml.write_text('engine = "spark"\nport = 9000\n')
    s = build_settings(config_file=toml, env={"NOWRONGDOOR_PORT": "9100"})
    assert s.engine == "spark"
    assert s.port == 9100  # environment wins over the file


def test_default_database_is_sqlite_in_data_dir(tmp_path: Path) -> None:
    s = build_settings(env={}, data_dir=tmp_path)
    assert s.resolved_database_url == f"sqlite:///{tmp_path.as_posix()}/care.db"


def test_production_refuses_placeholder_secret() -> None:
    with pytest.raises(ValidationError, match="secret_key"):
        build_settings(env={}, environment="production")


def test_missing_config_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="nope.toml"):
        build_settings(config_file=tmp_path / "nope.toml")


def test_unknown_setting_is_refused() -> None:
    with pytest.raises(ValidationError, match="colour"):
        build_settings(env={}, colour="red")
