"""Both re-weighting paths rank exactly as a full sort of the combined scores, ties included.

The reference is written out plainly: every pair combined (:meth:`ScoreSet.combine`), the
ranking key (the score in float64, -1 where there is none, minus 2 when ineligible), and a
full sort per proposal and per donor, ties by id. The fused kernel
(:mod:`matcher.scoring.fused_rank`) runs on rows cut into three parts, so each donor's lists
are merged across parts; the numpy path (:mod:`matcher.scoring.reweight`) on tiles a few
rows high, so that every bound it keeps from tile to tile is exercised.
"""

from __future__ import annotations

from unittest import mock

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import matcher.scoring.reweight as reweight
import matcher.scoring.score_set as score_set_module
from matcher.combine import COMPONENTS, missing_patterns, resolve_weights
from matcher.scoring.score_set import ScoreSet

# Coarse levels make exact ties (1/3 + 1/3 against 2/3) and near ties in the weighted means.
LEVELS = np.array([0.0, 0.25, 1 / 3, 0.5, 2 / 3, 0.75, 1.0], dtype=np.float32)


def _score_set(seed: int, n_proposals: int, n_donors: int, continuous: bool) -> ScoreSet:
    rng = np.random.default_rng(seed)
    shape = (len(COMPONENTS), n_proposals, n_donors)
    if continuous:
        values = rng.random(shape, dtype=np.float32)
    else:
        values = LEVELS[rng.integers(0, len(LEVELS), shape)]
    available = (rng.random(shape) < 0.7).astype(np.float32)
    values = np.where(available > 0, values, np.float32(0.0)).astype(np.float32)
    codes = np.where(rng.random((n_proposals, n_donors)) < 0.3, 2, 0).astype(np.uint8)
    proposal_ids = rng.permutation(n_proposals).astype(str)  # ids not in row order
    return ScoreSet(
        proposal_ids=proposal_ids,
        proposal_titles=proposal_ids,
        donor_ids=np.array([f"D{m:03d}" for m in range(n_donors)]),
        donor_names=np.array([f"Donor {m}" for m in range(n_donors)]),
        values=values,
        available=available,
        reason_codes=codes,
        weights=resolve_weights("balanced"),
        features=None,  # type: ignore[arg-type]  # ranking reads neither
        context=None,  # type: ignore[arg-type]
    )


def _full_sort(key: np.ndarray, ids: np.ndarray, k: int) -> list[list[int]]:
    return [
        sorted(range(key.shape[1]), key=lambda c: (-key[row, c], ids[c]))[:k]
        for row in range(key.shape[0])
    ]


def _thirds(self: ScoreSet) -> list[tuple[int, int]]:
    n = self.shape[0]
    return [(0, n // 3), (n // 3, 2 * n // 3), (2 * n // 3, n)]


def _ranked_by(ranking: str, scores: ScoreSet, k: int, **options: object) -> list:
    """``scores.ranked(k, by="both")`` on one path, in parts small enough to test its bounds."""
    if ranking == "fused":
        assert score_set_module._fused_ranking() is not None  # numba is installed
        with mock.patch.object(ScoreSet, "_parts", _thirds):
            return scores.ranked(k, by="both", **options)
    with (
        mock.patch.object(score_set_module, "_fused_ranking", lambda: None),
        mock.patch.object(reweight, "TILE_PAIRS", 3 * scores.shape[1]),  # tiles of a few rows
    ):
        return scores.ranked(k, by="both", **options)


@pytest.mark.parametrize("ranking", ["fused", "numpy"])
@settings(deadline=None, max_examples=40)
@given(
    seed=st.integers(0, 2**31),
    n_proposals=st.integers(1, 60),
    n_donors=st.integers(1, 40),
    k=st.integers(1, 12),
    weights=st.sampled_from(["balanced", "thematic=1", "targets=1,geography=1", "history=0.5"]),
    continuous=st.booleans(),
    eligible_only=st.booleans(),
)
def test_ranking_is_a_full_sort_of_the_combined_scores(
    ranking, seed, n_proposals, n_donors, k, weights, continuous, eligible_only
) -> None:
    scores = _score_set(seed, n_proposals, n_donors, continuous)
    by_proposal, by_donor = _ranked_by(
        ranking, scores, k, weights=weights, eligible_only=eligible_only
    )
    combined = scores.combine(weights)
    eligible = scores.reason_codes == 0
    key = np.fmax(combined.astype(np.float64), -1.0) + np.where(eligible, 0.0, -2.0)
    if eligible_only:  # not merely after every eligible pair: out of the ranking
        key[~eligible] = -np.inf
    for p, wanted in enumerate(_full_sort(key, scores.donor_ids, k)):
        wanted = [m for m in wanted if eligible[p, m] or not eligible_only]
        assert by_proposal.donor[by_proposal.proposal == p].tolist() == wanted
    for m, wanted in enumerate(_full_sort(key.T, scores.proposal_ids, k)):
        wanted = [p for p in wanted if eligible[p, m] or not eligible_only]
        assert by_donor.proposal[by_donor.donor == m].tolist() == wanted
        assert by_donor.rank[by_donor.donor == m].tolist() == list(range(1, len(wanted) + 1))
    for ranked in (by_proposal, by_donor):  # the same numbers combine() has, to the bit
        np.testing.assert_array_equal(ranked.score, combined[ranked.proposal, ranked.donor])


def test_scores_are_the_nearest_float32_to_the_real_weighted_mean() -> None:
    scores = _score_set(5, 40, 9, continuous=True)
    w = resolve_weights("balanced").astype(np.float64)
    values = scores.values.astype(np.float64)
    present = scores.available.astype(np.float64)
    with np.errstate(invalid="ignore"):  # 0 / 0 where nothing weighted is present: NaN
        exact = np.einsum("c,cpm->pm", w, values) / np.einsum("c,cpm->pm", w, present)
    np.testing.assert_array_equal(scores.combine("balanced"), exact.astype(np.float32))


@pytest.mark.parametrize("ranking", ["fused", "numpy"])
@pytest.mark.parametrize("eligible_only", [False, True])
def test_a_weighting_with_nothing_present_ranks_the_pairs_without_a_score_last(
    ranking: str, eligible_only: bool
) -> None:
    scores = _score_set(1, 30, 6, continuous=True)
    scores.available[2] = 0.0  # geography missing everywhere: "geography=1" scores nothing
    scores.values[2] = 0.0
    scores.__dict__.pop("_cache", None)
    by_proposal, by_donor = _ranked_by(
        ranking, scores, 3, weights="geography=1", eligible_only=eligible_only
    )
    assert np.isnan(by_proposal.score).all() and np.isnan(by_donor.score).all()
    assert (missing_patterns(scores.available) & 4).all()
    eligible = scores.reason_codes == 0
    first = by_proposal.donor[by_proposal.rank == 1]
    rows = by_proposal.proposal[by_proposal.rank == 1]
    # with no score anywhere, an eligible donor (-1) still ranks before an ineligible one (-3)
    assert all(eligible[p, m] or not eligible[p].any() for p, m in zip(rows, first, strict=True))
