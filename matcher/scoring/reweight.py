"""Re-weighting a score set and ranking it both ways, tile by tile, in one pass over the stack.

The warm path of a slider release: each tile of proposal rows (some 128,000 pairs, so its
arrays stay in the core's cache) gets its weighted sum, its ranking key, its rows' top k and
the pairs that may be among some donor's top k, before the next tile is read. Nothing the
size of the whole score set is written, and the stack is read once.

The ranking key is the score (-1 where no weighted component exists) minus 2 for an
ineligible pair, as :func:`matcher.scoring.score_set._sort_key` has it; here it comes from
two 128-entry tables indexed by one byte per pair (its missing pattern and whether it is
eligible): ``numerator / divisor[code] + offset[code]``, the same float32 operations, so the
same numbers.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from matcher.combine import exact_means, weight_sums
from matcher.topk import best_per_group

__all__ = ["TILE_PAIRS", "TileRanking", "key_tables", "pair_codes", "rank_tiles"]

TILE_PAIRS = 1 << 17
"""Pairs ranked at a time (512 KB per float32 array of a tile: a few of them fit in L2)."""
BLOCKS_PER_TILE = 64
"""Blocks of rows per tile whose maxima bound each donor's k-th best from below."""
INELIGIBLE_BIT = np.uint8(64)


def pair_codes(missing_bits: np.ndarray, reason_codes: np.ndarray) -> np.ndarray:
    """One byte per pair: its missing pattern (bits 0-5) and 64 when it is ineligible."""
    codes = missing_bits.astype(np.uint8, copy=True)
    codes[reason_codes != 0] |= INELIGIBLE_BIT
    return codes


def key_tables(
    weights: np.ndarray, eligible_only: bool, dtype: type = np.float32
) -> tuple[np.ndarray, np.ndarray]:
    """Divisor and offset per pair code, so that ``numerator / divisor + offset`` is the key.

    A pattern whose weighted components are all missing has a numerator of exactly 0 (its
    weighted values are the zeros put in for missing ones): divided by 1 and offset by -1 it
    is the -1 a missing score sorts as. Ineligible pairs are offset by -2 more, or to -inf
    when only eligible pairs are ranked.
    """
    sums = weight_sums(weights, dtype)
    scored = sums > 0
    divisor = np.where(scored, sums, 1.0).astype(dtype)
    offset = np.where(scored, 0.0, -1.0).astype(dtype)
    ineligible = np.full_like(offset, -np.inf) if eligible_only else offset - dtype(2.0)
    return np.tile(divisor, 2), np.concatenate([offset, ineligible])


@dataclass(frozen=True)
class TileRanking:
    """One row range's results: each proposal's top k (rows, columns, ranks, scores), and the
    pairs that can be among some donor's top k (rows, columns, exact keys, scores), a
    superset. Scores are :func:`matcher.combine.mean_scores`' numbers."""

    by_proposal: tuple[np.ndarray, ...] | None
    donor_candidates: tuple[np.ndarray, ...] | None


MARGIN = np.float32(1e-5)
"""How far below a float32 bound a pair is still a candidate. The float32 key of the fast
pass (a BLAS product, a division, an offset of at most 3) is within a few units in the last
place (about 1e-6 for keys of magnitude at most 3) of the exact float64 key that ranks, so a
pair of the exact top k cannot be further than twice that below the bound; 1e-5 leaves room."""


