"""When a learned weight set may replace the preset: only when it wins on outcomes it never saw.

The cases are the LifeWeb funding records (each funded EOI, replayed without its own records)
and the outcomes staff record in the app (:mod:`matcher.learn.decisions`). The learned set is
the pairwise fit on all of them pulled toward the preset (:func:`fit_weights`). Its figure is
nested: each proposal's cases are scored with weights fitted on every other proposal's cases,
never on their own, beside the preset on the same cases. The figure is pairwise agreement (the
share of (right donor, other donor) pairs put in the recorded order, ties half), a mean over
proposals with a bootstrap 95% interval; for the funding records also hit@3.

The rule: a learned set is adopted only when at least :data:`MIN_PROPOSALS` proposals have an
outcome and the whole 95% interval of its gain over the preset lies above zero. Few outcomes
give a wide interval, and the pull toward the preset keeps their fit near it, so a few
decisions cannot swing the ranking.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from matcher.learn.cases import RankingCase, case_scores, fill_missing
from matcher.learn.nested import Interval, bootstrap_interval, case_metrics
from matcher.learn.weights import PRIOR_STRENGTH, case_losses, fit_weights, simplex_grid
from matcher.words import counted, noun

__all__ = ["MIN_PROPOSALS", "Assessment", "assess_learned", "filled_cases", "pairwise_agreement"]

MIN_PROPOSALS = 10
"""Proposals with an outcome needed before any learned set can be adopted."""
FUNDING_SOURCE = "funding record"


def filled_cases(cases: Sequence[RankingCase], policy: str) -> list[RankingCase]:
    """The cases with missing parts filled as ``policy`` says, so they mix with cases taken
    from an app score set (whose stated parts the engine already filled)."""
    filled = []
    for case in cases:
        values, available = fill_missing(case.values, case.available, policy)
        filled.append(replace(case, values=values, available=available))
    return filled


def pairwise_agreement(case: RankingCase, weights: np.ndarray) -> float:
    """Share of (right donor, other donor) pairs the weights put in order (ties: half)."""
    scores = case_scores(case, weights)
    diff = scores[case.truth][:, None] - scores[case.against & ~case.truth][None, :]
    return float(np.mean((diff > 0) + 0.5 * (diff == 0))) if diff.size else float("nan")


@dataclass(frozen=True)
class Assessment:
    """A learned weight set, its nested figures beside the preset's, and the verdict."""

    weights: dict[str, float]
    preset: dict[str, float]
    n_decisions: int
    n_funding_records: int
    n_proposals: int
    agreement_preset: Interval
    agreement_learned: Interval
    gain: Interval
    hit3_preset: Interval | None
    hit3_learned: Interval | None
    adopt: bool
    reason: str
    per_case: pd.DataFrame
    gain_by_source: dict[str, Interval]
    """The gain on each kind of outcome alone (funding record, staff decision), per proposal."""

    @property
    def warning(self) -> str:
        """Where the learned set does worse than the preset on one kind of outcome, in words
        ("" when it does not): the rule weighs all outcomes together, the officer should know."""
        worse = [
            f"the {source}s ({gain.mean:+.3f}, 95% interval {gain.low:+.2f} to {gain.high:+.2f})"
            for source, gain in self.gain_by_source.items()
            if gain.high < 0
        ]
        if not worse:
            return ""
        return "It ranks " + " and ".join(worse) + " worse than the preset does."

    def summary(self) -> str:
        """ "learned from 12 decisions (and 45 funding records), agreement +0.031 vs the preset
        [+0.01, +0.05]" (nested: on outcomes each fit did not see)."""
        records = f" (and {self.n_funding_records} funding records)"
        if not self.n_funding_records:
            records = ""
        if np.isnan(self.gain.mean):
            return f"learned from {self.n_decisions} decisions{records}"
        return (
            f"learned from {self.n_decisions} decisions{records}, agreement "
            f"{self.gain.mean:+.3f} vs the preset [{self.gain.low:+.2f}, {self.gain.high:+.2f}]"
        )


def _normalised(weights: Mapping[str, float], components: Sequence[str]) -> np.ndarray:
    vector = np.array([float(weights.get(c, 0.0)) for c in components], dtype=np.float64)
    total = vector.sum()
    if total <= 0:
        raise ValueError("the preset's weights are all zero")
    return vector / total


