"""The migrations build, revision by revision, exactly the schema recorded.

Migrations are history: refactoring them must not change what they build. The
snapshot in ``data/schema_snapshot.json`` was recorded from the migrations
before their shared helpers (``care/migrations/_ops.py``) existed; these tests
upgrade an empty database one revision at a time, down again and back up, on
SQLite and PostgreSQL, and compare the schema after every step.

The schema is dumped as plain data.
SQLite: every ``sqlite_master`` entry (tables, indexes, triggers, FTS shadow
tables) with its exact DDL. PostgreSQL: every table's columns (type,
nullability, default, in order), constraints, indexes, triggers and functions
of the search-path schema, as the catalog prints them.

A new migration is recorded by running this file as a script::

    PYTHONPATH=src python tests/care/migrations/test_versions.py

It walks the shipped migrations one revision at a time on a fresh SQLite file
and a fresh PostgreSQL schema (database ``test`` on 127.0.0.1), stores per
revision what changed since the previous one, and refuses to store anything
when a revision already recorded now builds something else.
"""

from __future__ import annotations

import json
import sys
import tempfile
import uuid
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Connection, Engine, create_engine, text

SNAPSHOT = Path(__file__).with_name("data") / "schema_snapshot.json"

Schema = dict[str, Any]


_CONSTRAINT_WORDS = ("CONSTRAINT ", "PRIMARY KEY", "FOREIGN KEY", "UNIQUE", "CHECK")


def _sqlite_ddl(sql: str | None) -> Any:
    """A table's DDL as its columns in order and its constraints as a set.

    Alembic's batch mode (a SQLite table rebuilt to alter it) writes the
    constraints in no fixed order and quotes the table's name, and SQLite
    appends an added column to the DDL after a comma, so none of that is part
    of the schema compared.
    """
    if sql is None or "(\n\t" not in sql:
        return sql
    head, body = sql.split("(\n\t", 1)
    parts, depth, start = [], 0, 0
    body = body.removesuffix("\n)")
    for at, char in enumerate(body):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if char == "," and depth == 0:
            parts.append(body[start:at].strip())
            start = at + 1
    parts.append(body[start:].strip())
    return {
        "create": head.strip().replace('"', ""),
        "columns": [p for p in parts if not p.startswith(_CONSTRAINT_WORDS)],
        "constraints": sorted(p for p in parts if p.startswith(_CONSTRAINT_WORDS)),
    }


def _sqlite(conn: Connection) -> Schema:
    rows = conn.execute(
        text(
            "SELECT type, name, tbl_name, sql FROM sqlite_master "
            "WHERE name NOT LIKE 'sqlite_%' AND tbl_name != 'alembic_version'"
        )
    ).all()
    return {
        f"{kind}:{name}": {"table": table, "sql": _sqlite_ddl(sql)}
        for kind, name, table, sql in rows
    }


def _pg(conn: Connection) -> Schema:
    schema = conn.execute(text("SELECT current_schema()")).scalar_one()

    def clean(value: Any) -> Any:
        return value.replace(f"{schema}.", "") if isinstance(value, str) else value

    out: Schema = {}
    tables = conn.execute(
        text(
            "SELECT table_name FROM information_schema.tables "
            "WHERE table_schema = :s AND table_name != 'alembic_version'"
        ),
        {"s": schema},
    ).scalars()
    for table in tables:
        columns = conn.execute(
            text(
                "SELECT column_name, data_type, character_maximum_length, "
                "numeric_precision, is_nullable, column_default "
                "FROM information_schema.columns "
                "WHERE table_schema = :s AND table_name = :t ORDER BY ordinal_position"
            ),
            {"s": schema, "t": table},
        ).all()
        constraints = conn.execute(
            text(
                "SELECT c.conname, pg_get_constraintdef(c.oid) FROM pg_constraint c "
                "JOIN pg_class r ON r.oid = c.conrelid "
                "JOIN pg_namespace n ON n.oid = r.relnamespace "
                "WHERE n.nspname = :s AND r.relname = :t"
            ),
            {"s": schema, "t": table},
        ).all()
        out[f"table:{table}"] = {
            "columns": [[clean(v) for v in row] for row in columns],
            "constraints": {name: clean(d) for name, d in constraints},
        }
    for name, table, definition in conn.execute(
        text(
            "SELECT indexname, tablename, indexdef FROM pg_indexes "
            "WHERE schemaname = :s AND tablename != 'alembic_version'"
        ),
        {"s": schema},
    ):
        out[f"index:{name}"] = {"table": table, "sql": clean(definition)}
    for name, table, definition in conn.execute(
        text(
            "SELECT t.tgname, r.relname, pg_get_triggerdef(t.oid) FROM pg_trigger t "
            "JOIN pg_class r ON r.oid = t.tgrelid "
            "JOIN pg_namespace n ON n.oid = r.relnamespace "
            "WHERE n.nspname = :s AND NOT t.tgisinternal"
        ),
        {"s": schema},
    ):
        out[f"trigger:{name}"] = {"table": table, "sql": clean(definition)}
    for name, definition in conn.execute(
        text(
            "SELECT p.proname, pg_get_functiondef(p.oid) FROM pg_proc p "
            "JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = :s"
        ),
        {"s": schema},
    ):
        out[f"function:{name}"] = {"sql": clean(definition)}
    return out


