"""Backups of the care database that restore, with the keys they need.

A backup is one tar file: ``manifest.json`` and the data - a ``pg_dump``
custom-format archive on PostgreSQL, a SQLite file copied with SQLite's online
backup API otherwise. The manifest records the schema revision, the row count of
every table, the audit chain's head, and the *fingerprints* (never the keys) of
the keys the data needs: the Fernet keys that decrypt at least one stored value,
the blind-index key, and the audit keys that signed events.

:func:`restore` loads a backup into an empty database and refuses, before
touching it, when a needed key is not configured (keep retired keys while any
backup needs them). It then checks the row counts and the audit chain against
the manifest, migrates to the code's head, and applies again the purges
recorded since the backup (:mod:`nowrongdoor.care.retention`), so a restore
never brings purged records back.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import re
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from cryptography.fernet import Fernet, InvalidToken
from sqlalchemy import Connection, Engine, column, func, inspect, select, table, text
from sqlalchemy.engine import URL

from nowrongdoor.care.audit import KEYRING_INFO, keyring_from_settings
from nowrongdoor.care.crypto import cipher_from_settings, derive_dev_key
from nowrongdoor.care.db import CareSession
from nowrongdoor.care.models import Base
from nowrongdoor.care.rotate import encrypted_columns
from nowrongdoor.errors import UserInputError
from nowrongdoor.settings import Settings

__all__ = [
    "FORMAT",
    "Manifest",
    "RestoreReport",
    "backup",
    "key_fingerprint",
    "read_manifest",
    "restore",
]

#: Version of the backup file layout.
FORMAT = 1
_MANIFEST = "manifest.json"
_PG_DATA = "care.pgdump"
_SQLITE_DATA = "care.sqlite"
#: The data member of each backend's backup.
_DATA_FILES = {"postgresql": _PG_DATA, "sqlite": _SQLITE_DATA}
_TABLE_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


def key_fingerprint(key: bytes | str) -> str:
    """A key's public fingerprint: 16 hex digits of a labelled SHA-256."""
    raw = key.encode("utf-8") if isinstance(key, str) else key
    return hashlib.sha256(b"nowrongdoor key fingerprint\x00" + raw).hexdigest()[:16]


@dataclass
class Manifest:
    """What a backup holds and needs.

    Attributes:
        format: Backup file layout version.
        created_at: When the snapshot was taken (ISO 8601, UTC).
        backend: ``postgresql`` or ``sqlite``.
        schema_revision: Alembic revision of the data.
        counts: Rows per table.
        audit_head: ``{"seq", "hash"}`` of the audit chain's last event.
        data_keys: Fingerprints of the encryption keys that decrypt stored values.
        index_key: Fingerprint of the blind-index key (derived from secret_key).
        audit_keys: Ids of the audit keys that signed events.
        data_file: Name of the data member in the tar file.
    """

    format: int
    created_at: str
    backend: str
    schema_revision: str | None
    counts: dict[str, int]
    audit_head: dict[str, Any]
    data_keys: list[str] = field(default_factory=list)
    index_key: str = ""
    audit_keys: list[str] = field(default_factory=list)
    data_file: str = ""


@dataclass
class RestoreReport:
    """What a restore did.

    Attributes:
        manifest: The backup's manifest.
        revision: Schema revision after the restore (migrated to head).
        audit_events: Events in the verified audit chain.
        purges_reapplied: Records purged again (purged after the backup).
    """

    manifest: Manifest
    revision: str | None
    audit_events: int
    purges_reapplied: int


# --- keys ---------------------------------------------------------------------


def _data_keys(settings: Settings) -> list[str]:
    keys = [k.get_secret_value() for k in settings.encryption_keys]
    if not keys and settings.environment != "production":
        keys = [derive_dev_key(settings.secret_key.get_secret_value())]
    return keys


def _index_fingerprint(settings: Settings) -> str:
    """The blind-index key's fingerprint: its HMAC of a fixed probe."""
    probe = cipher_from_settings(settings).blind_index("nowrongdoor key probe")
    return key_fingerprint(probe or "")


