"""Proposal and donor text as vectors: folding, glosses, word and character TF-IDF.

The engine counts word and character TF-IDF rows itself (bit-identical to scikit-learn's,
without its per-token loop); character n-grams only for short or non-Latin text.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import compress, count, repeat

import numpy as np
import pandas as pd
from scipy import sparse
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, TfidfVectorizer
from sklearn.utils.sparsefuncs_fast import inplace_csr_row_normalize_l2

from matcher.contract import ECOSYSTEMS
from matcher.profile import (
    _column,
)
from matcher.scoring.char_grams import CharGramVectorizer, _align_sparse, token_counts

TEXT_FIELDS = ("title", "summary", "description", "objectives")

# --------------------------------------------------------------------------- text

# Key conservation terms in French, Spanish and Chinese, glossed into English so a proposal
# written in those languages still meets donor priorities written in English. Keys are
# lower-case and accent-free (French/Spanish) as produced by ``_fold_text``.
_GLOSSES: dict[str, str] = {
    # French
    "aire protegee": "protected area",
    "aires protegees": "protected areas",
    "zone humide": "wetland",
    "zones humides": "wetlands",
    "foret": "forest",
    "forets": "forests",
    "forestier": "forest",
    "mangroves": "mangroves",
    "recif": "reef",
    "recifs": "reefs",
    "corallien": "coral",
    "cotier": "coastal",
    "cotiere": "coastal",
    "littoral": "coastal",
    "marin": "marine",
    "marine": "marine",
    "biodiversite": "biodiversity",
    "especes": "species",
    "espece": "species",
    "envahissantes": "invasive",
    "restauration": "restoration",
    "montagne": "mountain",
    "montagnes": "mountains",
    "ile": "island",
    "iles": "islands",
    "insulaire": "island",
    "eau douce": "freshwater",
    "riviere": "river",
    "fleuve": "river",
    "lac": "lake",
    "aride": "dryland",
    "arides": "drylands",
    "desert": "desert",
    "savane": "savanna grassland",
    "prairie": "grassland",
    "peche": "fisheries",
    "tourisme": "tourism",
    "communautes": "communities",
    "communaute": "community",
    "autochtones": "indigenous",
    "moyens de subsistance": "livelihoods",
    "gestion": "management",
    "climat": "climate",
    "carbone": "carbon",
    "faune": "wildlife",
    "agriculture": "agriculture",
    "agricole": "agriculture",
    "corridor": "corridor",
    "financement": "financing",
    "durable": "sustainable",
    # Spanish
    "area protegida": "protected area",
    "areas protegidas": "protected areas",
    "humedal": "wetland",
    "humedales": "wetlands",
    "bosque": "forest",
    "bosques": "forests",
    "forestal": "forest",
    "manglar": "mangrove",
    "manglares": "mangroves",
    "arrecife": "reef",
    "arrecifes": "reefs",
    "coral": "coral",
    "costero": "coastal",
    "costera": "coastal",
    "marino": "marine",
    "marina": "marine",
    "biodiversidad": "biodiversity",
    "especies": "species",
    "invasoras": "invasive",
    "restauracion": "restoration",
    "montana": "mountain",
    "montanas": "mountains",
    "paramo": "mountain wetland",
    "isla": "island",
    "islas": "islands",
    "agua dulce": "freshwater",
    "rio": "river",
    "rios": "rivers",
    "lago": "lake",
    "arido": "dryland",
    "aridas": "drylands",
    "desierto": "desert",
    "pastizal": "grassland",
    "pastizales": "grasslands",
    "pesca": "fisheries",
    "turismo": "tourism",
    "comunidades": "communities",
    "comunidad": "community",
    "indigenas": "indigenous",
    "medios de vida": "livelihoods",
    "gestion sostenible": "sustainable management",
    "manejo": "management",
    "clima": "climate",
    "carbono": "carbon",
    "fauna": "wildlife",
    "agricultura": "agriculture",
    "corredor": "corridor",
    "financiamiento": "financing",
    "sostenible": "sustainable",
    "conservacion": "conservation",
    # Chinese
    "自然保护区": "protected area",
    "保护区": "protected area",
    "湿地": "wetland",
    "森林": "forest",
    "林业": "forest",
    "红树林": "mangrove",
    "珊瑚礁": "coral reef",
    "珊瑚": "coral",
    "沿海": "coastal",
    "海岸": "coastal",
    "海洋": "marine",
    "生物多样性": "biodiversity",
    "物种": "species",
    "入侵物种": "invasive species",
    "外来入侵": "invasive species",
    "恢复": "restoration",
    "修复": "restoration",
    "山地": "mountain",
    "高山": "mountain",
    "岛屿": "island",
    "淡水": "freshwater",
    "河流": "river",
    "湖泊": "lake",
    "干旱": "dryland",
    "荒漠": "desert",
    "草原": "grassland",
    "渔业": "fisheries",
    "旅游": "tourism",
    "社区": "community",
    "土著": "indigenous",
    "生计": "livelihoods",
    "管理": "management",
    "气候": "climate",
    "碳": "carbon",
    "野生动物": "wildlife",
    "农业": "agriculture",
    "走廊": "corridor",
    "保护": "conservation",
    "可持续": "sustainable",
}
_GLOSSES = {key: gloss for key, gloss in _GLOSSES.items() if key != gloss}
_WORD_GLOSSES = {k: v for k, v in _GLOSSES.items() if k.isascii() and " " not in k}
_PHRASE_GLOSSES = {k: v for k, v in _GLOSSES.items() if k.isascii() and " " in k}
_PHRASE_STARTS = frozenset(k.split()[0] for k in _PHRASE_GLOSSES)
_CJK_GLOSS_PATTERN = re.compile(
    "|".join(re.escape(k) for k in sorted(_GLOSSES, key=len, reverse=True) if not k.isascii())
)
_LATIN_WORD_TABLE = bytes(code if 97 <= code <= 122 else 32 for code in range(256))
_CJK = re.compile(r"[\u3400-\u9fff]")
_NON_LATIN = re.compile(r"[^\W\d_A-Za-z\u00C0-\u024F\u1E00-\u1EFF]")

# Words that flag an ecosystem when they appear in a text (after glossing into English).
# Glosses only apply to text with accents, so plain-ASCII French and Spanish words
# ("manglares", "arrecifes", "bosques") are listed here too, accent-folded.
_ECOSYSTEM_WORDS_FR_ES: dict[str, tuple[str, ...]] = {
    "forests": ("foret", "forets", "forestier", "forestiere", "bosque", "bosques", "selva"),
    "wetlands": ("humide", "humides", "humedal", "humedales", "tourbiere", "turbera", "turberas"),
    "marine_coastal": (
        "marin",
        "marins",
        "marines",
        "marino",
        "marina",
        "marinos",
        "marinas",
        "cotier",
        "cotiere",
        "cotiers",
        "cotieres",
        "costero",
        "costera",
        "costeros",
        "costeras",
        "recif",
        "recifs",
        "corallien",
        "coralliens",
        "arrecife",
        "arrecifes",
        "manglar",
        "manglares",
        "mangle",
        "oceano",
        "herbiers",
    ),
    "drylands": ("aride", "arides", "arido", "arida", "desierto", "desertificacion"),
    "mountains": ("montagne", "montagnes", "montagnard", "montana", "montanas"),
    "islands": ("ile", "iles", "insulaire", "insulaires", "isla", "islas", "insular"),
    "freshwater": ("fleuve", "riviere", "rivieres", "lac", "lacs", "lago", "lagos", "cuenca"),
    "grasslands": ("prairie", "prairies", "sabana", "sabanas", "pastizal", "pastizales"),
    "agricultural": ("agricole", "agricoles", "agricultura", "agroforesterie", "agroforestal"),
}
ECOSYSTEM_KEYWORDS: dict[str, tuple[str, ...]] = {
    "forests": ("forest", "forests", "rainforest", "woodland", "woodlands", "redd"),
    "wetlands": ("wetland", "wetlands", "ramsar", "peatland", "peatlands", "marsh", "swamp"),
    "marine_coastal": (
        "marine",
        "coastal",
        "reef",
        "reefs",
        "coral",
        "mangrove",
        "mangroves",
        "seagrass",
        "ocean",
        "fisheries",
        "mpa",
        "seascape",
    ),
    "drylands": ("dryland", "drylands", "desert", "arid", "semiarid", "sahel", "desertification"),
    "mountains": ("mountain", "mountains", "alpine", "highlands", "andes", "himalaya", "montane"),
    "islands": ("island", "islands", "archipelago", "atoll", "sids"),
    "freshwater": ("freshwater", "river", "rivers", "lake", "lakes", "watershed", "basin"),
    "grasslands": (
        "grassland",
        "grasslands",
        "savanna",
        "savannah",
        "steppe",
        "rangeland",
        "rangelands",
    ),
    "agricultural": ("agriculture", "agricultural", "farming", "agroforestry", "crops", "farmers"),
}
for _name, _words in _ECOSYSTEM_WORDS_FR_ES.items():
    ECOSYSTEM_KEYWORDS[_name] = (*ECOSYSTEM_KEYWORDS[_name], *_words)

_FRENCH_SPANISH_STOP = frozenset(
    [
        "le",
        "la",
        "les",
        "de",
        "des",
        "du",
        "un",
        "une",
        "et",
        "en",
        "est",
        "pour",
        "par",
        "sur",
        "dans",
        "au",
        "aux",
        "ce",
        "cette",
        "qui",
        "que",
        "el",
        "los",
        "las",
        "del",
        "y",
        "por",
        "para",
        "con",
        "una",
        "uno",
        "es",
        "son",
        "se",
        "su",
        "sus",
        "como",
        "al",
        "lo",
    ]
)
STOP_WORDS = frozenset(ENGLISH_STOP_WORDS | _FRENCH_SPANISH_STOP)


def _accent_table() -> dict[int, str]:
    """Latin letters with diacritics -> base letters, applied with ``str.translate`` (C speed)."""
    table: dict[int, str] = {}
    for code in range(0x00C0, 0x0250):
        base = "".join(
            ch for ch in unicodedata.normalize("NFKD", chr(code)) if not unicodedata.combining(ch)
        )
        if base != chr(code) and base.isascii():
            table[code] = base
    table.update({0x2019: "'", 0x2018: "'", 0x201C: '"', 0x201D: '"', 0x2013: "-", 0x2014: "-"})
    return table


_ACCENT_TABLE = _accent_table()
_COMBINING = re.compile(r"[\u0300-\u036f]")
_PUNCTUATION_TABLE = {code: " " for code in (0x2019, 0x2018, 0x201C, 0x201D, 0x2013, 0x2014, 0xA0)}


def _fold_text(text: str) -> str:
    """Lower-case; for non-ASCII text also strip accents and append English glosses."""
    text = text.lower()
    if text.isascii():
        return text
    plain = (
        text.replace("\u2019", "'").replace("\u2018", "'").replace("\u201c", '"')
        .replace("\u201d", '"').replace("\u2013", "-").replace("\u2014", "-")
        .replace("\xa0", " ")
    )  # fmt: skip
    if plain.isascii():
        return plain  # English with typographic quotes or dashes: nothing to fold or gloss
    folded = _COMBINING.sub("", unicodedata.normalize("NFKD", plain))
    # The runs of [a-z] (what re.findall("[a-z]+") finds), cut in C: every other character (a
    # non-ASCII one as "?") becomes a space.
    words = folded.encode("ascii", "replace").translate(_LATIN_WORD_TABLE).decode().split()
    # map/filter/compress run per word in C; the glosses come out in the same order.
    glosses = list(filter(None, map(_WORD_GLOSSES.get, words)))
    if not _PHRASE_STARTS.isdisjoint(words):
        for i in compress(count(), map(_PHRASE_STARTS.__contains__, words)):
            for size in (2, 3):
                phrase = " ".join(words[i : i + size])
                if phrase in _PHRASE_GLOSSES:
                    glosses.append(_PHRASE_GLOSSES[phrase])
    if _CJK.search(folded):
        glosses.extend(_GLOSSES[m.group(0)] for m in _CJK_GLOSS_PATTERN.finditer(folded))
    if glosses:
        folded = folded + " " + " ".join(glosses)
    return folded


_WORD_RUN = re.compile(r"\w+")
ARROW_MIN_TEXTS = 64
"""From this many ASCII texts on, :meth:`TextModel.words` splits and looks them up in Arrow."""
_ASCII_WORD_TABLE = bytes(
    (code + 32 if 65 <= code <= 90 else code)
    if chr(code).isascii() and (chr(code).isalnum() or code == 95)
    else 32
    for code in range(256)
)
"""Bytes -> lower-case letters, digits and ``_`` kept, everything else a space."""


def _non_latin_share(text: str) -> float:
    """Approximate share of a text's characters in non-Latin scripts, from its UTF-8 length.

    CJK characters take 3 bytes and Cyrillic, Greek or Arabic 2, accented Latin letters 2 but
    only a few per word, so ``(bytes - characters) / (2 x characters)`` is near 1 for Chinese,
    about 0.4 for Russian and under 0.05 for French or Spanish. One C-speed pass per text.
    """
    if text.isascii():
        return 0.0
    return (len(text.encode("utf-8")) - len(text)) / (2 * len(text))


WORD_PATTERN = r"(?u)\b[^\W\d_]{2,}\b"
"""Words: whole runs of two or more letters (no digit or underscore in the run)."""


class WordVectorizer(TfidfVectorizer):
    """``TfidfVectorizer`` whose fitting counts the words of ASCII texts in Arrow, a block at once.

    Only the counting step of fitting (``_count_vocab``) is replaced, for the engine's word
    pattern: a word of :data:`WORD_PATTERN` in ASCII text is a maximal run of ``[a-z0-9_]``
    (after lower-casing) made of letters only, which ``translate``, a split and three Arrow
    filters find for every text at once. Terms are numbered in the order first seen, as
    scikit-learn numbers them, so the fitted rows, vocabulary and IDF are its own exactly;
    other texts are cut by its own tokenizer, and transforming is scikit-learn's.
    """

    def _count_vocab(
        self, raw_documents: Iterable[str], fixed_vocab: bool
    ) -> tuple[dict[str, int], object]:
        plain = (
            fixed_vocab
            or self.analyzer != "word"
            or self.token_pattern != WORD_PATTERN
            or self.tokenizer is not None
            or tuple(self.ngram_range) != (1, 1)
        )
        if plain:
            return super()._count_vocab(raw_documents, fixed_vocab)
        import pyarrow as pa
        import pyarrow.compute as pc

        preprocess = self.build_preprocessor()
        texts = [preprocess(self.decode(doc)) for doc in raw_documents]
        fast = [row for row, text in enumerate(texts) if text.isascii()]
        cut = [texts[row].encode("ascii").translate(_ASCII_WORD_TABLE) for row in fast]
        split = pc.ascii_split_whitespace(
            pa.array(cut, type=pa.large_binary()).cast(pa.large_string())
        )
        del cut
        tokens = pc.list_flatten(split)
        keep = pc.and_(pc.ascii_is_alpha(tokens), pc.greater_equal(pc.binary_length(tokens), 2))
        stop_words = self.get_stop_words()
        if stop_words:
            stop = pa.array(sorted(stop_words), type=pa.large_string())
            keep = pc.and_(keep, pc.invert(pc.is_in(tokens, value_set=stop)))
        lengths = pc.list_value_length(split).to_numpy(zero_copy_only=False)
        rows = np.repeat(np.asarray(fast, dtype=np.int64), lengths)
        rows = rows[keep.to_numpy(zero_copy_only=False)]
        tokens = tokens.filter(keep)
        slow = sorted(set(range(len(texts))) - set(fast))
        if slow:
            tokenize = self.build_tokenizer()
            cut_slow = [self._word_ngrams(tokenize(texts[row]), stop_words) for row in slow]
            slow_rows = np.repeat(np.asarray(slow, dtype=np.int64), [len(t) for t in cut_slow])
            order = np.argsort(np.concatenate([rows, slow_rows]), kind="stable")
            flat_slow = [token for part in cut_slow for token in part]
            tokens = pa.concat_arrays([tokens, pa.array(flat_slow, type=pa.large_string())])
            tokens = tokens.take(pa.array(order))
            rows = np.concatenate([rows, slow_rows])[order]
        coded = pc.dictionary_encode(tokens)  # codes in the order terms are first seen
        vocabulary = {term: code for code, term in enumerate(coded.dictionary.to_pylist())}
        if not vocabulary:
            raise ValueError("empty vocabulary; perhaps the documents only contain stop words")
        codes = coded.indices.to_numpy(zero_copy_only=False).astype(np.int64)
        counts = token_counts([rows], [codes], (len(texts), len(vocabulary)), np.intc)
        matrix = sparse.csr_array(
            (counts.data, counts.indices.astype(np.int32), counts.indptr.astype(np.int32)),
            shape=counts.shape,
            dtype=self.dtype,
        )
        return vocabulary, _align_sparse(matrix)


def proposal_texts(frame: pd.DataFrame) -> list[str]:
    """Title, summary, description and objectives joined; the title twice, as it says most."""
    parts = [_column(frame, name, "").fillna("").astype(str).tolist() for name in TEXT_FIELDS]
    # Joined in Python: for a few rows (a new proposal) Series arithmetic costs far more.
    return [". ".join((title, title, *rest)) for title, *rest in zip(*parts, strict=True)]


@dataclass
class TextModel:
    """Word TF-IDF (all text) and character n-gram TF-IDF (only text that needs it).

    Fitted on the donor side (stated priorities and funded proposals, plus the ecosystem
    keywords so they are always in the vocabulary); proposals are only transformed.
    """

    min_words_for_word_only: int = 40
    non_latin_threshold: float = 0.3
    char_ngram_range: tuple[int, int] = (2, 4)

    def fit(self, documents: Sequence[str], short_documents: Sequence[str]) -> TextModel:
        keywords = " ".join(w for words in ECOSYSTEM_KEYWORDS.values() for w in words)
        self.word_ = WordVectorizer(
            preprocessor=_fold_text,
            stop_words=sorted(STOP_WORDS),
            sublinear_tf=True,
            dtype=np.float32,
            token_pattern=WORD_PATTERN,
        )
        corpus = [*documents, keywords] if documents else [keywords]
        # Keep the fitted rows: the donor side needs exactly these vectors next.
        fitted = self.word_.fit_transform(corpus)
        self.word_df_ = np.bincount(fitted.indices, minlength=fitted.shape[1])
        self.fitted_words_ = fitted[: len(documents)].astype(np.float32)
        # Stop words are already out of the vocabulary; skipping the filter makes transform faster.
        self.word_.set_params(stop_words=None)
        self.char_ = CharGramVectorizer(
            analyzer="char_wb",
            ngram_range=self.char_ngram_range,
            preprocessor=_fold_text,
            sublinear_tf=True,
            dtype=np.float32,
            min_df=1,
        )
        fitted = self.char_.fit_transform([*short_documents, keywords])
        self.char_df_ = np.bincount(fitted.indices, minlength=fitted.shape[1])
        self.fitted_chars_ = fitted[: len(short_documents)].astype(np.float32)
        vocabulary = self.word_.vocabulary_
        rows, cols = [], []
        for e, name in enumerate(ECOSYSTEMS):
            for word in ECOSYSTEM_KEYWORDS.get(name, ()):
                if word in vocabulary:
                    rows.append(vocabulary[word])
                    cols.append(e)
        self.ecosystem_terms_ = sparse.csr_matrix(
            (np.ones(len(rows), dtype=np.float32), (rows, cols)),
            shape=(len(vocabulary), len(ECOSYSTEMS)),
        )
        self.terms_ = self.word_.get_feature_names_out()
        return self

    def words(
        self, texts: Sequence[str], folded: dict[int, str] | None = None
    ) -> sparse.csr_matrix:
        """Word TF-IDF rows: exactly ``word_.transform(texts)``, several times faster.

        The fitted vocabulary holds only tokens of the fitted pattern (whole runs of two or more
        letters), so counting every maximal run of word characters and dropping those not in
        the vocabulary gives the same counts. Other text is folded first, and its folded form is
        left in ``folded`` (row -> text) for the character n-grams. ASCII text (most of it, also
        once folded) is lower-cased and cut by one byte-table ``translate`` each, then split and
        looked up in the vocabulary for the whole block at once in Arrow (no Python step per
        token); text in other scripts is split by a regular expression. Repeated tokens are
        counted when the sparse rows are built.
        """
        vocabulary = self.word_.vocabulary_
        ascii_rows: list[int] = []  # rows whose text (as it is, or folded) is ASCII
        ascii_texts: list[str] = []
        row_parts: list[np.ndarray] = []  # one entry per token: its row
        term_parts: list[np.ndarray] = []  # one entry per token: its term index (-1: unknown)
        lookup = vocabulary.get
        for row, text in enumerate(texts):
            if not text.isascii():
                text = _fold_text(text)
                if folded is not None:
                    folded[row] = text
                if not text.isascii():  # another script: Unicode word runs
                    tokens = _WORD_RUN.findall(text)
                    term_parts.append(
                        np.fromiter(map(lookup, tokens, repeat(-1)), np.int64, len(tokens))
                    )
                    row_parts.append(np.full(len(tokens), row, dtype=np.int64))
                    continue
            # ASCII (also once folded): a word run is a run of [A-Za-z0-9_], as translate cuts.
            ascii_rows.append(row)
            ascii_texts.append(text)
        if len(ascii_texts) >= ARROW_MIN_TEXTS:
            rows, terms = self._ascii_tokens(ascii_texts)
            row_parts.append(np.asarray(ascii_rows, dtype=np.int64)[rows])
            term_parts.append(terms)
        else:  # a few texts (one new proposal): Arrow's set-up would cost more than the work
            ascii_lookup = self._ascii_vocabulary().get
            for row, text in zip(ascii_rows, ascii_texts, strict=True):
                tokens = text.encode("ascii").translate(_ASCII_WORD_TABLE).split()
                term_parts.append(
                    np.fromiter(map(ascii_lookup, tokens, repeat(-1)), np.int64, len(tokens))
                )
                row_parts.append(np.full(len(tokens), row, dtype=np.int64))
        return self._tfidf_of_tokens(row_parts, term_parts, len(texts), len(vocabulary), self.word_)

    def _ascii_tokens(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """Row and term index (-1 if not in the vocabulary) of every token of ASCII texts."""
        import pyarrow as pa
        import pyarrow.compute as pc

        if getattr(self, "ascii_terms_", None) is None:
            ascii_terms = [(t, i) for t, i in self.word_.vocabulary_.items() if t.isascii()]
            self.ascii_terms_ = (
                pa.array([term for term, _ in ascii_terms], type=pa.large_string()),
                np.array([index for _, index in ascii_terms], dtype=np.int64),
            )
        value_set, term_index = self.ascii_terms_
        cut = [text.encode("ascii").translate(_ASCII_WORD_TABLE) for text in texts]
        tokens = pc.ascii_split_whitespace(
            pa.array(cut, type=pa.large_binary()).cast(pa.large_string())
        )
        del cut
        # Empty "tokens" at the ends of a text are not in the vocabulary, so they count for nothing.
        position = pc.fill_null(pc.index_in(pc.list_flatten(tokens), value_set=value_set), -1)
        position = position.to_numpy(zero_copy_only=False).astype(np.int64, copy=False)
        lengths = pc.list_value_length(tokens).to_numpy(zero_copy_only=False)
        terms = np.where(position >= 0, term_index[position], -1)
        return np.repeat(np.arange(len(texts), dtype=np.int64), lengths), terms

    def chars(
        self, texts: Sequence[str], folded: Sequence[str | None] | None = None
    ) -> sparse.csr_matrix:
        """Character n-gram TF-IDF rows: exactly ``char_.transform(texts)``.

        ``folded`` may carry texts already folded by :meth:`words` (None where not), so no
        text is folded twice.
        """
        prepared = [
            _fold_text(text) if folded is None or folded[row] is None else folded[row]
            for row, text in enumerate(texts)
        ]
        row_parts, term_parts = self.char_.tokens(prepared)
        return self._tfidf_of_tokens(
            row_parts, term_parts, len(texts), len(self.char_.vocabulary_), self.char_
        )

    def _ascii_vocabulary(self) -> dict[bytes, int]:
        if getattr(self, "ascii_vocabulary_", None) is None:
            self.ascii_vocabulary_ = {
                term.encode("ascii"): index
                for term, index in self.word_.vocabulary_.items()
                if term.isascii()
            }
        return self.ascii_vocabulary_

    @staticmethod
    def _tfidf_of_tokens(
        row_parts: list[np.ndarray],
        term_parts: list[np.ndarray],
        n_rows: int,
        n_terms: int,
        vectoriser: TfidfVectorizer,
    ) -> sparse.csr_matrix:
        """Tokens (row, term) -> counts -> sublinear TF-IDF -> L2 rows, scikit-learn's steps.

        Repeated (row, term) pairs are summed as the sparse rows are built: whole counts,
        exact in float32, as scikit-learn's own counts become.
        """
        matrix = token_counts(row_parts, term_parts, (n_rows, n_terms))
        np.log(matrix.data, matrix.data)
        matrix.data += 1.0
        matrix.data *= vectoriser.idf_[matrix.indices]
        # What normalize(norm="l2") runs on a CSR matrix, without its input checks (which cost
        # more than the work for one new proposal).
        inplace_csr_row_normalize_l2(matrix)
        return matrix.astype(np.float32, copy=False)

    def needs_char(self, texts: Sequence[str], word_matrix: sparse.csr_matrix) -> np.ndarray:
        """Short texts and texts mostly in non-Latin scripts get the character n-gram variant."""
        n_terms = np.diff(word_matrix.indptr)
        short = n_terms < self.min_words_for_word_only
        non_latin = np.array([_non_latin_share(t) > self.non_latin_threshold for t in texts])
        return short | non_latin if len(texts) else short

    def ecosystems_in(self, word_matrix: sparse.csr_matrix) -> np.ndarray:
        """Ecosystems whose keywords occur in each text (bool rows x ECOSYSTEMS).

        A text has an ecosystem when its row and the ecosystem's keyword column share a term.
        With positive weights (TF-IDF rows) that is a look-up of the row's terms, the same
        booleans as the product ``> 0`` without building and multiplying sparse matrices
        (which cost most of this step for one new proposal).
        """
        terms = self.ecosystem_terms_
        if (
            not sparse.issparse(word_matrix)
            or word_matrix.format != "csr"
            or word_matrix.shape[1] != terms.shape[0]
            or (word_matrix.nnz and not word_matrix.data.min() > 0)
        ):
            return np.asarray((word_matrix @ terms).toarray() > 0)
        cached = getattr(self, "ecosystem_lookup_", None)
        if cached is None or cached[0] is not terms:
            lookup = terms.toarray() > 0  # terms x ECOSYSTEMS (entries are 1 or more)
            cached = (terms, lookup, lookup.any(axis=1))
            self.ecosystem_lookup_ = cached
        _, lookup, is_keyword = cached
        indptr = word_matrix.indptr
        indices = word_matrix.indices[: indptr[-1]]
        found = np.zeros((word_matrix.shape[0], terms.shape[1]), dtype=bool)
        entries = np.flatnonzero(is_keyword[indices])
        if entries.size:
            rows = np.searchsorted(indptr, entries, side="right") - 1
            entry, ecosystem = np.nonzero(lookup[indices[entries]])
            found[rows[entry], ecosystem] = True
        return found


def detect_ecosystems(texts: Sequence[str], model: TextModel | None = None) -> np.ndarray:
    """Ecosystems mentioned in each text (bool rows x ECOSYSTEMS), from the keyword list."""
    if model is None:
        model = TextModel().fit([], [])
    return model.ecosystems_in(model.words(list(texts)))


# --------------------------------------------------------------------------- proposals
