"""A database with proposals and donors but no funding history yet: every page still opens.

A new installation imports its proposals and donors first; the funding records may come later
(or never). Matches once failed there with ``KeyError: 'proposal_id'``.
"""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from matcher.load import load_donors, load_proposals
from matcher.reference import data_dir
from matcher.store import open_store
from tests.app.conftest import APP_FILE, APP_TIMEOUT_S


@pytest.fixture
def history_free_db(tmp_path, monkeypatch) -> str:
    url = f"sqlite:///{tmp_path / 'lifeweb.db'}"
    store = open_store(url)
    folder = data_dir()
    store.import_frame(
        load_proposals(folder / "proposals.csv").frame, "proposals", filename="proposals.csv"
    )
    store.import_frame(load_donors(folder / "donors.csv").frame, "donors", filename="donors.csv")
    assert store.history().empty
    store.close()
    monkeypatch.setenv("LIFEWEB_DB_URL", url)
    return url


def test_matches_ranks_and_explains_without_any_funding_history(history_free_db) -> None:
    at = AppTest.from_file(str(APP_FILE), default_timeout=APP_TIMEOUT_S).run()
    assert not at.exception, [e.value for e in at.exception]
    shown = " ".join(str(m.value) for m in at.markdown) + " ".join(str(c.value) for c in at.caption)
    assert "Something went wrong" not in shown
    assert at.dataframe, "the ranked table is drawn"
    assert len(at.dataframe[0].value) > 0


@pytest.mark.parametrize(
    "page", ["overview", "proposals", "donors", "shortlists", "events", "plan"]
)
def test_every_other_page_opens_without_any_funding_history(history_free_db, page) -> None:
    at = AppTest.from_file(str(APP_FILE), default_timeout=APP_TIMEOUT_S).run()
    at.switch_page(f"app_pages/{page}.py").run()
    assert not at.exception, [e.value for e in at.exception]
    assert not [e for e in at.error if "went wrong" in str(e.value)]
