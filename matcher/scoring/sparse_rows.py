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

from collections.abc import Callable

import numpy as np
from scipy import sparse

__all__ = ["dense_rows", "few_rows_times_dense", "few_rows_times_each", "row_dots", "take_rows"]

FEW_ROWS = 8
"""Up to this many rows, :func:`few_rows_times_dense` adds the rows itself; SciPy beyond."""


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


def dense_rows(matrix: sparse.csr_matrix, rows: np.ndarray) -> np.ndarray:
    """``take_rows(matrix, rows).toarray()``, without building the taken matrix: SciPy's
    ``csr_todense`` adds each stored entry into a zero array in stored order, and so does
    ``np.add.at`` (a one-proposal score with its own funding takes this for its countries)."""
    if (
        not sparse.issparse(matrix)
        or matrix.format != "csr"
        or matrix.dtype.kind != "f"
        or np.asarray(rows).dtype.kind not in "iu"
    ):
        return take_rows(matrix, rows).toarray()
    rows = np.asarray(rows, dtype=np.int64).ravel()
    n_rows = matrix.shape[0]
    if rows.size and (rows.min() < -n_rows or rows.max() >= n_rows):
        raise IndexError(f"row index out of range for {n_rows} rows")
    rows = np.where(rows < 0, rows + n_rows, rows)
    starts, ends = matrix.indptr[rows], matrix.indptr[rows + 1]
    lengths = (ends - starts).astype(np.int64)
    offsets = np.zeros(rows.size + 1, dtype=np.int64)
    np.cumsum(lengths, out=offsets[1:])
    source = np.repeat(starts - offsets[:-1], lengths) + np.arange(offsets[-1], dtype=np.int64)
    out = np.zeros((rows.size, matrix.shape[1]), dtype=matrix.dtype)
    at_row = np.repeat(np.arange(rows.size, dtype=np.int64), lengths)
    np.add.at(out, (at_row, matrix.indices[source]), matrix.data[source])
    return out


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


def _scipy_dots(a: sparse.csr_matrix, b: sparse.csr_matrix) -> np.ndarray:
    return np.asarray(a.multiply(b).sum(axis=1), dtype=np.float64).ravel()


