"""Schema versioning: the Alembic migrations shipped in the package, applied in place.

Opening a store brings its database to the newest revision, so a newer release opens an
older database and keeps its data. The upgrade runs in one transaction that holds the
write lock (SQLite ``BEGIN IMMEDIATE``, a PostgreSQL advisory lock), so two processes
starting at once do not both migrate.
"""

from __future__ import annotations

from pathlib import Path
from typing import Final

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from matcher.store.config import WRITE_OPTION

__all__ = ["MIGRATIONS_DIR", "alembic_config", "current_revision", "head_revision", "upgrade"]

MIGRATIONS_DIR: Final = Path(__file__).resolve().parent / "migrations"
_ADVISORY_LOCK_KEY: Final = 0x11FE_3EB0  # any fixed number; names "the LifeWeb schema lock"


def alembic_config() -> Config:
    """An Alembic config pointing at the migrations inside the installed package."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def head_revision() -> str:
    """The newest schema revision this release knows."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def current_revision(engine: sa.Engine) -> str | None:
    """The revision the database is at, ``None`` for an empty database."""
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def upgrade(engine: sa.Engine, revision: str = "head") -> str | None:
    """Upgrade the database to ``revision`` (default: the newest), keeping its data.

    Parameters
    ----------
    engine
        The store's engine.
    revision
        Target revision; tests use ``"0001"`` to build a database as the first release left it.

    Returns
    -------
    str or None
        The revision the database is at afterwards.
    """
    if revision == "head" and current_revision(engine) == head_revision():
        return head_revision()
    config = alembic_config()
    with engine.execution_options(**{WRITE_OPTION: True}).begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(
                sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": _ADVISORY_LOCK_KEY}
            )
        config.attributes["connection"] = connection
        command.upgrade(config, revision)
        return MigrationContext.configure(connection).get_current_revision()