def dump(engine: Engine) -> Schema:
    """The schema of ``engine``'s database (its search-path schema on PostgreSQL)."""
    with engine.connect() as conn:
        return _pg(conn) if engine.dialect.name == "postgresql" else _sqlite(conn)


def revisions() -> list[str]:
    """The shipped revisions, oldest first."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    from nowrongdoor.care.migrate import MIGRATIONS_DIR

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    walk = ScriptDirectory.from_config(cfg).walk_revisions("base", "heads")
    return [script.revision for script in reversed(list(walk))]


def delta(before: Schema, after: Schema) -> dict[str, Any]:
    """What changed from ``before`` to ``after`` (changed entries, removed names)."""
    return {
        "set": {k: v for k, v in sorted(after.items()) if before.get(k) != v},
        "removed": sorted(set(before) - set(after)),
    }


def apply(before: Schema, change: dict[str, Any]) -> Schema:
    """``before`` with one recorded :func:`delta` applied."""
    after = {k: v for k, v in before.items() if k not in set(change["removed"])}
    after.update(change["set"])
    return after


def expected(dialect: str) -> dict[str, Schema]:
    """The recorded schema after each revision (``"base"``: empty)."""
    recorded = json.loads(SNAPSHOT.read_text(encoding="utf-8"))[dialect]
    schemas: dict[str, Schema] = {"base": {}}
    current: Schema = {}
    for step in recorded:
        current = apply(current, step["delta"])
        schemas[step["revision"]] = current
    return schemas


def _normal(schema: Schema) -> Schema:
    loaded: Schema = json.loads(json.dumps(schema))
    return loaded


def record(engine: Engine) -> list[dict[str, Any]]:
    """Upgrade ``engine``'s empty database one revision at a time, recording."""
    from nowrongdoor.care.migrate import upgrade

    steps = []
    previous: Schema = {}
    for revision in revisions():
        upgrade(engine, revision)
        now = _normal(dump(engine))
        steps.append({"revision": revision, "delta": delta(previous, now)})
        previous = now
    return steps


def _drift(engine: Engine, want: Schema) -> dict[str, Any]:
    change = delta(want, _normal(dump(engine)))
    # an entry that differs is reported under "set" with what the migration built
    return {k: v for k, v in change.items() if v}


def test_snapshot_covers_every_revision() -> None:
    """A new migration is recorded too (run this file as a script)."""
    for dialect in ("sqlite", "postgresql"):
        assert list(expected(dialect))[1:] == revisions(), dialect


def test_each_revision_builds_the_recorded_schema(empty_db: Any) -> None:
    """Up one revision at a time, down one at a time, up again: same schema."""
    from nowrongdoor.care.migrate import downgrade, upgrade

    engine = empty_db.engine
    want = expected(engine.dialect.name)
    walk = revisions()
    for revision in walk:
        upgrade(engine, revision)
        assert _drift(engine, want[revision]) == {}, f"upgrade to {revision}"
    for revision, previous in reversed(list(zip(walk, ["base", *walk], strict=False))):
        downgrade(engine, previous)
        assert _drift(engine, want[previous]) == {}, f"downgrade of {revision}"
    upgrade(engine)
    assert _drift(engine, want[walk[-1]]) == {}, "upgrade to head again"


def test_drift_is_reported(empty_db: Any) -> None:
    """The comparison sees a changed column, a new index and a dropped table."""
    from nowrongdoor.care.migrate import upgrade

    engine = empty_db.engine
    upgrade(engine)
    want = expected(engine.dialect.name)[revisions()[-1]]
    with engine.begin() as conn:
        conn.execute(text("ALTER TABLE purge_tally ADD COLUMN extra INTEGER"))
        conn.execute(text("CREATE INDEX ix_extra ON goal (status)"))
        conn.execute(text("DROP TABLE inv_op_note"))
    drift = _drift(engine, want)
    assert set(drift["set"]) == {"table:purge_tally", "index:ix_extra"}
    assert "table:inv_op_note" in drift["removed"]


