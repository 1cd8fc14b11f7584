"""Unreadable files given to the care and settings commands end in one sentence."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from nowrongdoor.cli import app


def _env(db: Any) -> dict[str, str]:
    return {
        "NOWRONGDOOR_DATABASE_URL": db.settings.resolved_database_url,
        "NOWRONGDOOR_SECRET_KEY": db.settings.secret_key.get_secret_value(),
        "NOWRONGDOOR_ENVIRONMENT": "test",
    }


def _one_sentence(result: Any, *needles: str) -> None:
    assert result.exit_code != 0
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        result.exception
    )
    text = " ".join(result.output.split())
    assert "Traceback" not in result.output
    for needle in needles:
        assert needle in text, text


WL = ["care", "import-worklist"]
LATIN1 = "member_id,tier,score\nM-1,high,70\nM-\xe9,high,60\n".encode("latin-1")


@pytest.mark.parametrize("command", ["import-worklist"])
def test_non_utf8_csv(
    runner: Any, db: Any, world: Any, tmp_path: Path, command: str
) -> None:
    path = tmp_path / "file.csv"
    path.write_bytes(LATIN1)
    args = ["care", command, str(path), "--org", "Plan A"]
    result = runner.invoke(app, args, env=_env(db))
    _one_sentence(result, "not UTF-8")


def test_csv_with_a_nul_byte_or_huge_field(
    runner: Any, db: Any, world: Any, tmp_path: Path
) -> None:
    path = tmp_path / "worklist.csv"
    path.write_text("member_id,tier,score\nM-1,high,70\x00\n", encoding="utf-8")
    _one_sentence(
        runner.invoke(app, [*WL, str(path), "--org", "Plan A"], env=_env(db)),
        "row 2: score",
    )
    path.write_text('member_id,tier,score\nM-1,"' + "x" * 200_000 + '",70\n')
    _one_sentence(
        runner.invoke(app, [*WL, str(path), "--org", "Plan A"], env=_env(db)),
        "not readable as CSV",
    )


def test_deeply_nested_hsds_json(runner: Any, db: Any, tmp_path: Path) -> None:
    path = tmp_path / "org.json"
    path.write_text("[" * 100_000 + "]" * 100_000)
    _one_sentence(
        runner.invoke(app, ["partners", "import", str(path)], env=_env(db)),
        "nested too deeply",
    )
    pkg = tmp_path / "pkg"
    pkg.mkdir()
    (pkg / "datapackage.json").write_text(json.dumps({"resources": "x"}))
    _one_sentence(
        runner.invoke(app, ["partners", "import", str(pkg)], env=_env(db)),
        "resources must be a list",
    )
    (pkg / "datapackage.json").write_text(
        json.dumps({"resources": [{"name": "organization", "path": "o.csv"}]})
    )
    (pkg / "o.csv").write_bytes(b"id,name\n1,Caf\xe9\n")
    _one_sentence(
        runner.invoke(app, ["partners", "import", str(pkg)], env=_env(db)),
        "not UTF-8",
    )


@pytest.mark.parametrize(
    ("content", "needle"),
    [
        (b'port = 80\nhost = "unterminated\n', "is not valid TOML"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\xff\xfe", "is not UTF-8 text"),
        (b"a = " + b"[" * 5000 + b"]" * 5000, "settings file"),
    ],
    ids=["syntax-error", "binary", "deep"],
)
def test_bad_config_file(
    runner: Any, tmp_path: Path, content: bytes, needle: str
) -> None:
    path = tmp_path / "settings.toml"
    path.write_bytes(content)
    result = runner.invoke(app, ["--config", str(path), "audit", "verify"], env={})
    _one_sentence(result, needle, str(path))


def test_an_over_long_hsds_value_is_refused_and_nothing_imported(
    runner: Any, db: Any, tmp_path: Path
) -> None:
    from sqlalchemy import func, select

    from nowrongdoor.care.models import Organization

    path = tmp_path / "partners.json"
    orgs = [
        {"id": "org-1", "name": "Lighthouse Survivor Advocates", "services": []},
        {"id": "org-2", "name": "Safe Harbor " * 30, "services": []},
    ]
    path.write_text(json.dumps(orgs))
    result = runner.invoke(app, ["partners", "import", str(path)], env=_env(db))
    assert result.exit_code == 2
    _one_sentence(
        result,
        f"{path}[1]: organization 'org-2' field 'name' has 359 characters, more "
        "than the 300 it may hold",
    )
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(Organization)) == 0
