"""The row take and row dots of the one-proposal path are SciPy's arrays and bits exactly."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import sparse

from matcher.scoring.sparse_rows import row_dots, take_rows


@st.composite
def csr_matrices(draw: st.DrawFn, n_rows: int | None = None, n_cols: int | None = None):
    """A CSR matrix of float32 (or float64), canonical or not, with rows up to 300 entries."""
    n_rows = draw(st.integers(1, 6)) if n_rows is None else n_rows
    n_cols = draw(st.integers(1, 400)) if n_cols is None else n_cols
    dtype = draw(st.sampled_from([np.float32, np.float64]))
    seed = draw(st.integers(0, 2**32 - 1))
    density = draw(st.sampled_from([0.0, 0.02, 0.3, 0.9]))
    rng = np.random.default_rng(seed)
    dense = rng.random((n_rows, n_cols)).astype(dtype)
    dense[rng.random((n_rows, n_cols)) > density] = 0
    if draw(st.booleans()):  # a few values whose products underflow to zero
        dense[dense > 0.95] = dtype(1e-30)
    matrix = sparse.csr_matrix(dense)
    if draw(st.booleans()) and matrix.nnz > 1:  # shuffled columns within rows: not canonical
        for row in range(n_rows):
            start, end = matrix.indptr[row], matrix.indptr[row + 1]
            order = rng.permutation(end - start) + start
            matrix.indices[start:end] = matrix.indices[order]
            matrix.data[start:end] = matrix.data[order]
        matrix.has_sorted_indices = False
    return matrix


def _same_matrix(ours: sparse.csr_matrix, theirs: sparse.csr_matrix) -> None:
    assert type(ours) is type(theirs)
    assert ours.shape == theirs.shape
    for name in ("data", "indices", "indptr"):
        mine, scipy_own = getattr(ours, name), getattr(theirs, name)
        assert mine.dtype == scipy_own.dtype, name
        np.testing.assert_array_equal(mine, scipy_own)


@settings(deadline=None, max_examples=200)
@given(csr_matrices(), st.data())
def test_take_rows_is_scipys_fancy_row_index(matrix, data) -> None:
    n = matrix.shape[0]
    rows = np.array(data.draw(st.lists(st.integers(-n, n - 1), max_size=8)), dtype=np.int64)
    _same_matrix(take_rows(matrix, rows), matrix[rows])


def test_take_rows_keeps_the_matrix_class_and_refuses_rows_out_of_range() -> None:
    array = sparse.csr_array(np.eye(3, dtype=np.float32))
    _same_matrix(take_rows(array, np.array([2, 0, 2])), array[np.array([2, 0, 2])])
    with pytest.raises(IndexError):
        take_rows(array, np.array([3]))


@settings(deadline=None, max_examples=300)
@given(st.data())
def test_row_dots_are_scipys_multiply_and_row_sum_to_the_bit(data) -> None:
    a = data.draw(csr_matrices())
    b = data.draw(csr_matrices(*a.shape))
    b = b.astype(a.dtype)
    expected = np.asarray(a.multiply(b).sum(axis=1), dtype=np.float64).ravel()
    got = row_dots(a, b)
    assert got.dtype == np.float64
    np.testing.assert_array_equal(got.view(np.int64), expected.view(np.int64))


@settings(deadline=None, max_examples=200)
@given(st.data())
def test_row_dots_of_taken_rows_are_scipys_of_the_taken_matrices(data) -> None:
    a = data.draw(csr_matrices())
    b = data.draw(csr_matrices(n_cols=a.shape[1])).astype(a.dtype)
    n_pairs = data.draw(st.integers(0, 6))
    a_rows = np.array(
        data.draw(st.lists(st.integers(0, a.shape[0] - 1), min_size=n_pairs, max_size=n_pairs))
    )
    b_rows = np.array(
        data.draw(st.lists(st.integers(0, b.shape[0] - 1), min_size=n_pairs, max_size=n_pairs))
    )
    a_rows, b_rows = a_rows.astype(np.int64), b_rows.astype(np.int64)
    expected = np.asarray(a[a_rows].multiply(b[b_rows]).sum(axis=1), dtype=np.float64).ravel()
    got = row_dots(a, b, a_rows, b_rows)
    np.testing.assert_array_equal(got.view(np.int64), expected.view(np.int64))


def test_row_dots_with_an_infinite_entry_are_scipys() -> None:
    a = sparse.csr_matrix(np.array([[np.inf, 1.0, 0.0]], dtype=np.float32))
    b = sparse.csr_matrix(np.array([[0.0, 2.0, 3.0]], dtype=np.float32))
    expected = np.asarray(a.multiply(b).sum(axis=1), dtype=np.float64).ravel()
    np.testing.assert_array_equal(row_dots(a, b), expected)


def test_row_dots_of_long_rows_add_in_scipys_order() -> None:
    """More than 128 common columns: numpy's pairwise sum, as SciPy's row sum has it."""
    rng = np.random.default_rng(5)
    a = sparse.csr_matrix(rng.random((2, 3000), dtype=np.float32))
    b = sparse.csr_matrix(rng.random((2, 3000), dtype=np.float32))
    expected = np.asarray(a.multiply(b).sum(axis=1), dtype=np.float64).ravel()
    np.testing.assert_array_equal(row_dots(a, b), expected)
    sequential = np.cumsum(a.multiply(b).toarray(), axis=1, dtype=np.float32)[:, -1]
    assert not np.array_equal(sequential.astype(np.float64), expected)  # the order matters


@settings(deadline=None, max_examples=200)
@given(st.data())
def test_compiled_rows_product_is_scipys_product_to_the_bit(data) -> None:
    """The character route's cosines: a few rows (any entry order) times the donors' matrix."""
    from matcher.scoring.row_products import sparse_rows_product

    rows = data.draw(csr_matrices()).astype(np.float32)
    other = data.draw(csr_matrices(n_rows=rows.shape[1])).astype(np.float32)
    expected = (rows @ other).toarray()
    got = sparse_rows_product(rows, other)
    assert got.dtype == expected.dtype == np.float32
    np.testing.assert_array_equal(got.view(np.uint32), expected.view(np.uint32))


@settings(deadline=None, max_examples=200)
@given(st.data())
def test_split_rows_product_streams_the_common_terms_to_the_same_bits(data) -> None:
    """The character route with its commonest n-grams dense: still SciPy's product to the
    bit, whichever share of the terms is dense and whatever the rows' entry order."""
    from matcher.scoring.row_products import SplitProduct, sparse_rows_product

    rows = data.draw(csr_matrices()).astype(np.float32)
    other = data.draw(csr_matrices(n_rows=rows.shape[1])).astype(np.float32)
    split = SplitProduct(other, min_share=data.draw(st.sampled_from([0.0, 0.05, 0.5, 2.0])))
    expected = (rows @ other).toarray()
    got = sparse_rows_product(rows, split)
    assert got.dtype == expected.dtype == np.float32
    np.testing.assert_array_equal(got.view(np.uint32), expected.view(np.uint32))


