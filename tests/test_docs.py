"""Docs that tests keep honest: every setting and every CLI command is documented."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import typer
from pydantic.fields import FieldInfo

from nowrongdoor.cli import app
from nowrongdoor.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
SETTINGS_MD = ROOT / "docs" / "settings.md"
CLI_DOCS = [ROOT / "README.md", ROOT / "docs" / "cli.md"]


def _flat(text: str) -> str:
    return " ".join(text.replace("\\|", "|").split())


def _default(field: FieldInfo) -> str:
    if field.default_factory is not None:
        return "empty"
    value = field.default
    secret = getattr(value, "get_secret_value", None)
    if secret is not None:
        return "development placeholder"
    return "none" if value is None else str(value)


def _type(field: FieldInfo) -> str:
    text = re.sub(r"<class '([^']+)'>", r"\1", str(field.annotation))
    text = re.sub(r"\b(?:typing|pathlib|pydantic\.types)\.", "", text)
    return text.replace("|", "or")


def settings_row(name: str, field: FieldInfo) -> str:
    """The docs/settings.md table row for one field (what the test expects)."""
    return (
        f"| `{name}` | `NOWRONGDOOR_{name.upper()}` | {_type(field)} | "
        f"{_default(field)} | {field.description} |"
    )


def _commands() -> list[str]:
    """Every group and command path under ``nowrongdoor``, e.g. ``kb list``."""
    root: Any = typer.main.get_command(app)
    found: list[str] = []

    def walk(cmd: Any, path: list[str]) -> None:
        ctx = type(cmd).context_class(cmd)
        for name in cmd.list_commands(ctx):
            sub = cmd.get_command(ctx, name)
            found.append(" ".join([*path, name]))
            if hasattr(sub, "list_commands"):
                walk(sub, [*path, name])

    walk(root, [])
    return found


def test_every_setting_is_documented() -> None:
    text = _flat(SETTINGS_MD.read_text(encoding="utf-8"))
    missing = []
    for name, field in Settings.model_fields.items():
        env = f"NOWRONGDOOR_{name.upper()}"
        described = field.description and _flat(field.description) in text
        if f"`{name}`" not in text or env not in text or not described:
            missing.append(settings_row(name, field))
    assert not missing, (
        "docs/settings.md lacks these settings (or their env var or current "
        "description); add or update the rows:\n" + "\n".join(missing)
    )


def test_every_setting_has_a_description() -> None:
    bare = [n for n, f in Settings.model_fields.items() if not f.description]
    assert not bare, f"Settings fields without description=...: {bare}"


def test_settings_docs_name_no_removed_setting() -> None:
    text = SETTINGS_MD.read_text(encoding="utf-8")
    documented = set(re.findall(r"`NOWRONGDOOR_([A-Z0-9_]+)`", text))
    fields = {name.upper() for name in Settings.model_fields}
    assert documented <= fields, f"documented but gone: {sorted(documented - fields)}"


def test_every_cli_command_is_documented() -> None:
    text = "\n".join(p.read_text(encoding="utf-8") for p in CLI_DOCS if p.exists())
    missing = [
        f"nowrongdoor {path}"
        for path in _commands()
        if not re.search(rf"nowrongdoor {re.escape(path)}(?![\w-])", text)
    ]
    assert not missing, (
        "commands/groups not documented in README.md or docs/cli.md (add a row "
        "`| `nowrongdoor GROUP COMMAND ...` | what it does |` under the group's "
        "heading in docs/cli.md): " + ", ".join(missing)
    )


def test_command_walker_sees_groups_and_commands() -> None:
    found = _commands()
    assert {"kb", "kb list", "kb show", "kb search", "kb export"} <= set(found)


@pytest.mark.parametrize("path", ["kb", "kb search"])
def test_docs_check_would_catch_a_missing_command(path: str) -> None:
    text = re.sub(rf"nowrongdoor {path}(?![\w-])", "", CLI_DOCS[1].read_text())
    assert not re.search(rf"nowrongdoor {re.escape(path)}(?![\w-])", text)
