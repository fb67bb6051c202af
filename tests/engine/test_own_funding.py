"""A proposal's own funding is never evidence for it (issue 10, item 3, engine side).

The app scores the whole portfolio, funded EOIs included. A donor that funded an EOI must meet
that EOI as if the grant had not happened: every component equals a refit without that one
funding record, and the explanation never cites the proposal as its own closest funded one.
"""

from __future__ import annotations

from functools import cache

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from matcher.load import load_donors, load_history, load_proposals
from matcher.rank import Matcher
from matcher.reference import data_dir
from matcher.score import COMPONENTS

from .conftest import donors_frame, history_frame, proposals_frame


@cache
def _sample() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    folder = data_dir()
    return (
        load_proposals(folder / "proposals.csv").frame,
        load_donors(folder / "donors.csv").frame,
        load_history(folder / "history.csv").frame,
    )


@cache
def _sample_scores():
    proposals, donors, history = _sample()
    matcher = Matcher().fit(donors, history, proposals=proposals)
    return matcher, matcher.score(proposals)


def _own_grants(matcher: Matcher) -> set[tuple[str, str]]:
    funded = matcher.profiles_.funded
    ids = matcher.profiles_.donor_ids
    return {
        (str(p), str(ids[m]))
        for p, m in zip(funded["proposal_id"], funded["donor_pos"], strict=True)
    }


def _pair_values(scores, proposal_id: str, donor_id: str) -> np.ndarray:
    p = list(scores.proposal_ids).index(proposal_id)
    m = list(scores.donor_ids).index(donor_id)
    return np.where(scores.available[:, p, m] > 0, scores.values[:, p, m], np.nan)


@pytest.mark.parametrize(
    ("proposal_id", "donor_id"),
    [("23213", "ES"), ("23228", "AT"), ("23328", "DE-IKI"), ("23260", "IT"), ("23916", "IUCN")],
)
def test_every_component_equals_a_refit_without_the_pairs_own_funding_record(
    proposal_id: str, donor_id: str
) -> None:
    proposals, donors, history = _sample()
    matcher, scores = _sample_scores()
    assert (proposal_id, donor_id) in _own_grants(matcher)
    resolved = matcher.name_resolution_.set_index("name")["donor_id"]
    record = (history["proposal_id"].astype(str) == proposal_id) & (
        history["donor"].astype(str).map(resolved) == donor_id
    )
    refit = Matcher().fit(donors, history[~record], proposals=proposals)
    alone = refit.score(proposals[proposals["proposal_id"].astype(str) == proposal_id])
    expected = _pair_values(alone, proposal_id, donor_id)
    got = _pair_values(scores, proposal_id, donor_id)
    # Equal up to the refit's term weights: its vocabulary has one text less, so words the
    # proposal shares with the donor's priorities weigh a little more there (thematic only).
    np.testing.assert_allclose(got[1:], expected[1:], atol=0.015, equal_nan=True)
    np.testing.assert_allclose(got[0], expected[0], atol=0.05, equal_nan=True)


def test_closest_funded_and_history_never_count_the_proposal_itself() -> None:
    matcher, scores = _sample_scores()
    own = _own_grants(matcher)
    for proposal_id, donor_id in sorted(own):
        detail = scores.explain_pair(proposal_id, donor_id)
        assert proposal_id not in set(detail.closest_funded["proposal_id"]), donor_id
        assert (detail.closest_funded["similarity"] < 0.999).all() or detail.closest_funded.empty


def test_spain_and_austria_see_their_own_grants_no_higher_than_without_the_record() -> None:
    # Their own grants once came first by their own record. Now an own grant in a donor's top 4
    # ranks no higher there than a refit without its record would put it (Spain's 23213 is
    # 4th, and 3rd without the record: it reads like Spain's priorities, not like its grant).
    proposals, donors, history = _sample()
    matcher, scores = _sample_scores()
    own = _own_grants(matcher)
    resolved = matcher.name_resolution_.set_index("name")["donor_id"]
    n = len(proposals)
    for donor_id in ("ES", "AT"):
        ranked = scores.top_k(n, by="donor", explain=False)
        ranked = list(ranked[ranked["donor_id"] == donor_id]["proposal_id"].astype(str))
        assert ranked[0] not in {p for p, d in own if d == donor_id}, donor_id
        for proposal_id in [p for p in ranked[:4] if (p, donor_id) in own]:
            record = (history["proposal_id"].astype(str) == proposal_id) & (
                history["donor"].astype(str).map(resolved) == donor_id
            )
            refit = Matcher().fit(donors, history[~record], proposals=proposals).score(proposals)
            alone = refit.top_k(n, by="donor", explain=False)
            alone = list(alone[alone["donor_id"] == donor_id]["proposal_id"].astype(str))
            assert ranked.index(proposal_id) >= alone.index(proposal_id), (donor_id, proposal_id)


def test_a_donor_known_only_by_one_grant_meets_that_proposal_as_a_stranger() -> None:
    proposals = proposals_frame(
        [
            {
                "proposal_id": "A",
                "title": "Kelp forest restoration off Tasmania",
                "countries": ("AUS",),
                "description": "Restore giant kelp forests with seaweed growers.",
                "requested_amount": 800_000.0,
            },
            {
                "proposal_id": "A2",
                "title": "Kelp forest restoration off Tasmania",
                "countries": ("AUS",),
                "description": "Restore giant kelp forests with seaweed growers.",
                "requested_amount": 800_000.0,
            },
        ]
    )
    donors = donors_frame([{"donor_id": "D", "name": "Silent Donor"}])
    history = history_frame([{"proposal_id": "A", "donor": "Silent Donor", "amount": 800_000.0}])
    scores = Matcher().fit(donors, history, proposals=proposals).score(proposals)
    parts = scores.components()
    # A itself: the donor says nothing and funded nothing else, so nothing is known.
    assert all(np.isnan(parts[name][0, 0]) for name in COMPONENTS if name != "history")
    assert parts["history"][0, 0] == 0  # no other record: no evidence
    # A2 (same text, not funded): the grant for A is real evidence.
    assert parts["history"][1, 0] > 0.8  # same text, country and amount as what it funded
    assert np.isnan(parts["thematic"][1, 0])  # it states nothing: stated parts stay unknown
    explanation = scores.explain_pair("A", "D")
    assert explanation.closest_funded.empty
    assert "funded" not in explanation.sentence
    assert scores.explain_pair("A2", "D").closest_funded["proposal_id"].tolist() == ["A"]


@settings(deadline=None, max_examples=200)
@given(
    st.lists(st.integers(0, 60), max_size=40, unique=True),
    st.lists(st.integers(0, 60), max_size=40),
)
def test_own_term_membership_is_numpys_isin(values, of) -> None:
    """The look-up that zeroes a funded proposal's own terms: the same booleans as np.isin."""
    from matcher.own_funding import _members

    values = np.array(values, dtype=np.int32)
    of = np.array(of, dtype=np.int32)
    np.testing.assert_array_equal(_members(values, of), np.isin(values, of))
