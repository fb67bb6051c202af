"""The warm and one-proposal fast paths give the scores and top-k of the plain computation.

The plain computation is written out here as it was before the fast paths: the weighted
mean with its denominator from a matrix product over ``available``, the sort key from it,
and a full sort per proposal and per donor. Scores agree to float32 rounding, the ranked
pairs exactly.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from scipy import sparse

import matcher.scoring.score_set as score_set_module
from benchmarks.generate import write_dataset
from matcher.combine import combine_components, missing_patterns, resolve_weights, weight_sums
from matcher.load import load_donors, load_history, load_proposals
from matcher.rank import Matcher
from matcher.score import proposal_features
from matcher.scoring.features import record_features
from matcher.topk import best_per_group, top_k_per_column, top_k_per_row

WEIGHTINGS = ["balanced", "thematic=1", "targets=1,geography=1,history=0.5", "ecosystems=1"]


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> tuple[Matcher, pd.DataFrame]:
    """300 synthetic proposals x 40 donors from the benchmark generator, through the readers."""
    paths = write_dataset(tmp_path_factory.mktemp("fast"), 300, 40, seed=3)
    proposals = load_proposals(paths.proposals[0]).frame
    donors, history = load_donors(paths.donors).frame, load_history(paths.history).frame
    return Matcher().fit(donors, history, proposals=proposals), proposals


def _plain_scores(values: np.ndarray, available: np.ndarray, w: np.ndarray) -> np.ndarray:
    """The weighted mean as it was computed before, two matrix-vector products, in float64
    and rounded once to float32: the nearest float32 to the real weighted mean (a float32
    product is off by a few units in the last place, which reorders near-ties)."""
    flat_values = values.reshape(values.shape[0], -1).astype(np.float64)
    flat_available = available.reshape(available.shape[0], -1).astype(np.float64)
    w64 = np.asarray(w, dtype=np.float64)
    numerator, denominator = w64 @ flat_values, w64 @ flat_available
    with np.errstate(invalid="ignore", divide="ignore"):
        score = numerator / denominator
    score[denominator <= 0] = np.nan
    return score.astype(np.float32).reshape(values.shape[1:])


def _plain_top_k(key: np.ndarray, k: int, ids: np.ndarray) -> dict[int, list[int]]:
    """Each row's k best columns by a full sort: higher key, then lower id."""
    return {
        row: sorted(range(key.shape[1]), key=lambda c: (-key[row, c], ids[c]))[:k]
        for row in range(key.shape[0])
    }


@pytest.mark.parametrize("split", [False, True], ids=["one part", "two threads"])
@pytest.mark.parametrize("eligible_only", [False, True])
def test_ranked_both_ways_equals_a_full_sort_of_the_plain_scores(
    generated, monkeypatch: pytest.MonkeyPatch, split: bool, eligible_only: bool
) -> None:
    if split:  # the two-thread path, which larger score sets take, on this small one
        monkeypatch.setattr(score_set_module, "PARALLEL_MIN_PAIRS", 1)
    matcher, proposals = generated
    scores = matcher.score(proposals)
    for weighting in WEIGHTINGS:
        w = resolve_weights(weighting)
        plain = _plain_scores(scores.values, scores.available, w)
        key = np.fmax(plain.astype(np.float64), -1.0) + np.where(scores.reason_codes == 0, 0, -2)
        if eligible_only:
            key = np.where(scores.reason_codes == 0, key, -np.inf)
        by_proposal, by_donor = scores.ranked(
            5, by="both", weights=weighting, eligible_only=eligible_only
        )
        np.testing.assert_allclose(
            by_proposal.score, plain[by_proposal.proposal, by_proposal.donor], rtol=1.2e-7
        )
        expected = _plain_top_k(key, 5, scores.donor_ids.astype(str))
        eligible = scores.reason_codes == 0
        for p in range(0, len(proposals), 7):
            wanted = [m for m in expected[p] if eligible[p, m] or not eligible_only]
            assert by_proposal.donor[by_proposal.proposal == p].tolist() == wanted
        expected = _plain_top_k(key.T, 5, scores.proposal_ids.astype(str))
        for m in range(scores.shape[1]):
            wanted = [p for p in expected[m] if eligible[p, m] or not eligible_only]
            assert by_donor.proposal[by_donor.donor == m].tolist() == wanted
            assert by_donor.rank[by_donor.donor == m].tolist() == list(range(1, len(wanted) + 1))


