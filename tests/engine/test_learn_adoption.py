"""The adoption rule for learned weights (issue 12, part 3): a learned set replaces the preset
only when it wins on outcomes it was not fitted on, with the whole 95% interval above zero."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from matcher.learn.adoption import MIN_PROPOSALS, assess_learned, pairwise_agreement
from matcher.learn.cases import RankingCase
from matcher.learn.decisions import latest_outcomes

COMPONENTS = ("thematic", "targets", "geography", "funding_fit", "ecosystems", "history")
PRESET = dict(zip(COMPONENTS, (0.3, 0.15, 0.1, 0.15, 0.1, 0.2), strict=True))


def _case(rng: np.random.Generator, name: str, finder: int, source: str) -> RankingCase:
    """One proposal against 12 donors where component ``finder`` alone picks the right one."""
    values = rng.uniform(0, 0.6, size=(6, 12)).astype(np.float32)
    truth = np.zeros(12, dtype=bool)
    truth[rng.integers(12)] = True
    values[finder, truth] = 0.98
    values[:, truth] = np.where(np.arange(6)[:, None] == finder, values[:, truth], 0.05)
    return RankingCase(name, values, np.ones_like(values), truth, ~truth, source=source,
                       n_decided=1 if source == "staff decision" else 0)  # fmt: skip


def _balanced_cases(n: int, seed: int = 0) -> list[RankingCase]:
    """Funding records the preset already ranks right: every part points at the funder."""
    rng = np.random.default_rng(seed)
    cases = []
    for i in range(n):
        values = rng.uniform(0, 0.5, size=(6, 12)).astype(np.float32)
        truth = np.zeros(12, dtype=bool)
        truth[rng.integers(12)] = True
        values[:, truth] = 0.9
        cases.append(RankingCase(f"F{i}", values, np.ones_like(values), truth, ~truth))
    return cases


def test_a_learned_set_that_does_not_beat_the_preset_is_not_adopted_and_says_why() -> None:
    assessment = assess_learned(_balanced_cases(30), PRESET, COMPONENTS)
    assert assessment.n_proposals == 30 and assessment.n_funding_records == 30
    assert assessment.agreement_preset.mean == pytest.approx(1.0)
    assert not assessment.adopt
    assert assessment.reason.startswith("Not adopted")
    assert sum(assessment.weights.values()) == pytest.approx(1.0)


def test_a_few_decisions_cannot_swing_it() -> None:
    rng = np.random.default_rng(3)
    # Staff decisions where only the history part finds the right donor.
    few = [_case(rng, f"D{i}", 5, "staff decision") for i in range(3)]
    many = [_case(rng, f"M{i}", 5, "staff decision") for i in range(30)]
    preset = np.array([PRESET[c] for c in COMPONENTS])

    def moved(cases: list[RankingCase]) -> float:
        learned = assess_learned(cases, PRESET, COMPONENTS).weights
        return float(np.abs(np.array([learned[c] for c in COMPONENTS]) - preset).sum())

    # Pulled toward the preset, three decisions move the weights less than thirty do ...
    assert moved(few) < moved(many)
    # ... and beside funding records the preset already ranks right, they are not adopted.
    mixed = assess_learned(_balanced_cases(30) + few, PRESET, COMPONENTS)
    assert mixed.n_decisions == 3 and mixed.n_funding_records == 30
    assert not mixed.adopt
    assert mixed.reason.startswith("Not adopted")


def test_many_consistent_decisions_do_get_a_learned_set_adopted() -> None:
    rng = np.random.default_rng(4)
    decisions = [_case(rng, f"D{i}", 5, "staff decision") for i in range(30)]
    assessment = assess_learned(decisions, PRESET, COMPONENTS)
    assert assessment.adopt, assessment.reason
    assert assessment.gain.low > 0
    assert assessment.weights["history"] > PRESET["history"]
    assert assessment.summary().startswith("learned from 30 decisions, agreement +")
    assert assessment.reason.startswith("Can be adopted")


def test_too_few_proposals_are_never_enough_whatever_they_say() -> None:
    rng = np.random.default_rng(5)
    decisions = [_case(rng, f"D{i}", 5, "staff decision") for i in range(MIN_PROPOSALS - 1)]
    assessment = assess_learned(decisions, PRESET, COMPONENTS)
    assert not assessment.adopt
    assert f"only {MIN_PROPOSALS - 1} proposals" in assessment.reason


def test_nothing_recorded_says_so() -> None:
    assessment = assess_learned([], PRESET, COMPONENTS)
    assert not assessment.adopt and assessment.n_proposals == 0
    assert assessment.reason.startswith("Nothing to learn from yet")
    assert assessment.weights == pytest.approx(PRESET)


def test_each_proposal_is_scored_by_weights_fitted_without_it() -> None:
    rng = np.random.default_rng(6)
    decisions = [_case(rng, f"D{i}", 5, "staff decision") for i in range(12)]
    # One odd proposal where only ecosystems find the right donor: weights fitted without it
    # never learn that, so its nested agreement is what the history-heavy fit gives it.
    odd = _case(rng, "ODD", 4, "staff decision")
    assessment = assess_learned([*decisions, odd], PRESET, COMPONENTS)
    row = assessment.per_case.set_index("proposal_id").loc["ODD"]
    fitted_on_all = np.array([assessment.weights[c] for c in COMPONENTS])
    assert row["agreement_learned"] <= pairwise_agreement(odd, fitted_on_all) + 1e-9


def test_latest_outcome_wins_across_the_decision_log_and_event_pledges() -> None:
    t = pd.Timestamp("2026-11-01", tz="UTC")
    decisions = pd.DataFrame(
        {
            "proposal_id": ["P1", "P1", "P2", "P3"],
            "donor_id": ["A", "A", "B", "C"],
            "status": ["contacted", "declined", "accepted", "accepted"],
            "decided_at": [t, t + pd.Timedelta(days=1), t, t],
        }
    )
    steps = pd.DataFrame(
        {
            "proposal_id": ["P1", "P2", "P3"],
            "donor_id": ["A", "B", "C"],
            "stage": ["pledged", "pledged", "met"],
            "happened_at": [
                t + pd.Timedelta(days=2),
                t - pd.Timedelta(days=1),
                t + pd.Timedelta(days=1),
            ],
        }
    )
    latest = latest_outcomes(decisions, steps)
    assert list(zip(latest["proposal_id"], latest["status"], latest["source"], strict=True)) == [
        ("P1", "pledged", "event"),  # the pledge came after the decline
        ("P2", "accepted", "decision"),  # the decision came after the pledge
    ]  # P3's latest entry is a meeting, which says nothing about the fit
