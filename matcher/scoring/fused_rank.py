"""Re-weighting and ranking both ways, one proposal row at a time, compiled (numba).

The numpy path (:mod:`matcher.scoring.reweight`) makes a dozen passes over each tile (the
weighted sum, a table gather, a multiply, an add, a partition, comparisons, gathers for the
exact scores), each costing about as much as reading the stack once. Here each row is read
once, while it is in the core's cache: a vectorised loop gives every pair a float32 key; a
few vectorised counts halve [-3, 1] to a bound with at least k keys above it (at or below
the row's k-th key), and each donor's k-th exact key so far bounds its list; only the pairs
within :data:`MARGIN32` of a bound (some 30 of a row's 500) get their exact key, the float64
operations of :func:`matcher.combine.exact_means` in the same order (the same bits), and go
into best-first lists of k. The result is the same top k as a full sort of exact keys.

Ties as everywhere: a higher key first, then a lower tie order (donor id for a proposal's
list, proposal id for a donor's). The caller (:class:`matcher.scoring.score_set.ScoreSet`)
imports this module on first use and keeps the numpy path where numba is not installed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import lru_cache

import numba
import numpy as np

from matcher.combine import weight_sums

__all__ = ["MARGIN32", "N_COMPONENTS", "rank_fused"]

N_COMPONENTS = 6
BISECTIONS = 16
"""At most this many halvings of [-3, 1] for a row's bound (to within 6e-5)."""
MARGIN32 = np.float32(1e-5)
"""How far below a bound a float32 key still makes its pair a candidate. The float32 key (six
products and sums of values in [0, 1], times a rounded reciprocal, plus an offset of at most
3) is within about 1e-6 of the exact one, a pair of the top k can be no further than twice
that below the bound, and a bound kept in float32 is off by at most 2.4e-7; 1e-5 leaves
room."""


@numba.njit(cache=True, nogil=True, inline="always")
def _before(key_a: float, tie_a: int, key_b: float, tie_b: int) -> bool:
    return key_a > key_b or (key_a == key_b and tie_a < tie_b)


@numba.njit(cache=True, nogil=True, inline="always")
def _insert(
    keys: np.ndarray,
    ties: np.ndarray,
    items: np.ndarray,
    scores: np.ndarray,
    at_row: int,
    filled: int,
    key: float,
    tie: int,
    item: int,
    score: float,
) -> int:
    """Put one entry into row ``at_row`` of best-first lists of at most ``keys.shape[1]``;
    the row's new length. Indexed in place: a view per call would cost more than the move."""
    size = keys.shape[1]
    at = filled if filled < size else size - 1
    while at > 0 and _before(key, tie, keys[at_row, at - 1], ties[at_row, at - 1]):
        keys[at_row, at] = keys[at_row, at - 1]
        ties[at_row, at] = ties[at_row, at - 1]
        items[at_row, at] = items[at_row, at - 1]
        scores[at_row, at] = scores[at_row, at - 1]
        at -= 1
    keys[at_row, at] = key
    ties[at_row, at] = tie
    items[at_row, at] = item
    scores[at_row, at] = score
    return filled + 1 if filled < size else size


