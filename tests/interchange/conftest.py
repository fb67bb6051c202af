"""Files and helpers shared by the IATI and national-targets tests."""

from __future__ import annotations

from pathlib import Path

import pytest

FILES = Path(__file__).resolve().parent / "files"


@pytest.fixture(scope="session")
def multi_language_xml() -> Path:
    """Four activities: French/English/Spanish narratives, several countries and budget periods,
    a duplicate identifier and an unknown country code (made for the tests)."""
    return FILES / "multi_language.xml"


@pytest.fixture(scope="session")
def seeded_db_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database seeded with the shipped sample proposals, donors and history."""
    from matcher.reference import data_dir
    from matcher.store import open_store

    path = tmp_path_factory.mktemp("template") / "lifeweb.db"
    with open_store(f"sqlite:///{path}") as store:
        store.seed_if_empty(data_dir())
    return path


@pytest.fixture
def app_db(seeded_db_template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """This test's own copy of the seeded database, made the app's through the environment."""
    import shutil

    path = tmp_path / "lifeweb.db"
    shutil.copy(seeded_db_template, path)
    url = f"sqlite:///{path}"
    monkeypatch.setenv("LIFEWEB_DB_URL", url)
    return url
