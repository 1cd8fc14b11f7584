"""``db upgrade|downgrade``, ``backup`` and ``restore`` through the CLI runner."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from nowrongdoor.care.migrate import head_revision
from nowrongdoor.cli import app


def _env(tmp_path: Path, name: str) -> dict[str, str]:
    return {
        "NOWRONGDOOR_DATABASE_URL": f"sqlite:///{(tmp_path / name).as_posix()}",
        "NOWRONGDOOR_SECRET_KEY": "test-secret-key-for-care-tests",
        "NOWRONGDOOR_ENVIRONMENT": "test",
        "NOWRONGDOOR_DATA_DIR": str(tmp_path),
    }


def test_backup_restore(runner: Any, tmp_path: Path) -> None:
    source, target = _env(tmp_path, "source.db"), _env(tmp_path, "target.db")
    out = tmp_path / "care.tar"
    refused = runner.invoke(app, ["backup", "--out", str(out)], env=source)
    assert refused.exit_code == 2
    assert "has no schema; run `nowrongdoor db upgrade` first" in " ".join(
        refused.output.split()
    )
    up = runner.invoke(app, ["db", "upgrade"], env=source)
    assert up.exit_code == 0, up.output
    assert f"is at revision {head_revision()}" in up.output
    seeded = runner.invoke(app, ["care", "seed", "--persons", "3"], env=source)
    assert seeded.exit_code == 0, seeded.output
    made = runner.invoke(app, ["backup", "--out", str(out)], env=source)
    assert made.exit_code == 0, made.output
    assert f"backup {out}: sqlite, revision {head_revision()}" in made.output
    restored = runner.invoke(app, ["restore", str(out)], env=target)
    assert restored.exit_code == 0, restored.output
    assert f"now at revision {head_revision()}" in restored.output


def test_downgrade_to_base(runner: Any, tmp_path: Path) -> None:
    env = _env(tmp_path, "care.db")
    assert runner.invoke(app, ["db", "upgrade"], env=env).exit_code == 0
    seeded = runner.invoke(app, ["care", "seed", "--persons", "3"], env=env)
    assert seeded.exit_code == 0, seeded.output
    down = runner.invoke(app, ["db", "downgrade", "base"], env=env)
    assert down.exit_code == 0, down.output
    assert down.output.strip() == "care database is at revision None"
    refused = runner.invoke(app, ["care", "rotate-keys"], env=env)
    assert refused.exit_code == 2 and "has no schema" in refused.output


def test_unknown_revision_is_one_sentence(runner: Any, tmp_path: Path) -> None:
    env = _env(tmp_path, "care.db")
    assert runner.invoke(app, ["db", "upgrade"], env=env).exit_code == 0
    moved = runner.invoke(app, ["db", "downgrade", "no-such-rev"], env=env)
    assert moved.exit_code == 2
    said = " ".join(moved.output.split())
    assert "could not move to revision no-such-rev" in said
    assert f"it is still at {head_revision()}" in said
    assert "Traceback" not in moved.output


def test_an_older_schema_is_refused_in_one_sentence(
    runner: Any, tmp_path: Path
) -> None:
    env = _env(tmp_path, "care.db")
    assert runner.invoke(app, ["db", "upgrade"], env=env).exit_code == 0
    assert runner.invoke(app, ["db", "downgrade", "--", "-1"], env=env).exit_code == 0
    for args in (["care", "rotate-keys"], ["backup", "--out", str(tmp_path / "b")]):
        refused = runner.invoke(app, args, env=env)
        assert refused.exit_code == 2, refused.output
        said = " ".join(refused.output.split())
        assert f"older than this version's {head_revision()}" in said
        assert "run `nowrongdoor db upgrade` first" in said
        assert "Traceback" not in refused.output
    assert not (tmp_path / "b").exists()


def test_a_database_that_cannot_be_opened_is_one_sentence(
    runner: Any, tmp_path: Path
) -> None:
    not_a_db = tmp_path / "notes.txt"
    not_a_db.write_text("not a database\n" * 200)
    urls = {
        f"sqlite:///{not_a_db.as_posix()}": "cannot be opened (file is not a",
        "postgresql+psycopg://care:s3cret-pw@127.0.0.1:1/care?connect_timeout=2": (
            "postgresql+psycopg://care:***@127.0.0.1:1/care"
        ),
        "no url s3cret-pw": "setting database_url is not a database URL",
        "nosuch://care:s3cret-pw@host/care": "names a kind of database",
        "postgresql+nodriver://care:s3cret-pw@host/care": "names a kind of database",
    }
    for url, expected in urls.items():
        env = {**_env(tmp_path, "x.db"), "NOWRONGDOOR_DATABASE_URL": url}
        for args in (["users", "list"], ["db", "upgrade"]):
            result = runner.invoke(app, args, env=env)
            said = " ".join(result.output.split())
            assert result.exit_code == 2, (url, result.output)
            assert expected in said, (url, said)
            assert "s3cret-pw" not in said and "Traceback" not in said


def test_an_id_too_big_for_the_database_names_nothing(
    runner: Any, tmp_path: Path
) -> None:
    env = _env(tmp_path, "care.db")
    assert runner.invoke(app, ["db", "upgrade"], env=env).exit_code == 0
    big = str(2**70)
    made = runner.invoke(
        app,
        ["users", "create", "ann", "--role", "admin", "--password", "p" * 14],
        env=env,
    )
    assert made.exit_code == 0, made.output
    for args, said in (
        (["users", "revoke", "ann", "--token", big], "has no live API token"),
        (["care", "purge", "--dry-run"], "would purge"),
        (
            ["users", "create", "bo", "--role", "admin", "--password", "p" * 14]
            + ["--org", big],
            "no such organisation",
        ),
    ):
        result = runner.invoke(app, args, env=env)
        assert said in result.output, result.output
        assert "Traceback" not in result.output
