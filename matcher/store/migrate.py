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
from matcher.store.errors import NewerSchemaError, StoreError

__all__ = [
    "MIGRATIONS_DIR",
    "alembic_config",
    "check_revision",
    "current_revision",
    "head_revision",
    "known_revisions",
    "upgrade",
]

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


def known_revisions() -> frozenset[str]:
    """Every schema revision this release ships."""
    script = ScriptDirectory.from_config(alembic_config())
    return frozenset(revision.revision for revision in script.walk_revisions())


def _shown(engine: sa.Engine) -> str:
    return engine.url.render_as_string(hide_password=True)


def check_revision(
    engine: sa.Engine, *, need_head: bool = False, shown: str | None = None
) -> str | None:
    """The database's revision, after checking this release can use it.

    Raises
    ------
    NewerSchemaError
        The revision is unknown here: a newer release wrote the database.
    StoreError
        ``need_head`` (a read-only open, which cannot upgrade) and the database is older.
    """
    revision = current_revision(engine)
    shown = shown or _shown(engine)
    if revision is not None and revision not in known_revisions():
        raise NewerSchemaError(shown, revision, head_revision())
    if need_head and revision != head_revision():
        raise StoreError(
            f"the database {shown} is at schema revision {revision or 'none'} and "
            f"needs upgrading to {head_revision()}, which a read-only command cannot do: "
            "run any command that writes (for example an import) once, or open the app"
        )
    return revision


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
    if revision == "head" and check_revision(engine) == head_revision():
        return head_revision()
    config = alembic_config()
    with engine.execution_options(**{WRITE_OPTION: True}).begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(
                sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": _ADVISORY_LOCK_KEY}
            )
        config.attributes["connection"] = connection
        found = MigrationContext.configure(connection).get_current_revision()
        if found is not None and found not in known_revisions():
            raise NewerSchemaError(_shown(engine), found, head_revision())
        command.upgrade(config, revision)
        return MigrationContext.configure(connection).get_current_revision()
