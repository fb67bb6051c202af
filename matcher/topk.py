"""Each row's k best columns, exact under ties, without ``argpartition``.

``np.partition`` of float32 scores runs several times faster than ``np.argpartition`` (it
moves values, not indices), so it only finds each row's k-th best value; one comparison
against that threshold then gives the candidates, already in column order. A row with
exactly k candidates (nearly all of them) is done once its k values are sorted; a row
where more than k columns tie at the threshold is ranked exactly on its own.
"""

from __future__ import annotations

import numpy as np

__all__ = ["top_k_exact", "top_k_per_row"]


def top_k_exact(key: np.ndarray, k: int, tie_order: np.ndarray) -> tuple[np.ndarray, ...]:
    """Every candidate at or above each row's k-th value, sorted: exact under ties."""
    n_cols = key.shape[1]
    if k < n_cols:
        kth = np.partition(key, n_cols - k, axis=1)[:, n_cols - k]
        rows, cols = np.nonzero(key >= kth[:, None])
    else:
        rows, cols = np.nonzero(np.ones_like(key, dtype=bool))
    values = key[rows, cols]
    order = np.lexsort((tie_order[cols], -values, rows))
    rows, cols = rows[order], cols[order]
    starts = np.flatnonzero(np.r_[True, rows[1:] != rows[:-1]])
    lengths = np.diff(np.r_[starts, rows.size])
    ranks = np.arange(rows.size) - np.repeat(starts, lengths)
    keep = ranks < k
    return rows[keep], cols[keep], ranks[keep] + 1


def top_k_per_row(key: np.ndarray, k: int, tie_order: np.ndarray) -> tuple[np.ndarray, ...]:
    """Rows, columns and 1-based ranks of each row's k best columns, best first.

    Higher ``key`` first; equal keys in ascending ``tie_order`` (a permutation of the
    columns). ``key`` holds no NaN (callers map a missing score to a low value first).
    """
    key = np.ascontiguousarray(key)
    n_rows, n_cols = key.shape
    k = min(k, n_cols)
    if n_rows == 0 or k <= 0:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, empty
    tie_order = np.asarray(tie_order, dtype=np.int64)
    if k == n_cols:
        return top_k_exact(key, k, tie_order)
    kth = np.partition(key, n_cols - k, axis=1)[:, n_cols - k]
    hit_rows, hit_cols = np.nonzero(key >= kth[:, None])
    counts = np.bincount(hit_rows, minlength=n_rows)
    plain = counts == k
    if plain.all():
        picked = hit_cols.reshape(n_rows, k)
    else:
        picked = hit_cols[plain[hit_rows]].reshape(-1, k)
    # Candidates come in column order; put them in tie order, then (stably) best first.
    if not np.array_equal(tie_order, np.arange(n_cols)):
        by_tie = np.argsort(tie_order[picked], axis=1, kind="stable")
        picked = np.take_along_axis(picked, by_tie, axis=1)
    plain_rows = np.flatnonzero(plain)
    values = key[plain_rows[:, None], picked]
    by_value = np.argsort(-values, axis=1, kind="stable")
    picked = np.take_along_axis(picked, by_value, axis=1)
    rows = np.repeat(plain_rows, k)
    cols = picked.ravel()
    ranks = np.tile(np.arange(1, k + 1), plain_rows.size)
    tied = np.flatnonzero(~plain)
    if tied.size:
        exact_rows, exact_cols, exact_ranks = top_k_exact(key[tied], k, tie_order)
        rows = np.concatenate([rows, tied[exact_rows]])
        cols = np.concatenate([cols, exact_cols])
        ranks = np.concatenate([ranks, exact_ranks])
        order = np.lexsort((ranks, rows))
        rows, cols, ranks = rows[order], cols[order], ranks[order]
    return rows, cols, ranks
