"""Where the database lives and how SQLite is set up for shared use."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa

from matcher.store import DB_URL_ENV, open_store, resolve_url


def test_default_database_is_var_lifeweb_db_under_the_current_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv(DB_URL_ENV, raising=False)
    url = resolve_url()
    assert url.get_backend_name() == "sqlite"
    assert Path(url.database) == tmp_path / "var" / "lifeweb.db"


def test_environment_url_is_used_unless_one_is_given(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(DB_URL_ENV, "postgresql://lifeweb@db.example.org/lifeweb")
    from_env = resolve_url()
    assert from_env.drivername == "postgresql+psycopg"  # psycopg 3 is the driver we ship
    assert from_env.host == "db.example.org"
    given = resolve_url(tmp_path / "mine.db")
    assert given.drivername == "sqlite" and Path(given.database) == tmp_path / "mine.db"


def test_relative_sqlite_paths_are_pinned_to_the_directory_at_open(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert Path(resolve_url("sqlite:///data/x.db").database) == tmp_path / "data" / "x.db"
    assert Path(resolve_url("relative.db").database) == tmp_path / "relative.db"


def test_sqlite_file_runs_in_wal_mode_with_a_busy_timeout_and_foreign_keys(
    sqlite_url: str,
) -> None:
    with open_store(sqlite_url) as store, store.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert (
            connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 15_000
        )  # the bounded wait (LIFEWEB_DB_BUSY_TIMEOUT)
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def test_store_shows_its_url_without_a_password() -> None:
    url = resolve_url("postgresql+psycopg://lifeweb:secret@db.example.org/lifeweb")
    assert "secret" not in url.render_as_string(hide_password=True)
    assert url.password == "secret"


def test_unreachable_postgres_server_fails_with_the_database_error() -> None:
    with pytest.raises(sa.exc.OperationalError):
        open_store("postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=2")
