"""Honest figures: nested leave-one-out for choices made on data, bootstrap 95% intervals."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from matcher.learn.cases import RankingCase, case_scores
from matcher.learn.weights import case_losses, fit_weights, simplex_grid

__all__ = ["Interval", "bootstrap_interval", "case_metrics", "nested_learned_metrics"]


@dataclass(frozen=True)
class Interval:
    """A mean with its bootstrap 95% interval."""

    mean: float
    low: float
    high: float

    def __str__(self) -> str:
        return f"{self.mean:.3f} [{self.low:.2f}, {self.high:.2f}]"


def bootstrap_interval(values: Sequence[float], *, n: int = 2000, seed: int = 0) -> Interval:
    """Mean of per-case values with a percentile bootstrap 95% interval (cases resampled)."""
    array = np.asarray(values, dtype=float)
    if array.size == 0:
        return Interval(float("nan"), float("nan"), float("nan"))
    rng = np.random.default_rng(seed)
    means = array[rng.integers(0, array.size, size=(n, array.size))].mean(axis=1)
    low, high = np.percentile(means, [2.5, 97.5])
    return Interval(float(array.mean()), float(low), float(high))


def case_metrics(scores: np.ndarray, truth: np.ndarray) -> dict[str, float]:
    """hit@1/3/5 and reciprocal rank of one case, ties at expectation (see matcher.evaluate)."""
    from matcher.evaluate import ranking_metrics

    return ranking_metrics(scores, truth)


def nested_learned_metrics(
    cases: Sequence[RankingCase],
    preset: np.ndarray,
    *,
    policy: str = "dropped",
    calibrate: Callable[[Sequence[RankingCase], int], object] | None = None,
    losses: np.ndarray | None = None,
) -> pd.DataFrame:
    """Per case: metrics of weights learned on every OTHER case (the held-out one never seen).

    ``calibrate(cases, i)``, when given, fits a score-scale mapping without case ``i``
    (:func:`matcher.learn.replay.fold_calibration`); every case is re-expressed by it before
    the weights are learned on the others and case ``i`` is scored.

    ``losses`` (:func:`case_losses` of ``cases`` on the 0.05 grid, with ``policy``) spares
    computing them here, for a caller that also fits on every case; not with ``calibrate``,
    whose folds each have losses of their own.
    """
    from matcher.learn.replay import calibrate_case

    grid = simplex_grid(len(preset))
    if calibrate is not None and losses is not None:
        raise ValueError("losses are computed per fold when calibrate is given; pass one")
    if losses is None and calibrate is None:
        losses = case_losses(grid, cases, policy)
    rows = []
    for i, case in enumerate(cases):
        keep = np.arange(len(cases)) != i
        fold = list(cases)
        if calibrate is not None:
            mapping = calibrate(cases, i)
            fold = [calibrate_case(c, mapping) for c in cases]
            case = fold[i]
        others = [c for j, c in enumerate(fold) if j != i]
        fold_losses = losses[:, keep] if losses is not None else case_losses(grid, others, policy)
        learned = fit_weights(others, preset, policy=policy, losses=fold_losses)
        metrics = case_metrics(case_scores(case, learned.weights, policy), case.truth)
        rows.append(
            {
                "proposal_id": case.proposal_id,
                "group": case.group,
                **metrics,
                "weights": tuple(np.round(learned.weights, 2)),
            }
        )
    return pd.DataFrame(rows)
