"""Reviewer flags and the engine's target weights: declared targets first, suggestions else."""

from __future__ import annotations

import numpy as np
import pandas as pd

from matcher.tagger import proposal_target_weights, review_targets, suggest_targets


def test_declared_but_unsupported_and_supported_but_undeclared_are_flagged(make_proposals):
    proposals = make_proposals(
        {
            "summary": "New marine protected areas will close fishing grounds to let fish stocks recover.",
            "aichi_targets": (11, 16),
        }
    )
    review = review_targets(proposals, suggest_targets(proposals))
    flags = dict(zip(review["aichi_target"], review["flag"], strict=True))
    assert flags == {16: "declared_unsupported", 6: "supported_undeclared"}
    unsupported = review[review["aichi_target"] == 16].iloc[0]
    assert unsupported["confidence"] == 0.0 and unsupported["evidence"] == ""
    assert unsupported["message"].startswith("Aichi 16 — Access to and sharing benefits")
    undeclared = review[review["aichi_target"] == 6].iloc[0]
    assert "fish stocks" in undeclared["evidence"]
    assert "does not declare it" in undeclared["message"]


def test_gbf_declarations_count_as_the_aichi_targets_they_imply(make_proposals):
    proposals = make_proposals(
        {"summary": "We will create two new national parks.", "gbf_targets": (3, 6)}
    )
    review = review_targets(proposals)
    assert review["aichi_target"].tolist() == [9]  # GBF 6 -> Aichi 9, unsupported
    assert review["flag"].tolist() == ["declared_unsupported"]
    assert "(implied by declared GBF 6)" in review["message"].iloc[0]


def test_weak_undeclared_suggestions_are_not_flagged(make_proposals):
    proposals = make_proposals({"summary": "Monitoring of the lake.", "aichi_targets": (19,)})
    suggestions = suggest_targets(proposals)
    assert review_targets(proposals, suggestions, undeclared_min_confidence=0.99).empty


def test_weights_use_declared_targets_first_then_suggestions_by_confidence(make_proposals):
    proposals = make_proposals(
        {"summary": "Eradicating invasive rats.", "aichi_targets": (11, 12)},
        {"summary": "Eradicating invasive rats.", "gbf_targets": (3,)},
        {"summary": "Eradication of invasive alien species; new protected areas."},
        {"summary": "Chairs and desks."},
    )
    suggestions = suggest_targets(proposals)
    weights = proposal_target_weights(proposals, suggestions)
    assert weights.shape == (4, 20) and weights.dtype == np.float32
    assert np.flatnonzero(weights[0]).tolist() == [10, 11]  # Aichi 11, 12
    assert weights[0, 10] == 1.0 and weights[0, 8] == 0.0  # suggested 9 ignored: declared first
    assert np.flatnonzero(weights[1]).tolist() == [10]  # GBF 3 -> Aichi 11
    third = suggestions[suggestions["proposal_id"] == "P3"].set_index("aichi_target")
    assert set(np.flatnonzero(weights[2]) + 1) == set(third.index)
    assert np.isclose(weights[2, 8], third.loc[9, "confidence"])
    assert 0 < weights[2].max() <= 1
    assert not weights[3].any()


def test_weights_compute_suggestions_when_none_are_given(make_proposals):
    proposals = make_proposals(
        {"summary": "Eradication of invasive alien species."}, {"aichi_targets": (5,)}
    )
    computed = proposal_target_weights(proposals)
    given = proposal_target_weights(proposals, suggest_targets(proposals))
    np.testing.assert_array_equal(computed, given)
    assert computed[0, 8] > 0.5 and computed[1, 4] == 1.0


def test_weights_of_an_empty_frame_have_twenty_columns():
    assert proposal_target_weights(pd.DataFrame(columns=["proposal_id"])).shape == (0, 20)


def test_weights_for_lifeweb_eois_give_declared_rows_exactly_their_tags(lifeweb_eois):
    weights = proposal_target_weights(lifeweb_eois)
    for row, targets in enumerate(lifeweb_eois["aichi_targets"]):
        if targets:
            assert sorted(np.flatnonzero(weights[row]) + 1) == sorted(targets)
            assert set(weights[row][weights[row] > 0]) == {1.0}
    assert (weights.max(axis=1) > 0).all()


def test_declared_target_with_only_weak_support_says_so_with_the_evidence(make_proposals):
    proposals = make_proposals(
        {"summary": "New protected areas. A school visit is planned.", "aichi_targets": (1, 11)}
    )
    review = review_targets(proposals)
    assert review["aichi_target"].tolist() == [1]
    row = review.iloc[0]
    assert row["flag"] == "declared_unsupported"
    assert 0 < row["confidence"] < 0.3
    assert row["evidence"] == "A school visit is planned."
    assert "supports it only weakly (confidence" in row["message"]
    assert "terms: school" in row["message"]
