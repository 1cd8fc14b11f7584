"""Fuzzing the settings file (``--config``) and screening answers files through
the CLI: success or one sentence and a non-zero exit, never a traceback."""

from __future__ import annotations

import json

import pytest
from fuzz_helpers import FUZZ, SLOWEST, cli_one_line_or_ok, mutated, one_line_or_ok
from hypothesis import given
from typer.testing import CliRunner

from nowrongdoor.cli import app
from nowrongdoor.settings import build_settings

TOML = (
    b'environment = "development"\nport = 8000\nstate = "IN"\n'
    b"encryption_keys = []\nsuppression_threshold = 11\n"
    b"[unknown]\nx = 1\n"
)
ANSWERS = json.dumps(
    {
        "unsafe-work": True,
        "afraid-to-leave": False,
        "exchanged-sex": None,
        "tricked-into-work": False,
    }
).encode()


@given(data=mutated(TOML))
@FUZZ
def test_settings_file(tmp_path_factory: pytest.TempPathFactory, data: bytes) -> None:
    path = tmp_path_factory.mktemp("toml") / "settings.toml"
    path.write_bytes(data)

    def build() -> object:
        from pydantic import ValidationError

        try:
            return build_settings(config_file=path, env={})
        except ValidationError:
            return None  # the CLI turns it into one line naming the setting

    one_line_or_ok("settings toml", build)


@given(data=mutated(TOML))
@SLOWEST
def test_settings_file_through_the_cli(
    tmp_path_factory: pytest.TempPathFactory, data: bytes
) -> None:
    path = tmp_path_factory.mktemp("toml") / "settings.toml"
    path.write_bytes(data)
    result = CliRunner().invoke(
        app, ["--config", str(path), "screen", "list"], env={}, catch_exceptions=True
    )
    cli_one_line_or_ok("settings toml (cli)", result)


@given(data=mutated(ANSWERS))
@FUZZ
def test_answers_file(tmp_path_factory: pytest.TempPathFactory, data: bytes) -> None:
    from nowrongdoor.screening import get_instrument
    from nowrongdoor.screening._engine import score_instrument
    from nowrongdoor.screening.cli import _read_json

    path = tmp_path_factory.mktemp("answers") / "answers.json"
    path.write_bytes(data)
    instrument = get_instrument("qyit")

    def run() -> object:
        given = _read_json(path, "answers")
        return score_instrument(instrument, given, age=None, state="IN", label="f")

    one_line_or_ok("screening answers", run)


@given(data=mutated(ANSWERS))
@SLOWEST
def test_answers_file_through_the_cli(
    tmp_path_factory: pytest.TempPathFactory, data: bytes
) -> None:
    path = tmp_path_factory.mktemp("answers") / "answers.json"
    path.write_bytes(data)
    result = CliRunner().invoke(
        app, ["screen", "run", "qyit", "--answers", str(path), "--json"], env={}
    )
    cli_one_line_or_ok("screening answers (cli)", result)
