"""Block-wise character n-grams give scikit-learn's ``char_wb`` vocabulary, IDF and rows exactly."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer

from benchmarks.generate import write_dataset
from matcher.load import load_proposals
from matcher.score import _fold_text, proposal_texts
from matcher.scoring import char_grams
from matcher.scoring.char_grams import CharGramVectorizer

EDGE_TEXTS = [
    "",
    "   ",
    "a",
    "I a b",
    "Mangroves  of\tthe\u3000Saloum\ndelta",
    "红树林 湿地 保护区 2020年",
    "Aires protégées et forêts",
    "emoji \U0001f331 beyond the basic plane",
    "a NUL\x00inside",
    "x" * 3,
    "double  spaces   and single",
]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    paths = write_dataset(tmp_path_factory.mktemp("grams"), 120, 10, seed=9)
    texts = proposal_texts(load_proposals(paths.proposals[0]).frame)
    return [*(text[:1000] for text in texts), *EDGE_TEXTS]


@pytest.mark.parametrize("block_characters", [2_000_000, 5_000])
@pytest.mark.parametrize("ngram_range", [(2, 4), (1, 3), (3, 3), (2, 6)])
def test_fit_and_transform_equal_scikit_learn_bit_for_bit(
    corpus: list[str],
    ngram_range: tuple[int, int],
    block_characters: int,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """In one block and in many (texts are cut a block of characters at a time)."""
    monkeypatch.setattr(char_grams, "_BLOCK_CHARACTERS", block_characters)
    options = dict(
        analyzer="char_wb",
        ngram_range=ngram_range,
        preprocessor=_fold_text,
        sublinear_tf=True,
        dtype=np.float32,
        min_df=1,
    )
    fast, plain = CharGramVectorizer(**options), TfidfVectorizer(**options)
    fitted_fast, fitted_plain = fast.fit_transform(corpus), plain.fit_transform(corpus)
    assert fast.vocabulary_ == plain.vocabulary_
    assert len(fast.vocabulary_) > 1000
    np.testing.assert_array_equal(fast.idf_, plain.idf_)
    later = [*EDGE_TEXTS, *corpus[:30][::-1], "unseen zzqx words"]
    _same(fast.transform(later), plain.transform(later))
    # Fitted rows keep the order terms were first seen in, as scikit-learn's do: same norms.
    _same(fitted_fast, fitted_plain)


def _same(got: sparse.csr_matrix, expected: sparse.csr_matrix) -> None:
    """Bit for bit, the order of the terms within each row included."""
    got, expected = sparse.csr_matrix(got), sparse.csr_matrix(expected)
    assert got.dtype == expected.dtype == np.float32
    for name in ("indptr", "indices", "data"):
        np.testing.assert_array_equal(getattr(got, name), getattr(expected, name))


def test_text_beyond_the_basic_plane_is_cut_by_scikit_learns_analyser(corpus: list[str]) -> None:
    fast = CharGramVectorizer(analyzer="char_wb", ngram_range=(2, 4)).fit(corpus)
    assert " \U0001f331 " in fast.vocabulary_
    assert "\x00i" in fast.vocabulary_
    row = fast.transform(["\U0001f331 plane"])
    assert row[0, fast.vocabulary_[" \U0001f331 "]] > 0
