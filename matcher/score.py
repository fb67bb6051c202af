"""Score components: one proposals x donors matrix per component, each in [0, 1], NaN if missing.

A component is *missing* for a pair when one side says nothing about it (a donor with no
stated targets, a proposal with no requested amount): :mod:`matcher.combine` then leaves its
weight out of that pair's normalisation instead of counting it as zero.

Everything here is vectorised over whole blocks of proposals: sparse TF-IDF products for
text, small dense products for targets and ecosystems, broadcasting for amounts. Character
n-grams are computed only for the proposals that need them (non-Latin scripts, short text).
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import repeat

import numpy as np
import pandas as pd
from scipy import sparse
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, TfidfVectorizer
from sklearn.preprocessing import normalize

from matcher.contract import ECOSYSTEMS, OUTCOME_COLUMNS
from matcher.profile import (
    N_AICHI,
    CountryTable,
    DonorProfiles,
    _as_tuple,
    _column,
    country_matrix,
    target_matrix,
    to_usd,
)

__all__ = [
    "COMPONENTS",
    "ProposalFeatures",
    "TextModel",
    "component_scores",
    "detect_ecosystems",
    "proposal_features",
    "proposal_texts",
]

COMPONENTS: tuple[str, ...] = (
    "thematic",
    "targets",
    "geography",
    "funding_fit",
    "ecosystems",
    "history",
)
"""Component names, in the order matrices are stacked and columns are written."""

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
_LATIN_WORD = re.compile(r"[a-z]+")
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
    words = _LATIN_WORD.findall(folded)
    glosses = [_WORD_GLOSSES[w] for w in words if w in _WORD_GLOSSES]
    for i, word in enumerate(words):
        if word in _PHRASE_STARTS:
            for size in (2, 3):
                phrase = " ".join(words[i : i + size])
                if phrase in _PHRASE_GLOSSES:
                    glosses.append(_PHRASE_GLOSSES[phrase])
    if _CJK.search(folded):
        glosses.extend(_GLOSSES[m.group(0)] for m in _CJK_GLOSS_PATTERN.finditer(folded))
    if glosses:
        folded = folded + " " + " ".join(glosses)
    return folded


def _identity(text: str) -> str:
    return text


_WORD_RUN = re.compile(r"\w+")
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
        self.word_ = TfidfVectorizer(
            preprocessor=_fold_text,
            stop_words=sorted(STOP_WORDS),
            sublinear_tf=True,
            dtype=np.float32,
            token_pattern=r"(?u)\b[^\W\d_]{2,}\b",
        )
        corpus = [*documents, keywords] if documents else [keywords]
        # Keep the fitted rows: the donor side needs exactly these vectors next.
        fitted = self.word_.fit_transform(corpus)
        self.word_df_ = np.bincount(fitted.indices, minlength=fitted.shape[1])
        self.fitted_words_ = fitted[: len(documents)].astype(np.float32)
        # Stop words are already out of the vocabulary; skipping the filter makes transform faster.
        self.word_.set_params(stop_words=None)
        self.char_ = TfidfVectorizer(
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
        """Word TF-IDF rows: exactly ``word_.transform(texts)``, about four times faster.

        The fitted vocabulary holds only tokens of the fitted pattern (whole runs of two or more
        letters), so counting every maximal run of word characters and dropping those not in
        the vocabulary gives the same counts. ASCII text (most of it) is lower-cased and split
        by one byte-table ``translate``; other text is folded and split by a regular expression,
        and its folded form is left in ``folded`` (row -> text) for the character n-grams.
        """
        vocabulary = self.word_.vocabulary_
        ascii_vocabulary = self._ascii_vocabulary()
        terms: list[np.ndarray] = []  # per row: term index of each distinct token (-1: unknown)
        counts: list[np.ndarray] = []  # per row: how often each distinct token occurs
        lengths = np.zeros(len(texts), dtype=np.int64)
        for row, text in enumerate(texts):
            if text.isascii():
                tokens = text.encode("ascii").translate(_ASCII_WORD_TABLE).split()
                lookup = ascii_vocabulary.get
            else:
                folded_text = _fold_text(text)
                if folded is not None:
                    folded[row] = folded_text
                tokens = _WORD_RUN.findall(folded_text)
                lookup = vocabulary.get
            counted = Counter(tokens)
            lengths[row] = len(counted)
            terms.append(np.fromiter(map(lookup, counted, repeat(-1)), np.int64, len(counted)))
            counts.append(np.fromiter(counted.values(), np.float32, len(counted)))
        return self._tfidf_rows(terms, counts, lengths, len(vocabulary), self.word_)

    def chars(
        self, texts: Sequence[str], folded: Sequence[str | None] | None = None
    ) -> sparse.csr_matrix:
        """Character n-gram TF-IDF rows: exactly ``char_.transform(texts)``.

        ``folded`` may carry texts already folded by :meth:`words` (None where not), so no
        text is folded twice.
        """
        vocabulary = self.char_.vocabulary_
        analyse = self._char_analyser()
        terms: list[np.ndarray] = []  # per row: term index of each distinct token (-1: unknown)
        counts: list[np.ndarray] = []  # per row: how often each distinct token occurs
        lengths = np.zeros(len(texts), dtype=np.int64)
        for row, text in enumerate(texts):
            folded_text = folded[row] if folded is not None else None
            grams = analyse(_fold_text(text) if folded_text is None else folded_text)
            counted = Counter(grams)
            lengths[row] = len(counted)
            terms.append(
                np.fromiter(map(vocabulary.get, counted, repeat(-1)), np.int64, len(counted))
            )
            counts.append(np.fromiter(counted.values(), np.float32, len(counted)))
        return self._tfidf_rows(terms, counts, lengths, len(vocabulary), self.char_)

    def _ascii_vocabulary(self) -> dict[bytes, int]:
        if getattr(self, "ascii_vocabulary_", None) is None:
            self.ascii_vocabulary_ = {
                term.encode("ascii"): index
                for term, index in self.word_.vocabulary_.items()
                if term.isascii()
            }
        return self.ascii_vocabulary_

    def _char_analyser(self) -> Callable[[str], list[str]]:
        """The fitted character analyser without its preprocessor (for folded text)."""
        if getattr(self, "char_analyser_", None) is None:
            self.char_analyser_ = TfidfVectorizer(
                analyzer="char_wb", ngram_range=self.char_ngram_range, preprocessor=_identity
            ).build_analyzer()
        return self.char_analyser_

    @staticmethod
    def _tfidf_rows(
        terms: list[np.ndarray],
        counts: list[np.ndarray],
        lengths: np.ndarray,
        n_terms: int,
        vectoriser: TfidfVectorizer,
    ) -> sparse.csr_matrix:
        """Counts -> sublinear TF-IDF -> L2 rows, the same steps (and order) as scikit-learn."""
        term = np.concatenate(terms) if terms else np.zeros(0, dtype=np.int64)
        count = np.concatenate(counts) if counts else np.zeros(0, dtype=np.float32)
        row = np.repeat(np.arange(len(lengths)), lengths)
        known = term >= 0
        matrix = sparse.csr_matrix(
            (count[known], (row[known], term[known])),
            shape=(len(lengths), n_terms),
            dtype=np.float32,
        )  # distinct (row, term) pairs, so nothing is summed
        matrix.sort_indices()
        np.log(matrix.data, matrix.data)
        matrix.data += 1.0
        matrix.data *= vectoriser.idf_[matrix.indices]
        return normalize(matrix, norm="l2", copy=False).astype(np.float32, copy=False)

    def needs_char(self, texts: Sequence[str], word_matrix: sparse.csr_matrix) -> np.ndarray:
        """Short texts and texts mostly in non-Latin scripts get the character n-gram variant."""
        n_terms = np.diff(word_matrix.indptr)
        short = n_terms < self.min_words_for_word_only
        non_latin = np.array([_non_latin_share(t) > self.non_latin_threshold for t in texts])
        return short | non_latin if len(texts) else short

    def ecosystems_in(self, word_matrix: sparse.csr_matrix) -> np.ndarray:
        """Ecosystems whose keywords occur in each text (bool rows x ECOSYSTEMS)."""
        return np.asarray((word_matrix @ self.ecosystem_terms_).toarray() > 0)


def detect_ecosystems(texts: Sequence[str], model: TextModel | None = None) -> np.ndarray:
    """Ecosystems mentioned in each text (bool rows x ECOSYSTEMS), from the keyword list."""
    if model is None:
        model = TextModel().fit([], [])
    return model.ecosystems_in(model.words(list(texts)))


# --------------------------------------------------------------------------- proposals


@dataclass
class ProposalFeatures:
    """What the components need from a block of proposals, as arrays."""

    proposal_ids: np.ndarray
    titles: np.ndarray
    words: sparse.csr_matrix  # P x V, L2-normalised
    chars: sparse.csr_matrix | None  # rows of needs_char only (others zero), or None
    needs_char: np.ndarray
    countries: sparse.csr_matrix  # P x C binary
    n_countries: np.ndarray
    targets: np.ndarray  # P x 20 weights
    ecosystems: np.ndarray  # P x E (declared, else detected)
    ecosystems_detected: np.ndarray  # bool P: ecosystems came from the text
    requested_usd: np.ndarray
    currency: np.ndarray
    text_products: tuple[np.ndarray, np.ndarray] | None = None  # filled on first use
    own_terms_removed: bool = False  # set by matcher.own_funding.remove_own_terms
    embeddings: np.ndarray | None = None  # P x 512 unit rows (matcher.text), when encoded
    texts: np.ndarray | None = None  # object array of the joined texts, for phrase evidence

    def __len__(self) -> int:
        return len(self.proposal_ids)


def proposal_features(
    proposals: pd.DataFrame,
    model: TextModel,
    table: CountryTable,
    *,
    target_weights: np.ndarray | None = None,
) -> ProposalFeatures:
    """Vectorise a block of proposals (contract frame) for scoring.

    ``target_weights`` (P x 20, e.g. from :func:`matcher.tagger.proposal_target_weights`) replaces
    the declared targets when given: declared targets 1.0, suggested ones their confidence.
    Outcome columns (:data:`matcher.contract.OUTCOME_COLUMNS`) are never read.
    """
    proposals = proposals.drop(columns=list(OUTCOME_COLUMNS), errors="ignore")
    texts = proposal_texts(proposals)
    folded: dict[int, str] = {}  # non-ASCII texts folded once, for words and characters
    words = model.words(texts, folded)
    needs_char = model.needs_char(texts, words)
    chars = None
    if needs_char.any():
        chars = sparse.csr_matrix((len(texts), len(model.char_.vocabulary_)), dtype=np.float32)
        picked = np.flatnonzero(needs_char)
        sub = model.chars([texts[i] for i in picked], [folded.get(i) for i in picked])
        selector = sparse.csr_matrix(
            (np.ones(picked.size, dtype=np.float32), (picked, np.arange(picked.size))),
            shape=(len(texts), picked.size),
        )
        chars = (selector @ sub).tocsr()
    countries = country_matrix(list(_column(proposals, "countries", ())), table)
    if target_weights is not None:
        targets = np.asarray(target_weights, dtype=np.float32)
        if targets.shape != (len(proposals), N_AICHI):
            raise ValueError(
                f"target_weights must be {len(proposals)} x {N_AICHI}, got {targets.shape}"
            )
    else:
        targets = target_matrix(
            list(_column(proposals, "aichi_targets", ())),
            list(_column(proposals, "gbf_targets", ())),
        )
    declared = _declared_ecosystems(_column(proposals, "ecosystems", ()))
    detected = model.ecosystems_in(words).astype(np.float32)
    use_detected = ~declared.any(axis=1)
    ecosystems = np.where(use_detected[:, None], detected, declared).astype(np.float32)
    currency = _column(proposals, "currency", "").fillna("").astype(str).str.upper().to_numpy()
    requested = pd.to_numeric(_column(proposals, "requested_amount", np.nan), errors="coerce")
    return ProposalFeatures(
        proposal_ids=_column(proposals, "proposal_id", "").astype(str).to_numpy(dtype=object),
        titles=_column(proposals, "title", "").fillna("").astype(str).to_numpy(dtype=object),
        words=words,
        chars=chars,
        needs_char=needs_char,
        countries=countries,
        n_countries=np.asarray(countries.sum(axis=1)).ravel(),
        targets=targets,
        ecosystems=ecosystems,
        ecosystems_detected=use_detected & ecosystems.any(axis=1),
        requested_usd=to_usd(requested.to_numpy(np.float64), currency),
        currency=currency,
        texts=np.asarray(texts, dtype=object),
    )


def _declared_ecosystems(values: pd.Series) -> np.ndarray:
    position = {name: i for i, name in enumerate(ECOSYSTEMS)}
    matrix = np.zeros((len(values), len(ECOSYSTEMS)), dtype=np.float32)
    for row, names in enumerate(values):
        for name in _as_tuple(names):
            col = position.get(str(name).strip().lower().replace(" ", "_").replace("-", "_"))
            if col is not None:
                matrix[row, col] = 1.0
    return matrix


# --------------------------------------------------------------------------- donor side


@dataclass
class TextProduct:
    """Proposal x donor text products, split by how common a term is among donor vectors.

    A term in many donor vectors makes a sparse x sparse product slow (its posting list is
    long), so the commonest terms are held as a small dense block and multiplied with a
    sparse x dense product (several times faster); the long tail stays sparse.
    """

    n_donors: int
    position: np.ndarray  # term -> column in the split order (dense terms first)
    n_dense: int
    dense: np.ndarray  # n_dense x 2M float32
    rest: sparse.csr_matrix  # (V - n_dense) x 2M

    @classmethod
    def build(
        cls,
        profile: sparse.csr_matrix,
        funded_sum: sparse.csr_matrix,
        *,
        max_dense_bytes: int = 96 * 2**20,
        min_share: float = 0.02,
    ) -> TextProduct:
        stacked = sparse.vstack([profile, funded_sum]).tocsr().astype(np.float32)
        n_rows, n_terms = stacked.shape
        frequency = np.bincount(stacked.indices, minlength=n_terms)
        budget = max_dense_bytes // max(4 * n_rows, 1)
        order = np.argsort(-frequency, kind="stable")
        common = int(np.sum(frequency >= max(min_share * n_rows, 2)))
        n_dense = int(min(common, budget))
        position = np.empty(n_terms, dtype=np.int64)
        position[order] = np.arange(n_terms)
        columns = stacked.T.tocsr()[order]  # terms in split order x 2M
        dense = np.ascontiguousarray(columns[:n_dense].toarray())
        rest = columns[n_dense:].tocsr()
        return cls(profile.shape[0], position, n_dense, dense, rest)

    def multiply(self, words: sparse.csr_matrix) -> tuple[np.ndarray, np.ndarray]:
        words = words.tocsr()
        remapped = self.position[words.indices]
        is_dense = remapped < self.n_dense
        row_of = np.repeat(np.arange(words.shape[0]), np.diff(words.indptr))
        n_rows = words.shape[0]
        dense_part = sparse.csr_matrix(
            (words.data[is_dense], (row_of[is_dense], remapped[is_dense])),
            shape=(n_rows, max(self.n_dense, 1)),
        )
        rest_part = sparse.csr_matrix(
            (words.data[~is_dense], (row_of[~is_dense], remapped[~is_dense] - self.n_dense)),
            shape=(n_rows, self.rest.shape[0]),
        )
        product = rest_part @ self.rest
        product = product.toarray() if sparse.issparse(product) else np.asarray(product)
        if self.n_dense:
            product += dense_part[:, : self.n_dense] @ self.dense
        m = self.n_donors
        return product[:, :m].astype(np.float32), product[:, m:].astype(np.float32)


@dataclass
class DonorVectors:
    """Donor text vectors and geography indicator matrices, built once at fit time."""

    profile_words: sparse.csr_matrix  # M x V: stated priorities + funded centroid, L2-normalised
    has_text: np.ndarray
    stated_words: sparse.csr_matrix  # M x V, L2-normalised priorities
    funded_sum_words: sparse.csr_matrix  # M x V: sum of funded proposals' unit vectors
    has_funded_text: np.ndarray
    profile_chars: sparse.csr_matrix  # M x K
    has_chars: np.ndarray
    funded_country_any: np.ndarray  # C x M: 1 where the donor funded in that country
    funded_area_any: np.ndarray  # C x M: 1 where the donor funded in that country's area
    funded_region_any: np.ndarray  # C x M
    funded_country_counts: np.ndarray  # C x M counts
    funded_area_counts: np.ndarray  # C x M counts of funded proposals in the country's area
    has_funded_geo: np.ndarray
    stated_area_t: np.ndarray  # C x M
    named_t: np.ndarray  # C x M
    text_focus_t: np.ndarray  # C x M
    excluded_t: np.ndarray  # C x M
    funded_words: sparse.csr_matrix  # F x V unit vectors of funded proposals (for evidence)
    text_product: TextProduct | None = None
    # Parts the own-funding exclusion (:mod:`matcher.own_funding`) takes a funded proposal out of.
    stated_chars: sparse.csr_matrix | None = None  # M x K
    funded_chars: sparse.csr_matrix | None = None  # F x K unit rows
    funded_sum_chars: sparse.csr_matrix | None = None  # M x K sums of funded unit rows
    funded_country_rows: sparse.csr_matrix | None = None  # F x C binary
    # Terms (and character n-grams) that only the funded proposal itself brought into the
    # vocabulary: the same proposal scored again must not carry them (a new one could not).
    funded_only_words: sparse.csr_matrix | None = None  # F x V
    funded_only_chars: sparse.csr_matrix | None = None  # F x K
    # Sentence embeddings (matcher.text), when the matcher has an encoder.
    stated_embeddings: np.ndarray | None = None  # M x 512 (zero rows: no priorities)
    funded_embeddings: np.ndarray | None = None  # F x 512

    def text_scores(self, words: sparse.csr_matrix) -> tuple[np.ndarray, np.ndarray]:
        """Proposal x donor dot products with the profile vectors and the funded sums."""
        if self.text_product is None:
            self.text_product = TextProduct.build(self.profile_words, self.funded_sum_words)
        return self.text_product.multiply(words)


DONOR_TERMS_KEPT = 3000
"""Terms kept per donor vector: a donor that funded hundreds of proposals has thousands of
terms whose tail changes no cosine visibly but makes every proposal x donor product slower."""


def _keep_top_terms(matrix: sparse.csr_matrix, keep: int = DONOR_TERMS_KEPT) -> sparse.csr_matrix:
    matrix = matrix.tocsr()
    rows, cols, data = [], [], []
    for row in range(matrix.shape[0]):
        start, end = matrix.indptr[row], matrix.indptr[row + 1]
        values = matrix.data[start:end]
        if values.size > keep:
            picked = np.argpartition(-values, keep - 1)[:keep]
        else:
            picked = np.arange(values.size)
        rows.append(np.full(picked.size, row))
        cols.append(matrix.indices[start:end][picked])
        data.append(values[picked])
    if not rows:
        return matrix
    return sparse.csr_matrix(
        (np.concatenate(data), (np.concatenate(rows), np.concatenate(cols))),
        shape=matrix.shape,
        dtype=np.float32,
    )


def _c_order(matrix: sparse.spmatrix) -> np.ndarray:
    """Dense float32 in row-major order: a column-major operand makes every sparse x dense
    product copy it first (the copy cost more than the product for one proposal)."""
    return np.ascontiguousarray(matrix.toarray(), dtype=np.float32)


def donor_vectors(
    profiles: DonorProfiles,
    model: TextModel,
    table: CountryTable,
    params: ScoringParams | None = None,
) -> DonorVectors:
    """Text and geography matrices for all donors (revealed parts from the funded proposals).

    With ``params.stated_apart`` (the default) the donor's text vector is its stated
    priorities alone; the funded texts reach the score through the history component only.
    """
    stated_apart = (params or ScoringParams()).stated_apart
    priorities = profiles.donors["priorities"].tolist()
    n_donors, n_funded = len(priorities), len(profiles.funded_proposals)
    fitted_words = getattr(model, "fitted_words_", None)
    funded_only_words = funded_only_chars = None
    if fitted_words is not None and fitted_words.shape[0] == n_donors + n_funded:
        # The model was fitted on exactly [priorities..., funded texts...]: reuse the vectors.
        stated, funded = fitted_words[:n_donors], fitted_words[n_donors:]
        char_stated, char_funded = model.fitted_chars_[:n_donors], model.fitted_chars_[n_donors:]
        funded_only_words = _only_in_one_document(funded, model.word_df_)
        funded_only_chars = _only_in_one_document(char_funded, model.char_df_)
    else:
        funded_texts = proposal_texts(profiles.funded_proposals) if n_funded else []
        stated = model.words(priorities)
        funded = model.words(funded_texts) if n_funded else None
        char_stated = model.chars(priorities)
        char_funded = model.chars([t[:1000] for t in funded_texts]) if n_funded else None
    if funded is None or n_funded == 0:
        funded = sparse.csr_matrix((0, len(model.terms_)), dtype=np.float32)
    has_stated = np.diff(stated.indptr) > 0
    link_t = profiles.funded_link.T.tocsr()  # M x F
    funded_sum = (link_t @ funded).tocsr().astype(np.float32)
    has_funded = np.diff(funded_sum.indptr) > 0
    centroid = sparse.csr_matrix(stated.shape, dtype=np.float32) if stated_apart else None
    if centroid is None:
        centroid = normalize(funded_sum)
    # Mixed (not stated_apart): stated and revealed count equally when a donor has both.
    profile = normalize(_keep_top_terms(normalize(stated + centroid).tocsr()))
    funded_sum = _keep_top_terms(funded_sum)
    if n_funded:
        funded_sum_chars = (link_t @ char_funded).tocsr().astype(np.float32)
    else:
        char_funded = sparse.csr_matrix((0, char_stated.shape[1]), dtype=np.float32)
        funded_sum_chars = sparse.csr_matrix(char_stated.shape, dtype=np.float32)
    if n_funded and not stated_apart:
        profile_chars = normalize(char_stated + normalize(funded_sum_chars)).tocsr()
    else:
        profile_chars = char_stated.tocsr()
    has_funded_words = np.zeros_like(has_stated) if stated_apart else has_funded

    def expand(counts: np.ndarray, of: np.ndarray | None) -> np.ndarray:
        # counts: M x G over groups; return C x M with each country's group value.
        return counts[:, of].T if of is not None else counts.T

    country_counts = profiles.funded_countries  # M x C
    area_counts = expand(profiles.funded_areas, table.area_of)  # C x M
    region_counts = expand(profiles.funded_regions, table.region_of)
    return DonorVectors(
        profile_words=profile,
        has_text=has_stated | has_funded_words,
        stated_words=stated,
        funded_sum_words=funded_sum,
        has_funded_text=has_funded,
        profile_chars=profile_chars,
        has_chars=np.diff(profile_chars.indptr) > 0,
        funded_country_any=np.ascontiguousarray((country_counts.T > 0).astype(np.float32)),
        funded_area_any=np.ascontiguousarray((area_counts > 0).astype(np.float32)),
        funded_region_any=np.ascontiguousarray((region_counts > 0).astype(np.float32)),
        funded_country_counts=np.ascontiguousarray(country_counts.T.astype(np.float32)),
        funded_area_counts=np.ascontiguousarray(area_counts.astype(np.float32)),
        has_funded_geo=country_counts.sum(axis=1) > 0,
        stated_area_t=_c_order(profiles.stated_area.T),
        named_t=_c_order(profiles.named_countries.T),
        text_focus_t=_c_order(profiles.text_focus.T),
        excluded_t=_c_order(profiles.excluded.T),
        funded_words=funded,
        text_product=TextProduct.build(profile, funded_sum),
        stated_chars=char_stated.tocsr(),
        funded_chars=char_funded.tocsr(),
        funded_sum_chars=funded_sum_chars,
        funded_country_rows=country_matrix(
            list(_column(profiles.funded_proposals, "countries", ())), table
        ),
        funded_only_words=funded_only_words,
        funded_only_chars=funded_only_chars,
    )


def _only_in_one_document(
    rows: sparse.csr_matrix, document_frequency: np.ndarray
) -> sparse.csr_matrix:
    """The entries of ``rows`` whose term occurs in one fitted document only (that row's)."""
    rows = rows.tocsr().copy()
    rows.data = (document_frequency[rows.indices] == 1).astype(np.float32)
    rows.eliminate_zeros()
    return rows


# --------------------------------------------------------------------------- components


@dataclass(frozen=True)
class ScoringParams:
    """Shape of the curves that turn raw similarities and distances into [0, 1] scores."""

    thematic_scale: float = 0.12  # word cosine at which thematic reaches 1 - 1/e
    char_scale: float = 0.35  # character n-gram cosine, same role
    history_scale: float = 1.0  # summed closeness to funded proposals at 1 - 1/e
    history_geo_weight: float = 0.5  # share of a funded proposal's closeness from geography
    funding_sigma: float = 0.5  # decades outside the grant range at which fit falls to 0.61
    typical_sigma_floor: float = 0.35  # minimum spread (decades) around the typical grant
    revealed_area_credit: float = 0.6  # funded elsewhere in the same area
    revealed_region_credit: float = 0.3  # funded elsewhere in the same region
    budget_factor: float = 2.0  # ineligible when the request exceeds this x annual budget
    # Stated and revealed apart (issue 12): thematic, geography and funding fit read what the
    # donor states; everything its funding record reveals (funded texts, countries, typical
    # grant) is the history component. False: the older mix (stated + funded centroid).
    stated_apart: bool = True
    history_amount_weight: float = 0.25  # share of history from closeness to the typical grant
    # History of a donor with no funding record: 0.0 counts it as "no evidence" with its
    # weight kept, so having a record is no head start; None leaves it out of the score.
    history_when_none: float | None = 0.0
    # A stated part a donor says nothing about (no targets, no grant range): counted at the
    # mean of the donors that state it, for the same proposal; "dropped" leaves it out of the
    # pair's mean, "neutral" counts 0.5. Chosen by nested cross-validation (README).
    missing_stated: str = "mean"
    # With sentence embeddings (matcher.text): share of the text similarity they give.
    encoder_share: float = 0.5


def _dense(matrix: sparse.spmatrix | np.ndarray) -> np.ndarray:
    if sparse.issparse(matrix):
        return matrix.toarray()
    return np.asarray(matrix)


def _saturate(raw: np.ndarray, scale: float) -> np.ndarray:
    return (1.0 - np.exp(-np.maximum(raw, 0.0) / scale)).astype(np.float32)


def _text_products(
    features: ProposalFeatures, donors: DonorVectors
) -> tuple[np.ndarray, np.ndarray]:
    """Dot products with donor profiles and funded sums, computed once per block."""
    if features.text_products is None:
        features.text_products = donors.text_scores(features.words)
    return features.text_products


def thematic_scores(
    features: ProposalFeatures, donors: DonorVectors, params: ScoringParams
) -> np.ndarray:
    """Cosine of the proposal text with the donor's priorities and funded proposals."""
    cosine, _ = _text_products(features, donors)
    value = _saturate(cosine, params.thematic_scale)
    if features.chars is not None and features.needs_char.any():
        rows = np.flatnonzero(features.needs_char)
        char_cos = _dense(features.chars[rows] @ donors.profile_chars.T)
        char_value = _saturate(char_cos, params.char_scale)
        char_value[:, ~donors.has_chars] = 0.0
        value[rows] = np.maximum(value[rows], char_value)
    no_text = np.diff(features.words.indptr) == 0
    if features.chars is not None:
        no_text &= np.diff(features.chars.indptr) == 0
    value[:, ~donors.has_text] = np.nan
    value[no_text, :] = np.nan
    if features.embeddings is not None and donors.stated_embeddings is not None:
        from matcher.text.similarity import encoder_thematic

        has_stated = np.linalg.norm(donors.stated_embeddings, axis=1) > 0
        encoded = encoder_thematic(features.embeddings, donors.stated_embeddings, has_stated)
        a = params.encoder_share
        # Where TF-IDF finds nothing the encoder alone speaks; elsewhere the two are blended.
        blended = np.where(np.isnan(value), encoded, (1 - a) * value + a * encoded)
        # Short or non-Latin text (the character n-gram route): the encoder judges better.
        short = features.needs_char[:, None]
        value = np.where(short, np.fmax(blended, encoded), blended)
        value[:, ~has_stated & ~donors.has_text] = np.nan
    return value.astype(np.float32)


def target_scores(features: ProposalFeatures, profiles: DonorProfiles) -> np.ndarray:
    """Share of the proposal's target weight that the donor states as a priority."""
    return _share_covered(features.targets, profiles.stated_targets, profiles.has_stated_targets)


def ecosystem_scores(features: ProposalFeatures, profiles: DonorProfiles) -> np.ndarray:
    """Share of the proposal's ecosystems that are among the donor's ecosystems."""
    return _share_covered(features.ecosystems, profiles.stated_ecosystems, profiles.has_ecosystems)


def _share_covered(
    proposal_weights: np.ndarray, donor_sets: np.ndarray, donor_states_any: np.ndarray
) -> np.ndarray:
    """P x M share of each proposal's weight that falls in each donor's set.

    Missing (NaN) where the proposal has no weight or the donor states nothing: silence on
    either side is neutral, not a zero.
    """
    total = proposal_weights.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        value = (proposal_weights @ donor_sets.T) / total[:, None]
    value = np.clip(value, 0.0, 1.0).astype(np.float32)
    value[total <= 0, :] = np.nan
    value[:, ~donor_states_any] = np.nan
    return value


def geography_scores(
    features: ProposalFeatures,
    profiles: DonorProfiles,
    donors: DonorVectors,
    params: ScoringParams,
) -> np.ndarray:
    """Mean of the parts the donor has: eligible area (share of the proposal's countries inside
    it), focus named in its priorities (share inside), and revealed geography (funded in the
    same country 1, same area 0.6, same region 0.3)."""
    # Each part is missing for whole donors (those that do not have it), so the mean over
    # available parts is a weighted sum with per-donor weights: no per-pair NaN bookkeeping.
    n_countries = features.n_countries.astype(np.float32)
    with np.errstate(invalid="ignore", divide="ignore"):
        inv = np.where(n_countries > 0, 1.0 / n_countries, np.nan).astype(np.float32)[:, None]
    has_stated = profiles.has_stated_area.astype(np.float32)
    has_focus = profiles.has_text_focus.astype(np.float32)
    has_revealed = donors.has_funded_geo.astype(np.float32)
    if params.stated_apart:
        has_revealed = np.zeros_like(has_revealed)  # funded countries are history's evidence
    count = has_stated + has_focus + has_revealed
    has_named = donors.named_t.sum(axis=0) > 0
    stated_weights = np.where(has_named, 0.8, 1.0).astype(np.float32) * has_stated
    total = features.countries @ (donors.stated_area_t * stated_weights)
    total += features.countries @ (donors.named_t * (0.2 * has_named * has_stated))
    total += features.countries @ (donors.text_focus_t * has_focus)
    if has_revealed.any():
        country_hit = features.countries @ donors.funded_country_any
        area_hit = features.countries @ donors.funded_area_any
        region_hit = features.countries @ donors.funded_region_any
        revealed = np.maximum(
            country_hit,
            np.maximum(
                params.revealed_area_credit * area_hit, params.revealed_region_credit * region_hit
            ),
        )
        total += revealed * has_revealed
    with np.errstate(invalid="ignore", divide="ignore"):
        value = total * inv / np.where(count > 0, count, np.nan)
    return np.clip(value, 0.0, 1.0).astype(np.float32)


def funding_fit_scores(
    features: ProposalFeatures, profiles: DonorProfiles, params: ScoringParams
) -> np.ndarray:
    """Requested amount against the grant range and the donor's typical grant, in decades."""
    with np.errstate(invalid="ignore", divide="ignore"):
        log_request = np.log10(np.where(features.requested_usd > 0, features.requested_usd, np.nan))
    typical = profiles.typical_log_grant
    if params.stated_apart:
        typical = np.full_like(typical, np.nan)  # the typical grant is history's evidence
    return funding_fit_values(
        log_request[:, None].astype(np.float32),
        profiles.min_grant_usd[None, :],
        profiles.max_grant_usd[None, :],
        typical[None, :],
        profiles.log_grant_spread[None, :],
        params,
    )


def funding_fit_values(
    log_request: np.ndarray,
    min_grant_usd: np.ndarray,
    max_grant_usd: np.ndarray,
    typical_log_grant: np.ndarray,
    log_grant_spread: np.ndarray,
    params: ScoringParams,
) -> np.ndarray:
    """Funding fit from broadcastable arrays: requests (log10 USD) against donors' grant facts."""
    with np.errstate(invalid="ignore", divide="ignore"):
        log_min = np.log10(np.where(min_grant_usd > 0, min_grant_usd, np.nan))
        log_max = np.log10(np.where(max_grant_usd > 0, max_grant_usd, np.nan))
    r = log_request
    has_range = ~(np.isnan(log_min) & np.isnan(log_max))
    has_typical = np.isfinite(typical_log_grant)
    low = np.where(np.isnan(log_min), -np.inf, log_min).astype(np.float32)
    high = np.where(np.isnan(log_max), np.inf, log_max).astype(np.float32)
    distance = np.maximum(low - r, 0.0) + np.maximum(r - high, 0.0)
    total = np.exp(distance**2 * np.float32(-1 / (2 * params.funding_sigma**2)))
    total *= has_range.astype(np.float32)
    if has_typical.any():
        spread = np.fmax(log_grant_spread, params.typical_sigma_floor)
        centre = np.where(has_typical, typical_log_grant, 0.0).astype(np.float32)
        scale = (-1 / (2 * spread**2)).astype(np.float32)
        total = total + np.exp((r - centre) ** 2 * scale) * has_typical
    count = has_range.astype(np.float32) + has_typical
    with np.errstate(invalid="ignore", divide="ignore"):
        value = total / np.where(count > 0, count, np.nan)
    value = np.where(np.isnan(r), np.nan, value)
    return value.astype(np.float32)


def component_scores(
    features: ProposalFeatures,
    profiles: DonorProfiles,
    donors: DonorVectors,
    params: ScoringParams,
) -> dict[str, np.ndarray]:
    """All component matrices (P x M float32, NaN where missing) for a block of proposals.

    A proposal's own funding is never evidence for it: where a donor funded the very proposal
    being scored, that funding record is taken out of every part the pair reads
    (:mod:`matcher.own_funding`).
    """
    from matcher.history import history_scores
    from matcher.learn.cases import fill_stated_missing
    from matcher.own_funding import leave_own_funding_out, remove_own_terms

    remove_own_terms(features, profiles, donors)
    components = {
        "thematic": thematic_scores(features, donors, params),
        "targets": target_scores(features, profiles),
        "geography": geography_scores(features, profiles, donors, params),
        "funding_fit": funding_fit_scores(features, profiles, params),
        "ecosystems": ecosystem_scores(features, profiles),
        "history": history_scores(features, profiles, donors, params),
    }
    leave_own_funding_out(components, features, profiles, donors, params)
    fill_stated_missing(components, params.missing_stated)
    return components
