"""A few rows of a CSR matrix, and row-by-row dot products, with SciPy's very arrays and bits.

For one new proposal, SciPy's fancy row indexing (``matrix[rows]``, some 90 us) and
``a.multiply(b).sum(axis=1)`` (some 300 us) cost far more in checks and dispatch than in
arithmetic. These build the same arrays with a few numpy calls: :func:`take_rows` copies the
rows' entries as SciPy does; :func:`row_dots` forms the products SciPy's canonical
element-wise kernel forms (common columns in ascending order, zero products dropped) and adds
them with the ``np.add.reduceat`` its row sum calls, so each dot is SciPy's to the bit. Rows
whose columns are not sorted (scikit-learn's fitted rows) take the order of SciPy's general
kernel instead; a row with a repeated column goes to SciPy itself.
"""

from __future__ import annotations

import numpy as np
from scipy import sparse

__all__ = ["row_dots", "take_rows"]


def take_rows(matrix: sparse.csr_matrix, rows: np.ndarray) -> sparse.csr_matrix:
    """``matrix[rows]`` for a CSR matrix and an integer array of row positions (repeats allowed).

    Same data, columns, row pointers, dtypes and class as SciPy's result; negative or
    out-of-range positions raise ``IndexError`` as SciPy does.
    """
    if not sparse.issparse(matrix) or matrix.format != "csr":
        return matrix[rows]
    rows = np.asarray(rows, dtype=np.int64).ravel()
    n_rows = matrix.shape[0]
    if rows.size and (rows.min() < -n_rows or rows.max() >= n_rows):
        raise IndexError(f"row index out of range for {n_rows} rows")
    rows = np.where(rows < 0, rows + n_rows, rows)
    indptr = matrix.indptr
    starts, ends = indptr[rows], indptr[rows + 1]
    lengths = ends - starts
    index_dtype = np.result_type(matrix.indptr.dtype, matrix.indices.dtype)
    new_indptr = np.zeros(rows.size + 1, dtype=index_dtype)
    np.cumsum(lengths, out=new_indptr[1:])
    total = int(new_indptr[-1])
    # position of each copied entry in the source: its row's start plus its place in the row
    source = np.repeat(starts - new_indptr[:-1], lengths) + np.arange(total, dtype=np.int64)
    return matrix.__class__(
        (matrix.data[source], matrix.indices[source].astype(index_dtype, copy=False), new_indptr),
        shape=(rows.size, matrix.shape[1]),
    )


def _canonical(matrix: sparse.csr_matrix) -> bool:
    """SciPy's ``csr_has_canonical_format``: columns strictly increasing within every row."""
    indptr, indices = matrix.indptr, matrix.indices
    if np.any(np.diff(indptr) < 0):
        return False
    if indices.size < 2:
        return True
    rising = np.diff(indices[: indptr[-1]].astype(np.int64)) > 0
    # a fall between two rows is allowed: mask the places where a new row starts
    row_starts = indptr[1:-1]
    row_starts = row_starts[(row_starts > 0) & (row_starts < indptr[-1])]
    rising[row_starts - 1] = True
    return bool(rising.all())


def _common(left: np.ndarray, right: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Positions in two strictly increasing arrays of the values both hold, ascending: the
    shorter one looked up in the longer one (a donor row holds thousands of terms, a
    proposal's a few hundred)."""
    if left.size > right.size:
        at_right, at_left = _common(right, left)
        return at_left, at_right
    at = np.searchsorted(right, left)
    inside = at < right.size
    hit = np.zeros(left.size, dtype=bool)
    hit[inside] = right[at[inside]] == left[inside]
    return np.flatnonzero(hit), at[hit]


def _common_unsorted(left: np.ndarray, right: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
    """Positions of the common columns in the order SciPy's general element-wise kernel
    (columns not sorted) writes them: the reverse of their order in ``left``. None when a
    row holds a column twice."""
    left_order = np.argsort(left, kind="stable")
    right_order = np.argsort(right, kind="stable")
    left_sorted, right_sorted = left[left_order], right[right_order]
    if np.any(left_sorted[1:] == left_sorted[:-1]) or np.any(right_sorted[1:] == right_sorted[:-1]):
        return None
    at_left, at_right = _common(left_sorted, right_sorted)
    in_left, in_right = left_order[at_left], right_order[at_right]
    reverse = np.argsort(in_left)[::-1]
    return in_left[reverse], in_right[reverse]


def row_dots(a: sparse.csr_matrix, b: sparse.csr_matrix) -> np.ndarray:
    """Dot product of row i of ``a`` with row i of ``b`` (same shapes), as float64.

    Exactly ``np.asarray(a.multiply(b).sum(axis=1), dtype=np.float64).ravel()``.
    """
    if a.shape != b.shape:
        raise ValueError(f"row_dots needs equal shapes, got {a.shape} and {b.shape}")
    if (
        not sparse.issparse(a)
        or not sparse.issparse(b)
        or a.format != "csr"
        or b.format != "csr"
        or a.dtype != b.dtype
        or a.dtype.kind != "f"  # SciPy sums integers in a wider type
        or not (np.isfinite(a.data).all() and np.isfinite(b.data).all())  # inf x 0 is kept
    ):
        return np.asarray(a.multiply(b).sum(axis=1), dtype=np.float64).ravel()
    canonical = _canonical(a) and _canonical(b)
    n_rows = a.shape[0]
    products, counts = [], np.zeros(n_rows, dtype=np.int64)
    for row in range(n_rows):
        a_start, a_end = a.indptr[row], a.indptr[row + 1]
        b_start, b_end = b.indptr[row], b.indptr[row + 1]
        if a_start == a_end or b_start == b_end:
            continue
        if canonical:
            at_a, at_b = _common(a.indices[a_start:a_end], b.indices[b_start:b_end])
        else:
            found = _common_unsorted(a.indices[a_start:a_end], b.indices[b_start:b_end])
            if found is None:  # a column twice in a row: SciPy adds them up first
                return np.asarray(a.multiply(b).sum(axis=1), dtype=np.float64).ravel()
            at_a, at_b = found
        product = a.data[a_start:a_end][at_a] * b.data[b_start:b_end][at_b]
        product = product[product != 0]  # SciPy's kernel keeps only non-zero results
        products.append(product)
        counts[row] = product.size
    total = np.zeros(n_rows, dtype=a.dtype)
    if counts.any():
        data = np.concatenate(products)
        indptr = np.zeros(n_rows + 1, dtype=np.int64)
        np.cumsum(counts, out=indptr[1:])
        present = np.flatnonzero(counts)
        total[present] = np.add.reduceat(data, indptr[present])
    return total.astype(np.float64)
