"""A few proposals' thematic products with the donors, compiled (numba), to SciPy's bits.

For one new proposal, SciPy's sparse products cost more in building matrices, checking
them and dispatching than in arithmetic (some 270 us for one row against 1,000 donors). This
loop does the same float32 operations in the same order as SciPy's ``csr_matmat`` (each
output column adds its terms' products in ascending term order) and ``csr_matvecs`` (the
common terms' dense rows, likewise), so a proposal scored alone gets the very numbers it
gets in a block. Imported on first use by :meth:`matcher.scoring.features.TextProduct.multiply`,
which keeps SciPy where numba is missing and for larger blocks.
"""

from __future__ import annotations

import numba
import numpy as np
from scipy import sparse

__all__ = ["SplitProduct", "rows_product", "sparse_rows_product"]


@numba.njit(cache=True, nogil=True)
def _rows_product(
    indptr: np.ndarray,
    terms: np.ndarray,
    data: np.ndarray,
    n_dense: int,
    dense: np.ndarray,
    rest_indptr: np.ndarray,
    rest_indices: np.ndarray,
    rest_data: np.ndarray,
    out: np.ndarray,
) -> None:
    """``out[i] = row i's rare terms @ rest + row i's common terms @ dense`` (float32), where
    ``terms`` are the rows' term positions in split order (common terms first)."""
    n_columns = out.shape[1]
    rare = np.zeros(n_columns, dtype=np.float32)
    common = np.zeros(n_columns, dtype=np.float32)
    for row in range(indptr.size - 1):
        start, stop = indptr[row], indptr[row + 1]
        order = np.argsort(terms[start:stop]) + start  # SciPy's products add by sorted term
        rare[:] = 0.0
        common[:] = 0.0
        for at in order:
            term = terms[at]
            weight = np.float32(data[at])
            if term < n_dense:
                for column in range(n_columns):
                    common[column] += weight * dense[term, column]
            else:
                j = term - n_dense
                for kk in range(rest_indptr[j], rest_indptr[j + 1]):
                    rare[rest_indices[kk]] += weight * rest_data[kk]
        for column in range(n_columns):
            out[row, column] = rare[column] + common[column]


def rows_product(
    indptr: np.ndarray,
    terms: np.ndarray,
    data: np.ndarray,
    n_dense: int,
    dense: np.ndarray,
    rest_indptr: np.ndarray,
    rest_indices: np.ndarray,
    rest_data: np.ndarray,
) -> np.ndarray:
    """The ``rows x columns`` float32 product of a few CSR rows (``indptr``, split-order
    ``terms``, ``data``) with the dense block of common terms (at least one) and the sparse
    rest. The donors' arrays are passed as they are (no copy per call)."""
    if n_dense < 1:
        raise ValueError("rows_product needs a dense block; SciPy's product does without")
    out = np.empty((indptr.size - 1, dense.shape[1]), dtype=np.float32)
    _rows_product(
        indptr, terms, np.asarray(data, dtype=np.float32), int(n_dense), dense,
        rest_indptr, rest_indices, rest_data, out,
    )  # fmt: skip
    return out


@numba.njit(cache=True, nogil=True)
def _sparse_rows_product(
    indptr: np.ndarray,
    indices: np.ndarray,
    data: np.ndarray,
    other_indptr: np.ndarray,
    other_indices: np.ndarray,
    other_data: np.ndarray,
    out: np.ndarray,
) -> None:
    """``out[i] = row i @ other`` (float32): each row's entries in their stored order, each
    adding its products into the output columns, as SciPy's ``csr_matmat`` adds them."""
    for row in range(indptr.size - 1):
        sums = out[row]
        for at in range(indptr[row], indptr[row + 1]):
            j = indices[at]
            weight = data[at]
            for kk in range(other_indptr[j], other_indptr[j + 1]):
                sums[other_indices[kk]] += weight * other_data[kk]