def _keys_in_use(conn: Connection, settings: Settings) -> list[str]:
    """Fingerprints of the configured keys that decrypt at least one value."""
    ring = [(key_fingerprint(k), Fernet(k)) for k in _data_keys(settings)]
    used: set[str] = set()
    for tname, cname in encrypted_columns():
        raw = table(tname, column(cname))
        result = conn.execution_options(yield_per=2000).execute(
            select(raw.c[cname]).where(raw.c[cname].is_not(None))
        )
        for (token,) in result:
            blob = str(token).encode("ascii")
            for i, (fp, fernet) in enumerate(ring):
                try:
                    fernet.decrypt(blob)
                except InvalidToken:
                    continue
                used.add(fp)
                if i:  # try the key that worked first next time
                    ring.insert(0, ring.pop(i))
                break
            else:
                raise UserInputError(
                    f"{tname}.{cname} holds a value no configured encryption key "
                    "decrypts; add the missing key to encryption_keys before "
                    "backing up"
                )
    return sorted(used)


def _snapshot_facts(conn: Connection, settings: Settings) -> dict[str, Any]:
    from alembic.runtime.migration import MigrationContext

    counts = {
        t.name: int(conn.execute(select(func.count()).select_from(t)).scalar_one())
        for t in Base.metadata.sorted_tables
    }
    head = conn.execute(text("SELECT last_seq, last_hash FROM audit_head")).first()
    audit_keys = conn.execute(
        text("SELECT DISTINCT key_id FROM audit_event WHERE key_id IS NOT NULL")
    ).scalars()
    return {
        "schema_revision": MigrationContext.configure(conn).get_current_revision(),
        "counts": counts,
        "audit_head": {
            "seq": int(head[0]) if head else 0,
            "hash": str(head[1]) if head else "",
        },
        "data_keys": _keys_in_use(conn, settings),
        "index_key": _index_fingerprint(settings),
        "audit_keys": sorted(str(k) for k in audit_keys),
    }


# --- backup -------------------------------------------------------------------


def _libpq(url: URL, work: Path) -> str:
    """A libpq connection URI for ``url``; a password goes in a passfile."""
    plain = url.set(drivername="postgresql", password=None)
    uri = plain.render_as_string(hide_password=False)
    if url.password is None:
        return uri
    passfile = work / "pgpass"
    host, port = url.host or "*", url.port or 5432
    passfile.write_text(
        f"{host}:{port}:{url.database}:{url.username}:{url.password}\n",
        encoding="utf-8",
    )
    passfile.chmod(0o600)
    sep = "&" if "?" in uri else "?"
    return f"{uri}{sep}passfile={passfile}"


def _run(args: list[str], what: str) -> None:
    try:
        done = subprocess.run(args, capture_output=True, text=True, check=False)
    except FileNotFoundError:
        raise UserInputError(
            f"{args[0]} is not installed; {what} needs the PostgreSQL client tools "
            "(Debian package postgresql-client)"
        ) from None
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["no message"])[-1]
        raise UserInputError(f"{args[0]} failed during {what}: {last}")


def _backup_postgres(engine: Engine, settings: Settings, work: Path) -> dict[str, Any]:
    data = work / _PG_DATA
    with engine.connect() as conn:
        conn = conn.execution_options(isolation_level="REPEATABLE READ")
        with conn.begin():
            snapshot = conn.execute(text("SELECT pg_export_snapshot()")).scalar_one()
            facts = _snapshot_facts(conn, settings)
            _run(
                [
                    "pg_dump",
                    "--format=custom",
                    "--no-owner",
                    "--no-privileges",
                    f"--snapshot={snapshot}",
                    f"--file={data}",
                    f"--dbname={_libpq(engine.url, work)}",
                ],
                "backup",
            )
    return facts


def _backup_sqlite(engine: Engine, settings: Settings, work: Path) -> dict[str, Any]:
    source = _sqlite_file(engine, "an in-memory SQLite database cannot be backed up")
    data = work / _SQLITE_DATA
    _copy_sqlite(source, data)
    copy = _plain_engine(f"sqlite:///{data.as_posix()}")
    try:
        with copy.connect() as conn:
            return _snapshot_facts(conn, settings)
    finally:
        copy.dispose()


def _sqlite_file(engine: Engine, refusal: str) -> str:
    """The path of ``engine``'s SQLite file (``refusal`` for an in-memory one)."""
    path = engine.url.database
    if not path or path == ":memory:":
        raise UserInputError(refusal)
    return path