def test_combine_is_the_same_number_on_every_path(generated, monkeypatch) -> None:
    """The score set, one chunk's combine and the top-k rows divide by the same denominator."""
    monkeypatch.setattr(score_set_module, "PARALLEL_MIN_PAIRS", 1)
    matcher, proposals = generated
    scores = matcher.score(proposals)
    for weighting in WEIGHTINGS:
        w = resolve_weights(weighting)
        combined = scores.combine(weighting)
        np.testing.assert_array_equal(
            combined, combine_components(scores.values, scores.available, w)
        )
        np.testing.assert_allclose(
            combined, _plain_scores(scores.values, scores.available, w), rtol=1.2e-7
        )
        top = scores.top_k(5, by="both", weights=weighting, explain=False)
        p = pd.Index(scores.proposal_ids.astype(str)).get_indexer(top["proposal_id"])
        m = pd.Index(scores.donor_ids.astype(str)).get_indexer(top["donor_id"])
        np.testing.assert_array_equal(
            top["score"].to_numpy(), np.round(combined[p, m].astype(np.float64), 4)
        )


def test_warm_rows_are_built_only_for_the_rows_asked_for(generated) -> None:
    matcher, proposals = generated
    scores = matcher.score(proposals)
    by_proposal, by_donor = scores.ranked(20, by="both")
    full = scores.top_k(20, by="both", explain=False)
    page = by_donor.frame(slice(0, 50), explain=False)
    expected = full[full["ranked_by"] == "donor"].drop(columns="ranked_by").head(50)
    pd.testing.assert_frame_equal(page, expected.reset_index(drop=True))
    assert len(by_proposal) == len(full[full["ranked_by"] == "proposal"])


def test_one_new_proposal_without_pandas_ranks_as_the_frame_path(generated) -> None:
    matcher, proposals = generated
    for i in range(0, len(proposals), 37):
        row = proposals.iloc[[i]]
        frame_path = matcher.score(row).top_k(len(matcher.donor_ids_), by="proposal")
        pd.testing.assert_frame_equal(matcher.score_one(row, explain=True), frame_path)
        record = {c: row[c].iloc[0] for c in row.columns}
        ranked = matcher.rank_one(record, top_k=10)
        assert ranked.donor.tolist() == matcher.score(row).ranked(10)[0].donor.tolist()


def test_the_explanation_cache_holds_its_feature_block_not_its_address(generated) -> None:
    """The dense proposal vector is cached by the block itself: a freed block's address can be
    reused by the next one, and an id() key handed the new proposal the old one's vector
    (seen as a flaky mismatch in the test above)."""
    matcher, proposals = generated
    ctx = matcher.context_
    first = proposal_features(proposals.iloc[[0]], matcher.text_model_, matcher.table_)
    second = proposal_features(proposals.iloc[[1]], matcher.text_model_, matcher.table_)
    assert (first.words != second.words).nnz > 0
    for features in (first, second, first):
        vector = ctx.proposal_vector(features, 0)
        np.testing.assert_array_equal(vector, features.words[0].toarray().ravel())
    assert ctx.__dict__["_proposal_vector"][0] is first  # alive while cached: no address reuse


def test_record_features_equal_the_frame_features(generated) -> None:
    matcher, proposals = generated
    for i in range(0, len(proposals), 41):
        row = proposals.iloc[[i]]
        framed = proposal_features(row, matcher.text_model_, matcher.table_)
        record = record_features(
            dict(zip(row.columns, row.iloc[0].tolist(), strict=True)),
            matcher.text_model_,
            matcher.table_,
        )
        for name in ("proposal_ids", "titles", "texts", "currency", "n_countries", "targets"):
            np.testing.assert_array_equal(getattr(record, name), getattr(framed, name))
        np.testing.assert_array_equal(record.requested_usd, framed.requested_usd)
        np.testing.assert_array_equal(record.ecosystems, framed.ecosystems)
        assert (record.words != framed.words).nnz == 0
        assert (record.countries != framed.countries).nnz == 0


