"""Backup -> rotate keys -> restore, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import tarfile
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from nowrongdoor.care.audit import verify_chain
from nowrongdoor.care.backup import backup, read_manifest, restore
from nowrongdoor.care.crypto import generate_key
from nowrongdoor.care.db import Database
from nowrongdoor.care.migrate import current_revision, upgrade
from nowrongdoor.care.models import Base, Case, Person, PurgeTally
from nowrongdoor.care.retention import plan_purge, purge
from nowrongdoor.care.rotate import rotate_keys
from nowrongdoor.care.seed import seed_demo
from nowrongdoor.errors import UserInputError

PG_ADMIN = "host=127.0.0.1 port=5432 user=postgres dbname=postgres connect_timeout=5"
K1, K2 = generate_key(), generate_key()
A1, A2 = "audit-key-one-" + "x" * 32, "audit-key-two-" + "y" * 32


@pytest.fixture(params=["sqlite", "postgresql"])
def new_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Any]:
    """``new_url()``: the URL of a new, empty database on the backend."""
    made: list[str] = []

    def _new() -> str:
        if request.param == "sqlite":
            return f"sqlite:///{(tmp_path / f'{uuid.uuid4().hex[:8]}.db').as_posix()}"
        import psycopg

        name = f"nwd_bk_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        made.append(name)
        return f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"

    yield _new
    if made:
        import psycopg

        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            for name in made:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _people(db: Database) -> dict[int, tuple[Any, ...]]:
    with db.session() as s:
        return {
            p.id: (p.given_name, p.family_name, p.birth_date, p.contacts)
            for p in s.scalars(select(Person))
        }


def _counts(db: Database) -> dict[str, int]:
    with db.engine.connect() as conn:
        return {
            t.name: conn.execute(select(func.count()).select_from(t)).scalar_one()
            for t in Base.metadata.sorted_tables
        }


def test_backup_rotate_restore(new_url: Any, tmp_path: Path, settings_for: Any) -> None:
    ledger = tmp_path / "ledger.jsonl"
    old = settings_for(
        tmp_path,
        new_url(),
        encryption_keys=[K1],
        audit_keys=[A1],
        purge_ledger_file=ledger,
    )
    source = Database(old)
    upgrade(source.engine)
    with source.session() as s:
        seed_demo(s, cipher=source.cipher, persons=10)
    people, counts = _people(source), _counts(source)
    assert sum(1 for v in people.values() if v[0]) >= 10

    out = tmp_path / "care-backup.tar"
    manifest = backup(source.engine, old, out)
    assert manifest.counts == counts
    assert manifest.schema_revision == current_revision(source.engine)
    assert len(manifest.data_keys) == 1 and manifest.audit_keys
    assert read_manifest(out) == manifest
    with tarfile.open(out) as tar:
        assert sorted(tar.getnames()) == sorted(["manifest.json", manifest.data_file])

    # rotate both key rings on the live service, then purge one closed case
    new = settings_for(
        tmp_path,
        str(source.engine.url.render_as_string(hide_password=False)),
        encryption_keys=[K2, K1],
        audit_keys=[A2, A1],
        purge_ledger_file=ledger,
    )
    source.dispose()
    live = Database(new)
    with live.session() as s:
        rotate_keys(s, cipher=live.cipher)
    with live.session() as s:
        case = s.scalars(select(Case).order_by(Case.id)).first()
        assert case is not None
        case.status = "closed"
        case.closed_at = dt.datetime.now(dt.UTC) - dt.timedelta(days=30)
        purged_case = case.id
    later = dt.datetime.now(dt.UTC) + dt.timedelta(days=3660)
    with live.session() as s:
        plan = plan_purge(s, new, now=later)
        assert any(i.table == "care_case" and i.id == purged_case for i in plan.items)
        purge(s, plan, ledger=ledger)
    live.dispose()

    # the retired key is needed: a ring without it is refused before any write
    target_url = new_url()
    only_new = settings_for(
        tmp_path, target_url, encryption_keys=[K2], audit_keys=[A2, A1]
    )
    refused_db = Database(only_new)
    with pytest.raises(UserInputError, match=manifest.data_keys[0]):
        restore(refused_db.engine, only_new, out, purge_ledger=ledger)
    no_old_audit = settings_for(
        tmp_path, target_url, encryption_keys=[K2, K1], audit_keys=[A2]
    )
    with pytest.raises(UserInputError, match="audit_keys"):
        restore(refused_db.engine, no_old_audit, out, purge_ledger=ledger)
    assert current_revision(refused_db.engine) is None  # nothing was written
    refused_db.dispose()

    target_settings = settings_for(
        tmp_path,
        target_url,
        encryption_keys=[K2, K1],
        audit_keys=[A2, A1],
        purge_ledger_file=ledger,
    )
    target = Database(target_settings)
    report = restore(target.engine, target_settings, out)
    assert report.audit_events == manifest.audit_head["seq"]
    assert report.purges_reapplied >= 1
    restored = _people(target)
    with target.session() as s:
        assert s.get(Case, purged_case) is None, "a purged case came back"
        tally = {t.kind: t.count for t in s.scalars(select(PurgeTally))}
        assert tally.get("closed_case", 0) >= 1  # counts for reports restored too
        chain = verify_chain(s)
    assert chain.ok, chain.problems
    assert chain.checked == manifest.audit_head["seq"] + 1  # + retention.reapply
    gone = set(people) - set(restored)
    assert {pid: people[pid] for pid in restored} == restored  # decrypts as before
    assert len(restored) + len(gone) == counts["person"]

    # restoring twice is refused: the target is no longer empty
    with pytest.raises(UserInputError, match="not empty"):
        restore(target.engine, target_settings, out)
    target.dispose()


def test_restore_refuses_a_file_that_is_not_a_backup(
    tmp_path: Path, settings_for: Any
) -> None:
    bogus = tmp_path / "bogus.tar"
    bogus.write_text("not a tar file", encoding="utf-8")
    settings = settings_for(tmp_path, f"sqlite:///{tmp_path / 'x.db'}")
    db = Database(settings)
    with pytest.raises(UserInputError, match="not a nowrongdoor backup"):
        restore(db.engine, settings, bogus)
    with pytest.raises(UserInputError, match="does not exist"):
        restore(db.engine, settings, tmp_path / "missing.tar")
    db.dispose()


def _upgraded(tmp_path: Path, settings_for: Any) -> Database:
    """A new SQLite care database at the head revision."""
    db = Database(settings_for(tmp_path, f"sqlite:///{tmp_path / 'src.db'}"))
    upgrade(db.engine)
    return db


def _seeded_backup(tmp_path: Path, settings: Any) -> Path:
    source = Database(settings)
    upgrade(source.engine)
    with source.session() as s:
        seed_demo(s, cipher=source.cipher, persons=3)
    out = tmp_path / f"{uuid.uuid4().hex[:8]}.tar"
    backup(source.engine, settings, out)
    source.dispose()
    return out


def _with_manifest(path: Path, target: Path, data: bool = True, **fields: Any) -> Path:
    """A copy of backup ``path`` whose manifest has ``fields`` changed."""
    import io
    import json

    with tarfile.open(path) as tar:
        manifest = json.loads(tar.extractfile("manifest.json").read())  # type: ignore[union-attr]
        blob = tar.extractfile(manifest["data_file"]).read()  # type: ignore[union-attr]
    manifest.update(fields)
    with tarfile.open(target, "w") as out:
        for name, raw in [("manifest.json", json.dumps(manifest).encode())] + (
            [(manifest["data_file"], blob)] if data else []
        ):
            info = tarfile.TarInfo(str(name))
            info.size = len(raw)
            out.addfile(info, io.BytesIO(raw))
    return target


def test_a_restore_refused_after_loading_leaves_the_database_empty(
    new_url: Any, tmp_path: Path, settings_for: Any
) -> None:
    from sqlalchemy import inspect

    settings = settings_for(tmp_path, new_url())
    good = _seeded_backup(tmp_path, settings)
    counts = read_manifest(good).counts
    bad = _with_manifest(good, tmp_path / "bad.tar", counts={**counts, "person": 999})
    target_settings = settings_for(tmp_path, new_url())
    target = Database(target_settings)
    with pytest.raises(UserInputError, match="the manifest says 999"):
        restore(target.engine, target_settings, bad)
    assert inspect(target.engine).get_table_names() == []
    report = restore(target.engine, target_settings, good)  # not "not empty"
    assert report.manifest.counts == counts
    target.dispose()


def test_a_manifest_with_wrong_fields_is_one_sentence(
    tmp_path: Path, settings_for: Any
) -> None:
    settings = settings_for(tmp_path, f"sqlite:///{tmp_path / 'src.db'}")
    good = _seeded_backup(tmp_path, settings)
    target = Database(settings_for(tmp_path, f"sqlite:///{tmp_path / 'dst.db'}"))
    for fields, said in (
        ({"counts": "x"}, "field counts is not table names"),
        ({"counts": {'x"; --': 1}}, "field counts is not table names"),
        ({"data_file": "../../etc/passwd"}, "field data_file is not care.sqlite"),
        ({"created_at": "yesterday"}, "field created_at is not an ISO date"),
        ({"audit_head": "x"}, "field audit_head is not an event number"),
    ):
        bad = _with_manifest(good, tmp_path / "bad.tar", **fields)
        with pytest.raises(UserInputError, match=said):
            restore(target.engine, target.settings, bad)
    no_data = _with_manifest(good, tmp_path / "bad.tar", data=False)
    with pytest.raises(UserInputError, match="lacks its data file care.sqlite"):
        restore(target.engine, target.settings, no_data)
    target.dispose()


def test_an_interrupted_backup_leaves_no_file(
    tmp_path: Path, settings_for: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = _upgraded(tmp_path, settings_for)

    def interrupted(*_args: Any, **_kwargs: Any) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(tarfile.TarFile, "add", interrupted)
    out = tmp_path / "out" / "care.tar"
    with pytest.raises(KeyboardInterrupt):
        backup(db.engine, db.settings, out)
    db.dispose()
    assert list(out.parent.iterdir()) == []


def test_a_backup_that_cannot_be_written_is_one_sentence(
    tmp_path: Path, settings_for: Any
) -> None:
    db = _upgraded(tmp_path, settings_for)
    blocker = tmp_path / "backups"
    blocker.write_text("a file where the folder should be")
    with pytest.raises(UserInputError, match="its folder .*backups cannot be made"):
        backup(db.engine, db.settings, blocker / "care.tar")
    db.dispose()
