"""Where the database is and how to connect to it safely.

SQLite is the default: one file, ``var/lifeweb.db`` under the current directory, opened in
WAL mode (readers never block the writer) with a busy timeout, and every write transaction
started with ``BEGIN IMMEDIATE`` so two writers queue instead of failing half way. The other
kind is PostgreSQL, through psycopg 3 (the ``postgres`` extra).

A writer blocked by another one waits a bounded time (``$LIFEWEB_DB_BUSY_TIMEOUT`` seconds,
15 by default; SQLite's busy timeout, PostgreSQL's ``lock_timeout``), then gets
:class:`~matcher.store.errors.DatabaseBusyError`: "the database is busy; nothing was saved;
try again". Commands that only read open SQLite read-only, so a database in a read-only
folder can still be exported and ranked.
"""

from __future__ import annotations

import math
import os
import random
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, Final, TypeVar

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import URL, Engine, make_url
from sqlalchemy.exc import DBAPIError, OperationalError

from matcher.store.errors import (
    DatabaseBusyError,
    MissingDriverError,
    StoreError,
    UnsupportedDatabaseError,
)

__all__ = [
    "BUSY_TIMEOUT_ENV",
    "DB_URL_ENV",
    "DEFAULT_SQLITE_PATH",
    "busy_timeout",
    "create_store_engine",
    "is_busy",
    "is_retryable",
    "resolve_url",
    "with_retries",
]

DB_URL_ENV: Final = "LIFEWEB_DB_URL"
DEFAULT_SQLITE_PATH: Final = Path("var") / "lifeweb.db"
BUSY_TIMEOUT_ENV: Final = "LIFEWEB_DB_BUSY_TIMEOUT"
DEFAULT_BUSY_TIMEOUT_SECONDS: Final = 15.0
POSTGRES_EXTRA_HINT: Final = 'pip install "lifeweb-match[postgres]"'
WRITE_OPTION: Final = "lifeweb_write"
"""Execution option on the write engine: SQLite begins with ``BEGIN IMMEDIATE``."""

T = TypeVar("T")


def resolve_url(url: str | os.PathLike[str] | None = None) -> URL:
    """Return the database URL to use: ``url``, else ``$LIFEWEB_DB_URL``, else the default file.

    Parameters
    ----------
    url
        A SQLAlchemy URL (``sqlite:///path.db``, ``postgresql+psycopg://user@host/db``) or a
        plain file path, taken as a SQLite file. ``None`` or ``""`` falls back to the
        environment, then to ``var/lifeweb.db`` under the current directory.

    Returns
    -------
    sqlalchemy.engine.URL
        ``postgresql://`` and ``postgres://`` are given the psycopg 3 driver; relative SQLite
        paths are made absolute so a later ``chdir`` cannot move the database.
    """
    text = os.fspath(url) if url is not None else ""
    if not text:
        text = os.environ.get(DB_URL_ENV, "").strip()
    if not text:
        text = str(Path.cwd() / DEFAULT_SQLITE_PATH)
    if "://" not in text:
        text = "sqlite:///" + str(Path(text).expanduser().resolve())
    parsed = make_url(text)
    if parsed.drivername in {"postgresql", "postgres"}:
        parsed = parsed.set(drivername="postgresql+psycopg")
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        path = Path(parsed.database).expanduser()
        if not path.is_absolute():
            path = Path.cwd() / path
        parsed = parsed.set(database=str(path))
    return parsed


def busy_timeout() -> float:
    """Seconds a writer waits for another one: ``$LIFEWEB_DB_BUSY_TIMEOUT``, else 15."""
    text = os.environ.get(BUSY_TIMEOUT_ENV, "").strip()
    try:
        value = float(text) if text else DEFAULT_BUSY_TIMEOUT_SECONDS
    except ValueError:
        value = DEFAULT_BUSY_TIMEOUT_SECONDS
    return max(value, 0.0) if math.isfinite(value) else DEFAULT_BUSY_TIMEOUT_SECONDS


def _postgres_engine(url: URL, *, echo: bool, read_only: bool) -> Engine:
    if url.get_driver_name() == "psycopg":
        try:
            import psycopg  # noqa: F401
        except ImportError as error:
            raise MissingDriverError(
                f"PostgreSQL needs the psycopg 3 driver, which is not installed: "
                f"{POSTGRES_EXTRA_HINT}"
            ) from error
    try:
        engine = sa.create_engine(url, echo=echo, pool_pre_ping=True)
    except ImportError as error:
        raise MissingDriverError(
            f"the PostgreSQL driver {url.get_driver_name()!r} is not installed; LifeWeb Match "
            f"uses psycopg 3 (postgresql+psycopg://...): {POSTGRES_EXTRA_HINT}"
        ) from error
    lock_timeout_ms = int(busy_timeout() * 1000)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute(f"SET lock_timeout = {lock_timeout_ms}")
        if read_only:
            cursor.execute("SET default_transaction_read_only = on")
        cursor.close()
        dbapi_connection.commit()

    return engine