def test_a_proposal_with_empty_cells_reads_as_the_frame_reads_it(generated) -> None:
    matcher, _ = generated
    record = {"proposal_id": "N1", "title": None, "description": float("nan"),
              "requested_amount": "not a number", "currency": None}  # fmt: skip
    features = record_features(record, matcher.text_model_, matcher.table_)
    assert features.texts.tolist() == [". . . . "]
    assert np.isnan(features.requested_usd).all() and features.currency.tolist() == [""]


def test_weight_sums_add_the_weights_of_the_present_components() -> None:
    w = np.array([0.3, 0.15, 0.1, 0.15, 0.1, 0.2], dtype=np.float32)
    sums = weight_sums(w)
    assert sums[0] == pytest.approx(1.0, abs=1e-6)  # every component present
    assert sums[0b000010] == pytest.approx(1.0 - 0.15, abs=1e-6)  # targets missing
    assert sums[0b111111] == 0.0
    available = np.ones((6, 2, 3), dtype=np.float32)
    available[1, 0, 2] = 0.0
    assert missing_patterns(available).tolist() == [[0, 0, 2], [0, 0, 0]]


@settings(deadline=None)
@given(
    arrays(np.float32, (60, 5), elements=st.sampled_from([0.0, 0.25, 0.5, 1.0, -1.0, -np.inf])),
    st.integers(min_value=1, max_value=12),
    st.permutations(list(range(60))),
)
def test_top_k_per_column_equals_the_transposed_row_top_k(key, k, tie_order) -> None:
    tie = np.asarray(tie_order)
    rows, cols, ranks = top_k_per_column(key, k, tie)
    expected_cols, expected_rows, expected_ranks = top_k_per_row(key.T, k, tie)
    assert rows.tolist() == expected_rows.tolist()
    assert cols.tolist() == expected_cols.tolist()
    assert ranks.tolist() == expected_ranks.tolist()


@settings(deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 4), st.sampled_from([0.0, 0.5, 1.0, -1.0])),
        min_size=1,
        max_size=40,
    ),
    st.integers(min_value=1, max_value=6),
)
def test_best_per_group_equals_a_lexsort(entries, k) -> None:
    groups = np.array([g for g, _ in entries])
    values = np.array([v for _, v in entries], dtype=np.float32)
    ties = np.random.default_rng(len(entries)).permutation(len(entries))
    members = np.arange(len(entries))
    order = np.lexsort((ties, -values, groups))
    expected = [int(i) for g in np.unique(groups) for i in [j for j in order if groups[j] == g][:k]]
    found, found_groups, ranks = best_per_group(groups, values, ties, k, members)
    assert found.tolist() == expected
    assert found_groups.tolist() == groups[expected].tolist()
    assert all(r >= 1 for r in ranks)


def test_a_proposal_text_product_alone_is_its_row_of_the_batch_to_the_bit(generated) -> None:
    """One new proposal's thematic product (compiled, or its own CSR parts) is the same number
    as its row in a block of proposals: an upload scored alone ranks as a full re-score does."""
    matcher, proposals = generated
    product = matcher.donor_vectors_.text_product
    words = proposal_features(proposals.iloc[:25], matcher.text_model_, matcher.table_).words
    batch = product.multiply(words)  # SciPy's products: more rows than the compiled path takes
    for part, whole in zip(product.multiply(words[:5]), batch, strict=True):
        np.testing.assert_array_equal(part, whole[:5])
    for i in range(words.shape[0]):
        alone = product.multiply(words[i])
        for part, whole in zip(alone, batch, strict=True):
            np.testing.assert_array_equal(part[0], whole[i])
    dense = (
        words.toarray()
        @ sparse.vstack(
            [matcher.donor_vectors_.profile_words, matcher.donor_vectors_.funded_sum_words]
        ).T.toarray()
    )
    n_donors = product.n_donors
    np.testing.assert_allclose(batch[0], dense[:, :n_donors], rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(batch[1], dense[:, n_donors:], rtol=1e-5, atol=1e-6)
