"""Weights from the decisions staff record in the app (accepted, funded, pledged; declined).

Each proposal with a positive decision is a case: its positive donors should rank above its
declined donors (or, when none was declined, above every other donor). A proposed weight set is
the pairwise fit on those cases pulled toward the weights in force; it is offered only when its
nested (leave-one-proposal-out) pairwise agreement beats the weights in force.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from matcher.learn.cases import RankingCase, case_scores
from matcher.learn.weights import case_losses, fit_weights, simplex_grid

__all__ = ["POSITIVE", "WeightProposal", "cases_from_decisions", "propose_weights"]

POSITIVE = frozenset({"accepted", "funded", "pledged"})
NEGATIVE = frozenset({"declined"})


def cases_from_decisions(decisions: pd.DataFrame, scores) -> list[RankingCase]:
    """Ranking cases from the latest decision per pair (``proposal_id, donor_id, status``).

    ``scores`` is a :class:`matcher.rank.ScoreSet` holding the decided proposals; decisions on
    proposals or donors it does not hold are skipped.
    """
    if decisions is None or decisions.empty:
        return []
    proposal_pos = {str(p): i for i, p in enumerate(scores.proposal_ids)}
    donor_pos = {str(d): i for i, d in enumerate(scores.donor_ids)}
    cases = []
    for proposal_id, rows in decisions.groupby(decisions["proposal_id"].astype(str), sort=True):
        p = proposal_pos.get(proposal_id)
        if p is None:
            continue
        status = dict(zip(rows["donor_id"].astype(str), rows["status"].astype(str), strict=True))
        positive = [donor_pos[d] for d, s in status.items() if s in POSITIVE and d in donor_pos]
        negative = [donor_pos[d] for d, s in status.items() if s in NEGATIVE and d in donor_pos]
        if not positive:
            continue
        truth = np.zeros(len(scores.donor_ids), dtype=bool)
        truth[positive] = True
        against = np.zeros_like(truth)
        if negative:
            against[negative] = True
        else:
            against = ~truth
        cases.append(
            RankingCase(
                proposal_id=proposal_id,
                values=scores.values[:, p, :].astype(np.float32),
                available=scores.available[:, p, :].astype(np.float32),
                truth=truth,
                against=against,
                source="staff decision",
                n_decided=len(positive) + len(negative),
            )
        )
    return cases


def pairwise_agreement(case: RankingCase, weights: np.ndarray) -> float:
    """Share of (positive, other) pairs the weights put in the decided order (ties: half)."""
    scores = case_scores(case, weights)
    diff = scores[case.truth][:, None] - scores[case.against & ~case.truth][None, :]
    return float(np.mean((diff > 0) + 0.5 * (diff == 0))) if diff.size else float("nan")


@dataclass(frozen=True)
class WeightProposal:
    """Learned weights and whether they beat the weights in force, nested."""

    weights: dict[str, float]
    n_decisions: int
    agreement_current: float
    agreement_learned: float
    adopt: bool

    @property
    def gain(self) -> float:
        return self.agreement_learned - self.agreement_current

    def summary(self) -> str:
        """ "learned from 12 decisions, agreement +0.08" (nested, on decisions not fitted on)."""
        return f"learned from {self.n_decisions} decisions, agreement {self.gain:+.2f}"


def propose_weights(
    cases: Sequence[RankingCase], current: Mapping[str, float], components: Sequence[str]
) -> WeightProposal | None:
    """Fit on all cases; adopt only if weights fitted without each case agree better with it."""
    if len(cases) < 2:
        return None
    prior = np.array([current[c] for c in components], dtype=np.float64)
    prior = prior / prior.sum()
    grid = simplex_grid(len(components))
    losses = case_losses(grid, cases)
    nested, present = [], []
    for i, case in enumerate(cases):
        keep = np.arange(len(cases)) != i
        others = [c for j, c in enumerate(cases) if j != i]
        fold = fit_weights(others, prior, losses=losses[:, keep])
        nested.append(pairwise_agreement(case, fold.weights))
        present.append(pairwise_agreement(case, prior))
    learned = fit_weights(cases, prior, losses=losses)
    current_score, learned_score = float(np.nanmean(present)), float(np.nanmean(nested))
    return WeightProposal(
        weights={c: float(w) for c, w in zip(components, learned.weights, strict=True)},
        n_decisions=sum(c.n_decided for c in cases),
        agreement_current=current_score,
        agreement_learned=learned_score,
        adopt=learned_score > current_score,
    )
