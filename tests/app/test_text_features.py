"""The app with the shipped default's sentence encoder (issue 12): every text is embedded once and
kept in the database; a later start reads the vectors back without loading the model, an upload
embeds only its new proposals, and without the encoder's package the app says so in one line.

The model itself is replaced by a counting stand-in (the real one takes seconds to load and is
tested in tests/engine/test_text_encoder.py): what is tested here is when the app calls it.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import sqlalchemy as sa
from streamlit.testing.v1 import AppTest

import matcher.text
from matcher.score import proposal_texts
from matcher.shipped import NOTICE_NO_ENCODER
from matcher.store.models import TextEmbedding
from matcher.text.encoder import SentenceEncoder, clean_text
from ui import matching, services, text_features

APP_FILE = Path(__file__).resolve().parents[2] / "app.py"
MESSY_FILE = Path(__file__).resolve().parent / "data" / "messy_proposals.csv"


class CountingModel:
    """Stands in for the encoder model: a fixed vector per text, and the texts it was given."""

    def __init__(self) -> None:
        self.seen: list[str] = []

    def encode(self, texts):
        self.seen.extend(texts)
        rows = []
        for text in texts:
            seed = int.from_bytes(hashlib.sha1(text.encode()).digest()[:4], "little")
            rows.append(np.random.default_rng(seed).standard_normal(512).astype(np.float32))
        return np.stack(rows)


class NoModel:
    def encode(self, texts):
        raise AssertionError(f"the model was called for {len(texts)} texts")


def new_process() -> None:
    """What a restart forgets: every cached analysis, encoder and portfolio."""
    matching._analysis_cache.clear()
    text_features._encoder.clear()
    services._portfolio.clear()


@pytest.fixture
def model(db_url: str, monkeypatch: pytest.MonkeyPatch):
    """The encoder route, with the counting model wherever the app would load the real one."""
    monkeypatch.setenv("LIFEWEB_TEXT", "encoder")
    monkeypatch.setattr(matcher.text, "encoder_available", lambda: True)
    counting = CountingModel()
    monkeypatch.setattr(SentenceEncoder, "_load", lambda self: self._model or counting)
    new_process()
    yield counting
    new_process()


def session() -> AppTest:
    at = AppTest.from_file(str(APP_FILE), default_timeout=120)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def ranked(at: AppTest) -> pd.DataFrame:
    frame = at.dataframe[0].value
    return frame[["proposal_id", "rank", "score"]].reset_index(drop=True)


def stored_vectors(store) -> int:
    table = TextEmbedding.__table__
    return store._read(lambda c: c.execute(sa.select(sa.func.count()).select_from(table)).scalar())


def portfolio_texts(store) -> set[str]:
    donors, proposals = store.donors(), store.proposals()
    texts = [*donors["priorities"].fillna("").astype(str), *proposal_texts(proposals)]
    return {t for t in map(clean_text, texts) if t}


def test_the_first_start_embeds_each_text_once_and_a_restart_never_loads_the_model(
    model, store, monkeypatch
) -> None:
    first = session()
    texts = portfolio_texts(store)
    # Every text once, nothing twice; the tagger's sentences and target texts come on top.
    assert texts <= set(model.seen) and len(model.seen) == len(set(model.seen))
    assert stored_vectors(store) == len(model.seen)  # everything the model read is kept
    status = [s.label for s in first.status]
    assert any(label.startswith(f"Embedded {len(texts):,} texts") for label in status), status

    new_process()
    monkeypatch.setattr(SentenceEncoder, "_load", lambda self: NoModel())
    again = session()  # a second start: every vector is read from the database
    pd.testing.assert_frame_equal(ranked(again), ranked(first))
    assert not any("Embedded" in s.label for s in again.status)


def test_an_upload_embeds_only_its_new_proposals(model, store) -> None:
    session()
    before = portfolio_texts(store)
    embedded_before = set(model.seen)
    model.seen.clear()
    store.import_file(MESSY_FILE, "proposals", round_name="Encoder round")
    services.mark_changed()
    session()
    new = portfolio_texts(store) - before
    assert new and new <= set(model.seen)  # the new proposals' texts...
    assert not set(model.seen) & embedded_before  # ...and nothing embedded before


def test_without_the_encoder_package_the_app_scores_with_tfidf_and_says_so(
    db_url, monkeypatch
) -> None:
    monkeypatch.delenv("LIFEWEB_TEXT", raising=False)  # the default route: auto
    monkeypatch.setattr(matcher.text, "encoder_available", lambda: False)
    monkeypatch.setattr(SentenceEncoder, "_load", lambda self: NoModel())
    new_process()
    try:
        at = AppTest.from_file(str(APP_FILE), default_timeout=120)
        at.switch_page("app_pages/matches.py").run()
        assert not at.exception, [e.value for e in at.exception]
        assert NOTICE_NO_ENCODER in [c.value for c in at.caption]
        assert len(at.dataframe) >= 1
    finally:
        new_process()
