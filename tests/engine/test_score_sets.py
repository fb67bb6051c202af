"""Re-scoring only new proposals gives exactly the scores of scoring everything again."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from matcher.load import load
from matcher.rank import Matcher
from matcher.reference import data_dir
from matcher.score_sets import concat_score_sets, extend_score_set, take_proposals
from matcher.tagger import proposal_target_weights


@pytest.fixture(scope="module")
def sample() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    folder = data_dir()
    return (
        load(folder / "proposals.csv", "proposals").frame,
        load(folder / "donors.csv", "donors").frame,
        load(folder / "history.csv", "history").frame,
    )


def assert_same_scores(left, right) -> None:
    assert left.proposal_ids.tolist() == right.proposal_ids.tolist()
    assert left.donor_ids.tolist() == right.donor_ids.tolist()
    np.testing.assert_array_equal(left.values, right.values)
    np.testing.assert_array_equal(left.available, right.available)
    np.testing.assert_array_equal(left.reason_codes, right.reason_codes)


def test_new_proposals_scored_alone_and_joined_equal_a_full_rescore(sample):
    proposals, donors, history = sample
    weights = proposal_target_weights(proposals)
    matcher = Matcher().fit(donors, history, proposals=proposals)
    full = matcher.score(proposals, target_weights=weights)
    rng = np.random.default_rng(7)
    new_rows = np.sort(rng.choice(len(proposals), size=15, replace=False))
    old_rows = np.setdiff1d(np.arange(len(proposals)), new_rows)
    before = matcher.score(proposals.iloc[old_rows], target_weights=weights[old_rows])
    keep = np.full(len(proposals), -1)
    keep[old_rows] = np.arange(len(old_rows))
    extended = extend_score_set(matcher, before, keep, proposals, new_rows, target_weights=weights)
    assert_same_scores(extended, full)
    ranked_full = full.top_k(20, by="both")
    ranked_extended = extended.top_k(20, by="both")
    pd.testing.assert_frame_equal(ranked_extended, ranked_full)
    pair = (str(proposals["proposal_id"].iloc[new_rows[0]]), str(full.donor_ids[3]))
    assert extended.explain_pair(*pair).sentence == full.explain_pair(*pair).sentence


def test_taking_and_joining_rows_round_trips(sample):
    proposals, donors, history = sample
    matcher = Matcher().fit(donors, history, proposals=proposals)
    full = matcher.score(proposals)
    head, tail = (
        take_proposals(full, range(0, 30)),
        take_proposals(full, range(30, len(full.proposal_ids))),
    )
    assert_same_scores(concat_score_sets([head, tail]), full)
    reversed_rows = np.arange(len(full.proposal_ids))[::-1]
    flipped = take_proposals(full, reversed_rows)
    assert flipped.proposal_ids.tolist() == full.proposal_ids.tolist()[::-1]
    np.testing.assert_array_equal(flipped.values[:, 0], full.values[:, -1])


def test_score_sets_of_different_fits_are_not_joined(sample):
    proposals, donors, history = sample
    one = Matcher().fit(donors, history, proposals=proposals).score(proposals.head(3))
    other = Matcher().fit(donors, history, proposals=proposals).score(proposals.tail(3))
    with pytest.raises(ValueError, match="different fitted donors"):
        concat_score_sets([one, other])
