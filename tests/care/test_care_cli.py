"""The care commands, through the CLI runner, on both backends."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from nowrongdoor.care.cli import care_session
from nowrongdoor.care.enums import OrgKind
from nowrongdoor.care.migrate import head_revision
from nowrongdoor.care.models import Case, Organization, Person, Referral, RiskFlag, User
from nowrongdoor.cli import app
from nowrongdoor.errors import UserInputError

EXAMPLE = Path(__file__).parent / "data" / "hsds3-example"


def _env(db: Any) -> dict[str, str]:
    return {
        "NOWRONGDOOR_DATABASE_URL": db.settings.resolved_database_url,
        "NOWRONGDOOR_SECRET_KEY": db.settings.secret_key.get_secret_value(),
        "NOWRONGDOOR_ENVIRONMENT": "test",
    }


def test_upgrade_seed_import_verify(runner: Any, db: Any, tmp_path: Path) -> None:
    env = _env(db)
    up = runner.invoke(app, ["db", "upgrade"], env=env)
    assert up.exit_code == 0, up.output
    assert f"revision {head_revision()}" in up.output
    seeded = runner.invoke(app, ["care", "seed", "--persons", "8"], env=env)
    assert seeded.exit_code == 0, seeded.output
    assert "cm.north" in seeded.output and "partner.shelter" in seeded.output
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(Person)) >= 8
        assert s.scalar(select(func.count()).select_from(Case)) >= 1
        assert s.scalar(select(func.count()).select_from(Referral)) >= 1
        assert s.scalar(select(func.count()).select_from(User)) == 8
    again = runner.invoke(app, ["care", "seed"], env=env)
    assert again.exit_code == 2 and "already has users" in again.output
    imported = runner.invoke(app, ["partners", "import", str(EXAMPLE / "csv")], env=env)
    assert imported.exit_code == 0, imported.output
    assert "1 organisations, 1 services" in imported.output
    worklist = tmp_path / "run-7"
    worklist.mkdir()
    (worklist / "worklist.csv").write_text(
        "member_id,age,tier,score,pathway,reasons\nM100001,16,high,70,prevent,[]\n"
    )
    wl = runner.invoke(app, ["care", "import-worklist", str(worklist)], env=env)
    assert wl.exit_code == 0, wl.output
    assert (
        "1 new flags" in wl.output and "0 new persons" in wl.output
    )  # M100001 is seeded
    assert "warning" not in wl.output  # the seeded teams have care managers
    with db.session() as s:
        assert s.scalar(select(RiskFlag).where(RiskFlag.source == "run-7")) is not None
    # a team nobody belongs to: its new items would reach no one, and it is said
    (worklist / "worklist.csv").write_text(
        "member_id,age,tier,score\nM-NEW-1,16,high,30\nM-NEW-2,40,elevated,6\n"
    )
    lost = runner.invoke(
        app,
        ["care", "import-worklist", str(worklist), "--team", "youth outreach"],
        env=env,
    )
    assert lost.exit_code == 0, lost.output
    said = " ".join(lost.output.split())
    assert "team 'youth outreach' has no active care manager: its 2 waiting" in said
    verify = runner.invoke(app, ["audit", "verify"], env=env)
    assert verify.exit_code == 0 and "intact" in verify.output
    rotate = runner.invoke(app, ["care", "rotate-keys"], env=env)
    assert rotate.exit_code == 0 and "re-encrypted" in rotate.output


def test_user_errors_are_one_line(runner: Any, db: Any, tmp_path: Path) -> None:
    env = _env(db)
    bad_role = runner.invoke(
        app,
        [
            "users",
            "create",
            "x.y",
            "--role",
            "wizard",
            "--password",
            "long enough pass",
        ],
        env=env,
    )
    assert bad_role.exit_code == 2
    assert "role" in bad_role.output and "Traceback" not in bad_role.output
    made = runner.invoke(
        app,
        [
            "users",
            "create",
            "new.cm",
            "--role",
            "care_manager",
            "--password",
            "long enough pass",
        ],
        env=env,
    )
    assert made.exit_code == 0, made.output
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(Organization)) == 1
    dup = runner.invoke(
        app,
        [
            "users",
            "create",
            "new.cm",
            "--role",
            "care_manager",
            "--password",
            "long enough pass",
        ],
        env=env,
    )
    assert dup.exit_code == 2 and "taken" in dup.output
    bad_csv = tmp_path / "worklist.csv"
    bad_csv.write_text("member_id,tier,score\nM1,high,seven\n")
    wl = runner.invoke(app, ["care", "import-worklist", str(bad_csv)], env=env)
    assert wl.exit_code == 2
    assert "worklist.csv, row 2: score 'seven' is not a number" in " ".join(
        wl.output.split()
    )
    missing = runner.invoke(
        app, ["partners", "import", str(tmp_path / "nope")], env=env
    )
    assert missing.exit_code == 2 and "does not exist" in missing.output


def test_commands_refuse_an_empty_database(runner: Any, tmp_path: Path) -> None:
    env = {"NOWRONGDOOR_DATA_DIR": str(tmp_path), "NOWRONGDOOR_ENVIRONMENT": "test"}
    for args in (["serve"], ["audit", "verify"], ["care", "seed"]):
        result = runner.invoke(app, args, env=env)
        assert result.exit_code == 2, (args, result.output)
        assert "nowrongdoor db upgrade" in " ".join(result.output.split())


def test_new_key_is_a_fernet_key(runner: Any) -> None:
    from cryptography.fernet import Fernet

    result = runner.invoke(app, ["care", "new-key"])
    assert result.exit_code == 0
    Fernet(result.output.strip())


def test_care_session_commits_on_success_and_rolls_back_on_error(db: Any) -> None:
    with care_session(db.settings) as (work_db, session):
        assert work_db.cipher is not None
        session.add(Organization(name="Kept", kind=OrgKind.PLAN))
    with pytest.raises(RuntimeError), care_session(db.settings) as (_, session):
        session.add(Organization(name="Dropped", kind=OrgKind.PLAN))
        session.flush()
        raise RuntimeError("the command failed")
    with db.session() as s:
        names = set(s.scalars(select(Organization.name)))
    assert names == {"Kept"}


def test_care_session_refuses_a_database_with_no_schema(empty_db: Any) -> None:
    with (
        pytest.raises(UserInputError, match="has no schema; run `nowrongdoor db"),
        care_session(empty_db.settings),
    ):
        pass


def test_a_worklist_in_the_working_directory_is_labelled_by_its_folder(
    runner: Any, db: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    env = _env(db)
    assert runner.invoke(app, ["db", "upgrade"], env=env).exit_code == 0
    made = runner.invoke(
        app,
        ["users", "create", "ann", "--role", "admin", "--password", "p" * 14],
        env=env,
    )
    assert made.exit_code == 0, made.output
    run = tmp_path / "run-2026-12"
    run.mkdir()
    (run / "worklist.csv").write_text("member_id,tier,score\nM1,high,3\n")
    monkeypatch.chdir(run)
    for path in ("worklist.csv", "."):
        done = runner.invoke(app, ["care", "import-worklist", path], env=env)
        assert done.exit_code == 0, done.output
    with db.session() as s:
        assert s.scalars(select(RiskFlag.source)).all() == ["run-2026-12"]


def test_a_value_the_database_refuses_is_one_sentence_and_rolled_back(
    db: Any,
) -> None:
    from sqlalchemy import update

    with db.session() as s:
        s.add(Organization(name="Kept", kind=OrgKind.PLAN))
    too_long = "x" * 400 if db.engine.dialect.name == "postgresql" else None
    with pytest.raises(UserInputError) as info, care_session(db.settings) as work:
        work.session.add(Organization(name="Dropped", kind=OrgKind.PLAN))
        work.session.flush()
        if too_long is not None:  # varchar(300): PostgreSQL refuses it
            work.session.execute(update(Organization).values(name=too_long))
        else:  # SQLite stores any length: raise what PostgreSQL would
            from sqlalchemy.exc import DataError

            raise DataError("UPDATE ...", {"name": "s3cret"}, ValueError("too long"))
    said = str(info.value)
    assert said.startswith("the care database refused a value of this input (")
    assert said.endswith("); nothing was written")
    assert "s3cret" not in said and "xxxx" not in said
    with db.session() as s:
        assert set(s.scalars(select(Organization.name))) == {"Kept"}


def test_a_checkpoint_file_that_is_a_folder_is_one_sentence(
    runner: Any, db: Any, tmp_path: Path
) -> None:
    env = {**_env(db), "NOWRONGDOOR_AUDIT_CHECKPOINT_FILE": str(tmp_path)}
    assert runner.invoke(app, ["db", "upgrade"], env=env).exit_code == 0
    for args in (["audit", "verify", "--checkpoint"], ["audit", "checkpoint"]):
        result = runner.invoke(app, args, env=env)
        assert result.exit_code == 2, result.output
        said = " ".join(result.output.split())
        assert f"audit_checkpoint_file {tmp_path} cannot be read or written" in said