@numba.njit(cache=True, nogil=True)
def _rank_kernel(
    values: np.ndarray, codes: np.ndarray, weights: np.ndarray, divisors: np.ndarray,
    offsets: np.ndarray, offsets32: np.ndarray, scales: np.ndarray, unscored: np.ndarray,
    row_k: int, donor_k: int, start: int, stop: int,
    by_proposal: bool, by_donor: bool, skip_ineligible: bool,
    tie_proposal: np.ndarray, tie_donor: np.ndarray,
    row_keys: np.ndarray, row_ties: np.ndarray, row_cols: np.ndarray, row_scores: np.ndarray,
    row_counts: np.ndarray, donor_keys: np.ndarray, donor_ties: np.ndarray,
    donor_rows: np.ndarray, donor_scores: np.ndarray, donor_counts: np.ndarray,
) -> None:  # fmt: skip
    """Rows ``start:stop`` into the lists given (row lists by ``row - start``, donor lists
    by donor), ``weights`` in float64 and every table indexed by pair code."""
    n_donors = values.shape[2]
    approx = np.empty(n_donors, dtype=np.float32)
    candidates = np.empty(n_donors, dtype=np.int64)
    # each donor's k-th exact key so far, less the margin (-inf until it holds k)
    donor_cut = np.full(n_donors, -np.inf if by_donor else np.inf, dtype=np.float32)
    w0, w1, w2 = np.float32(weights[0]), np.float32(weights[1]), np.float32(weights[2])
    w3, w4, w5 = np.float32(weights[3]), np.float32(weights[4]), np.float32(weights[5])
    for row in range(start, stop):
        v0, v1, v2 = values[0, row], values[1, row], values[2, row]
        v3, v4, v5 = values[3, row], values[4, row], values[5, row]
        row_codes = codes[row]
        # 1. float32 keys, within MARGIN32 / 2 of the exact ones: a loop that vectorises
        for m in range(n_donors):
            code = row_codes[m]
            numerator = v0[m] * w0 + v1[m] * w1 + v2[m] * w2 + v3[m] * w3 + v4[m] * w4
            approx[m] = (numerator + v5[m] * w5) * scales[code] + offsets32[code]
        # 2. a bound at or below the row's k-th float32 key: halve [-3, 1] (where every key
        # lies) while at least k keys stay at or above its low end, until few more than k do
        cut = np.float32(np.inf)
        if by_proposal:
            cut = np.float32(-np.inf)
            if row_k < n_donors:
                # eligible scored pairs' keys lie in [0, 1]: most rows have k of them
                low, high = np.float32(0.0), np.float32(1.0001)
                at_low = _count_at_least(approx, low)
                if at_low < row_k:
                    low, high = np.float32(-3.0001), np.float32(0.0)
                    at_low = _count_at_least(approx, low)
                if at_low >= row_k:
                    for _ in range(BISECTIONS):
                        if at_low <= row_k + (row_k >> 2) + 1:
                            break
                        middle = np.float32((low + high) * np.float32(0.5))
                        at_middle = _count_at_least(approx, middle)
                        if at_middle >= row_k:
                            low, at_low = middle, at_middle
                        else:
                            high = middle
                    cut = low - MARGIN32
        # 3. the pairs that pass either bound, gathered without a branch per pair
        n_candidates = 0
        for m in range(n_donors):
            near = approx[m]
            candidates[n_candidates] = m
            n_candidates += (near >= cut) | (near >= donor_cut[m])
        # 3. exact keys for the pairs that pass either bound, kept best first
        filled = 0
        out = row  # the row lists cover every row; parts write their own rows
        tie_row = tie_donor[row]
        for at in range(n_candidates):
            m = candidates[at]
            near = approx[m]
            to_row = near >= cut
            to_donor = by_donor and near >= donor_cut[m]
            code = row_codes[m]
            if skip_ineligible and code & 64:
                continue
            numerator = _numerator(v0, v1, v2, v3, v4, v5, m, weights)
            score = np.float32(numerator / divisors[code & 63])
            key = np.float64(score) + offsets[code]
            if unscored[code & 63]:
                score = np.float32(np.nan)
            tie = tie_proposal[m]
            if to_row and (
                filled < row_k
                or _before(key, tie, row_keys[out, row_k - 1], row_ties[out, row_k - 1])
            ):
                filled = _insert(
                    row_keys, row_ties, row_cols, row_scores, out, filled, key, tie, m, score
                )
            held = donor_counts[m]
            if to_donor and (
                held < donor_k
                or _before(key, tie_row, donor_keys[m, held - 1], donor_ties[m, held - 1])
            ):
                held = _insert(
                    donor_keys, donor_ties, donor_rows, donor_scores, m, held,
                    key, tie_row, row, score,
                )  # fmt: skip
                donor_counts[m] = held
                if held == donor_k:
                    donor_cut[m] = np.float32(donor_keys[m, donor_k - 1]) - MARGIN32
        row_counts[out] = filled