def _verdict(n_proposals: int, gain: Interval, moved: bool, min_proposals: int) -> str:
    figure = f"{gain.mean:+.3f} (95% interval {gain.low:+.2f} to {gain.high:+.2f})"
    if n_proposals == 0:
        return (
            "Nothing to learn from yet: no funding record of a named donor and no decision "
            "recorded (accepted, declined, contacted or pledged)."
        )
    if n_proposals < min_proposals:
        return (
            f"Not adopted: only {counted(n_proposals, 'proposal')} "
            f"{noun(n_proposals, 'has', 'have')} a decision or funding record; "
            f"at least {min_proposals} are needed before learned weights can replace the preset."
        )
    if not moved:
        return "Not adopted: the learned weights are the preset's; the outcomes give no reason to move."
    if gain.low <= 0:
        worse = "worse than" if gain.high < 0 else "not clearly better than"
        return (
            f"Not adopted: on outcomes it was not fitted on, the learned set is {worse} the "
            f"preset: agreement {figure}, an interval that does not lie above zero."
        )
    return (
        f"Can be adopted: on outcomes it was not fitted on, the learned set agrees better than "
        f"the preset: {figure}, the whole interval above zero."
    )


def assess_learned(
    cases: Sequence[RankingCase],
    preset: Mapping[str, float],
    components: Sequence[str],
    *,
    losses: np.ndarray | None = None,
    min_proposals: int = MIN_PROPOSALS,
    strength: float = PRIOR_STRENGTH,
) -> Assessment:
    """Fit on every case, score each proposal's cases nested, and say whether to adopt.

    ``losses`` (:func:`matcher.learn.weights.case_losses` of the same cases on the 0.05 grid)
    spares the scoring, the slow step: a caller can keep the funding records' columns and
    compute only the new decisions'.
    """
    prior = _normalised(preset, components)
    grid = simplex_grid(len(components))
    if losses is None:
        losses = case_losses(grid, cases)
    keep = np.array([c.truth.any() and (c.against & ~c.truth).any() for c in cases], dtype=bool)
    usable = [c for c, k in zip(cases, keep, strict=True) if k]
    losses = losses[:, keep] if len(cases) else np.zeros((len(grid), 0))
    groups = sorted({c.proposal_id for c in usable})
    rows = []
    for group in groups:
        held = np.array([c.proposal_id == group for c in usable])
        others = [c for c, h in zip(usable, held, strict=True) if not h]
        fold = fit_weights(others, prior, strength=strength, losses=losses[:, ~held])
        for case in (c for c, h in zip(usable, held, strict=True) if h):
            row = {
                "proposal_id": case.proposal_id,
                "source": case.source,
                "agreement_preset": pairwise_agreement(case, prior),
                "agreement_learned": pairwise_agreement(case, fold.weights),
            }
            if case.source == FUNDING_SOURCE:
                row["hit@3_preset"] = case_metrics(case_scores(case, prior), case.truth)["hit@3"]
                row["hit@3_learned"] = case_metrics(case_scores(case, fold.weights), case.truth)[
                    "hit@3"
                ]
            rows.append(row)
    per_case = pd.DataFrame(
        rows,
        columns=[
            "proposal_id",
            "source",
            "agreement_preset",
            "agreement_learned",
            "hit@3_preset",
            "hit@3_learned",
        ],
    )
    by_proposal = per_case.groupby("proposal_id")[["agreement_preset", "agreement_learned"]].mean()
    gain_by_source = {}
    for source, part in per_case.groupby("source", sort=True):
        means = part.groupby("proposal_id")[["agreement_preset", "agreement_learned"]].mean()
        gain_by_source[str(source)] = bootstrap_interval(
            means["agreement_learned"] - means["agreement_preset"]
        )
    gain = bootstrap_interval(by_proposal["agreement_learned"] - by_proposal["agreement_preset"])
    learned = fit_weights(usable, prior, strength=strength, losses=losses) if usable else None
    weights = learned.weights if learned is not None else prior
    moved = learned is not None and not np.allclose(weights, prior, atol=1e-9)
    funding = per_case[per_case["source"] == FUNDING_SOURCE]
    adopt = len(groups) >= min_proposals and moved and gain.low > 0
    return Assessment(
        weights={c: float(w) for c, w in zip(components, weights, strict=True)},
        preset={c: float(w) for c, w in zip(components, prior, strict=True)},
        n_decisions=sum(c.n_decided for c in usable if c.source != FUNDING_SOURCE),
        n_funding_records=int(
            sum(int(c.truth.sum()) for c in usable if c.source == FUNDING_SOURCE)
        ),
        n_proposals=len(groups),
        agreement_preset=bootstrap_interval(by_proposal["agreement_preset"]),
        agreement_learned=bootstrap_interval(by_proposal["agreement_learned"]),
        gain=gain,
        hit3_preset=bootstrap_interval(funding["hit@3_preset"]) if len(funding) else None,
        hit3_learned=bootstrap_interval(funding["hit@3_learned"]) if len(funding) else None,
        adopt=adopt,
        reason=_verdict(len(groups), gain, moved, min_proposals),
        per_case=per_case,
        gain_by_source=gain_by_source,
    )
