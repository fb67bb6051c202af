"""Character n-grams inside word boundaries (scikit-learn's ``char_wb``) for a whole block at once.

scikit-learn cuts every n-gram of every word with a Python slice, which made the character
model the slowest part of fitting donors (some 9 s of 15 for 1,000 donors and 5,000 funded
proposals). Here a block of texts becomes one array of code points, each n-gram one integer
(up to four 16-bit code points), and counting, the vocabulary and the look-up are numpy work.
The n-grams, their counts, the vocabulary and so the TF-IDF rows are scikit-learn's exactly;
a text with a code point above U+FFFF or a NUL (rare) is cut by scikit-learn's own analyser.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

import numpy as np
import pandas as pd
from scipy import sparse
from sklearn.feature_extraction import text as sklearn_text
from sklearn.feature_extraction.text import TfidfVectorizer

__all__ = ["CharGramVectorizer", "char_gram_tokens", "token_counts"]

_BITS = 16
_MAX_N = 64 // _BITS


def token_counts(
    row_parts: Sequence[np.ndarray],
    term_parts: Sequence[np.ndarray],
    shape: tuple[int, int],
    dtype: type = np.float32,
) -> sparse.csr_matrix:
    """How often each term occurs in each row, from the (row, term) of every token.

    Tokens with term -1 (not in the vocabulary) count for nothing. One sort of the pairs as
    ``row x terms + term`` gives canonical rows (indices sorted, each once) directly: numpy's
    sort of int64 is several times faster than sorting each sparse row after building it.
    """
    n_rows, n_terms = shape
    term = np.concatenate(term_parts) if len(term_parts) else np.zeros(0, dtype=np.int64)
    if n_rows == 1:  # one new proposal: its sorted distinct terms and counts are the row
        # np.unique's counts by hand: one sort and a comparison (its set-up cost more here)
        known = np.sort(term[term >= 0].astype(np.int64))
        starts = np.flatnonzero(np.concatenate(([True], known[1:] != known[:-1])))
        distinct = known[starts] if known.size else known
        counts = np.diff(np.append(starts, known.size)) if known.size else known
        index_dtype = np.int32 if max(n_terms, distinct.size) < 2**31 else np.int64
        return sparse.csr_matrix(
            (
                counts.astype(dtype),
                distinct.astype(index_dtype),
                np.array([0, distinct.size], dtype=index_dtype),
            ),
            shape=shape,
        )
    row = np.concatenate(row_parts) if len(row_parts) else np.zeros(0, dtype=np.int64)
    known = term >= 0
    pair = np.sort(row[known].astype(np.int64) * n_terms + term[known])
    first = np.flatnonzero(np.r_[True, pair[1:] != pair[:-1]]) if pair.size else pair[:0]
    counts = np.diff(np.r_[first, pair.size]).astype(dtype)
    distinct = pair[first]
    indptr = np.zeros(n_rows + 1, dtype=np.int64)
    np.cumsum(np.bincount(distinct // n_terms, minlength=n_rows), out=indptr[1:])
    index_dtype = np.int32 if max(n_terms, distinct.size) < 2**31 else np.int64
    return sparse.csr_matrix(
        (counts, (distinct % n_terms).astype(index_dtype), indptr.astype(index_dtype)),
        shape=shape,
    )


_BLOCK_CHARACTERS = 2_000_000
"""Texts are cut into n-grams this many characters at a time: bounds the arrays (about 60
bytes a character) while fitting on thousands of funded proposals."""
_BLOCK_RANK_BITS = 52  # ranks inside one block stay below 2**52 (words x n x offset)


def _blocks(texts: Sequence[str]) -> list[tuple[int, int]]:
    """(start, end) of consecutive runs of texts of about :data:`_BLOCK_CHARACTERS` in all."""
    blocks, start, size = [], 0, 0
    for end, text in enumerate(texts, start=1):
        size += len(text)
        if size >= _BLOCK_CHARACTERS:
            blocks.append((start, end))
            start, size = end, 0
    if start < len(texts):
        blocks.append((start, len(texts)))
    return blocks


def _align_sparse(matrix: sparse.csr_array) -> object:
    """The matrix as scikit-learn's own counting returns it (array or matrix, per its settings)."""
    align = getattr(sklearn_text, "_align_api_if_sparse", None)
    return align(matrix) if align is not None else sparse.csr_matrix(matrix)


