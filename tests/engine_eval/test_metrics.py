"""The evaluation's metric, baseline and case code on tiny hand-made cases (values by hand)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from matcher.evaluate import (
    donor_name_index,
    evaluate_history,
    held_out_cases,
    popularity_scores,
    ranking_metrics,
    resolve_donor,
    summarise,
)


def test_true_donor_ranked_second_hits_at_three_not_at_one() -> None:
    metrics = ranking_metrics([0.9, 0.5, 0.7, 0.1], [False, False, True, False])
    assert metrics == {"hit@1": 0.0, "hit@3": 1.0, "hit@5": 1.0, "reciprocal_rank": 0.5}


def test_true_donor_ranked_fourth_misses_at_three_hits_at_five() -> None:
    metrics = ranking_metrics([0.4, 0.3, 0.2, 0.1, 0.0], [False, False, False, True, False])
    assert metrics["hit@3"] == 0.0
    assert metrics["hit@5"] == 1.0
    assert metrics["reciprocal_rank"] == 0.25


def test_best_of_several_true_donors_counts() -> None:
    metrics = ranking_metrics([0.2, 0.9, 0.5], [True, False, True])
    assert metrics["hit@1"] == 0.0
    assert metrics["hit@3"] == 1.0
    assert metrics["reciprocal_rank"] == 0.5


def test_three_way_tie_is_scored_at_its_expectation() -> None:
    # one true donor among three tied at the top: rank 1, 2 or 3 with probability 1/3 each
    metrics = ranking_metrics([1.0, 1.0, 1.0, 0.0], [True, False, False, False])
    assert metrics["hit@1"] == pytest.approx(1 / 3)
    assert metrics["hit@3"] == pytest.approx(1.0)
    assert metrics["reciprocal_rank"] == pytest.approx((1 + 1 / 2 + 1 / 3) / 3)


def test_two_true_donors_in_a_tie_behind_a_leader() -> None:
    # one donor ahead, then a tie of two true and one other: first true at rank 2 w.p. 2/3, 3 w.p. 1/3
    metrics = ranking_metrics([5.0, 1.0, 1.0, 1.0], [False, True, True, False])
    assert metrics["hit@1"] == 0.0
    assert metrics["hit@3"] == pytest.approx(1.0)
    assert metrics["reciprocal_rank"] == pytest.approx(2 / 3 * 1 / 2 + 1 / 3 * 1 / 3)
    two_of_three = ranking_metrics([5.0, 1.0, 1.0, 1.0], [False, True, False, False], cutoffs=(2,))
    assert two_of_three["hit@2"] == pytest.approx(1 / 3)


def test_no_true_donor_scores_zero_and_minus_infinity_ranks_last() -> None:
    assert ranking_metrics([0.3, 0.1], [False, False])["reciprocal_rank"] == 0.0
    metrics = ranking_metrics([-math.inf, 0.0, 0.1], [True, False, False])
    assert metrics["reciprocal_rank"] == pytest.approx(1 / 3)


DONORS = pd.DataFrame(
    {
        "donor_id": ["bmuv", "gef", "spain"],
        "name": [
            "German Federal Environment Ministry (IKI)",
            "Global Environment Facility",
            "Spain",
        ],
        "aliases": [("Germany", "BMUV"), ("Global Environmental Facility", "GEF"), ("AECID",)],
    }
)
HISTORY = pd.DataFrame(
    {
        "proposal_id": ["1", "1", "2", "3", "3", "4", "4"],
        "donor": [
            "Germany",
            "Domestic sources",
            "Germany",
            "The Global Environmental Facility",
            "Oak Foundation",
            "Spain",
            "Germany",
        ],
        "is_external_named_donor": ["True", "False", "True", "True", "True", "True", "True"],
    }
)


def test_lifeweb_spellings_resolve_through_aliases_loosely() -> None:
    index = donor_name_index(DONORS)
    assert resolve_donor("GERMANY", index) == "bmuv"
    assert resolve_donor("The Global Environmental Facility", index) == "gef"
    assert resolve_donor("Oak Foundation", index) is None


def test_cases_mark_germany_alone_and_unresolved_donors() -> None:
    cases = held_out_cases(HISTORY, donor_name_index(DONORS))
    assert [c.proposal_id for c in cases] == ["1", "2", "3", "4"]
    assert [c.germany_alone for c in cases] == [True, True, False, False]
    assert cases[2].donor_ids == ("gef",)
    assert cases[2].unresolved_names == ("Oak Foundation",)
    assert cases[3].donor_ids == ("spain", "bmuv")


def test_popularity_counts_funded_eois_without_the_held_out_one() -> None:
    index = donor_name_index(DONORS)
    donor_ids = ["bmuv", "gef", "spain"]
    assert popularity_scores(HISTORY, donor_ids, index).tolist() == [3.0, 1.0, 1.0]
    assert popularity_scores(HISTORY, donor_ids, index, without_proposal="4").tolist() == [
        2.0,
        1.0,
        0.0,
    ]


def test_replay_hides_the_held_out_matches_from_the_engine_and_averages_per_group() -> None:
    proposals = pd.DataFrame({"proposal_id": ["1", "2", "3", "4"], "title": list("abcd")})
    seen_histories: dict[str, set[str]] = {}

    def gef_first(
        proposal: pd.DataFrame, _all: pd.DataFrame, _donors: pd.DataFrame, history: pd.DataFrame
    ) -> np.ndarray:
        seen_histories[proposal["proposal_id"].iloc[0]] = set(history["proposal_id"])
        return np.array([0.5, 1.0, 0.0])

    result = evaluate_history(proposals, DONORS, HISTORY, gef_first)
    assert seen_histories == {
        "1": {"2", "3", "4"},
        "2": {"1", "3", "4"},
        "3": {"1", "2", "4"},
        "4": {"1", "2", "3"},
    }
    engine = result.per_case[result.per_case["method"] == "engine"].set_index("proposal_id")
    # Germany second everywhere; GEF first for EOI 3; Spain last, Germany second for EOI 4
    assert engine["reciprocal_rank"].tolist() == [0.5, 0.5, 1.0, 0.5]
    baseline = result.per_case[result.per_case["method"] == "popularity"]
    # EOI 3 held out: bmuv 3, gef 0, spain 1 -> gef third
    assert baseline.set_index("proposal_id").loc["3", "reciprocal_rank"] == pytest.approx(1 / 3)
    table = result.table.set_index(["method", "group"])
    assert table.loc[("engine", "all"), "MRR"] == pytest.approx(2.5 / 4)
    assert table.loc[("engine", "not_germany_alone"), "MRR"] == pytest.approx(0.75)
    assert table.loc[("engine", "not_germany_alone"), "n_eoi"] == 2
    assert result.unresolved_donors == ("Oak Foundation",)


def test_summary_table_has_both_methods_in_both_groups() -> None:
    per_case = pd.DataFrame(
        {
            "method": ["engine", "engine", "popularity", "popularity"],
            "germany_alone": [True, False, True, False],
            "hit@1": [1.0, 0.0, 1.0, 0.0],
            "hit@3": [1.0, 1.0, 1.0, 0.0],
            "hit@5": [1.0, 1.0, 1.0, 1.0],
            "reciprocal_rank": [1.0, 0.5, 1.0, 0.2],
        }
    )
    table = summarise(per_case).set_index(["method", "group"])
    assert table.loc[("engine", "all"), "hit@3"] == 1.0
    assert table.loc[("popularity", "all"), "MRR"] == pytest.approx(0.6)
    assert table.loc[("popularity", "not_germany_alone"), "MRR"] == pytest.approx(0.2)
    assert table.loc[("engine", "not_germany_alone"), "n_eoi"] == 1
