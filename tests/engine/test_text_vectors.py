"""The engine's own word and character counting gives exactly scikit-learn's TF-IDF rows."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import sparse

from benchmarks.generate import write_dataset
from matcher.load import load_proposals
from matcher.score import TextModel, _fold_text, proposal_texts
from matcher.scoring.char_grams import CharGramVectorizer
from matcher.scoring.text import ARROW_MIN_TEXTS

DONOR_TEXTS = [
    "Protected areas and wetlands in the Andes; community forestry and mangrove restoration.",
    "Marine and coastal ecosystems, coral reefs, small island developing states.",
    "Aires protégées et zones humides: gestion communautaire des forêts du bassin du Congo.",
    "湿地保护区 生物多样性 森林恢复 与 社区 生计",
]
PROPOSAL_TEXTS = [
    "Expanding the protected-area network of the Andes with indigenous communities.",
    "Restauración de manglares y arrecifes costeros en islas del Caribe.",
    "Mixed tokens: snake_case words, a1b2 codes, 2020s, x, ÉCOLE, l’eau “quoted” — dash.",
    "红树林 湿地 保护区 2020年 管理 coral reef",
    "",
    "   ",
    "REDD+ forests FORESTS Forests, forests; wetlands/peatlands & marsh",
]


@pytest.fixture(scope="module")
def model() -> TextModel:
    return TextModel().fit(DONOR_TEXTS, [text[:1000] for text in DONOR_TEXTS])


def _same(fast: sparse.csr_matrix, reference: sparse.csr_matrix) -> None:
    assert fast.dtype == np.float32
    np.testing.assert_array_equal(fast.indptr, reference.indptr)
    np.testing.assert_array_equal(fast.indices, reference.indices)
    np.testing.assert_array_equal(fast.data, reference.data)  # bit for bit, not approximately


def _plain_chars(model: TextModel, texts: list[str]) -> sparse.csr_matrix:
    """The character rows as scikit-learn's own counting (one analyser call per text) gives."""
    with pytest.MonkeyPatch.context() as patched:
        patched.setattr(CharGramVectorizer, "_fast", lambda self: False)
        return model.char_.transform(texts).astype(np.float32)


def test_word_rows_equal_scikit_learn_transform_bit_for_bit(model: TextModel) -> None:
    texts = [*PROPOSAL_TEXTS, *DONOR_TEXTS]
    fast = model.words(texts)
    assert fast.nnz > 20
    _same(fast, model.word_.transform(texts).astype(np.float32))


def test_a_block_of_generated_proposals_gets_scikit_learn_rows_through_arrow(
    model: TextModel, tmp_path
) -> None:
    """A block of many texts is split and looked up in Arrow: still bit for bit, in every
    language the generator writes (English, French, Spanish, Chinese) and in the literal edge
    cases above, folded text included."""
    paths = write_dataset(tmp_path, 200, 10, seed=5)
    generated = proposal_texts(load_proposals(paths.proposals[0]).frame)
    texts = [*generated, *PROPOSAL_TEXTS, *DONOR_TEXTS]
    assert sum(text.isascii() for text in texts) >= ARROW_MIN_TEXTS
    assert any(not text.isascii() and _fold_text(text).isascii() for text in texts)
    assert any(not _fold_text(text).isascii() for text in texts)
    fitted = TextModel().fit(generated[:60], [text[:1000] for text in generated[:60]])
    for vectoriser_model in (model, fitted):
        folded: dict[int, str] = {}
        fast = vectoriser_model.words(texts, folded)
        assert fast.nnz > 1000 or vectoriser_model is model
        _same(fast, vectoriser_model.word_.transform(texts).astype(np.float32))
        assert set(folded) == {i for i, text in enumerate(texts) if not text.isascii()}
        reference = _plain_chars(vectoriser_model, texts)
        _same(vectoriser_model.chars(texts, [folded.get(i) for i in range(len(texts))]), reference)


def test_character_rows_equal_scikit_learn_transform_with_and_without_folded_text(
    model: TextModel,
) -> None:
    folded: dict[int, str] = {}
    model.words(PROPOSAL_TEXTS, folded)
    # Only non-ASCII texts are folded on the way; their folded form feeds the n-grams.
    assert set(folded) == {i for i, text in enumerate(PROPOSAL_TEXTS) if not text.isascii()}
    assert folded[1] == _fold_text(PROPOSAL_TEXTS[1])
    reference = _plain_chars(model, PROPOSAL_TEXTS)
    _same(model.chars(PROPOSAL_TEXTS), reference)
    _same(
        model.chars(PROPOSAL_TEXTS, [folded.get(i) for i in range(len(PROPOSAL_TEXTS))]), reference
    )


