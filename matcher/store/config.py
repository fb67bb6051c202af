"""Where the database is and how to connect to it safely.

SQLite is the default: one file, ``var/lifeweb.db`` under the current directory, opened in
WAL mode (readers never block the writer) with a busy timeout, and every write transaction
started with ``BEGIN IMMEDIATE`` so two writers queue instead of failing half way. Any other
SQLAlchemy URL works; PostgreSQL goes through psycopg 3.
"""

from __future__ import annotations

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

__all__ = [
    "DB_URL_ENV",
    "DEFAULT_SQLITE_PATH",
    "create_store_engine",
    "is_retryable",
    "resolve_url",
    "with_retries",
]

DB_URL_ENV: Final = "LIFEWEB_DB_URL"
DEFAULT_SQLITE_PATH: Final = Path("var") / "lifeweb.db"
BUSY_TIMEOUT_SECONDS: Final = 30.0
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


def create_store_engine(url: URL, *, echo: bool = False) -> Engine:
    """Create the engine, with the SQLite settings that make shared use safe.

    Raises
    ------
    ImportError
        When the URL needs a driver that is not installed (names the extra to install).
    """
    backend = url.get_backend_name()
    if backend == "postgresql" and url.get_driver_name() == "psycopg":
        try:
            import psycopg  # noqa: F401
        except ImportError as error:  # pragma: no cover - depends on the installation
            raise ImportError(
                "PostgreSQL needs the psycopg 3 driver: pip install 'lifeweb-match[postgres]'"
            ) from error
    if backend != "sqlite":
        return sa.create_engine(url, echo=echo, pool_pre_ping=True)

    if url.database not in (None, "", ":memory:"):
        Path(url.database).parent.mkdir(parents=True, exist_ok=True)
    engine = sa.create_engine(
        url,
        echo=echo,
        connect_args={"timeout": BUSY_TIMEOUT_SECONDS, "check_same_thread": False},
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the sqlite3 module, decide when transactions begin, so that
        # write transactions can take the write lock up front (see _on_begin).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_SECONDS * 1000)}")
        cursor.execute("PRAGMA foreign_keys = ON")
        if url.database not in (None, "", ":memory:"):
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


def with_retries(
    action: Callable[[], T],
    *,
    attempts: int = 6,
    retry_on: Callable[[BaseException], bool] = is_retryable,
) -> T:
    """Run ``action`` (one whole transaction), running it again on a retryable failure.

    The wait grows (0.05 s, 0.1 s, 0.2 s, ...) with jitter so two writers do not collide again.
    """
    for attempt in range(attempts):
        try:
            return action()
        except Exception as error:
            if attempt == attempts - 1 or not retry_on(error):
                raise
            time.sleep(0.05 * (2**attempt) * (0.5 + random.random()))
    raise AssertionError("unreachable")  # pragma: no cover