def sparse_rows_product(
    rows: sparse.csr_matrix, other: sparse.csr_matrix | SplitProduct
) -> np.ndarray:
    """``(rows @ other).toarray()`` of a few float32 CSR rows with a float32 CSR matrix
    (or its :class:`SplitProduct`), to the bit (a sum that SciPy drops as zero is a zero
    here too), without SciPy's two passes, its sparse result and its checks (the character
    route's cosines of one proposal with every donor: most of its time)."""
    split = other if isinstance(other, SplitProduct) else None
    other = split.other if split is not None else other
    if rows.dtype != np.float32 or other.dtype != np.float32 or rows.shape[1] != other.shape[0]:
        raise ValueError("sparse_rows_product takes float32 CSR matrices of matching shapes")
    out = np.zeros((rows.shape[0], other.shape[1]), dtype=np.float32)
    # weight * 0 is 0 only for a finite weight, so a row with inf or nan keeps the scatter.
    if split is not None and split.dense.shape[0] and np.isfinite(rows.data).all():
        _split_sparse_rows_product(
            rows.indptr, rows.indices, rows.data, split.dense_row, split.dense,
            other.indptr, other.indices, other.data, out,
        )  # fmt: skip
    else:
        _sparse_rows_product(
            rows.indptr, rows.indices, rows.data, other.indptr, other.indices, other.data, out
        )
    out[out == 0] = 0.0  # SciPy keeps no zero entry, so no -0.0 either
    return out


@numba.njit(cache=True, nogil=True)
def _split_sparse_rows_product(
    indptr: np.ndarray,
    indices: np.ndarray,
    data: np.ndarray,
    dense_row: np.ndarray,
    dense: np.ndarray,
    other_indptr: np.ndarray,
    other_indices: np.ndarray,
    other_data: np.ndarray,
    out: np.ndarray,
) -> None:
    """:func:`_sparse_rows_product` where the terms with a row in ``dense`` (``dense_row[j]``
    at least 0) add that whole row: the same products in the same order per output column
    (the absent columns add ``weight * 0``, which leaves a finite sum as it was), streamed
    instead of scattered through a long posting list."""
    n_columns = out.shape[1]
    for row in range(indptr.size - 1):
        sums = out[row]
        for at in range(indptr[row], indptr[row + 1]):
            j = indices[at]
            weight = data[at]
            d = dense_row[j]
            if d >= 0:
                for column in range(n_columns):
                    sums[column] += weight * dense[d, column]
            else:
                for kk in range(other_indptr[j], other_indptr[j + 1]):
                    sums[other_indices[kk]] += weight * other_data[kk]


class SplitProduct:
    """A float32 CSR matrix (terms x donors) whose longest rows are also held dense, for
    :func:`sparse_rows_product` of one proposal: a character n-gram in a tenth of the donors
    costs a scattered add per donor; its dense row streams (the char route's p95 tail)."""

    def __init__(
        self, other: sparse.csr_matrix, *, min_share: float = 0.1, max_dense_bytes: int = 16 * 2**20
    ) -> None:
        lengths = np.diff(other.indptr)
        budget = max_dense_bytes // max(4 * other.shape[1], 1)
        longest = np.argsort(-lengths, kind="stable")
        n_dense = int(min(np.sum(lengths >= max(min_share * other.shape[1], 2)), budget))
        if not other.has_canonical_format:  # toarray would sum a twice-stored entry
            n_dense = 0
        self.other = other
        self.dense_row = np.full(other.shape[0], -1, dtype=np.int64)
        self.dense_row[longest[:n_dense]] = np.arange(n_dense)
        self.dense = np.ascontiguousarray(other[longest[:n_dense]].toarray(), dtype=np.float32)


@numba.njit(cache=True, nogil=True)
def _strictly_increasing(columns: np.ndarray, start: int, stop: int) -> bool:
    for at in range(start + 1, stop):  # noqa: SIM110 (numba compiles no generator)
        if columns[at] <= columns[at - 1]:
            return False
    return True


