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

__all__ = ["rows_product", "sparse_rows_product"]


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


def sparse_rows_product(rows: sparse.csr_matrix, other: sparse.csr_matrix) -> np.ndarray:
    """``(rows @ other).toarray()`` of a few float32 CSR rows with a float32 CSR matrix,
    to the bit (a sum that SciPy drops as zero is a zero here too), without SciPy's two
    passes, its sparse result and its checks (the character route's cosines of one proposal
    with every donor: most of its time)."""
    if rows.dtype != np.float32 or other.dtype != np.float32 or rows.shape[1] != other.shape[0]:
        raise ValueError("sparse_rows_product takes float32 CSR matrices of matching shapes")
    out = np.zeros((rows.shape[0], other.shape[1]), dtype=np.float32)
    _sparse_rows_product(
        rows.indptr, rows.indices, rows.data, other.indptr, other.indices, other.data, out
    )
    out[out == 0] = 0.0  # SciPy keeps no zero entry, so no -0.0 either
    return out