def _copy_sqlite(source: str | Path, target: str | Path) -> None:
    """Copy one SQLite database over another with SQLite's online backup."""
    src = sqlite3.connect(source)
    dst = sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()


def _plain_engine(url: str) -> Engine:
    from sqlalchemy import create_engine

    return create_engine(url)


def backup(engine: Engine, settings: Settings, out: Path) -> Manifest:
    """Write a backup of ``engine``'s care database to ``out`` (atomically).

    Args:
        engine: The care database engine.
        settings: The settings (keys whose fingerprints go in the manifest).
        out: The backup file to write (a tar file).

    Returns:
        The manifest written with it.

    Raises:
        UserInputError: no schema, an undecryptable value, or pg_dump failing.
    """
    backend = engine.dialect.name
    if backend not in {"postgresql", "sqlite"}:
        raise UserInputError(f"backups of {backend} databases are not supported")
    if not inspect(engine).has_table("audit_head"):
        raise UserInputError(
            "the care database has no schema; there is nothing to back up"
        )
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UserInputError(
            f"backup {out}: its folder {out.parent} cannot be made ({exc.strerror})"
        ) from None
    with tempfile.TemporaryDirectory(prefix="nwd-backup-") as tmp:
        work = Path(tmp)
        created = dt.datetime.now(dt.UTC).isoformat()
        if backend == "postgresql":
            facts = _backup_postgres(engine, settings, work)
            data = work / _PG_DATA
        else:
            facts = _backup_sqlite(engine, settings, work)
            data = work / _SQLITE_DATA
        manifest = Manifest(
            format=FORMAT,
            created_at=created,
            backend=backend,
            data_file=data.name,
            **facts,
        )
        partial = out.with_name(f".{out.name}.partial")
        try:
            with tarfile.open(partial, "w") as tar:
                blob = json.dumps(asdict(manifest), indent=2).encode("utf-8")
                info = tarfile.TarInfo(_MANIFEST)
                info.size = len(blob)
                tar.addfile(info, io.BytesIO(blob))
                tar.add(data, arcname=data.name)
            partial.replace(out)
        except OSError as exc:
            partial.unlink(missing_ok=True)
            raise UserInputError(
                f"backup {out} cannot be written ({exc.strerror})"
            ) from None
        except BaseException:  # interrupted or failed: no half-written file
            partial.unlink(missing_ok=True)
            raise
    return manifest


# --- restore ------------------------------------------------------------------


def read_manifest(path: Path) -> Manifest:
    """The manifest of backup file ``path``.

    Raises:
        UserInputError: the file is missing or not a nowrongdoor backup.
    """
    if not path.is_file():
        raise UserInputError(f"{path} does not exist")
    try:
        with tarfile.open(path, "r") as tar:
            member = tar.extractfile(_MANIFEST)
            raw = json.loads(member.read()) if member else None
    except (tarfile.TarError, KeyError, json.JSONDecodeError):
        raw = None
    if not isinstance(raw, dict) or raw.get("format") != FORMAT:
        raise UserInputError(
            f"{path} is not a nowrongdoor backup (format {FORMAT}) with a manifest"
        )
    try:
        manifest = Manifest(**raw)
    except TypeError:
        raise UserInputError(f"{path}: manifest.json has unknown fields") from None
    problem = _manifest_problem(manifest)
    if problem:
        raise UserInputError(f"{path}: manifest.json field {problem}")
    return manifest


def _manifest_problem(manifest: Manifest) -> str | None:
    """What is wrong with a manifest's fields (``None``: nothing)."""
    head = manifest.audit_head
    lists = {"data_keys": manifest.data_keys, "audit_keys": manifest.audit_keys}
    counts = manifest.counts
    if manifest.backend not in _DATA_FILES:
        return (
            f"backend {str(manifest.backend)[:40]!r} is not one of postgresql, sqlite"
        )
    if manifest.data_file != _DATA_FILES[manifest.backend]:
        return f"data_file is not {_DATA_FILES[manifest.backend]}"
    if not isinstance(counts, dict) or not all(
        isinstance(k, str) and _TABLE_NAME.match(k) and _whole(v)
        for k, v in counts.items()
    ):
        return "counts is not table names with row counts"
    if not (
        isinstance(head, dict)
        and _whole(head.get("seq"))
        and isinstance(head.get("hash"), str)
    ):
        return "audit_head is not an event number and hash"
    for name, values in lists.items():
        if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
            return f"{name} is not a list of fingerprints"
    if not isinstance(manifest.index_key, str):
        return "index_key is not a fingerprint"
    if not isinstance(manifest.schema_revision, str | None):
        return "schema_revision is not a revision"
    try:
        dt.datetime.fromisoformat(str(manifest.created_at))
    except ValueError:
        return "created_at is not an ISO date and time"
    return None