@numba.njit(cache=True, nogil=True, inline="always")
def _count_at_least(keys: np.ndarray, bound: float) -> int:
    count = 0
    for m in range(keys.size):
        count += keys[m] >= bound
    return count


@numba.njit(cache=True, nogil=True, inline="always")
def _numerator(
    v0: np.ndarray, v1: np.ndarray, v2: np.ndarray, v3: np.ndarray, v4: np.ndarray,
    v5: np.ndarray, m: int, weights: np.ndarray,
) -> float:  # fmt: skip
    """:func:`matcher.combine.exact_means`' float64 sum, in component order (a component of
    weight 0 adds an exact 0 there, so adding it here changes no bit)."""
    numerator = np.float64(v0[m]) * weights[0]
    numerator += np.float64(v1[m]) * weights[1]
    numerator += np.float64(v2[m]) * weights[2]
    numerator += np.float64(v3[m]) * weights[3]
    numerator += np.float64(v4[m]) * weights[4]
    numerator += np.float64(v5[m]) * weights[5]
    return numerator


@numba.njit(cache=True, nogil=True)
def _merge_donor_lists(
    keys: np.ndarray,
    ties: np.ndarray,
    rows: np.ndarray,
    scores: np.ndarray,
    counts: np.ndarray,
    k: int,
    out_rows: np.ndarray,
    out_scores: np.ndarray,
    out_counts: np.ndarray,
) -> None:
    """Each donor's k best of the parts' best-first lists (``parts x donors x k``)."""
    n_parts, n_donors, _ = keys.shape
    at = np.zeros(n_parts, dtype=np.int64)
    for m in range(n_donors):
        at[:] = 0
        taken = 0
        while taken < k:
            best = -1
            for part in range(n_parts):
                i = at[part]
                if i < counts[part, m] and (
                    best < 0
                    or _before(
                        keys[part, m, i],
                        ties[part, m, i],
                        keys[best, m, at[best]],
                        ties[best, m, at[best]],
                    )
                ):
                    best = part
            if best < 0:
                break
            out_rows[m, taken] = rows[best, m, at[best]]
            out_scores[m, taken] = scores[best, m, at[best]]
            at[best] += 1
            taken += 1
        out_counts[m] = taken


@lru_cache(maxsize=64)
def _key_tables(weights: bytes, eligible_only: bool) -> tuple[np.ndarray, ...]:
    """The kernel's tables by pair code for one weighting, kept (read-only): every ranking
    of one new proposal asked for them again, and they cost more than its kernel run."""
    w32 = np.frombuffer(weights, dtype=np.float32)
    weights64 = w32.astype(np.float64)  # what exact_means multiplies by
    sums = weight_sums(w32, np.float64)
    divisors = np.where(sums > 0, sums, 1.0)
    offsets = np.where(sums > 0, 0.0, -1.0)
    ineligible = np.full_like(offsets, -np.inf) if eligible_only else offsets - 2.0
    offsets = np.concatenate([offsets, ineligible])  # by pair code: bit 64 is ineligible
    offsets32 = offsets.astype(np.float32)
    scales = np.tile(1.0 / divisors, 2).astype(np.float32)
    unscored = sums <= 0
    tables = (weights64, divisors, offsets, offsets32, scales, unscored)
    for table in tables:
        table.flags.writeable = False
    return tables