def _sqlite_read_only_url(url: URL) -> tuple[URL, dict[str, Any]]:
    """The URI form that opens the file read-only; ``immutable`` when its folder is read-only
    (a WAL database cannot otherwise be read where its ``-shm`` file cannot be created)."""
    path = Path(url.database or "")
    if not path.is_file():
        raise StoreError(f"there is no database at {path}")
    query = "mode=ro" if os.access(path.parent, os.W_OK) else "mode=ro&immutable=1"
    uri = f"{path.resolve().as_uri()}?{query}"
    return url.set(database=uri, query={"uri": "true"}), {"uri": True}


def create_store_engine(url: URL, *, echo: bool = False, read_only: bool = False) -> Engine:
    """Create the engine, with the SQLite settings that make shared use safe.

    Only SQLite and PostgreSQL are supported: the schema's append-only decision log is
    enforced by triggers written for those two.

    Parameters
    ----------
    read_only
        Open for reading only (SQLite: ``mode=ro``, PostgreSQL: read-only transactions),
        for commands that never write.

    Raises
    ------
    MissingDriverError
        When the URL needs a driver that is not installed (names the extra to install).
    UnsupportedDatabaseError
        For any other kind of database (``mysql://``, ...).
    """
    backend = url.get_backend_name()
    if backend == "postgresql":
        return _postgres_engine(url, echo=echo, read_only=read_only)
    if backend != "sqlite":
        raise UnsupportedDatabaseError(
            f"{backend} databases are not supported: use a SQLite file (--db path/to/lifeweb.db) "
            "or PostgreSQL (postgresql+psycopg://user@host/db)"
        )

    in_memory = url.database in (None, "", ":memory:")
    connect_args: dict[str, Any] = {"timeout": busy_timeout(), "check_same_thread": False}
    if read_only and not in_memory:
        url, uri_args = _sqlite_read_only_url(url)
        connect_args.update(uri_args)
    elif not in_memory:
        Path(url.database).parent.mkdir(parents=True, exist_ok=True)  # type: ignore[arg-type]
    engine = sa.create_engine(url, echo=echo, connect_args=connect_args)
    busy_ms = int(busy_timeout() * 1000)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the sqlite3 module, decide when transactions begin, so that
        # write transactions can take the write lock up front (see _on_begin).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {busy_ms}")
        cursor.execute("PRAGMA foreign_keys = ON")
        if not in_memory and not read_only:
            cursor.execute("PRAGMA journal_mode = WAL")
            cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: sa.Connection) -> None:
        # A deferred transaction that reads and then writes can fail at once with
        # "database is locked" when another writer got in between; IMMEDIATE waits for the
        # lock (busy timeout) before reading anything.
        if connection.get_execution_options().get(WRITE_OPTION):
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            connection.exec_driver_sql("BEGIN")

    return engine


def is_retryable(error: BaseException) -> bool:
    """Tell whether a failed transaction may succeed when run again from the start.

    SQLite: the database was locked or busy past the timeout. PostgreSQL: serialization
    failure or deadlock (SQLSTATE 40001 / 40P01).
    """
    if isinstance(error, DBAPIError):
        original = error.orig
        sqlstate = getattr(original, "sqlstate", None) or getattr(original, "pgcode", None)
        if sqlstate in {"40001", "40P01"}:
            return True
        if isinstance(error, OperationalError):
            message = str(original).lower()
            return "locked" in message or "busy" in message
    return False


def is_busy(error: BaseException) -> bool:
    """Tell whether a transaction failed because another writer held the database.

    SQLite: locked or busy. PostgreSQL: a lock not obtained within ``lock_timeout`` (55P03).
    """
    if not isinstance(error, DBAPIError):
        return False
    original = error.orig
    sqlstate = getattr(original, "sqlstate", None) or getattr(original, "pgcode", None)
    if sqlstate == "55P03":
        return True
    message = str(original).lower()
    return isinstance(error, OperationalError) and ("locked" in message or "busy" in message)


def with_retries(
    action: Callable[[], T],
    *,
    attempts: int = 6,
    retry_on: Callable[[BaseException], bool] = is_retryable,
) -> T:
    """Run ``action`` (one whole transaction), running it again on a retryable failure.

    The wait grows (0.05 s, 0.1 s, 0.2 s, ...) with jitter so two writers do not collide again.
    A transaction that keeps finding the database busy is retried only within the bounded
    wait (:func:`busy_timeout`), then ends in :class:`DatabaseBusyError`; nothing was saved.
    """
    budget = busy_timeout()
    started = time.monotonic()
    for attempt in range(attempts):
        try:
            return action()
        except Exception as error:
            busy = is_busy(error)
            out_of_time = busy and time.monotonic() - started >= budget
            if attempt == attempts - 1 or out_of_time or not retry_on(error):
                if busy:
                    raise DatabaseBusyError(budget) from error
                raise
            time.sleep(0.05 * (2**attempt) * (0.5 + random.random()))
    raise AssertionError("unreachable")  # pragma: no cover