def _whole(value: Any) -> bool:
    """A whole number of rows or events (never true/false)."""
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _check_keys(manifest: Manifest, settings: Settings, path: Path) -> None:
    have = {key_fingerprint(k) for k in _data_keys(settings)}
    missing = [fp for fp in manifest.data_keys if fp not in have]
    if missing:
        raise UserInputError(
            f"{path} needs encryption key(s) with fingerprint {', '.join(missing)}, "
            "which are not in encryption_keys; add the retired key(s) after the "
            "current one and restore again"
        )
    if manifest.index_key != _index_fingerprint(settings):
        raise UserInputError(
            f"{path} was made with another secret_key (its blind indexes would not "
            "match); restore with the secret_key of the backed-up service"
        )
    ring = keyring_from_settings(settings)
    unknown = [k for k in manifest.audit_keys if not ring.knows(k)]
    if unknown:
        raise UserInputError(
            f"{path} has audit events signed by key id(s) {', '.join(unknown)}, "
            "which are not in audit_keys; add them so the chain can be verified"
        )


def _require_empty(engine: Engine) -> None:
    names = inspect(engine).get_table_names()
    if names:
        url = engine.url.render_as_string(hide_password=True)
        raise UserInputError(
            f"the database {url} is not empty ({len(names)} tables); restore "
            "only into an empty database"
        )


def _restore_data(
    engine: Engine, manifest: Manifest, data: Path, work: Path, path: Path
) -> None:
    if manifest.backend == "postgresql":
        _run(
            [
                "pg_restore",
                "--no-owner",
                "--no-privileges",
                "--single-transaction",
                "--exit-on-error",
                f"--dbname={_libpq(engine.url, work)}",
                str(data),
            ],
            "restore",
        )
        return
    target = _sqlite_file(
        engine, "restore needs a SQLite file, not an in-memory database"
    )
    Path(target).parent.mkdir(parents=True, exist_ok=True)
    try:
        _copy_sqlite(data, target)
    except sqlite3.DatabaseError:
        raise UserInputError(
            f"{path}: its data file {manifest.data_file} is not a SQLite database"
        ) from None


def restore(
    engine: Engine,
    settings: Settings,
    path: Path,
    *,
    purge_ledger: Path | None = None,
) -> RestoreReport:
    """Restore backup ``path`` into the empty database of ``engine``.

    Args:
        engine: The target engine (its cipher bound, see ``care.db``).
        settings: Settings with every key the backup needs.
        path: The backup file.
        purge_ledger: Purges to apply again (default: the settings' ledger).

    Returns:
        What was restored and checked.

    Raises:
        UserInputError: not a backup, keys missing, another backend, a
            non-empty target, or counts/audit chain not matching the manifest.
    """
    from nowrongdoor.care.migrate import current_revision

    manifest = read_manifest(path)
    if manifest.backend != engine.dialect.name:
        raise UserInputError(
            f"{path} is a {manifest.backend} backup; the configured database is "
            f"{engine.dialect.name}"
        )
    _check_keys(manifest, settings, path)
    _require_empty(engine)
    before = _objects(engine)
    try:
        chain, reapplied = _load(engine, settings, path, manifest, purge_ledger)
    except BaseException:  # refused, failed or interrupted: leave it empty
        _undo(engine, before)
        raise
    return RestoreReport(
        manifest=manifest,
        revision=current_revision(engine),
        audit_events=chain,
        purges_reapplied=reapplied,
    )


