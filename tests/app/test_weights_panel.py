"""The learned-weights panel (issue 12, part 3) and the Matches page's weights in force."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from matcher.combine import WEIGHT_PRESETS
from matcher.load import load_donors, load_history, load_proposals
from matcher.reference import data_dir
from matcher.store import open_store
from matcher.store.learning import record_weight_set, weight_history
from tests.app.conftest import APP_FILE, open_sidebar

LEARNED = {
    "thematic": 0.2,
    "targets": 0.15,
    "geography": 0.35,
    "funding_fit": 0.1,
    "ecosystems": 0.1,
    "history": 0.1,
}


def _panel() -> None:
    from ui.weights_panel import render_weights_panel

    render_weights_panel()


@pytest.fixture
def no_history_db(tmp_path, monkeypatch) -> str:
    """Sample proposals and donors, two funding records (so the replay is quick), and three
    staff decisions."""
    url = f"sqlite:///{tmp_path / 'lifeweb.db'}"
    store = open_store(url)
    folder = data_dir()
    store.import_frame(
        load_proposals(folder / "proposals.csv").frame, "proposals", filename="proposals.csv"
    )
    store.import_frame(load_donors(folder / "donors.csv").frame, "donors", filename="donors.csv")
    history = load_history(folder / "history.csv").frame
    store.import_frame(
        history[history["donor"] == "Germany"].head(2), "history", filename="history.csv"
    )
    store.record_decision("23301", "AT", "accepted", by="Ben")
    store.record_decision("23301", "DE-IKI", "declined", by="Ben")
    store.record_decision("23298", "FCPF", "contacted", by="Ben")
    store.close()
    monkeypatch.setenv("LIFEWEB_DB_URL", url)
    return url


def _texts(at: AppTest) -> str:
    parts = [*at.markdown, *at.caption, *at.info, *at.success, *at.warning]
    return " ".join(str(p.value) for p in parts).replace("\\", "").replace("\u2060", "")


def test_a_few_decisions_are_counted_and_the_panel_says_why_they_are_not_adopted(
    no_history_db,
) -> None:
    at = AppTest.from_function(_panel, default_timeout=120).run()
    assert not at.exception, [e.value for e in at.exception]
    shown = _texts(at)
    assert "Weights in force: **balanced preset**" in shown
    assert "learned from 3 decisions" in shown
    assert "(and 2 funding records)" in shown
    assert "Not adopted: only 4 proposals have a decision or funding record" in shown
    assert not [b for b in at.button if b.label == "Adopt the learned weights"]
    assert not [b for b in at.button if b.label == "Back to the previous weights"]
    assert "None yet: the shipped preset has been in force all along." in shown


def test_the_log_lists_every_set_and_one_click_puts_the_preset_back(no_history_db) -> None:
    store = open_store(no_history_db)
    record_weight_set(
        store,
        LEARNED,
        source="learned",
        n_decisions=28,
        agreement_gain=0.159,
        note="learned from 28 decisions, agreement +0.159",
        by="Ana",
    )
    at = AppTest.from_function(_panel, default_timeout=120).run()
    assert not at.exception, [e.value for e in at.exception]
    assert "Weights in force: **learned set, adopted" in _texts(at)
    log = at.dataframe[0].value
    assert list(log["who"]) == ["Ana"]
    assert list(log["what"]) == ["learned set adopted"]
    assert "Geography 0.35" in log["weights"].iloc[0]
    assert "agreement +0.159" in log["figures"].iloc[0]
    back = next(b for b in at.button if b.label == "Back to the previous weights")
    back.click().run()
    assert not at.exception, [e.value for e in at.exception]
    history = weight_history(store)
    assert list(history["source"]) == ["preset", "learned"]
    assert "Weights in force: **balanced preset**" in _texts(at)
    store.close()


def test_matches_ranks_with_the_adopted_set_and_follows_it_back(app, store) -> None:
    at = open_sidebar(app).run(timeout=120)
    assert at.session_state["mv_preset"] == "in_force"
    assert at.slider(key="mv_w_geography").value == WEIGHT_PRESETS["balanced"]["geography"]
    record_weight_set(
        store, LEARNED, source="learned", n_decisions=28, agreement_gain=0.1, by="Ana"
    )
    from ui import weights

    weights._log.clear()
    at = open_sidebar(AppTest.from_file(str(APP_FILE), default_timeout=120)).run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.session_state["mv_preset"] == "in_force"
    assert at.slider(key="mv_w_geography").value == pytest.approx(0.35)
    # A session already open follows when the preset is put back.
    record_weight_set(
        store,
        WEIGHT_PRESETS["balanced"],
        source="preset",
        n_decisions=0,
        agreement_gain=None,
        by="Ana",
    )
    weights._log.clear()
    at.run()
    assert at.slider(key="mv_w_geography").value == WEIGHT_PRESETS["balanced"]["geography"]


def test_back_steps_to_the_set_before_and_again_to_the_one_just_left(no_history_db) -> None:
    from ui import weights

    store = open_store(no_history_db)
    first = dict(LEARNED)
    second = {**LEARNED, "geography": 0.15, "thematic": 0.4}
    record_weight_set(
        store, first, source="learned", n_decisions=20, agreement_gain=0.1, note="first", by="Ana"
    )
    record_weight_set(
        store,
        second,
        source="learned",
        n_decisions=30,
        agreement_gain=0.12,
        note="second",
        by="Ana",
    )
    weights._log.clear()
    assert weights.in_force().weights == pytest.approx(second)
    assert weights.previous_label().startswith("the learned set adopted")
    weights.back_to_previous(by="Ben")
    now = weights.in_force()
    assert now.source == "restored" and now.weights == pytest.approx(first)
    assert now.label.startswith("earlier set, put back") and now.label.endswith("by Ben")
    weights.back_to_previous(by="Ben")
    assert weights.in_force().weights == pytest.approx(second)
    table = weights.history_table()
    assert list(table["what"]) == [
        "earlier set put back",
        "earlier set put back",
        "learned set adopted",
        "learned set adopted",
    ]
    assert table["figures"].iloc[1] == "restored: first"
    store.close()