def test_split_rows_product_holds_only_the_long_rows_dense() -> None:
    from matcher.scoring.row_products import SplitProduct

    other = sparse.csr_matrix(
        np.array([[1, 1, 1, 1], [0, 0, 1, 0], [1, 1, 0, 1]], dtype=np.float32)
    )
    split = SplitProduct(other, min_share=0.5)
    np.testing.assert_array_equal(split.dense_row, [0, -1, 1])
    np.testing.assert_array_equal(split.dense, other.toarray()[[0, 2]])


def test_compiled_rows_product_refuses_other_dtypes() -> None:
    from matcher.scoring.row_products import sparse_rows_product

    with pytest.raises(ValueError):
        sparse_rows_product(sparse.csr_matrix(np.eye(2)), sparse.csr_matrix(np.eye(2)))


@settings(deadline=None, max_examples=200)
@given(st.data())
def test_few_rows_times_dense_is_scipys_product_to_the_bit(data) -> None:
    from matcher.scoring.sparse_rows import few_rows_times_dense

    rows = data.draw(csr_matrices())
    seed = data.draw(st.integers(0, 2**32 - 1))
    dense_dtype = data.draw(st.sampled_from([np.float32, np.float64]))
    dense = np.random.default_rng(seed).random((rows.shape[1], 7)).astype(dense_dtype)
    expected = rows @ dense
    got = few_rows_times_dense(rows, dense)
    assert got.dtype == expected.dtype and got.shape == expected.shape
    assert got.tobytes() == np.ascontiguousarray(expected).tobytes()  # bit for bit


