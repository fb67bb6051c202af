"""Persistence: proposals, donors, funding history, shortlists and decisions in a database.

SQLite by default (``var/lifeweb.db`` under the current directory, or ``$LIFEWEB_DB_URL``),
any SQLAlchemy URL otherwise (PostgreSQL through ``postgresql+psycopg://``). The schema is
versioned with the Alembic migrations shipped in this package and upgraded in place when a
store is opened.
"""

from __future__ import annotations

from matcher.store.config import DB_URL_ENV, DEFAULT_SQLITE_PATH, resolve_url
from matcher.store.errors import (
    DuplicateShortlistError,
    RecordNotFoundError,
    StaleWriteError,
    StoreError,
)
from matcher.store.exports import EXPORT_KINDS
from matcher.store.imports import ImportResult
from matcher.store.migrate import current_revision, head_revision
from matcher.store.models import DECISION_STATUSES
from matcher.store.store import Store, open_store, read_inputs

__all__ = [
    "DB_URL_ENV",
    "DECISION_STATUSES",
    "DEFAULT_SQLITE_PATH",
    "EXPORT_KINDS",
    "DuplicateShortlistError",
    "ImportResult",
    "RecordNotFoundError",
    "StaleWriteError",
    "Store",
    "StoreError",
    "current_revision",
    "head_revision",
    "open_store",
    "read_inputs",
    "resolve_url",
]
