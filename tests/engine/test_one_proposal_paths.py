"""The one-proposal shortcuts (countries, ecosystems, own funding) give the plain path's bits.

Each shortcut replaces a SciPy construction or product that cost more in checks than in work
for one new proposal; each is checked here against that construction or product itself.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import sparse

import matcher.own_funding as own_funding
from benchmarks.generate import write_dataset
from matcher.load import load_donors, load_history, load_proposals
from matcher.profile import _as_tuple, country_matrix, country_table
from matcher.rank import Matcher
from matcher.score import TextModel
from matcher.scoring.features import record_features

TEXTS = st.lists(
    st.sampled_from(
        [
            "mangrove",
            "wetlands",
            "coral",
            "reef",
            "forest",
            "Forêts",
            "zones humides",
            "manglares",
            "arrecifes",
            "湿地",
            "红树林",
            "peatlands",
            "savanna",
            "the",
            "",
            " ",
            "x1",
        ]
    ),
    max_size=12,
).map(" ".join)


def _coo_countries(country_lists: list[object]) -> sparse.csr_matrix:
    """The COO build country_matrix used before, written out."""
    table = country_table()
    rows, cols = [], []
    for row, codes in enumerate(country_lists):
        for col in set(table.indices(_as_tuple(codes))):
            rows.append(row)
            cols.append(col)
    return sparse.csr_matrix(
        (np.ones(len(rows), dtype=np.float32), (rows, cols)),
        shape=(len(country_lists), table.n_countries),
        dtype=np.float32,
    )


CODES = st.sampled_from(["FJI", "BRA", "COL", "PER", "XXX", "fji", "KEN", "CHN"])


@settings(deadline=None, max_examples=150)
@given(
    st.lists(
        st.one_of(
            st.tuples(CODES, CODES, CODES),
            st.lists(CODES, max_size=4),
            st.lists(CODES, max_size=4).map(";".join),
            st.just(float("nan")),
            st.none(),
        ),
        max_size=6,
    )
)
def test_country_rows_are_the_coo_build_exactly(country_lists) -> None:
    ours, coo = country_matrix(country_lists, country_table()), _coo_countries(country_lists)
    assert ours.shape == coo.shape
    for name in ("data", "indices", "indptr"):
        assert getattr(ours, name).dtype == getattr(coo, name).dtype
        np.testing.assert_array_equal(getattr(ours, name), getattr(coo, name))


@pytest.fixture(scope="module")
def text_model() -> TextModel:
    donors = [
        "Mangrove and coral reef restoration in small islands.",
        "Zones humides et forêts du bassin du Congo; savanes.",
        "Restauración de manglares y humedales andinos.",
        "湿地保护区 红树林 森林恢复",
    ]
    return TextModel().fit(donors, ["Peatlands and savanna grasslands; forest corridors."])


@settings(deadline=None, max_examples=200)
@given(st.lists(TEXTS, min_size=1, max_size=5))
def test_ecosystems_found_by_look_up_are_the_keyword_product(text_model, texts) -> None:
    words = text_model.words(texts)
    product = np.asarray((words @ text_model.ecosystem_terms_).toarray() > 0)
    np.testing.assert_array_equal(text_model.ecosystems_in(words), product)


def test_ecosystems_of_a_row_with_a_zero_weight_follow_the_product(text_model) -> None:
    words = text_model.words(["mangrove wetlands coral"]).copy()
    words.data[:] = 0.0  # explicit zeros: no term counts, as the product says
    product = np.asarray((words @ text_model.ecosystem_terms_).toarray() > 0)
    np.testing.assert_array_equal(text_model.ecosystems_in(words), product)
    assert not product.any()


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory):
    paths = write_dataset(tmp_path_factory.mktemp("one"), 300, 40, seed=5)
    proposals = load_proposals(paths.proposals[0]).frame
    donors, history = load_donors(paths.donors).frame, load_history(paths.history).frame
    return Matcher().fit(donors, history, proposals=proposals), proposals


def _scipy_rows(matrix: sparse.csr_matrix, rows: np.ndarray) -> sparse.csr_matrix:
    return matrix[rows]


def _scipy_dots(a, b, a_rows=None, b_rows=None) -> np.ndarray:
    if a_rows is not None:
        a, b = a[a_rows], b[b_rows]
    return np.asarray(a.multiply(b).sum(axis=1), dtype=np.float64).ravel()


def test_funded_proposals_scored_alone_get_scipys_bits(generated, monkeypatch) -> None:
    """A proposal the history funded, scored alone (the own-funding pairs recomputed): the
    same component stack with the shortcuts as with SciPy's indexing and products."""
    matcher, proposals = generated
    funded_ids = set(matcher.profiles_.funded_proposals["proposal_id"].astype(str))
    records = [
        dict(zip(proposals.columns, row, strict=True))
        for row in proposals.itertuples(index=False)
        if str(row.proposal_id) in funded_ids
    ][:12]
    assert records

    def stacks() -> list[np.ndarray]:
        found = []
        for record in records:
            features = record_features(record, matcher.text_model_, matcher.table_)
            scores = matcher._score_set(features)
            found.append(np.concatenate([scores.values.ravel(), scores.available.ravel()]))
        return found

    fast = stacks()
    monkeypatch.setattr(own_funding, "take_rows", _scipy_rows)
    monkeypatch.setattr(own_funding, "row_dots", _scipy_dots)
    plain = stacks()
    for ours, theirs in zip(fast, plain, strict=True):
        np.testing.assert_array_equal(ours.view(np.uint32), theirs.view(np.uint32))


WORDS = st.sampled_from(
    [
        "mangrove",
        "Mangroves",
        "wetlands",
        "Forêts",
        "forêts",
        "zones humides",
        "aires protégées",
        "manglares",
        "Restauración",
        "arrecifes",
        "湿地保护区",
        "红树林",
        "森林恢复",
        "l’eau",
        "REDD+",
        "2020s",
        "a1b2",
        "x",
        "snake_case",
        "",
        "  ",
        "—",
    ]
)


@settings(deadline=None, max_examples=200)
@given(st.lists(WORDS, max_size=40).map(" ".join))
def test_one_text_alone_gets_scikit_learns_row_to_the_bit(text_model, text) -> None:
    """One new proposal's words and characters (the one-row counting) against scikit-learn's
    transform of that text, French, Spanish, Chinese and empty texts included."""
    for fast, reference in (
        (text_model.words([text]), text_model.word_.transform([text])),
        (text_model.chars([text]), text_model.char_.transform([text])),
    ):
        reference = reference.astype(np.float32)
        assert fast.dtype == np.float32 and fast.shape == reference.shape
        np.testing.assert_array_equal(fast.indptr, reference.indptr)
        np.testing.assert_array_equal(fast.indices, reference.indices)
        np.testing.assert_array_equal(fast.data.view(np.uint32), reference.data.view(np.uint32))


@settings(deadline=None, max_examples=300)
@given(
    st.lists(
        st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, width=64), min_size=1, max_size=40
    )
)
def test_median_of_a_donors_grants_is_numpys_to_the_bit(values) -> None:
    array = np.log10(np.abs(np.asarray(values)) + 1.0)
    assert own_funding.median_of(array) == float(np.median(array))
    assert np.float64(own_funding.median_of(array)).tobytes() == np.median(array).tobytes()
