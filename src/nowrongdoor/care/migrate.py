"""Run the care schema migrations (Alembic) programmatically.

``nowrongdoor db upgrade`` calls :func:`upgrade`; tests call :func:`downgrade`
for the round trip. The database URL comes from the settings passed in.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, Engine

if TYPE_CHECKING:
    from alembic.script import ScriptDirectory

__all__ = [
    "alembic_config",
    "current_revision",
    "downgrade",
    "head_revision",
    "include_name",
    "is_known_revision",
    "upgrade",
]

# tables the migrations create for full-text search and triggers keep; they
# have no model (FTS5 also makes shadow tables named after its table)
_INDEX_TABLE_PREFIXES = ("partner_service_fts", "partner_service_search")

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def alembic_config(engine: Engine) -> Config:
    """An Alembic config for the migrations shipped in this package."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.attributes["url"] = engine.url.render_as_string(hide_password=False)
    return cfg


def include_name(name: str | None, type_: str, _parents: object) -> bool:
    """Alembic's ``include_name`` hook: leave the search index tables out of
    schema comparisons (they are not models)."""
    return not (
        type_ == "table" and name is not None and name.startswith(_INDEX_TABLE_PREFIXES)
    )


@contextmanager
def _migrating(engine: Engine) -> Iterator[Connection]:
    """One connection and transaction for a migration run.

    On SQLite, foreign keys are switched off for the run and checked as a
    whole at its end. SQLite alters a table in batch mode by copying it and
    dropping the old one, and with foreign keys on, dropping a table that other
    rows point to fails (SQLite's "Making Other Kinds Of Table Schema Changes",
    https://www.sqlite.org/lang_altertable.html, steps 1 and 10; Alembic's
    batch-mode notes on foreign keys say the same). The pragma cannot change
    inside a transaction, so it is set before the run's transaction begins.

    Raises:
        RuntimeError: When the migrated rows break a foreign key (the run is
            rolled back).
    """
    with engine.connect() as conn:
        # on the driver's connection: SQLAlchemy's own statements would open
        # the transaction first (care.db begins each with BEGIN IMMEDIATE)
        pragmas = (
            conn.connection.dbapi_connection if conn.dialect.name == "sqlite" else None
        )
        if pragmas is not None:
            pragmas.execute("PRAGMA foreign_keys=OFF")
        try:
            with conn.begin():
                yield conn
                if pragmas is not None:
                    broken = conn.exec_driver_sql("PRAGMA foreign_key_check").all()
                    if broken:
                        table, row, parent = broken[0][:3]
                        raise RuntimeError(
                            f"the migration left {len(broken)} rows pointing "
                            f"nowhere (first: {table} row {row} -> {parent}); "
                            "nothing was changed"
                        )
        finally:
            if pragmas is not None:
                pragmas.execute("PRAGMA foreign_keys=ON")


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Upgrade the schema of ``engine``'s database to ``revision``."""
    cfg = alembic_config(engine)
    with _migrating(engine) as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)


def downgrade(engine: Engine, revision: str = "base") -> None:
    """Downgrade the schema of ``engine``'s database to ``revision``."""
    cfg = alembic_config(engine)
    with _migrating(engine) as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, revision)


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at (``None`` when empty)."""
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def head_revision() -> str:
    """The single head revision of the shipped migrations.

    Raises:
        RuntimeError: When the migrations have more than one head (two
            branches were merged without re-chaining their migrations).
    """
    heads = _scripts().get_heads()
    if len(heads) != 1:
        raise RuntimeError(f"care migrations have {len(heads)} heads: {heads}")
    return str(heads[0])


def is_known_revision(revision: str) -> bool:
    """Whether ``revision`` is one of the shipped migrations (a database at a
    revision this version does not know was migrated by a newer version)."""
    from alembic.util import CommandError

    try:
        return _scripts().get_revision(revision) is not None
    except CommandError:
        return False


@cache
def _scripts() -> ScriptDirectory:
    """The shipped migration scripts (read once per process)."""
    from alembic.script import ScriptDirectory

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    return ScriptDirectory.from_config(cfg)
