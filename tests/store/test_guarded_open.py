"""Opening the database safely: a newer schema, a read-only folder, a writer that is busy."""

from __future__ import annotations

import os
import sqlite3
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa

from matcher.cli import main
from matcher.store import open_store
from matcher.store.config import BUSY_TIMEOUT_ENV
from matcher.store.errors import DatabaseBusyError, NewerSchemaError

PROPOSALS = "proposal_id,title,countries\nA1,Reefs,Fiji\nA2,Wetlands of Chad,Chad\n"


def _one_line(capsys: pytest.CaptureFixture[str]) -> str:
    err = capsys.readouterr().err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1, err
    return err


def test_a_database_from_a_newer_release_is_refused_by_every_command(
    db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with open_store(db_url) as store, store.engine.begin() as connection:
        connection.execute(sa.text("UPDATE alembic_version SET version_num = '0999'"))
    with pytest.raises(NewerSchemaError, match="written by a newer LifeWeb Match"):
        open_store(db_url)
    source = tmp_path / "p.csv"
    source.write_text(PROPOSALS, encoding="utf-8")
    for argv in (
        ["import", str(source), "--kind", "proposals", "--db", db_url],
        ["export", "--kind", "proposals", "--db", db_url, "--out", str(tmp_path / "x.csv")],
        ["rank", "--db", db_url, "--out", str(tmp_path / "r.csv")],
    ):
        assert main(argv) == 2
        err = _one_line(capsys)
        assert "written by a newer LifeWeb Match" in err and "upgrade" in err
    with sa.create_engine(db_url).connect() as c:
        assert c.execute(sa.text("SELECT version_num FROM alembic_version")).scalar() == "0999"


@pytest.fixture
def read_only_folder(tmp_path: Path) -> Iterator[Path]:
    """A folder holding a filled database, then made read-only for real (even for root)."""
    folder = tmp_path / "shared"
    folder.mkdir()
    mounted = False
    if os.geteuid() == 0:  # root writes anywhere: a read-only tmpfs mount stops it
        mount = subprocess.run(["mount", "-t", "tmpfs", "none", str(folder)], capture_output=True)
        if mount.returncode != 0:
            pytest.skip(f"cannot make a read-only folder as root: {mount.stderr.decode().strip()}")
        mounted = True
    source = tmp_path / "p.csv"
    source.write_text(PROPOSALS, encoding="utf-8")
    with open_store(folder / "lifeweb.db") as store:
        store.import_file(source, "proposals")
        store.import_file(Path(__file__).parents[2] / "data" / "donors.csv", "donors")
    try:
        if mounted:
            subprocess.run(["mount", "-o", "remount,ro", str(folder)], check=True)
        else:
            folder.chmod(0o555)
        assert not os.access(folder, os.W_OK)
        yield folder
    finally:
        if mounted:
            subprocess.run(["umount", str(folder)], check=False)
        else:
            folder.chmod(0o755)


def test_a_database_in_a_read_only_folder_can_be_exported_and_ranked(
    read_only_folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    database = str(read_only_folder / "lifeweb.db")
    out = tmp_path / "proposals.csv"
    assert main(["export", "--kind", "proposals", "--db", database, "--out", str(out)]) == 0
    assert pd.read_csv(out)["proposal_id"].tolist() == ["A1", "A2"]
    ranked = tmp_path / "ranked.csv"
    assert main(["rank", "--db", database, "--top", "1", "--out", str(ranked)]) == 0
    assert sorted(pd.read_csv(ranked)["proposal_id"]) == ["A1", "A2"]
    capsys.readouterr()
    source = tmp_path / "p.csv"
    assert main(["import", str(source), "--kind", "proposals", "--db", database]) == 2
    assert "nothing was imported" in _one_line(capsys)


def test_a_write_blocked_by_another_writer_gives_up_after_a_bounded_wait(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    database = tmp_path / "lifeweb.db"
    open_store(database).close()
    monkeypatch.setenv(BUSY_TIMEOUT_ENV, "0.5")
    source = tmp_path / "p.csv"
    source.write_text(PROPOSALS, encoding="utf-8")
    other_writer = sqlite3.connect(database, isolation_level=None)
    other_writer.execute("BEGIN IMMEDIATE")  # holds the write lock, as a long import would
    try:
        with open_store(database) as store, pytest.raises(DatabaseBusyError) as caught:
            store.import_file(source, "proposals")
        assert "the database is busy" in str(caught.value)
        assert "nothing was saved; try again" in str(caught.value)
        assert main(["import", str(source), "--kind", "proposals", "--db", str(database)]) == 2
        assert "the database is busy" in _one_line(capsys)
    finally:
        other_writer.execute("ROLLBACK")
        other_writer.close()
    with open_store(database) as store:
        assert store.proposals().empty  # nothing was saved


@pytest.mark.parametrize(
    "db_url", [pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True
)
def test_a_postgres_write_blocked_by_a_lock_gives_up_after_a_bounded_wait(
    db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    open_store(db_url).close()
    monkeypatch.setenv(BUSY_TIMEOUT_ENV, "0.5")
    source = tmp_path / "p.csv"
    source.write_text(PROPOSALS, encoding="utf-8")
    locker = sa.create_engine(db_url)
    with locker.connect() as other_writer:
        other_writer.execute(sa.text("LOCK TABLE proposals IN EXCLUSIVE MODE"))
        with (
            open_store(db_url) as store,
            pytest.raises(DatabaseBusyError, match="nothing was saved"),
        ):
            store.import_file(source, "proposals")
        other_writer.rollback()
    locker.dispose()
    with open_store(db_url) as store:
        assert store.proposals().empty