def test_encrypting_revision_converts_values_both_ways(empty_db: Any) -> None:
    """s21_encrypt_fields encrypts gender and source_ref (with its exact index)
    and decrypts them again on the way down."""
    from nowrongdoor.care.migrate import downgrade, upgrade

    engine, cipher = empty_db.engine, empty_db.cipher
    upgrade(engine, "s22_purge_tally")
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO organization (id, name, kind, created_at) "
                "VALUES (1, 'Plan', 'plan', '2026-01-01')"
            )
        )
        for pid, gender in ((1, "female"), (2, None)):
            conn.execute(
                text(
                    "INSERT INTO person (id, pseudonym, organization_id, gender, "
                    "do_not_contact, created_at, updated_at) VALUES "
                    "(:i, :p, 1, :g, false, '2026-01-01', '2026-01-01')"
                ),
                {"i": pid, "p": f"P-{pid}", "g": gender},
            )
            conn.execute(
                text(
                    "INSERT INTO intake (id, organization_id, door, status, "
                    "source_ref, received_at) VALUES "
                    "(:i, 1, 'import', 'new', :r, '2026-01-01')"
                ),
                {"i": pid, "r": f"run-1:M-{pid}" if gender else None},
            )

    def rows() -> list[Any]:
        with engine.connect() as conn:
            return list(
                conn.execute(
                    text(
                        "SELECT p.gender, i.source_ref FROM person p "
                        "JOIN intake i ON i.id = p.id ORDER BY p.id"
                    )
                )
            )

    upgrade(engine, "s21_encrypt_fields")
    (gender, ref), empty = rows()
    assert empty == (None, None)
    assert gender != "female" and cipher.decrypt(gender) == "female"
    assert ref != "run-1:M-1" and cipher.decrypt(ref) == "run-1:M-1"
    with engine.connect() as conn:
        bidx = conn.execute(text("SELECT source_ref_bidx FROM intake WHERE id = 1"))
        assert bidx.scalar_one() == cipher.exact_index("run-1:M-1")
    downgrade(engine, "s22_purge_tally")
    assert rows() == [("female", "run-1:M-1"), (None, None)]


def test_encrypting_revision_needs_a_key_ring_for_existing_values(
    empty_db: Any,
) -> None:
    """Without a key ring on the engine, values to encrypt stop the upgrade."""
    from nowrongdoor.care.migrate import current_revision, upgrade

    upgrade(empty_db.engine, "s22_purge_tally")
    with empty_db.engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO organization (id, name, kind, created_at) "
                "VALUES (1, 'Plan', 'plan', '2026-01-01')"
            )
        )
        conn.execute(
            text(
                "INSERT INTO person (id, pseudonym, organization_id, gender, "
                "do_not_contact, created_at, updated_at) VALUES "
                "(1, 'P-1', 1, 'male', false, '2026-01-01', '2026-01-01')"
            )
        )
    bare = create_engine(empty_db.engine.url)
    try:
        with pytest.raises(RuntimeError, match="1 value"):
            upgrade(bare, "s21_encrypt_fields")
        assert current_revision(bare) == "s22_purge_tally"
    finally:
        bare.dispose()


def main() -> None:
    """Record the revisions not yet in the snapshot (history stays as recorded)."""
    with tempfile.TemporaryDirectory() as tmp:
        lite = create_engine(f"sqlite:///{tmp}/snapshot.db")
        result = {"sqlite": record(lite)}
        lite.dispose()
    admin = create_engine("postgresql+psycopg://postgres@127.0.0.1:5432/test")
    schema = f"snap_{uuid.uuid4().hex[:10]}"
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        pg = create_engine(
            "postgresql+psycopg://postgres@127.0.0.1:5432/test"
            f"?options=-csearch_path%3D{schema}"
        )
        result["postgresql"] = record(pg)
        pg.dispose()
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()
    if SNAPSHOT.exists():
        old = json.loads(SNAPSHOT.read_text(encoding="utf-8"))
        for dialect, steps in old.items():
            changed = [
                a["revision"]
                for a, b in zip(steps, result[dialect], strict=False)
                if a != b
            ]
            if changed:
                sys.exit(f"{dialect}: recorded revisions now differ: {changed}")
    SNAPSHOT.write_text(json.dumps(result, indent=1, sort_keys=True) + "\n")
    print(f"recorded {len(result['sqlite'])} revisions to {SNAPSHOT}", file=sys.stderr)


if __name__ == "__main__":
    main()