def _load(
    engine: Engine,
    settings: Settings,
    path: Path,
    manifest: Manifest,
    purge_ledger: Path | None,
) -> tuple[int, int]:
    """Load the backup's data, check it against the manifest, migrate it and
    purge again; returns the audit events verified and the records purged."""
    from sqlalchemy.exc import DBAPIError

    from nowrongdoor.care.audit import verify_chain
    from nowrongdoor.care.migrate import upgrade
    from nowrongdoor.care.retention import reapply_purges

    with tempfile.TemporaryDirectory(prefix="nwd-restore-") as tmp:
        work = Path(tmp)
        with tarfile.open(path, "r") as tar:
            try:
                member = tar.extractfile(manifest.data_file)
            except KeyError:
                member = None
            if member is None:
                raise UserInputError(f"{path} lacks its data file {manifest.data_file}")
            data = work / Path(manifest.data_file).name
            try:
                with data.open("wb") as fh:
                    shutil.copyfileobj(member, fh)
            except (tarfile.TarError, EOFError, OSError):
                raise UserInputError(
                    f"{path}: its data file {manifest.data_file} is cut short"
                ) from None
        _restore_data(engine, manifest, data, work, path)
    engine.dispose()
    with engine.connect() as conn:
        for name, expected in manifest.counts.items():
            try:
                got = conn.execute(text(f'SELECT count(*) FROM "{name}"')).scalar_one()
            except DBAPIError:
                raise UserInputError(
                    f"{path}: table {name} of the manifest is not in its data"
                ) from None
            if int(got) != expected:
                raise UserInputError(
                    f"{path}: table {name} restored {got} rows, the manifest says "
                    f"{expected}"
                )
    keys = keyring_from_settings(settings)
    with CareSession(engine, info={KEYRING_INFO: keys}) as session:
        chain = verify_chain(session)
        head = session.execute(text("SELECT last_seq, last_hash FROM audit_head")).one()
    if not chain.ok or [int(head[0]), str(head[1])] != [
        manifest.audit_head["seq"],
        manifest.audit_head["hash"],
    ]:
        raise UserInputError(
            f"{path}: the restored audit chain does not verify or does not end at "
            f"the manifest's head (event {manifest.audit_head['seq']})"
        )
    upgrade(engine)
    ledger = (
        purge_ledger if purge_ledger is not None else settings.resolved_purge_ledger
    )
    reapplied = reapply_purges(
        engine, keys, ledger, since=dt.datetime.fromisoformat(manifest.created_at)
    )
    return chain.checked, reapplied


#: Functions of the current schema that no extension owns (PostgreSQL).
_OWN_FUNCTIONS = """
SELECT p.oid::regprocedure::text FROM pg_proc p
JOIN pg_namespace n ON n.oid = p.pronamespace
WHERE n.nspname = current_schema()
  AND NOT EXISTS (
    SELECT 1 FROM pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e'
  )
"""


def _objects(engine: Engine) -> set[tuple[str, str]]:
    """The schema objects of the database: (kind, name) pairs."""
    found: set[tuple[str, str]] = set()
    seen = inspect(engine)
    found |= {("VIEW", n) for n in seen.get_view_names()}
    found |= {("TABLE", n) for n in seen.get_table_names()}
    if engine.dialect.name == "postgresql":
        found |= {("SEQUENCE", n) for n in seen.get_sequence_names()}
        with engine.connect() as conn:
            found |= {
                ("FUNCTION", f) for f in conn.execute(text(_OWN_FUNCTIONS)).scalars()
            }
    return found


def _undo(engine: Engine, before: set[tuple[str, str]]) -> None:
    """Take a failed restore's objects out again: the database is as empty as
    it was (best effort: a database that went away keeps what it has)."""
    engine.dispose()
    try:
        if engine.dialect.name == "sqlite":
            target = Path(_sqlite_file(engine, "in-memory"))
            target.write_bytes(b"")
            for suffix in ("-wal", "-shm", "-journal"):
                Path(f"{target}{suffix}").unlink(missing_ok=True)
            return
        quote = engine.dialect.identifier_preparer.quote
        made = _objects(engine) - before
        with engine.begin() as conn:
            for kind in ("VIEW", "TABLE", "SEQUENCE", "FUNCTION"):
                for k, name in sorted(made):
                    if k == kind:
                        what = name if kind == "FUNCTION" else quote(name)
                        conn.execute(text(f"DROP {kind} IF EXISTS {what} CASCADE"))
    except Exception:  # noqa: BLE001 - the first error is the one to report
        return
    finally:
        engine.dispose()
