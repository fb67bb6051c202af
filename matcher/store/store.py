"""The store: everything LifeWeb Match keeps between sessions, behind one object.

Writes are whole transactions run with retries (a busy SQLite file or a PostgreSQL
serialization failure is tried again from the start); a lost update is never retried but
reported with :class:`StaleWriteError`. An import is one transaction: it lands completely or
not at all.

:class:`Store` holds the plumbing (the engines, ``_read``/``_write`` transactions, ``_require``)
and is assembled from one mixin per flow: imports, contract frames, record versions,
shortlists, decisions, events, settings, national targets and exports.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, TypeVar

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import URL

from matcher.store.config import (
    WRITE_OPTION,
    create_store_engine,
    is_retryable,
    resolve_url,
    with_retries,
)
from matcher.store.content_version import ContentVersionMixin
from matcher.store.contract_frames import ContractFramesMixin
from matcher.store.decisions import DecisionStoreMixin
from matcher.store.errors import RecordNotFoundError
from matcher.store.events import EventStoreMixin
from matcher.store.exports import ExportStoreMixin
from matcher.store.imports import ImportStoreMixin
from matcher.store.migrate import check_revision, current_revision, head_revision, upgrade
from matcher.store.national_targets import NationalTargetsMixin
from matcher.store.settings import SettingsStoreMixin
from matcher.store.shortlists import ShortlistStoreMixin
from matcher.store.versions import VersionsMixin

__all__ = ["Store", "open_store", "read_inputs"]

T = TypeVar("T")


def open_store(
    url: str | os.PathLike[str] | URL | None = None,
    *,
    echo: bool = False,
    read_only: bool = False,
) -> Store:
    """Open (and create or upgrade in place) the LifeWeb Match database.

    Parameters
    ----------
    url
        SQLAlchemy URL or SQLite file path; default ``$LIFEWEB_DB_URL``, else
        ``var/lifeweb.db`` under the current directory.
    echo
        Log every SQL statement (debugging).
    read_only
        Open an existing database for reading only, never upgrading it (commands that only
        read; works in a read-only folder). Writes then fail.

    Returns
    -------
    Store
        Ready to use, its schema at the newest revision.

    Examples
    --------
    >>> store = open_store("sqlite:////tmp/lifeweb-example.db")  # doctest: +SKIP
    >>> store.import_file("data/proposals.csv", "proposals").summary()  # doctest: +SKIP
    """
    resolved = url if isinstance(url, URL) else resolve_url(url)
    engine = create_store_engine(resolved, echo=echo, read_only=read_only)
    try:
        if read_only:
            shown = resolved.render_as_string(hide_password=True)
            if check_revision(engine, shown=shown) != head_revision():
                _upgrade_if_writable(resolved)
                check_revision(engine, need_head=True, shown=shown)
        else:
            with_retries(lambda: upgrade(engine))
    except Exception:
        engine.dispose()
        raise
    return Store(engine, url=resolved)


def _upgrade_if_writable(url: URL) -> None:
    """Bring an older database to the newest schema before a read-only open, when it can be
    written at all (a database in a read-only folder is then refused with the reason)."""
    if url.get_backend_name() == "sqlite":
        folder = Path(url.database or ".").parent
        if not (os.access(folder, os.W_OK) and os.access(url.database or "", os.W_OK)):
            return
    engine = create_store_engine(url)
    try:
        with_retries(lambda: upgrade(engine))
    except Exception:  # the read-only check that follows says why it cannot be used
        return
    finally:
        engine.dispose()


def read_inputs(
    url: str | os.PathLike[str] | URL | None = None, *, read_only: bool = False
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Proposals, donors and funding history from the database, as the ranking engine takes them.

    The frames have the same columns and types as ``matcher.load`` gives for the files, so
    ``rank_matches(*read_inputs(url))`` ranks exactly as it would from the files.
    """
    with open_store(url, read_only=read_only) as store:
        return store.proposals(), store.donors(), store.history()


class Store(
    ImportStoreMixin,
    ContractFramesMixin,
    VersionsMixin,
    ShortlistStoreMixin,
    ExportStoreMixin,
    NationalTargetsMixin,
    EventStoreMixin,
    DecisionStoreMixin,
    SettingsStoreMixin,
    ContentVersionMixin,
):
    """Proposals, donors, funding history, events, shortlists and decisions in one database.

    Use :func:`open_store` to get one; it is safe to share between threads.
    """

    def __init__(self, engine: sa.Engine, *, url: URL | None = None) -> None:
        self.engine = engine
        self._write_engine = engine.execution_options(**{WRITE_OPTION: True})
        self._url = url or engine.url

    # -- plumbing -------------------------------------------------------------------------

    @property
    def url(self) -> str:
        """The database URL with any password hidden."""
        return self._url.render_as_string(hide_password=True)

    def schema_revision(self) -> str | None:
        """The schema revision the database is at (``"0002"``, ...)."""
        return current_revision(self.engine)

    def close(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Store({self.url!r})"

    def _write(
        self,
        action: Callable[[sa.Connection], T],
        *,
        retry_on: Callable[[BaseException], bool] = is_retryable,
    ) -> T:
        def attempt() -> T:
            with self._write_engine.begin() as connection:
                return action(connection)

        return with_retries(attempt, retry_on=retry_on)

    def _read(self, action: Callable[[sa.Connection], T]) -> T:
        def attempt() -> T:
            with self.engine.begin() as connection:
                return action(connection)

        return with_retries(attempt)

    def _read_table(
        self, query: sa.Select[Any], table: sa.Table, *, rename: Mapping[str, str] | None = None
    ) -> pd.DataFrame:
        """The rows ``query`` selects from ``table`` as a frame in the table's columns, an
        empty result included (one reader for the logs and lists the mixins return whole)."""
        rows = self._read(lambda connection: list(connection.execute(query).mappings()))
        frame = pd.DataFrame.from_records(rows, columns=[c.name for c in table.columns])
        return frame.rename(columns=dict(rename or {}))

    def _require(
        self,
        connection: sa.Connection,
        table: sa.Table,
        column: str,
        value: Any,
        label: str,
    ) -> None:
        found = connection.execute(
            sa.select(sa.func.count()).select_from(table).where(table.c[column] == value)
        ).scalar()
        if not found:
            raise RecordNotFoundError(label, value)
