"""Learned weights (issue 12, part 3): pairwise, non-negative, summing to one, pulled toward the
preset; missing-part policies; nested leave-one-out and bootstrap intervals."""

from __future__ import annotations

import numpy as np
import pytest

from matcher.learn import (
    LearnedWeights,
    RankingCase,
    bootstrap_interval,
    case_scores,
    fill_missing,
    fit_weights,
    nested_learned_metrics,
    simplex_grid,
)

PRESET = np.array([0.5, 0.2, 0.05, 0.15, 0.05, 0.05])


def _cases(n: int, seed: int = 0) -> list[RankingCase]:
    """Cases where component 5 (history) finds the true donor and the others are noise."""
    rng = np.random.default_rng(seed)
    cases = []
    for i in range(n):
        values = rng.uniform(0, 0.6, size=(6, 12)).astype(np.float32)
        truth = np.zeros(12, dtype=bool)
        truth[rng.integers(12)] = True
        values[5, truth] = 0.95
        cases.append(
            RankingCase(str(i), values, np.ones_like(values), truth, ~truth, group="other")
        )
    return cases


def test_the_weight_grid_is_every_non_negative_vector_summing_to_one() -> None:
    grid = simplex_grid(6)
    assert grid.shape == (53130, 6)
    assert (grid >= 0).all()
    np.testing.assert_allclose(grid.sum(axis=1), 1.0)


@pytest.fixture(scope="module")
def learned_on_60() -> LearnedWeights:
    """The fit on 60 cases, shared by the tests that read it (a few seconds each time)."""
    return fit_weights(_cases(60), PRESET)


def test_learned_weights_move_to_the_component_that_finds_the_funder(learned_on_60) -> None:
    learned = learned_on_60
    assert learned.weights[5] > 0.3 > PRESET[5]
    assert (learned.weights >= 0).all() and learned.weights.sum() == pytest.approx(1.0)
    assert learned.loss < learned.preset_loss


def test_a_few_decisions_cannot_swing_the_weights_far_from_the_preset(learned_on_60) -> None:
    few = fit_weights(_cases(2), PRESET)
    many = learned_on_60
    assert np.abs(few.weights - PRESET).sum() < np.abs(many.weights - PRESET).sum()


def test_missing_parts_are_dropped_neutral_or_the_donors_mean() -> None:
    values = np.array([[0.2, 0.8, 0.0]], dtype=np.float32)
    available = np.array([[1.0, 1.0, 0.0]], dtype=np.float32)
    assert fill_missing(values, available, "dropped")[1][0, 2] == 0
    assert fill_missing(values, available, "neutral")[0][0, 2] == pytest.approx(0.5)
    assert fill_missing(values, available, "mean")[0][0, 2] == pytest.approx(0.5)
    mean_values, mean_available = fill_missing(
        np.array([[0.2, 0.6, 0.0]], np.float32), available, "mean"
    )
    assert mean_values[0, 2] == pytest.approx(0.4) and mean_available[0, 2] == 1


def test_case_scores_are_the_engines_weighted_mean_over_available_parts() -> None:
    values = np.array([[1.0, 0.0], [0.0, 0.0]], dtype=np.float32)
    available = np.array([[1.0, 1.0], [0.0, 1.0]], dtype=np.float32)
    case = RankingCase("x", values, available, np.array([True, False]), np.array([False, True]))
    np.testing.assert_allclose(case_scores(case, np.array([0.5, 0.5])), [1.0, 0.0])


def test_nested_figures_come_from_weights_fitted_without_the_case() -> None:
    cases = _cases(12)
    per_case = nested_learned_metrics(cases, PRESET)
    assert list(per_case["proposal_id"]) == [c.proposal_id for c in cases]
    # Weights learned on the other 11 find the funder of most held-out cases; the preset
    # (history 0.05) finds fewer.
    preset_hits = np.mean([case_scores(c, PRESET).argmax() == c.truth.argmax() for c in cases])
    assert per_case["hit@1"].mean() > preset_hits
    assert all(abs(sum(w) - 1) < 0.02 for w in per_case["weights"])


def test_one_loss_matrix_serves_the_nested_folds_and_the_fit_on_every_case() -> None:
    """compare_variants computes the grid x cases losses once; the figures are the same."""
    from matcher.learn.replay import fold_calibration
    from matcher.learn.weights import case_losses

    cases = _cases(12)
    losses = case_losses(simplex_grid(6), cases, "neutral")
    shared = nested_learned_metrics(cases, PRESET, policy="neutral", losses=losses)
    alone = nested_learned_metrics(cases, PRESET, policy="neutral")
    assert shared.equals(alone)
    fitted = fit_weights(cases, PRESET, policy="neutral", losses=losses)
    assert np.array_equal(fitted.weights, fit_weights(cases, PRESET, policy="neutral").weights)
    with pytest.raises(ValueError, match="per fold"):
        nested_learned_metrics(cases, PRESET, calibrate=fold_calibration, losses=losses)


def test_bootstrap_interval_holds_the_mean() -> None:
    interval = bootstrap_interval([0, 1] * 20)
    assert interval.low < interval.mean < interval.high
    assert interval.mean == pytest.approx(0.5)
    assert bootstrap_interval([1.0] * 10).low == 1.0


def test_staff_decisions_become_graded_cases_on_the_app_scores(portfolio) -> None:
    import pandas as pd

    from matcher.learn.decisions import cases_from_decisions
    from matcher.rank import Matcher

    proposals, donors, history = portfolio
    scores = Matcher().fit(donors, history, proposals=proposals).score(proposals)
    decisions = pd.DataFrame(
        {
            "proposal_id": ["P1", "P1", "P1", "P2", "P3", "P4"],
            "donor_id": ["OCEAN", "FOREST", "QUIET", "FOREST", "OCEAN", "OCEAN"],
            "status": ["accepted", "contacted", "declined", "funded", "declined", "contacted"],
        }
    )
    cases = cases_from_decisions(decisions, scores)
    donors_at = {str(d): i for i, d in enumerate(scores.donor_ids)}
    # P1: accepted above contacted and declined, then contacted above declined. P2: funded
    # above every donor nothing was recorded for. P3: a decline alone says nothing to rank.
    # P4: contacted above the donors not decided.
    assert [(c.proposal_id, int(c.truth.sum())) for c in cases] == [
        ("P1", 1), ("P1", 1), ("P2", 1), ("P4", 1)
    ]  # fmt: skip
    first, second = cases[0], cases[1]
    assert first.truth[donors_at["OCEAN"]] and first.against.sum() == 2
    assert second.truth[donors_at["FOREST"]] and list(np.flatnonzero(second.against)) == [
        donors_at["QUIET"]
    ]
    assert not cases[2].against[donors_at["FOREST"]] and cases[2].against.sum() == 2
    assert sum(c.n_decided for c in cases) == 5  # each recorded outcome once (P3's aside)