def _padded(text: str) -> str:
    """The text's words, each with a space either side, two spaces between words.

    An n-gram of this string that holds no two spaces in a row lies inside one padded word,
    and every n-gram of a padded word is one such; so these are exactly ``char_wb``'s n-grams.
    """
    words = text.split()
    return " " + "  ".join(words) + " " if words else ""


_OFFSET_BITS = 24  # an n-gram's place in its word; a text this long goes the slow path


def _windows(
    texts: Sequence[str], ngram_range: tuple[int, int], *, with_rank: bool = False
) -> tuple[dict[int, tuple[np.ndarray, ...]], np.ndarray]:
    """Per n: (row, key) of every n-gram of the texts; and which rows need the slow path.

    ``with_rank`` adds, per n-gram, its place in scikit-learn's order of cutting (text, word,
    n, offset in the word) as one int64, so terms can be numbered in the order first seen.
    """
    padded = [_padded(text) for text in texts]
    lengths = np.fromiter(map(len, padded), np.int64, len(padded))
    codes = np.frombuffer("".join(padded).encode("utf-32-le"), dtype=np.uint32)
    row_of = np.repeat(np.arange(len(padded), dtype=np.int64), lengths)
    unusual = (codes >= 1 << _BITS) | (codes == 0)
    slow = lengths >= 1 << _OFFSET_BITS
    if unusual.any():
        slow[np.unique(row_of[unusual])] = True
    keys = codes.astype(np.uint64)
    double_space = (codes[:-1] == 32) & (codes[1:] == 32)
    min_n, max_n = ngram_range
    if with_rank:
        # A padded word starts at a space followed by a letter; each n-gram lies in one word.
        word_start = np.r_[(codes[:-1] == 32) & (codes[1:] != 32), False]
        word_id = np.cumsum(word_start) - 1
        start_of_word = np.flatnonzero(word_start)
        per_word = (max_n - min_n + 1) << _OFFSET_BITS
    found: dict[int, tuple[np.ndarray, ...]] = {}
    for n in range(min_n, max_n + 1):
        count = codes.size - n + 1
        if count <= 0:
            empty = (np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.uint64))
            found[n] = (*empty, np.zeros(0, dtype=np.int64)) if with_rank else empty
            continue
        key = keys[:count].copy()
        good = np.ones(count, dtype=bool)
        for j in range(1, n):
            key <<= np.uint64(_BITS)
            key |= keys[j : j + count]
            good &= ~double_space[j - 1 : j - 1 + count]
        rows = row_of[:count]
        good &= ~slow[rows]
        if not with_rank:
            found[n] = (rows[good], key[good])
            continue
        at = np.flatnonzero(good)
        word = word_id[at]
        offset = at - start_of_word[word]
        rank = word * per_word + ((n - min_n) << _OFFSET_BITS) + offset
        found[n] = (rows[at], key[at], rank)
    if with_rank:
        first_word = np.zeros(len(padded), dtype=np.int64)
        starts = np.cumsum(lengths) - lengths
        has_text = lengths > 0
        first_word[has_text] = word_id[starts[has_text]]
        found[0] = (first_word * per_word,)  # where a slow-path text's own n-grams rank from
    return found, slow


def _key_text(keys: np.ndarray, n: int) -> list[str]:
    """The n-grams that integer keys stand for (code points high to low bits)."""
    shifts = np.arange(n - 1, -1, -1, dtype=np.uint64) * np.uint64(_BITS)
    points = ((keys[:, None] >> shifts) & np.uint64((1 << _BITS) - 1)).astype(np.uint32)
    return np.ascontiguousarray(points).view(f"<U{n}").ravel().tolist()


