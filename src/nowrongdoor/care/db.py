"""Database engine and session factory, built from settings (never at import).

SQLite (the embedded default) gets foreign keys, WAL and ``BEGIN IMMEDIATE``
transactions so concurrent writers queue instead of failing; PostgreSQL uses
psycopg 3 (``postgresql+psycopg://``).
"""

from __future__ import annotations

import os
import select
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.orm import Session, sessionmaker

from nowrongdoor.care.audit import KEYRING_INFO, AuditKeyring, keyring_from_settings
from nowrongdoor.care.crypto import Cipher, cipher_from_settings
from nowrongdoor.care.models import bind_cipher
from nowrongdoor.settings import Settings

__all__ = [
    "PING_AFTER_IDLE",
    "CareSession",
    "Database",
    "make_engine",
    "make_sessionmaker",
    "open_database",
]

#: Seconds a pooled server connection may sit idle before it is pinged (a
#: ``SELECT 1`` round trip) on checkout; see :func:`_liveness_check`.
PING_AFTER_IDLE = 10.0
_IDLE_SINCE = "nowrongdoor_idle_since"


class CareSession(Session):
    """The care database's session class.

    Care's session-level event listeners (the work queue's key refresh in
    ``care.crud._queue_keys``) are registered on this class, never on
    SQLAlchemy's :class:`~sqlalchemy.orm.Session`, so sessions other code in
    the process opens run none of them.
    """


def _private_sqlite_file(path: Path) -> None:
    """Create the SQLite file (and its directory) readable by the owner only.

    SQLite gives its ``-wal`` and ``-shm`` files the database file's mode.
    """
    if not path.parent.exists():
        path.parent.mkdir(mode=0o700, parents=True)
    if not path.exists():
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))


def _sqlite_setup(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # let SQLAlchemy's BEGIN below rule
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA busy_timeout=30000")
        if engine.url.database not in (None, "", ":memory:"):
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE")


def _has_pending_bytes(dbapi_conn: Any) -> bool:
    """Whether an idle connection's socket is readable (or cannot be polled).

    Between transactions a healthy PostgreSQL connection has nothing to read;
    a server that ended the session (restart, ``pg_terminate_backend``, idle
    timeout) has sent its error message and closed the socket, so it reads.
    """
    if getattr(dbapi_conn, "closed", False):
        return True
    try:
        poller = select.poll()
        poller.register(dbapi_conn.fileno(), select.POLLIN | select.POLLPRI)
        return bool(poller.poll(0))
    except (AttributeError, OSError, ValueError):  # no poll(), no socket
        return True


def _liveness_check(engine: Engine, ping_after: float) -> None:
    """Hand out only live pooled connections, without a round trip per request.

    This replaces ``pool_pre_ping``, which sends ``SELECT 1`` on every
    checkout - one extra round trip and a statement's CPU on every request.
    On checkout a connection is pinged only when it has been idle longer than
    ``ping_after`` seconds or its socket has bytes waiting (a server that
    closed it); otherwise it was in use moments ago and nothing says it is
    gone. A failed ping raises :class:`~sqlalchemy.exc.DisconnectionError`,
    on which the pool discards the connection and opens a new one (SQLAlchemy's
    pessimistic disconnect handling).
    """

    @event.listens_for(engine, "checkin")
    def _checked_in(_dbapi_conn: Any, record: Any) -> None:
        record.info[_IDLE_SINCE] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _checked_out(dbapi_conn: Any, record: Any, _proxy: Any) -> None:
        since = record.info.pop(_IDLE_SINCE, None)
        if since is None:  # a new connection
            return
        if time.monotonic() - since <= ping_after and not _has_pending_bytes(
            dbapi_conn
        ):
            return
        try:
            alive = engine.dialect.do_ping(dbapi_conn)
        except Exception as exc:  # any driver error: the connection is gone
            raise DisconnectionError("pooled connection is gone") from exc
        if not alive:
            raise DisconnectionError("pooled connection is gone")


def make_engine(
    url: str,
    cipher: Cipher,
    *,
    echo: bool = False,
    pool_size: int = 10,
    pool_timeout: float = 1.5,
    ping_after: float = PING_AFTER_IDLE,
) -> Engine:
    """Create an engine for ``url`` with ``cipher`` bound for encrypted columns.

    Args:
        url: SQLAlchemy URL (``sqlite:///path`` or ``postgresql+psycopg://...``).
        cipher: Key ring for encrypted columns.
        echo: Log SQL (never enable with real data: values may be logged).
        pool_size: Connections kept in the pool (as many more may be opened
            under load); not used for an in-memory SQLite database.
        pool_timeout: Seconds to wait for a free connection before
            ``sqlalchemy.exc.TimeoutError`` (answered 503 by the app).
        ping_after: A server connection idle longer than this many seconds is
            pinged on checkout (one that shows a closed socket always is).

    Returns:
        The engine.
    """
    parsed = make_url(url)
    kwargs: dict[str, Any] = {"echo": echo}
    pooled = dict(
        pool_size=pool_size, max_overflow=pool_size, pool_timeout=pool_timeout
    )
    if parsed.get_backend_name() == "sqlite":
        db = parsed.database
        if db and db != ":memory:":
            _private_sqlite_file(Path(db))
            kwargs.update(pooled)
        kwargs["connect_args"] = {"check_same_thread": False, "timeout": 30}
    else:
        kwargs.update(pooled)
    engine = create_engine(parsed, **kwargs)
    if parsed.get_backend_name() == "sqlite":
        _sqlite_setup(engine)
    else:
        _liveness_check(engine, ping_after)
    bind_cipher(engine.dialect, cipher)
    return engine


def make_sessionmaker(
    engine: Engine, audit_keys: AuditKeyring
) -> sessionmaker[CareSession]:
    """A care session factory; objects stay readable after commit.

    Args:
        engine: The engine.
        audit_keys: The audit chain's keys (carried in ``session.info``).
    """
    return sessionmaker(
        bind=engine,
        class_=CareSession,
        expire_on_commit=False,
        autoflush=True,
        info={KEYRING_INFO: audit_keys},
    )


class Database:
    """An engine, its session factory and cipher, built from settings.

    Attributes:
        settings: The settings it was built from.
        cipher: Key ring for encrypted columns and blind indexes.
        audit_keys: Keys of the audit chain's HMAC.
        engine: The SQLAlchemy engine.
        sessionmaker: Session factory bound to ``engine``.
    """

    def __init__(self, settings: Settings, *, pool_size: int | None = None) -> None:
        self.settings = settings
        self.cipher = cipher_from_settings(settings)
        self.audit_keys = keyring_from_settings(settings)
        self.engine = make_engine(
            settings.resolved_database_url,
            self.cipher,
            pool_size=pool_size or settings.database_pool_size,
            pool_timeout=settings.database_pool_timeout,
        )
        self.sessionmaker = make_sessionmaker(self.engine, self.audit_keys)

    @contextmanager
    def session(self) -> Iterator[CareSession]:
        """A session that commits on success and rolls back on error."""
        with self.sessionmaker() as session:
            try:
                yield session
                session.commit()
            except BaseException:
                session.rollback()
                raise

    def dispose(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()


def open_database(settings: Settings) -> Database:
    """Build a :class:`Database` for ``settings`` (does not create tables)."""
    return Database(settings)
