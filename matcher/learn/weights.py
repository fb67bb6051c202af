"""Component weights fitted from outcomes: pairwise, non-negative, summing to one, near the preset.

The score is the engine's own weighted mean over available components, so the fit searches
the simplex of weight vectors directly (a grid of step 0.05: 53,130 vectors for six
components, scored on all cases in a few matrix products) and picks the one with the lowest

    mean pairwise logistic loss  +  strength / n_cases x || w - preset ||^2

where a pair is a true donor and a donor it should rank above, and the loss is
``log(1 + exp(-(s_true - s_other) / temperature))``. The penalty shrinks with the number of
cases: a few decisions cannot swing the weights far from the preset.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from itertools import combinations

import numpy as np

from matcher.learn.cases import RankingCase, fill_missing

__all__ = ["LearnedWeights", "case_losses", "fit_weights", "pairwise_loss", "simplex_grid"]

TEMPERATURE = 0.05
"""Score difference (on the 0-1 scale) at which a pair's loss has fallen to 0.31."""
PRIOR_STRENGTH = 4.0
"""Pull toward the preset, as a number of cases' worth of loss."""


@cache
def simplex_grid(n_components: int, step: float = 0.05) -> np.ndarray:
    """Every weight vector with entries in multiples of ``step`` summing to one (K x C)."""
    units = round(1 / step)
    rows = []
    # Stars and bars: choose the C-1 cut points among units + C - 1 slots.
    for cuts in combinations(range(units + n_components - 1), n_components - 1):
        edges = (-1, *cuts, units + n_components - 1)
        rows.append([edges[i + 1] - edges[i] - 1 for i in range(n_components)])
    return np.asarray(rows, dtype=np.float64) / units


def case_losses(
    grid: np.ndarray, cases: Sequence[RankingCase], policy: str = "dropped"
) -> np.ndarray:
    """K x n: each case's mean pairwise logistic loss for every grid row (NaN: no pairs).

    Computed once, it serves every fit on any subset of the cases (nested cross-validation
    takes a column out instead of scoring again). Scores are taken in float32 on the donors a
    case compares only (twice as fast as float64; losses agree to about 1e-6).
    """
    losses = np.full((len(grid), len(cases)), np.nan)
    weights = np.asarray(grid, dtype=np.float32)
    for i, case in enumerate(cases):
        against = case.against & ~case.truth
        if not case.truth.any() or not against.any():
            continue
        compared = case.truth | against
        values, available = fill_missing(case.values, case.available, policy)
        numerator = weights @ np.asarray(values[:, compared], dtype=np.float32)
        denominator = weights @ np.asarray(available[:, compared], dtype=np.float32)
        with np.errstate(invalid="ignore", divide="ignore"):
            scores = np.where(denominator > 0, numerator / denominator, np.float32(-1.0))
        truth, other = case.truth[compared], against[compared]
        diff = scores[:, truth][:, :, None] - scores[:, other][:, None, :]
        loss = np.logaddexp(np.float32(0.0), -diff / np.float32(TEMPERATURE))
        losses[:, i] = loss.mean(axis=(1, 2), dtype=np.float64)
    return losses


def pairwise_loss(
    grid: np.ndarray, cases: Sequence[RankingCase], policy: str = "dropped"
) -> np.ndarray:
    """Mean (over cases with pairs) of each case's mean pairwise logistic loss, per grid row."""
    losses = case_losses(grid, cases, policy)
    used = ~np.isnan(losses[0]) if losses.size else np.zeros(0, dtype=bool)
    return losses[:, used].mean(axis=1) if used.any() else np.zeros(len(grid))


@dataclass(frozen=True)
class LearnedWeights:
    """A fitted weight vector and what it was fitted on."""

    weights: np.ndarray
    n_cases: int
    loss: float
    preset_loss: float
    policy: str


def fit_weights(
    cases: Sequence[RankingCase],
    preset: np.ndarray,
    *,
    policy: str = "dropped",
    strength: float = PRIOR_STRENGTH,
    step: float = 0.05,
    losses: np.ndarray | None = None,
) -> LearnedWeights:
    """Weights (non-negative, sum one) minimising pairwise loss plus the pull to ``preset``.

    ``losses`` (from :func:`case_losses` on the same cases and grid step) spares the scoring.
    """
    prior = np.asarray(preset, dtype=np.float64)
    prior = prior / prior.sum()
    grid = simplex_grid(len(prior), step)
    if losses is None:
        losses = case_losses(grid, cases, policy)
    used = ~np.isnan(losses[0]) if losses.size else np.zeros(0, dtype=bool)
    loss = losses[:, used].mean(axis=1) if used.any() else np.zeros(len(grid))
    n = max(int(used.sum()), 1)
    objective = loss + strength / n * ((grid - prior) ** 2).sum(axis=1)
    best = int(np.argmin(objective))
    # The preset itself need not lie on the grid: score it directly.
    preset_loss = float(pairwise_loss(prior[None, :], cases, policy)[0])
    return LearnedWeights(grid[best], int(used.sum()), float(loss[best]), preset_loss, policy)
