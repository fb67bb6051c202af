"""AppTest fixtures: the real ``app.py`` on a private copy of a database seeded once per run.

Each test gets its own SQLite file (``LIFEWEB_DB_URL``), copied from a template seeded with
the shipped sample data, so tests can write freely and run in any order.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from matcher.reference import data_dir
from matcher.store import open_store

REPO = Path(__file__).resolve().parents[2]
APP_FILE = REPO / "app.py"
TEST_DATA = Path(__file__).resolve().parent / "data"
APP_TIMEOUT_S = 120


@pytest.fixture(scope="session")
def seeded_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database file seeded with the shipped sample proposals, donors and history."""
    path = tmp_path_factory.mktemp("template") / "lifeweb.db"
    store = open_store(f"sqlite:///{path}")
    store.seed_if_empty(data_dir())
    store.close()
    return path


@pytest.fixture
def db_url(seeded_template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """This test's own seeded database, made the app's database through the environment."""
    path = tmp_path / "lifeweb.db"
    shutil.copy(seeded_template, path)
    url = f"sqlite:///{path}"
    monkeypatch.setenv("LIFEWEB_DB_URL", url)
    return url


@pytest.fixture
def store(db_url: str) -> Iterator[object]:
    """A second connection to the test's database, to check what the app wrote."""
    handle = open_store(db_url)
    try:
        yield handle
    finally:
        handle.close()


@pytest.fixture
def app(db_url: str) -> AppTest:
    """The app, not yet run (set ``query_params`` first if a test needs them)."""
    return AppTest.from_file(str(APP_FILE), default_timeout=APP_TIMEOUT_S)


def open_sidebar(at: AppTest) -> AppTest:
    """Open the Matches sidebar's Filters and Score and weights sections, as an officer does
    before using them (shut, their widgets are not drawn)."""
    at.session_state["mv_filters_open"] = True
    at.session_state["mv_weights_open"] = True
    return at


@pytest.fixture
def messy_csv() -> bytes:
    """Semicolon CSV with BOM: aliased headers, amounts as people write them, bad rows."""
    return (TEST_DATA / "messy_proposals.csv").read_bytes()