def rank_fused(
    values: np.ndarray,
    codes: np.ndarray,
    weights: np.ndarray,
    k: int,
    *,
    parts: list[tuple[int, int]],
    by_proposal: bool,
    by_donor: bool,
    tie_proposal: np.ndarray,
    tie_donor: np.ndarray,
    eligible_only: bool = False,
    run: Callable[..., Iterable[object]] = map,
) -> list[tuple[np.ndarray, ...]]:
    """The top k of a ``C x P x M`` stack for each proposal and/or each donor, exactly.

    ``parts`` are row ranges covering every row, ranked by ``run`` (``map``, or a thread
    pool's, since the kernel releases the GIL); each writes its own rows of the proposals'
    lists and its own donor lists, merged at the end. Returns ``(proposal, donor, rank,
    score)`` per direction asked for (proposals first), by proposal (or donor) then rank;
    scores are :func:`matcher.combine.mean_scores`' numbers (NaN where nothing weighted is
    present).
    """
    n_components, n_rows, n_donors = values.shape
    if n_components != N_COMPONENTS:
        raise ValueError(f"the fused kernel takes {N_COMPONENTS} components, got {n_components}")
    values = np.ascontiguousarray(values, dtype=np.float32)
    codes = np.ascontiguousarray(codes, dtype=np.uint8)
    tie_proposal = np.ascontiguousarray(tie_proposal, dtype=np.int64)
    tie_donor = np.ascontiguousarray(tie_donor, dtype=np.int64)
    k = max(int(k), 0)
    weights64, divisors, offsets, offsets32, scales, unscored = _key_tables(
        np.asarray(weights, dtype=np.float32).tobytes(), bool(eligible_only)
    )
    row_k = min(k, n_donors)
    donor_k = min(k, n_rows)
    wants_donors, by_donor = by_donor, by_donor and donor_k > 0 and n_donors > 0
    n_parts = len(parts)
    row_shape = (n_rows if by_proposal else 0, row_k)
    row_keys, row_ties = np.empty(row_shape), np.empty(row_shape, dtype=np.int64)
    row_cols = np.empty(row_shape, dtype=np.int64)
    row_scores = np.empty(row_shape, dtype=np.float32)
    row_counts = np.zeros(n_rows, dtype=np.int64)
    donor_shape = (n_parts, n_donors if by_donor else 0, donor_k)
    donor_keys, donor_ties = np.empty(donor_shape), np.empty(donor_shape, dtype=np.int64)
    donor_rows = np.empty(donor_shape, dtype=np.int64)
    donor_scores = np.empty(donor_shape, dtype=np.float32)
    donor_counts = np.zeros(donor_shape[:2], dtype=np.int64)

    def rank_part(part: int) -> None:
        start, stop = parts[part]
        _rank_kernel(
            values, codes, weights64, divisors, offsets, offsets32, scales, unscored,
            row_k, donor_k, start, stop, by_proposal, by_donor, eligible_only,
            tie_proposal, tie_donor, row_keys, row_ties, row_cols, row_scores, row_counts,
            donor_keys[part], donor_ties[part], donor_rows[part], donor_scores[part],
            donor_counts[part],
        )  # fmt: skip

    if n_rows and n_donors and row_k and (by_proposal or by_donor):
        list(run(rank_part, range(n_parts)))
    picks = []
    if by_proposal:
        picks.append(_flattened(row_cols, row_scores, row_counts, row_k, rows_first=True))
    if wants_donors:
        merged_rows = np.empty((n_donors, donor_k), dtype=np.int64)
        merged_scores = np.empty((n_donors, donor_k), dtype=np.float32)
        merged_counts = np.zeros(n_donors, dtype=np.int64)
        if by_donor:
            _merge_donor_lists(
                donor_keys, donor_ties, donor_rows, donor_scores, donor_counts, donor_k,
                merged_rows, merged_scores, merged_counts,
            )  # fmt: skip
        picks.append(
            _flattened(merged_rows, merged_scores, merged_counts, donor_k, rows_first=False)
        )
    return picks


def _flattened(
    items: np.ndarray, scores: np.ndarray, counts: np.ndarray, k: int, *, rows_first: bool
) -> tuple[np.ndarray, ...]:
    """``(proposal, donor, rank, score)`` from lists of k per group (views when all are full)."""
    groups = np.repeat(np.arange(counts.size), counts)
    if counts.size and bool(np.all(counts == k)):
        picked, picked_scores = items.reshape(-1), scores.reshape(-1)
        ranks = np.tile(np.arange(1, k + 1), counts.size)
    else:
        held = np.arange(k)[None, :] < counts[:, None]
        picked, picked_scores = items[held], scores[held]
        ranks = np.broadcast_to(np.arange(1, k + 1), held.shape)[held]
    if rows_first:
        return groups, picked, ranks, picked_scores
    return picked, groups, ranks, picked_scores