@settings(deadline=None, max_examples=300)
@given(st.data())
def test_compiled_paired_products_are_the_numpy_routes_to_the_bit(data) -> None:
    """row_dots' products from the compiled kernel: the same values, order and counts as
    the numpy route it replaced, canonical rows or not (and both refuse the same rows)."""
    from matcher.scoring.row_products import paired_products
    from matcher.scoring.sparse_rows import _paired_products

    a = data.draw(csr_matrices())
    b = data.draw(csr_matrices(n_cols=a.shape[1])).astype(a.dtype)
    if data.draw(st.booleans()) and a.nnz:  # now and then a value that is not finite
        a.data[data.draw(st.integers(0, a.nnz - 1))] = data.draw(
            st.sampled_from([np.inf, -np.inf, np.nan])
        )
    n_pairs = data.draw(st.integers(0, 6))
    a_rows = np.array(
        data.draw(st.lists(st.integers(0, a.shape[0] - 1), min_size=n_pairs, max_size=n_pairs)),
        dtype=np.int64,
    )
    b_rows = np.array(
        data.draw(st.lists(st.integers(0, b.shape[0] - 1), min_size=n_pairs, max_size=n_pairs)),
        dtype=np.int64,
    )
    expected = _paired_products(a, b, a_rows, b_rows)
    got = paired_products(a, b, a_rows, b_rows)
    if expected is None:
        assert got is None
        return
    assert got is not None
    for mine, old in zip(got, expected, strict=True):
        assert mine.dtype == old.dtype
        assert mine.tobytes() == old.tobytes()


def test_compiled_paired_products_refuse_a_column_twice_in_an_unsorted_row() -> None:
    from matcher.scoring.row_products import paired_products
    from matcher.scoring.sparse_rows import _paired_products

    a = sparse.csr_matrix(
        (np.array([1.0, 2.0, 3.0], dtype=np.float32), np.array([2, 0, 2]), np.array([0, 3])),
        shape=(1, 3),
    )
    b = sparse.csr_matrix(np.array([[1.0, 1.0, 1.0]], dtype=np.float32))
    rows = np.array([0], dtype=np.int64)
    assert paired_products(a, b, rows, rows) is None
    assert _paired_products(a, b, rows, rows) is None
    expected = np.asarray(a.multiply(b).sum(axis=1), dtype=np.float64).ravel()
    np.testing.assert_array_equal(row_dots(a, b), expected)


@settings(deadline=None, max_examples=200)
@given(csr_matrices(), st.data())
def test_dense_rows_are_the_taken_rows_toarray_to_the_bit(matrix, data) -> None:
    """Also with a column twice in a row (SciPy adds them up, in stored order)."""
    from matcher.scoring.sparse_rows import dense_rows

    if data.draw(st.booleans()) and matrix.nnz > 1:
        matrix.indices[1:] = matrix.indices[:-1]  # repeats within rows, unsorted
        matrix.has_sorted_indices = False
        matrix.has_canonical_format = False
    n = matrix.shape[0]
    rows = np.array(data.draw(st.lists(st.integers(-n, n - 1), max_size=8)), dtype=np.int64)
    expected = matrix[rows].toarray()
    got = dense_rows(matrix, rows)
    assert got.dtype == expected.dtype and got.shape == expected.shape
    assert got.tobytes() == expected.tobytes()


@settings(deadline=None, max_examples=150)
@given(st.data())
def test_products_side_by_side_are_each_parts_product_to_the_bit(data) -> None:
    """Geography, history and eligibility take their country products as one: each part's
    columns must be the bits its own product had, also after the parts are swapped."""
    from matcher.scoring.sparse_rows import few_rows_times_dense, few_rows_times_each

    rows = data.draw(csr_matrices())
    seed = data.draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    widths = data.draw(st.lists(st.integers(1, 9), min_size=1, max_size=4))
    parts = tuple(rng.random((rows.shape[1], w)).astype(np.float32) for w in widths)
    cache: dict[str, object] = {}
    for attempt in (parts, parts, parts[::-1]):
        got = few_rows_times_each(rows, attempt, cache, "test")
        assert len(got) == len(attempt)
        for mine, part in zip(got, attempt, strict=True):
            expected = few_rows_times_dense(rows, part)
            assert mine.dtype == expected.dtype and mine.shape == expected.shape
            assert np.ascontiguousarray(mine).tobytes() == expected.tobytes()
