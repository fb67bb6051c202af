"""Rankings both ways: top-k, deterministic ties, chunking, explanations, re-weighting."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from matcher.combine import WEIGHT_PRESETS
from matcher.rank import RESULT_COLUMNS, Matcher, rank_matches

from .conftest import donors_frame, proposals_frame


def test_rank_matches_returns_the_documented_columns_and_top_k_per_proposal(portfolio) -> None:
    proposals, donors, history = portfolio
    ranking = rank_matches(proposals, donors, history, top_k=2)
    assert list(ranking.columns) == RESULT_COLUMNS
    assert ranking.groupby("proposal_id").size().to_dict() == {"P1": 2, "P2": 2, "P3": 2, "P4": 2}
    first = ranking[ranking["rank"] == 1].set_index("proposal_id")["donor_id"]
    assert first["P1"] == "OCEAN"
    assert first["P2"] == "FOREST"


def test_ranking_by_donor_lists_that_donors_best_proposals(portfolio) -> None:
    proposals, donors, history = portfolio
    ranking = rank_matches(proposals, donors, history, top_k=1, by="donor")
    best = ranking.set_index("donor_id")["proposal_id"].to_dict()
    assert best["OCEAN"] == "P1"
    assert best["FOREST"] == "P2"


def test_ineligible_pairs_rank_after_eligible_ones_and_can_be_dropped(portfolio) -> None:
    proposals, donors, history = portfolio
    ranking = rank_matches(proposals, donors, history, top_k=3)
    for _, rows in ranking.groupby("proposal_id"):
        eligible = rows.sort_values("rank")["eligible"].tolist()
        assert eligible == sorted(eligible, reverse=True)
    quiet = ranking[ranking["donor_id"] == "QUIET"]
    assert (quiet["reasons"] == "inactive donor").all()
    only = rank_matches(proposals, donors, history, top_k=3, eligible_only=True)
    assert only["eligible"].all()
    assert "QUIET" not in set(only["donor_id"])


def test_equal_scores_are_ordered_by_id_both_ways() -> None:
    same = {"priorities": "forest protected areas", "min_grant": 1e5, "max_grant": 1e6}
    donors = donors_frame(
        [{"donor_id": "B", "name": "Bee", **same}, {"donor_id": "A", "name": "Ay", **same}]
    )
    text = {"title": "forest protected areas", "countries": ("PER",), "requested_amount": 5e5}
    proposals = proposals_frame([{"proposal_id": "X2", **text}, {"proposal_id": "X1", **text}])
    by_proposal = rank_matches(proposals, donors, top_k=2)
    assert by_proposal["donor_id"].tolist() == ["A", "B", "A", "B"]
    assert by_proposal["proposal_id"].tolist() == ["X1", "X1", "X2", "X2"]
    by_donor = rank_matches(proposals, donors, top_k=2, by="donor")
    assert by_donor["proposal_id"].tolist() == ["X1", "X2", "X1", "X2"]
    assert by_donor["rank"].tolist() == [1, 2, 1, 2]


def test_chunked_ranking_equals_ranking_from_the_full_score_set(portfolio) -> None:
    proposals, donors, history = portfolio
    fitted = Matcher(chunk_size=1).fit(donors, history, proposals=proposals)
    for by in ("proposal", "donor"):
        chunked = fitted.rank(proposals, top_k=2, by=by)
        whole = fitted.score(proposals).top_k(2, by=by)
        key = ["proposal_id", "donor_id"] if by == "proposal" else ["donor_id", "proposal_id"]
        pd.testing.assert_frame_equal(
            chunked.sort_values(key).reset_index(drop=True),
            whole.sort_values(key).reset_index(drop=True),
        )


def test_reweighting_cached_components_changes_the_order(portfolio) -> None:
    proposals, donors, history = portfolio
    scores = Matcher().fit(donors, history, proposals=proposals).score(proposals)
    only_targets = scores.combine("targets=1")
    # P1 vs FOREST: targets 0.5 is the whole score when only targets count.
    assert only_targets[0, 0] == pytest.approx(0.5)
    assert not np.allclose(scores.combine("balanced"), scores.combine("history=1"), equal_nan=True)


def test_score_one_ranks_all_donors_for_a_new_proposal(portfolio) -> None:
    proposals, donors, history = portfolio
    fitted = Matcher().fit(donors, history, proposals=proposals)
    new = {
        "proposal_id": "NEW",
        "title": "Mangrove restoration on small islands",
        "countries": ("WSM",),
        "description": "Restore mangroves and coral reefs with island fishing communities.",
        "requested_amount": 300_000.0,
        "currency": "USD",
    }
    ranking = fitted.score_one(new)
    assert ranking["donor_id"].tolist()[0] == "OCEAN"
    assert len(ranking) == 3
    assert ranking["rank"].tolist() == [1, 2, 3]


def test_one_line_explanation_names_targets_history_and_amount(portfolio) -> None:
    proposals, donors, history = portfolio
    fiji = {**proposals.iloc[0].to_dict(), "proposal_id": "P9"}
    ranking = rank_matches(pd.concat([proposals, pd.DataFrame([fiji])]), donors, history, top_k=3)
    pair = ranking[(ranking["proposal_id"] == "P9") & (ranking["donor_id"] == "OCEAN")].iloc[0]
    assert "shares Aichi 6 and 11" in pair["explanation"]
    assert "funded 1 similar project" in pair["explanation"]
    # P1 is that project: its own grant is no evidence for it.
    own = ranking[(ranking["proposal_id"] == "P1") & (ranking["donor_id"] == "OCEAN")].iloc[0]
    assert "funded" not in own["explanation"]
    inactive = ranking[ranking["donor_id"] == "QUIET"].iloc[0]
    assert inactive["explanation"].startswith("not eligible (inactive donor)")


def test_explain_pair_breaks_the_score_into_contributions_and_evidence(portfolio) -> None:
    proposals, donors, history = portfolio
    scores = Matcher().fit(donors, history, proposals=proposals).score(proposals)
    explanation = scores.explain_pair("P1", "OCEAN")
    table = explanation.components.set_index("component")
    assert table["contribution"].sum() == pytest.approx(explanation.score, abs=1e-6)
    assert explanation.score == pytest.approx(scores.combine()[0, 1], abs=1e-6)
    assert table.loc["targets", "value"] == pytest.approx(1.0)
    assert table.loc["targets", "weight"] == pytest.approx(WEIGHT_PRESETS["balanced"]["targets"])
    assert explanation.shared_targets == [6, 11]
    assert explanation.shared_gbf_targets == [3, 10]  # primary successors of Aichi 11 and 6
    assert explanation.closest_funded.empty  # OCEAN funded P1 only: P1 itself is no evidence
    assert "coral reef" in explanation.shared_terms  # phrases as the proposal first writes them
    assert explanation.eligible and explanation.reasons == ""


def test_history_with_rows_removed_forgets_what_they_revealed(portfolio) -> None:
    proposals, donors, history = portfolio
    new = proposals.head(1).assign(proposal_id="P1-NEW")
    full = Matcher().fit(donors, history, proposals=proposals).score(new)
    without_p1 = history[history["proposal_id"] != "P1"]
    reduced = Matcher().fit(donors, without_p1, proposals=proposals).score(new)
    assert full.component("history")[0, 1] > 0.3
    assert reduced.component("history")[0, 1] == 0  # OCEAN has no record left: no evidence


def test_ranking_in_two_processes_equals_ranking_in_one(portfolio) -> None:
    proposals, donors, history = portfolio
    fitted = Matcher(chunk_size=1, n_jobs=1).fit(donors, history, proposals=proposals)
    single = fitted.rank(proposals, top_k=2, by="both")
    fitted.n_jobs = 2
    double = fitted.rank(proposals, top_k=2, by="both")
    pd.testing.assert_frame_equal(single, double)


def test_ties_across_the_top_k_cut_keep_the_lowest_ids() -> None:
    same = {"priorities": "forest protected areas", "min_grant": 1e5, "max_grant": 1e6}
    donors = donors_frame(
        [{"donor_id": d, "name": d, **same} for d in ("D4", "D2", "D3", "D1", "D5")]
    )
    proposals = proposals_frame(
        [
            {"proposal_id": "P", "title": "forest protected areas", "requested_amount": 5e5},
            {"proposal_id": "Q", "title": "forest protected areas", "requested_amount": 5e5},
        ]
    )
    ranking = rank_matches(proposals, donors, top_k=2)
    assert ranking["donor_id"].tolist() == ["D1", "D2", "D1", "D2"]
    assert ranking["rank"].tolist() == [1, 2, 1, 2]