def test_words_outside_the_vocabulary_and_runs_with_digits_count_for_nothing(
    model: TextModel,
) -> None:
    row = model.words(["zzyzx a1b2 wetlands2 snake_case"])
    assert row.nnz == 0
    row = model.words(["Wetlands, wetlands!"])
    assert row.nnz == 1
    assert model.terms_[row.indices[0]] == "wetlands"
    assert row.data[0] == pytest.approx(1.0)


def _plain_fold(text: str) -> str:
    """:func:`_fold_text` as first written: regular expressions and a loop over the words."""
    import re
    import unicodedata

    from matcher.scoring.text import (
        _CJK,
        _CJK_GLOSS_PATTERN,
        _GLOSSES,
        _PHRASE_GLOSSES,
        _PHRASE_STARTS,
        _WORD_GLOSSES,
    )

    text = text.lower()
    if text.isascii():
        return text
    plain = text.translate({0x2019: "'", 0x2018: "'", 0x201C: '"', 0x201D: '"'})
    plain = plain.translate({0x2013: "-", 0x2014: "-", 0xA0: " "})
    if plain.isascii():
        return plain
    folded = re.sub(r"[\u0300-\u036f]", "", unicodedata.normalize("NFKD", plain))
    words = re.findall(r"[a-z]+", folded)
    glosses = [_WORD_GLOSSES[w] for w in words if w in _WORD_GLOSSES]
    for i, word in enumerate(words):
        if word in _PHRASE_STARTS:
            for size in (2, 3):
                phrase = " ".join(words[i : i + size])
                if phrase in _PHRASE_GLOSSES:
                    glosses.append(_PHRASE_GLOSSES[phrase])
    if _CJK.search(folded):
        glosses.extend(_GLOSSES[m.group(0)] for m in _CJK_GLOSS_PATTERN.finditer(folded))
    return folded + " " + " ".join(glosses) if glosses else folded


def test_folding_gives_the_text_the_plain_regular_expressions_give(tmp_path) -> None:
    paths = write_dataset(tmp_path, 300, 10, seed=8)
    texts = [t for t in proposal_texts(load_proposals(paths.proposals[0]).frame) if not t.isascii()]
    texts += [*PROPOSAL_TEXTS, *DONOR_TEXTS, "Fjørd STRASSE ǅemal ﬁne x²y aire protégée des îles"]
    assert len(texts) > 30
    folded = [_fold_text(text) for text in texts]
    assert folded == [_plain_fold(text) for text in texts]
    assert any("protected area" in text for text in folded)  # a phrase gloss was added


def test_fitting_words_in_arrow_gives_scikit_learns_vocabulary_idf_and_rows(tmp_path) -> None:
    """Fitted rows too, bit for bit and in scikit-learn's own order of terms within a row."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    from matcher.scoring.text import STOP_WORDS, WORD_PATTERN, WordVectorizer

    paths = write_dataset(tmp_path, 150, 10, seed=4)
    corpus = [
        *proposal_texts(load_proposals(paths.proposals[0]).frame),
        *PROPOSAL_TEXTS,
        *DONOR_TEXTS,
        "ab1cd a_b x2 I am OK the and WETLANDS",
    ]
    options = dict(
        preprocessor=_fold_text,
        stop_words=sorted(STOP_WORDS),
        sublinear_tf=True,
        dtype=np.float32,
        token_pattern=WORD_PATTERN,
    )
    fast, plain = WordVectorizer(**options), TfidfVectorizer(**options)
    got, expected = fast.fit_transform(corpus), plain.fit_transform(corpus)
    assert fast.vocabulary_ == plain.vocabulary_
    assert "ab" not in fast.vocabulary_ and "wetlands" in fast.vocabulary_
    np.testing.assert_array_equal(fast.idf_, plain.idf_)
    for name in ("indptr", "indices", "data"):
        np.testing.assert_array_equal(getattr(got, name), getattr(expected, name))
