"""Scores are computed once per database content for every session; an upload scores only
its new proposals, and the result equals scoring everything again. A write by anyone (here a
second connection, as the CLI or another app process would make) is seen by the next session
without any signal, and without a write nothing is read or scored again."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from matcher.store import Store
from ui import matching
from ui.filters import is_closed_status

APP_FILE = Path(__file__).resolve().parents[2] / "app.py"
MESSY_FILE = Path(__file__).resolve().parent / "data" / "messy_proposals.csv"


@pytest.fixture
def fresh_cache(db_url: str):
    """No analysis kept from an earlier test: this test's counts start at zero."""
    matching._analysis_cache.clear()
    yield matching._analysis_cache()
    matching._analysis_cache.clear()


def session() -> AppTest:
    """A new browser session of the same server process."""
    at = AppTest.from_file(str(APP_FILE), default_timeout=120)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def ranked(at: AppTest) -> pd.DataFrame:
    return (
        at.dataframe[0]
        .value[["proposal_id", "rank", "score", "explanation"]]
        .reset_index(drop=True)
    )


def test_every_session_shares_one_scoring_of_the_database(fresh_cache, store):
    first, second, third = session(), session(), session()
    assert fresh_cache.full_computations == 1
    assert fresh_cache.proposals_scored == len(store.proposals())
    pd.testing.assert_frame_equal(ranked(second), ranked(first))
    pd.testing.assert_frame_equal(ranked(third), ranked(first))


def test_an_upload_scores_only_its_new_proposals_and_equals_a_full_rescore(fresh_cache, store):
    session()
    n_before = len(store.proposals())
    store.import_file(MESSY_FILE, "proposals", round_name="Speed test round")
    added = len(store.proposals()) - n_before
    assert added == 5
    after_upload = session()
    assert fresh_cache.full_computations == 1
    assert fresh_cache.proposals_scored == n_before + added
    caption = next(c.value for c in after_upload.caption if "proposals match" in c.value)
    still_open = int((~store.proposals()["status"].map(is_closed_status)).sum())
    assert caption.startswith(f"{still_open} proposals match")  # funded ones are hidden
    incremental = ranked(after_upload)
    matching._analysis_cache.clear()
    rescored = session()
    assert matching._analysis_cache().full_computations == 1
    pd.testing.assert_frame_equal(incremental, ranked(rescored))


def test_new_funding_history_refits_the_donors(fresh_cache, store, tmp_path):
    session()
    history = tmp_path / "more_history.csv"
    history.write_text("proposal_id,donor,amount,currency,year\n23210,Spain,1000,USD,2014\n")
    store.import_file(history, "history")
    session()
    assert fresh_cache.full_computations == 2


def test_a_write_elsewhere_shows_in_the_next_session_and_nothing_is_read_again_without_one(
    fresh_cache, store, monkeypatch
):
    reads: list[str] = []
    read_proposals = Store.proposals

    def counted(self: Store, *, meta: bool = False) -> pd.DataFrame:
        reads.append(self.url)
        return read_proposals(self, meta=meta)

    monkeypatch.setattr(Store, "proposals", counted)
    first = session()
    top = ranked(first).iloc[0]["proposal_id"]
    for _ in range(3):  # new sessions and reruns of one: the portfolio stays as read once
        session()
    first.run()
    assert len(reads) == 1
    assert fresh_cache.full_computations == 1
    record = store.record("proposals", str(top))
    store.update_proposal(
        str(top), {"title": "Renamed by a colleague"}, expected_version=record["version"]
    )
    after = session()
    table = after.dataframe[0].value
    assert table.loc[table["proposal_id"] == str(top), "proposal_title"].tolist() == [
        "Renamed by a colleague"
    ]
    assert len(reads) == 2
    assert fresh_cache.full_computations == 1  # the edited proposal alone was scored again
    assert fresh_cache.proposals_scored == len(store.proposals()) + 1


def test_the_scoring_status_says_rows_pairs_and_an_estimate():
    assert matching.status_label(62, 62, 35, 0.4) == (
        "Scoring 62 proposals against 35 donors: 2,170 pairs, under a second (once per "
        "change of data; re-weighting afterwards is instant)…"
    )
    assert matching.status_label(67, 5, 35, 12.3).startswith(
        "Scoring 5 new or changed proposals against 35 donors (the other 62 keep their "
        "scores): 175 pairs, about 12 s"
    )
    assert matching.status_label(63, 1, 35, 0.2).startswith(
        "Scoring 1 new or changed proposal against 35 donors (the other 62 keep their scores)"
    )


def test_the_matches_page_combines_only_the_pairs_it_shows(fresh_cache, store, monkeypatch):
    """A slider release re-weights the donor's pairs and the shown rows' donors, not every
    pair of the portfolio (ScoreSet.combine), with the numbers combine() gives."""
    from matcher.scoring.score_set import ScoreSet

    combine = ScoreSet.combine
    table = ranked(session())

    def every_pair(self, weights=None):
        raise AssertionError("the Matches page combined every pair")

    monkeypatch.setattr(ScoreSet, "combine", every_pair)
    pd.testing.assert_frame_equal(ranked(session()), table)  # the same rows, scores, words
    found = matching.analysis()
    weights = {"thematic": 0.3, "targets": 0.5, "history": 0.2}
    for donor in found.scores.donor_ids.astype(str)[:5]:
        pairs = matching.donor_pairs(donor, weights).set_index("proposal_id")["score"]
        m = found.donor_position[donor]
        expected = combine(found.scores, weights)[:, m].astype(float).round(4)
        ids = found.scores.proposal_ids.astype(str)
        np.testing.assert_array_equal(pairs.loc[ids].to_numpy(float), expected)
