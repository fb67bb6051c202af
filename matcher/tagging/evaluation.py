"""Precision and recall of the tagger's suggestions against known targets.

Moved out of ``matcher/tagger.py`` unchanged; ``matcher.tagger`` re-exports the public names.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd

from matcher.tagging.targets import N_AICHI, _as_targets


@dataclass(frozen=True)
class TaggerScores:
    """Micro-averaged precision and recall of suggestions against true targets."""

    precision: float
    recall: float
    f1: float
    n_proposals: int
    n_true: int
    n_suggested: int
    n_correct: int
    per_target: pd.DataFrame  # aichi_target, true, suggested, correct, precision, recall


def evaluate_suggestions(
    suggestions: pd.DataFrame,
    truth: pd.DataFrame,
    *,
    targets: Iterable[int] | None = None,
) -> TaggerScores:
    """Precision and recall of :func:`suggest_targets` output against known targets.

    Parameters
    ----------
    suggestions
        ``proposal_id`` and ``aichi_target`` columns (as :func:`suggest_targets` gives).
    truth
        ``proposal_id`` and ``aichi_targets`` (tuples of int): the true targets. Only
        these proposals are scored.
    targets
        Score only these target numbers, e.g. the targets a call for proposals accepted
        (the LifeWeb 2013-14 template offered 5, 9, 10, 11, 12, 13, 14 and 15);
        suggestions and true targets outside them are ignored.

    Returns
    -------
    TaggerScores
    """
    allowed = set(range(1, N_AICHI + 1)) if targets is None else {int(t) for t in targets}
    true_pairs = {
        (pid, t)
        for pid, cell in zip(truth["proposal_id"], truth["aichi_targets"], strict=True)
        for t in _as_targets(cell)
        if t in allowed
    }
    scored_ids = set(truth["proposal_id"])
    suggested_pairs = {
        (pid, int(t))
        for pid, t in zip(suggestions["proposal_id"], suggestions["aichi_target"], strict=True)
        if pid in scored_ids and int(t) in allowed
    }
    correct = true_pairs & suggested_pairs
    per_target = []
    for target in sorted(allowed):
        n_true = sum(1 for _, t in true_pairs if t == target)
        n_suggested = sum(1 for _, t in suggested_pairs if t == target)
        n_correct = sum(1 for _, t in correct if t == target)
        per_target.append(
            {
                "aichi_target": target,
                "true": n_true,
                "suggested": n_suggested,
                "correct": n_correct,
                "precision": n_correct / n_suggested if n_suggested else float("nan"),
                "recall": n_correct / n_true if n_true else float("nan"),
            }
        )
    precision = len(correct) / len(suggested_pairs) if suggested_pairs else 0.0
    recall = len(correct) / len(true_pairs) if true_pairs else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return TaggerScores(
        precision=precision,
        recall=recall,
        f1=f1,
        n_proposals=len(scored_ids),
        n_true=len(true_pairs),
        n_suggested=len(suggested_pairs),
        n_correct=len(correct),
        per_target=pd.DataFrame(per_target),
    )