@numba.njit(cache=True, nogil=True)
def _finite(values: np.ndarray, start: int, stop: int) -> bool:
    for at in range(start, stop):  # noqa: SIM110 (numba compiles no generator)
        if not np.isfinite(values[at]):
            return False
    return True


@numba.njit(cache=True, nogil=True)
def _paired_products(
    a_indptr: np.ndarray, a_indices: np.ndarray, a_data: np.ndarray,
    b_indptr: np.ndarray, b_indices: np.ndarray, b_data: np.ndarray,
    a_rows: np.ndarray, b_rows: np.ndarray,
) -> tuple[int, np.ndarray, np.ndarray]:  # fmt: skip
    """Status (0 done, 1 a value is not finite, 2 a column twice in an unsorted row), the
    non-zero products of each row pair's common columns, and their count per pair."""
    n_pairs = a_rows.size
    counts = np.zeros(n_pairs, dtype=np.int64)
    canonical = True
    bound = 0
    for i in range(n_pairs):
        a0, a1 = a_indptr[a_rows[i]], a_indptr[a_rows[i] + 1]
        b0, b1 = b_indptr[b_rows[i]], b_indptr[b_rows[i] + 1]
        if not (_finite(a_data, a0, a1) and _finite(b_data, b0, b1)):
            return 1, np.empty(0, dtype=a_data.dtype), counts
        if canonical and not (
            _strictly_increasing(a_indices, a0, a1) and _strictly_increasing(b_indices, b0, b1)
        ):
            canonical = False
        bound += min(a1 - a0, b1 - b0)
    products = np.empty(bound, dtype=a_data.dtype)
    filled = 0
    for i in range(n_pairs):
        a0, a1 = a_indptr[a_rows[i]], a_indptr[a_rows[i] + 1]
        b0, b1 = b_indptr[b_rows[i]], b_indptr[b_rows[i] + 1]
        if a0 == a1 or b0 == b1:
            continue
        before = filled
        if canonical:  # common columns in ascending order
            x, y = a0, b0
            while x < a1 and y < b1:
                if a_indices[x] < b_indices[y]:
                    x += 1
                elif a_indices[x] > b_indices[y]:
                    y += 1
                else:
                    product = a_data[x] * b_data[y]
                    if product != 0:
                        products[filled] = product
                        filled += 1
                    x += 1
                    y += 1
        else:  # SciPy's general kernel: common columns in reverse order of a's row
            a_sorted = np.sort(a_indices[a0:a1])
            b_order = np.argsort(b_indices[b0:b1], kind="mergesort")
            b_sorted = b_indices[b0:b1][b_order]
            for at in range(1, a_sorted.size):
                if a_sorted[at] == a_sorted[at - 1]:
                    return 2, products[:0], counts
            for at in range(1, b_sorted.size):
                if b_sorted[at] == b_sorted[at - 1]:
                    return 2, products[:0], counts
            for x in range(a1 - 1, a0 - 1, -1):
                y = np.searchsorted(b_sorted, a_indices[x])
                if y < b_sorted.size and b_sorted[y] == a_indices[x]:
                    product = a_data[x] * b_data[b0 + b_order[y]]
                    if product != 0:
                        products[filled] = product
                        filled += 1
        counts[i] = filled - before
    return 0, products[:filled], counts


def paired_products(
    a: sparse.csr_matrix, b: sparse.csr_matrix, a_rows: np.ndarray, b_rows: np.ndarray
) -> tuple[np.ndarray, np.ndarray] | None:
    """The products :func:`matcher.scoring.sparse_rows.row_dots` adds up, compiled: for each
    pair ``(a_rows[i], b_rows[i])`` the non-zero products of the two rows' common columns in
    the order SciPy's element-wise kernel forms them, and their count per pair. None where
    ``row_dots`` hands the rows to SciPy (a value that is not finite, a column twice)."""
    status, products, counts = _paired_products(
        a.indptr, a.indices, a.data, b.indptr, b.indices, b.data, a_rows, b_rows
    )
    return None if status else (products, counts)