def _segments(matrix: sparse.csr_matrix, rows: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
    """(columns, values) of each of ``rows``, as views."""
    indptr, indices, data = matrix.indptr, matrix.indices, matrix.data
    return [(indices[indptr[r] : indptr[r + 1]], data[indptr[r] : indptr[r + 1]]) for r in rows]


def row_dots(
    a: sparse.csr_matrix,
    b: sparse.csr_matrix,
    a_rows: np.ndarray | None = None,
    b_rows: np.ndarray | None = None,
) -> np.ndarray:
    """Dot product of row i of ``a`` with row i of ``b``, as float64; with ``a_rows`` and
    ``b_rows``, of row ``a_rows[i]`` of ``a`` with row ``b_rows[i]`` of ``b``.

    Exactly ``np.asarray(a.multiply(b).sum(axis=1), dtype=np.float64).ravel()`` of the
    matrices (of ``a[a_rows]`` and ``b[b_rows]``), without building the taken rows.
    """
    if a_rows is None:
        a_rows = np.arange(a.shape[0])
    if b_rows is None:
        b_rows = np.arange(b.shape[0])
    a_rows, b_rows = np.asarray(a_rows, dtype=np.int64), np.asarray(b_rows, dtype=np.int64)
    if a.shape[1] != b.shape[1] or a_rows.shape != b_rows.shape:
        raise ValueError(f"row_dots needs equal shapes, got {a.shape} and {b.shape}")
    if (
        not sparse.issparse(a)
        or not sparse.issparse(b)
        or a.format != "csr"
        or b.format != "csr"
        or a.dtype != b.dtype
        or a.dtype.kind != "f"  # SciPy sums integers in a wider type
        or (a_rows.size and (a_rows.min() < 0 or a_rows.max() >= a.shape[0]))
        or (b_rows.size and (b_rows.min() < 0 or b_rows.max() >= b.shape[0]))
    ):
        return _scipy_dots(take_rows(a, a_rows), take_rows(b, b_rows))
    compiled = _compiled_products()
    if compiled is None:
        found = _paired_products(a, b, a_rows, b_rows)
    else:
        found = compiled(a, b, a_rows, b_rows)
    if found is None:
        return _scipy_dots(take_rows(a, a_rows), take_rows(b, b_rows))
    data, counts = found
    total = np.zeros(a_rows.size, dtype=a.dtype)
    if counts.any():
        indptr = np.zeros(a_rows.size + 1, dtype=np.int64)
        np.cumsum(counts, out=indptr[1:])
        present = np.flatnonzero(counts)
        total[present] = np.add.reduceat(data, indptr[present])
    return total.astype(np.float64)


def _compiled_products() -> Callable[..., tuple[np.ndarray, np.ndarray] | None] | None:
    """:func:`matcher.scoring.row_products.paired_products` where numba is installed."""
    try:
        from matcher.scoring.row_products import paired_products
    except ImportError:
        return None
    return paired_products


def _paired_products(
    a: sparse.csr_matrix, b: sparse.csr_matrix, a_rows: np.ndarray, b_rows: np.ndarray
) -> tuple[np.ndarray, np.ndarray] | None:
    """The non-zero products of each row pair's common columns, in SciPy's order, and their
    count per pair; None where SciPy must take the rows (a value not finite, a column twice)."""
    a_parts, b_parts = _segments(a, a_rows), _segments(b, b_rows)
    parts = a_parts + b_parts
    if not all(np.isfinite(values).all() for _, values in parts):  # inf x 0 is kept
        return None
    # SciPy's canonical kernel when every taken row's columns strictly increase, else its
    # general one (the order the products are added in differs)
    canonical = all(
        columns.size < 2 or bool(np.all(columns[1:] > columns[:-1])) for columns, _ in parts
    )
    n_rows = a_rows.size
    products, counts = [], np.zeros(n_rows, dtype=np.int64)
    for row, ((a_columns, a_values), (b_columns, b_values)) in enumerate(
        zip(a_parts, b_parts, strict=True)
    ):
        if a_columns.size == 0 or b_columns.size == 0:
            continue
        if canonical:
            at_a, at_b = _common(a_columns, b_columns)
        else:
            found = _common_unsorted(a_columns, b_columns)
            if found is None:  # a column twice in a row: SciPy adds them up first
                return None
            at_a, at_b = found
        product = a_values[at_a] * b_values[at_b]
        product = product[product != 0]  # SciPy's kernel keeps only non-zero results
        products.append(product)
        counts[row] = product.size
    data = np.concatenate(products) if products else np.zeros(0, dtype=a.dtype)
    return data, counts


def few_rows_times_dense(matrix: sparse.csr_matrix, dense: np.ndarray) -> np.ndarray:
    """``matrix @ dense`` for a CSR matrix of a few rows (one proposal's countries) and a
    dense matrix, to the bit: SciPy's ``csr_matvecs`` adds ``value * dense_row`` entry by
    entry in stored order, in the result type, and so does this, without SciPy's dispatch
    and checks (a one-proposal score takes ten such products)."""
    dtype = np.result_type(matrix.dtype, dense.dtype) if sparse.issparse(matrix) else None
    if (
        dtype is None
        or matrix.format != "csr"
        or matrix.shape[0] > FEW_ROWS
        or not isinstance(dense, np.ndarray)
        or dense.ndim != 2
        or matrix.shape[1] != dense.shape[0]
        or dtype.kind != "f"
    ):
        return matrix @ dense
    out = np.zeros((matrix.shape[0], dense.shape[1]), dtype=dtype)
    indptr, indices, data = matrix.indptr, matrix.indices, matrix.data.astype(dtype, copy=False)
    for row in range(matrix.shape[0]):
        for at in range(indptr[row], indptr[row + 1]):
            out[row] += data[at] * dense[indices[at]]
    return out


def few_rows_times_each(
    matrix: sparse.csr_matrix, parts: tuple[np.ndarray, ...], cache: dict[str, object], name: str
) -> list[np.ndarray]:
    """``[few_rows_times_dense(matrix, part) for part in parts]``, as one product with the
    parts side by side (joined once and kept in ``cache`` under ``name``): each output column
    adds the same products in the same order either way, so the bits are the same, and one
    proposal's countries are walked once instead of once per part."""
    dtypes = {part.dtype for part in parts if isinstance(part, np.ndarray)}
    if (
        not sparse.issparse(matrix)
        or matrix.shape[0] > FEW_ROWS
        or len(dtypes) != 1
        or not all(isinstance(part, np.ndarray) and part.ndim == 2 for part in parts)
        or len({part.shape[0] for part in parts}) != 1
    ):
        return [few_rows_times_dense(matrix, part) for part in parts]
    found = cache.get(name)
    if (
        found is None
        or len(found[0]) != len(parts)
        or any(kept is not part for kept, part in zip(found[0], parts, strict=True))
    ):
        found = (parts, np.ascontiguousarray(np.concatenate(parts, axis=1)))
        cache[name] = found
    product = few_rows_times_dense(matrix, found[1])
    edges = np.cumsum([part.shape[1] for part in parts])[:-1]
    return np.split(product, edges, axis=1)
