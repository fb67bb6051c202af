"""Score sets cut and joined by proposal, so a change re-scores only the proposals it touched.

Every proposal's row of components depends only on that proposal and the fitted donor side
(:class:`matcher.rank.Matcher`): scoring proposals in two blocks and joining the blocks gives
exactly what scoring them together gives. An upload of new proposals then costs the new rows
(milliseconds a proposal), not a re-score of the whole portfolio.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import sparse

from matcher.rank import Matcher, ScoreSet
from matcher.score import ProposalFeatures

__all__ = ["concat_score_sets", "extend_score_set", "take_proposals"]


def _take_value(value: object, rows: np.ndarray) -> object:
    if value is None:
        return None
    if sparse.issparse(value):
        return value.tocsr()[rows]
    if isinstance(value, tuple):
        return tuple(_take_value(part, rows) for part in value)
    if not isinstance(value, np.ndarray):
        return value  # a flag about the whole block
    return value[rows]


def _concat_value(values: Sequence[object], lengths: Sequence[int]) -> object:
    present = [v for v in values if v is not None]
    if not present:
        return None
    if isinstance(present[0], tuple):
        if len(present) < len(values):
            return None  # a cache filled on first use: it is filled again for the whole set
        return tuple(_concat_value([v[i] for v in values], lengths) for i in range(len(present[0])))
    if not isinstance(present[0], np.ndarray) and not sparse.issparse(present[0]):
        if any(v != present[0] for v in values):
            raise ValueError("blocks of proposals scored differently cannot be joined")
        return present[0]  # a flag about the whole block, the same for every part
    if sparse.issparse(present[0]):
        width = present[0].shape[1]
        blocks = [
            sparse.csr_matrix((n, width), dtype=present[0].dtype) if v is None else v.tocsr()
            for v, n in zip(values, lengths, strict=True)
        ]
        return sparse.vstack(blocks, format="csr")
    return np.concatenate(values, axis=0)


def _take_features(features: ProposalFeatures, rows: np.ndarray) -> ProposalFeatures:
    return ProposalFeatures(
        **{
            field.name: _take_value(getattr(features, field.name), rows)
            for field in dataclasses.fields(features)
        }
    )


def _concat_features(parts: Sequence[ProposalFeatures]) -> ProposalFeatures:
    lengths = [len(part) for part in parts]
    return ProposalFeatures(
        **{
            field.name: _concat_value([getattr(p, field.name) for p in parts], lengths)
            for field in dataclasses.fields(ProposalFeatures)
        }
    )


def take_proposals(scores: ScoreSet, rows: np.ndarray | Sequence[int]) -> ScoreSet:
    """The score set of the proposals at ``rows`` (positions), in that order."""
    rows = np.asarray(rows, dtype=np.int64)
    return dataclasses.replace(
        scores,
        proposal_ids=scores.proposal_ids[rows],
        proposal_titles=scores.proposal_titles[rows],
        values=np.ascontiguousarray(scores.values[:, rows]),
        available=np.ascontiguousarray(scores.available[:, rows]),
        reason_codes=np.ascontiguousarray(scores.reason_codes[rows]),
        features=_take_features(scores.features, rows),
    )


def concat_score_sets(parts: Sequence[ScoreSet]) -> ScoreSet:
    """Score sets of the same fitted donors, one after the other by proposal."""
    first = parts[0]
    for part in parts[1:]:
        if not np.array_equal(part.donor_ids, first.donor_ids) or part.context is not first.context:
            raise ValueError("score sets from different fitted donors cannot be joined")
    return dataclasses.replace(
        first,
        proposal_ids=np.concatenate([p.proposal_ids for p in parts]),
        proposal_titles=np.concatenate([p.proposal_titles for p in parts]),
        values=np.concatenate([p.values for p in parts], axis=1),
        available=np.concatenate([p.available for p in parts], axis=1),
        reason_codes=np.concatenate([p.reason_codes for p in parts], axis=0),
        features=_concat_features([p.features for p in parts]),
    )


def extend_score_set(
    matcher: Matcher,
    scores: ScoreSet,
    keep: np.ndarray | Sequence[int],
    proposals: pd.DataFrame,
    new_rows: np.ndarray | Sequence[int],
    *,
    target_weights: np.ndarray | None = None,
) -> ScoreSet:
    """``proposals`` scored by reusing rows of ``scores`` and scoring only ``new_rows``.

    Parameters
    ----------
    matcher
        The fitted matcher ``scores`` came from (same donors and history).
    scores
        A score set from ``matcher``.
    keep
        For each row of ``proposals``: the position of its (unchanged) row in ``scores``, or
        -1 for a row to score now.
    proposals
        The proposals the result is for, in the result's order.
    new_rows
        The positions in ``proposals`` with ``keep == -1``.
    target_weights
        P x 20 target weights for the whole of ``proposals`` (only the new rows are used).
    """
    keep = np.asarray(keep, dtype=np.int64)
    new_rows = np.sort(np.asarray(new_rows, dtype=np.int64))
    if not np.array_equal(np.flatnonzero(keep < 0), new_rows):
        raise ValueError("new_rows must be exactly the rows of proposals not kept")
    kept_rows = np.flatnonzero(keep >= 0)
    parts = [take_proposals(scores, keep[kept_rows])]
    if new_rows.size:
        weights = None if target_weights is None else np.asarray(target_weights)[new_rows]
        parts.append(matcher.score(proposals.iloc[new_rows], target_weights=weights))
    joined = concat_score_sets(parts) if len(parts) > 1 else parts[0]
    # Back to the order of ``proposals``: kept rows came first, then the new ones.
    order = np.empty(len(proposals), dtype=np.int64)
    order[np.concatenate([kept_rows, new_rows])] = np.arange(len(proposals))
    return take_proposals(joined, order)