def rank_tiles(
    values: np.ndarray,
    codes: np.ndarray,
    weights: np.ndarray,
    k: int,
    *,
    rows: tuple[int, int],
    by_proposal: bool,
    by_donor: bool,
    tie_proposal: np.ndarray,
    eligible_only: bool = False,
) -> TileRanking:
    """Rank proposal rows ``rows[0]:rows[1]`` of a ``C x P x M`` stack, one tile at a time.

    A float32 pass (one BLAS product per tile) finds the candidates: for each proposal, the
    pairs within :data:`MARGIN` of its k-th key; for the donors, each tile is cut into blocks
    of rows whose maxima are distinct entries, so the k-th highest of all block maxima seen so
    far is at or below each column's k-th best over all rows, a bound that only rises from
    tile to tile, and the pairs within the margin of it are kept (once more against the last,
    highest bound at the end). The candidates are then keyed exactly in float64
    (:func:`matcher.combine.exact_means`) and ranked on that, ties by ``tie_order``: the
    same top k as a full float64 sort.
    """
    start, stop = rows
    n_components, _, n_donors = values.shape
    w32 = np.asarray(weights, dtype=np.float32)
    divisor, offset = key_tables(w32, eligible_only)
    # complex64 so one gather fetches both (numpy gathers 8-byte items several times faster)
    table = np.empty(divisor.size, dtype=np.complex64)
    table.real, table.imag = np.float32(1.0) / divisor, offset
    offset64 = key_tables(w32, eligible_only, np.float64)[1]
    sums64 = weight_sums(w32, np.float64)
    unscored = sums64 <= 0
    tile_rows = max(TILE_PAIRS // max(n_donors, 1), 2 * k, 1)
    size = min(tile_rows, max(stop - start, 0)) * n_donors
    key_buffer = np.empty(size, dtype=np.float32)
    bound = np.full(n_donors, -np.inf, dtype=np.float32)
    best = np.zeros((n_donors, 0), dtype=np.float32)  # each donor's k highest block maxima
    found: list[tuple[np.ndarray, ...]] = []
    kept: list[tuple[np.ndarray, ...]] = []

    def exact(tile: np.ndarray, tile_codes: np.ndarray, flat: np.ndarray) -> tuple:
        """Exact keys (float64) and scores (float32, NaN when unscored) at flat positions."""
        codes_at = tile_codes[flat]
        gathered = np.empty((n_components, flat.size), dtype=np.float32)
        for c in range(n_components):  # component by component: each is contiguous
            np.take(tile[c], flat, out=gathered[c])
        scores = exact_means(gathered, codes_at & 63, w32, sums64).astype(np.float32)
        keys = scores.astype(np.float64) + offset64[codes_at]  # exact: no rounding
        scores[unscored[codes_at & 63]] = np.nan
        return keys, scores

    for first in range(start, stop, tile_rows):
        last = min(first + tile_rows, stop)
        n_rows = last - first
        n_pairs = n_rows * n_donors
        tile = values[:, first:last].reshape(n_components, -1)
        tile_codes = codes[first:last].reshape(-1)
        # einsum's own loop: a BLAS product this small spends more CPU time waking and
        # waiting for its threads than it computes, the more so on a loaded machine.
        numerator = np.einsum("c,cn->n", w32, tile)
        looked_up = np.take(table, tile_codes)  # one gather: 1 / divisor and offset
        key = np.multiply(numerator, looked_up.real, out=key_buffer[:n_pairs])
        key += looked_up.imag
        key = key.reshape(n_rows, n_donors)
        if by_proposal:
            flat = _row_candidates(key, k)
            keys, scores = exact(tile, tile_codes, flat)
            r, c = np.divmod(flat, n_donors)
            at, r, ranks = _rank_rows(r, c, keys, k, tie_proposal, n_rows)
            found.append((r + first, c[at], ranks, scores[at]))
        if by_donor:
            n_blocks = min(n_rows, BLOCKS_PER_TILE)
            if n_blocks and k > 0:
                block = n_rows // n_blocks
                maxima = key[: n_blocks * block].reshape(n_blocks, block, n_donors).max(axis=1)
                best = _top_columns(np.concatenate([best, maxima.T], axis=1), k)
                if best.shape[1] >= k:
                    bound = best.min(axis=1)
            flat = np.flatnonzero(key >= bound - MARGIN)
            keys, scores = exact(tile, tile_codes, flat)
            r, c = np.divmod(flat, n_donors)
            kept.append((r + first, c, key.reshape(-1)[flat], keys, scores))
    proposal_part = tuple(_joined([f[i] for f in found]) for i in range(4)) if by_proposal else None
    donor_part = None
    if by_donor:
        r, c, approx, keys, scores = (_joined([part[i] for part in kept]) for i in range(5))
        high = approx >= bound[c] - MARGIN
        donor_part = (r[high], c[high], keys[high], scores[high])
    return TileRanking(proposal_part, donor_part)


def _row_candidates(key: np.ndarray, k: int) -> np.ndarray:
    """Flat positions of each row's pairs within :data:`MARGIN` of its k-th float32 key."""
    n_cols = key.shape[1]
    if k >= n_cols:
        return np.arange(key.size)
    kth = np.partition(key, n_cols - k, axis=1)[:, n_cols - k]
    return np.flatnonzero(key >= (kth - MARGIN)[:, None])


def _top_columns(values: np.ndarray, k: int) -> np.ndarray:
    """The k highest values of each row (in no order), or all of them when fewer."""
    n = values.shape[1]
    if n <= k:
        return values
    return np.partition(values, n - k, axis=1)[:, n - k :]


def _rank_rows(
    rows: np.ndarray,
    cols: np.ndarray,
    keys: np.ndarray,
    k: int,
    tie_order: np.ndarray,
    n_rows: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Positions (into the candidates), rows and 1-based ranks of each row's k best
    candidates, by row then rank: higher ``keys`` first, then lower ``tie_order[col]``.

    Candidates come by row, columns ascending. A row with exactly k of them (nearly all) is
    sorted as one small 2-D argsort with the others; the rest by :func:`best_per_group`.
    """
    counts = np.bincount(rows, minlength=n_rows)
    plain = counts == k
    positions = np.arange(rows.size)
    plain_rows = np.flatnonzero(plain)
    if plain_rows.size == n_rows:
        picked = positions.reshape(n_rows, k)
    else:
        picked = positions[plain[rows]].reshape(-1, k)
    if not np.all(np.diff(tie_order) > 0):  # columns ascending are not in tie order
        by_tie = np.argsort(tie_order[cols[picked]], axis=1, kind="stable")
        picked = np.take_along_axis(picked, by_tie, axis=1)
    by_key = np.argsort(-keys[picked], axis=1, kind="stable")
    picked = np.take_along_axis(picked, by_key, axis=1).reshape(-1)
    picked_rows = np.repeat(plain_rows, k)
    ranks = np.tile(np.arange(1, k + 1), plain_rows.size)
    if plain_rows.size == n_rows:
        return picked, picked_rows, ranks
    rest = np.flatnonzero(~plain[rows])
    at, rest_rows, rest_ranks = best_per_group(
        rows[rest], keys[rest], tie_order[cols[rest]], k, rest
    )
    picked = np.concatenate([picked, at])
    picked_rows = np.concatenate([picked_rows, rest_rows])
    ranks = np.concatenate([ranks, rest_ranks])
    order = np.lexsort((ranks, picked_rows))
    return picked[order], picked_rows[order], ranks[order]


def _joined(parts: list[np.ndarray]) -> np.ndarray:
    if not parts:
        return np.zeros(0, dtype=np.int64)
    return parts[0] if len(parts) == 1 else np.concatenate(parts)