def char_gram_tokens(
    texts: Sequence[str],
    ngram_range: tuple[int, int],
    vocabulary: dict[str, int],
    key_index: dict[int, tuple[pd.Index, np.ndarray]],
    analyse: Callable[[str], list[str]],
    windows: tuple[dict[int, tuple[np.ndarray, np.ndarray]], np.ndarray] | None = None,
) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """Row and term index (-1 if not in ``vocabulary``) of every n-gram of (folded) texts.

    ``key_index`` (from :func:`vocabulary_keys`) holds, per n, a hash index of the integer keys
    of the vocabulary's n-grams and their term indices; ``analyse`` cuts the few slow-path
    texts; ``windows`` is :func:`_windows` of the texts when the caller has it already.
    """
    found, slow = _windows(texts, ngram_range) if windows is None else windows
    row_parts, term_parts = [], []
    for n, (rows, keys) in found.items():
        if n not in key_index or not len(key_index[n][0]):
            continue
        keys_of_terms, terms = key_index[n]
        at = keys_of_terms.get_indexer(keys)  # a hash look-up: -1 where the n-gram is unknown
        row_parts.append(rows)
        term_parts.append(np.where(at >= 0, terms[at], -1))
    for row in np.flatnonzero(slow).tolist():
        grams = analyse(texts[row])
        term_parts.append(np.fromiter((vocabulary.get(g, -1) for g in grams), np.int64, len(grams)))
        row_parts.append(np.full(len(grams), row, dtype=np.int64))
    return row_parts, term_parts


def vocabulary_keys(
    vocabulary: dict[str, int], ngram_range: tuple[int, int]
) -> dict[int, tuple[pd.Index, np.ndarray]]:
    """Per n, the integer keys of the vocabulary's n-grams (a hash index) and their term indices."""
    by_length: dict[int, list[tuple[str, int]]] = {}
    for term, index in vocabulary.items():
        if len(term) <= _MAX_N and all(0 < ord(c) < 1 << _BITS for c in term):
            by_length.setdefault(len(term), []).append((term, index))
    index: dict[int, tuple[np.ndarray, np.ndarray]] = {}
    for n in range(ngram_range[0], ngram_range[1] + 1):
        pairs = by_length.get(n, [])
        points = np.array([[ord(c) for c in term] for term, _ in pairs], dtype=np.uint64)
        keys = np.zeros(len(pairs), dtype=np.uint64)
        for j in range(n):
            if len(pairs):
                keys = (keys << np.uint64(_BITS)) | points[:, j]
        index[n] = (
            pd.Index(keys, dtype=np.uint64),
            np.array([i for _, i in pairs], dtype=np.int64),
        )
    return index


