"""The server scores the stored portfolio at start (``streamlit run serve.py``), so the first
session finds the ranked table ready; a warm-up that fails never stops the server."""

from __future__ import annotations

import gc
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from ui import matching, warmup

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def fresh_cache(db_url: str):
    matching._analysis_cache.clear()
    yield matching._analysis_cache()
    matching._analysis_cache.clear()
    gc.unfreeze()


def test_the_first_session_after_a_warm_up_scores_nothing(fresh_cache, store):
    warmup.warm_up()
    assert fresh_cache.full_computations == 1
    assert fresh_cache.proposals_scored == len(store.proposals())
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=120)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert fresh_cache.full_computations == 1
    assert not [s for s in at.status if "Scoring" in str(s.label)]  # no scoring shown
    assert any("proposals match" in c.value for c in at.caption)


def test_a_warm_up_that_cannot_open_the_database_logs_and_returns(monkeypatch, fresh_cache, caplog):
    monkeypatch.setenv("LIFEWEB_DB_URL", "mysql://nobody@127.0.0.1:1/none")
    warmup.warm_up()
    assert fresh_cache.full_computations == 0
    assert "warm-up at server start failed" in caplog.text