class CharGramVectorizer(TfidfVectorizer):
    """``TfidfVectorizer(analyzer="char_wb")`` whose counting runs on whole blocks of texts.

    Only the counting step (``_count_vocab``, the one scikit-learn runs a Python loop per
    n-gram in) is replaced; vocabulary sorting, document frequencies, IDF and normalising stay
    scikit-learn's. Other analysers, or n-grams longer than four, count as scikit-learn does.
    """

    def _fast(self) -> bool:
        return self.analyzer == "char_wb" and 1 <= self.ngram_range[0] <= self.ngram_range[1] <= 4

    def _count_vocab(
        self, raw_documents: Iterable[str], fixed_vocab: bool
    ) -> tuple[dict[str, int], object]:
        if not self._fast():
            return super()._count_vocab(raw_documents, fixed_vocab)
        preprocess = self.build_preprocessor()
        texts = [preprocess(self.decode(doc)) for doc in raw_documents]
        blocks = _blocks(texts)
        if fixed_vocab:
            vocabulary = self.vocabulary_
            keys = None  # the fitted vocabulary's, kept by tokens()
        else:
            vocabulary = self._block_vocabulary(texts, blocks)
            if not vocabulary:
                raise ValueError("empty vocabulary; perhaps the documents only contain stop words")
            # Not kept: scikit-learn renumbers this dict in place right after (alphabetically).
            keys = vocabulary_keys(vocabulary, self.ngram_range)
        parts = []
        for start, end in blocks:
            block = texts[start:end]
            if keys is None:
                rows, terms = self.tokens(block, vocabulary)
            else:
                rows, terms = char_gram_tokens(
                    block, self.ngram_range, vocabulary, keys, self._char_wb_ngrams
                )
            parts.append(token_counts(rows, terms, (len(block), len(vocabulary)), np.intc))
        if len(parts) == 1:
            counts = parts[0]
        elif parts:
            counts = sparse.vstack(parts, format="csr")
        else:
            counts = sparse.csr_matrix((0, len(vocabulary)), dtype=np.intc)
        matrix = sparse.csr_array(
            (counts.data, counts.indices.astype(np.int32), counts.indptr.astype(np.int32)),
            shape=counts.shape,
            dtype=self.dtype,
        )
        matrix.sort_indices()  # already sorted: a check
        return vocabulary, _align_sparse(matrix)

    def tokens(
        self,
        texts: Sequence[str],
        vocabulary: dict[str, int] | None = None,
        windows: tuple[dict[int, tuple[np.ndarray, np.ndarray]], np.ndarray] | None = None,
    ) -> tuple[list[np.ndarray], list[np.ndarray]]:
        """:func:`char_gram_tokens` of preprocessed texts, against the fitted vocabulary by default.

        The vocabulary's keys are built once per fitted vocabulary and kept.
        """
        vocabulary = self.vocabulary_ if vocabulary is None else vocabulary
        cached = getattr(self, "vocabulary_keys_", None)
        if cached is None or cached[0] is not vocabulary:
            cached = (vocabulary, vocabulary_keys(vocabulary, self.ngram_range))
            self.vocabulary_keys_ = cached
        return char_gram_tokens(
            texts, self.ngram_range, vocabulary, cached[1], self._char_wb_ngrams, windows
        )

    def _block_vocabulary(
        self, texts: Sequence[str], blocks: Sequence[tuple[int, int]]
    ) -> dict[str, int]:
        """Every n-gram of the texts, numbered in the order scikit-learn first meets them.

        scikit-learn numbers terms as it first sees them and keeps that order inside each
        fitted row (it renumbers them alphabetically after); numbering them the same way
        leaves the fitted rows, and so their L2 norms, exactly as its own.
        """
        first_seen: dict[str, int] = {}
        for number, (start, end) in enumerate(blocks):
            # Blocks in text order: a later block's ranks all come after an earlier one's.
            block = texts[start:end]
            self._first_seen(block, number << _BLOCK_RANK_BITS, first_seen)
        ordered = sorted(first_seen, key=first_seen.__getitem__)
        return {term: index for index, term in enumerate(ordered)}

    def _first_seen(self, texts: Sequence[str], base: int, first_seen: dict[str, int]) -> None:
        """Each n-gram's first rank in ``texts`` (plus ``base``) into ``first_seen``, if earlier."""
        found, slow = _windows(texts, self.ngram_range, with_rank=True)
        text_rank = found.pop(0)[0] + base
        for n, (_, keys, rank) in found.items():
            # For one n the n-grams come in text order, so a key's first place is its first rank.
            first = np.flatnonzero(~pd.Series(keys).duplicated().to_numpy())
            seen_at = (rank[first] + base).tolist()
            for term, seen in zip(_key_text(keys[first], n), seen_at, strict=True):
                if seen < first_seen.get(term, seen + 1):
                    first_seen[term] = seen
        for row in np.flatnonzero(slow).tolist():
            at = int(text_rank[row])
            for j, term in enumerate(self._char_wb_ngrams(texts[row])):
                if at + j < first_seen.get(term, at + j + 1):
                    first_seen[term] = at + j
