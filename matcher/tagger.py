"""Aichi (and GBF) targets suggested from a proposal's own words, with the sentences that say so.

Countries tag targets loosely or not at all, so the tagger reads the title, summary,
description and objectives and proposes the Aichi targets the text supports. Two signals:

* a keyword lexicon (``data/target_lexicon.csv``: per target, terms in English, French,
  Spanish and Chinese, each weighted 1 (generic) to 3 (decisive)) plus explicit mentions
  such as "Aichi Target 11", "meta 11 de Aichi" or "爱知目标11";
* TF-IDF cosine similarity of the whole text to each target's official text (with its
  short title and lexicon), which ranks targets that share the same keywords.

A suggestion needs at least one lexicon hit, so every suggestion comes with the sentences
that support it. Matching folds case and accents, runs one trie-compiled regular expression
over all sentences of all proposals at once, and scores with sparse matrices: 10,000
proposals take seconds, not minutes.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any, Final

import numpy as np
import pandas as pd
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer

from matcher import reference
from matcher.contract import PROPOSAL_COLUMNS
from matcher.negation import is_negated
from matcher.normalise import html_to_text

__all__ = [
    "DEFAULT_MIN_CONFIDENCE",
    "LEXICON_LANGUAGES",
    "SUGGESTION_COLUMNS",
    "TaggerScores",
    "aichi_for_gbf",
    "evaluate_suggestions",
    "gbf_for_aichi",
    "lexicon",
    "nbsap_alignment",
    "proposal_target_weights",
    "review_targets",
    "suggest_targets",
    "target_label",
    "target_text",
    "with_target_columns",
]

N_AICHI: Final = 20
N_GBF: Final = 23
TEXT_COLUMNS: Final = ("title", "summary", "description", "objectives")
LEXICON_LANGUAGES: Final = ("en", "fr", "es", "zh")
DEFAULT_MIN_CONFIDENCE: Final = 0.3
SUGGESTION_COLUMNS: Final = (
    "proposal_id",
    "aichi_target",
    "confidence",
    "evidence",
    "matched_terms",
    "gbf_targets",
)
REVIEW_COLUMNS: Final = (
    "proposal_id",
    "aichi_target",
    "flag",
    "confidence",
    "evidence",
    "message",
)
NBSAP_COLUMNS: Final = (
    "proposal_id",
    "cites_nbsap",
    "in_alignment_field",
    "mentioned_in_text",
    "evidence",
)

# Lexicon score -> confidence: 1 - exp(-score / scale). One decisive term (weight 3)
# gives 0.53, one decisive plus one specific term 0.71, a lone generic word 0.22.
_LEXICON_SCALE: Final = 4.0
# Share of the confidence that the similarity to the official text can move.
_SIMILARITY_SHARE: Final = 0.3
_EXPLICIT_AICHI_WEIGHT: Final = 5.0
_EXPLICIT_GBF_WEIGHT: Final = 3.0
_MAX_EVIDENCE_SENTENCES: Final = 3
_MAX_EVIDENCE_CHARS: Final = 400
_MAX_MATCHED_TERMS: Final = 6
_NBSAP_TARGET: Final = 17

_SEPARATOR: Final = "\x00"
_WORD_SEP: Final = " "  # between words in a normalised term
_STEM: Final = "*"  # a word stem in the lexicon: any word ending may follow
_SEP_REGEX: Final = r"[\s\-]+"
_STEM_REGEX: Final = r"\w*"
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")

# Sentence boundaries. Fixed separators are replaced by line breaks with str.replace (C
# speed); the one regex only looks at ". X" (a sentence end followed by a space and
# anything but a lower-case letter). Together 2-3x faster than one big split pattern.
_LINE_BREAKERS: Final = ("||", " -> ", "•", "▪", "●", "◦", "。", "！", "？", "；")
_SENTENCE_END = re.compile(r"([.!?;:]) (?=[^\sa-z])")
_COMBINING = re.compile(r"[\u0300-\u036f]")
_FOLD_PAIRS = (("’", "'"), ("‘", "'"), ("`", "'"), ("´", "'"), ("–", "-"), ("—", "-"), ("‐", "-"))

_AICHI_MARKER = re.compile(r"aichi|爱知|愛知")
_ANY_MARKER = re.compile(
    r"aichi|爱知|愛知|gbf|kunming|global biodiversity framework|cadre mondial|marco mundial|昆明"
)
_GBF_MARKER = re.compile(
    r"\bgbf\b|\bkmgbf\b|kunming|global biodiversity framework|cadre mondial|marco mundial|昆明"
)
_NUMBER_LIST: Final = (
    r"\d{1,2}[项条]?(?:\s*(?:,|;|/|&|\band\b|\bet\b|\by\b|\be\b|\bor\b|\bou\b|\bo\b|、|和|及|与)"
    r"\s*第?\s*\d{1,2}[项条]?)*(?!\d|\s*%|\s*per\s?cent)"
)
_TARGET_NUMBERS = re.compile(
    r"(?:\btargets?|\bmetas?|\bobjectifs?|\bcibles?|\bobjetivos?|目标|目標)\s*"
    r"(?:(?:number|numero|no|n°|#)\.?\s*)?第?\s*"
    rf"({_NUMBER_LIST})"
    rf"|\baichi\s*-?\s*({_NUMBER_LIST})"
)
_NUMBER = re.compile(r"\d{1,2}")


def _plain(value: object) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA:
        return ""
    text = str(value)
    return html_to_text(text) if ("<" in text or "&" in text) else text


def _fold(text: str) -> str:
    """Case- and accent-insensitive form for matching ("Déforestation" -> "deforestation")."""
    # NFKD splits accents off and maps compatibility forms (full-width digits, ligatures)
    text = unicodedata.normalize("NFKD", text).casefold()
    for old, new in _FOLD_PAIRS:  # str.replace is much faster than str.translate here
        if old in text:
            text = text.replace(old, new)
    return _COMBINING.sub("", text)


# --------------------------------------------------------------------------- lexicon


@dataclass(frozen=True)
class _CompiledLexicon:
    terms: pd.DataFrame  # aichi_target, language, term, weight, key
    latin_pattern: re.Pattern[str]
    cjk_pattern: re.Pattern[str]
    exact: dict[str, dict[int, float]]  # normalised surface -> {target: weight}
    stems: tuple[tuple[re.Pattern[str], int, float], ...]  # fullmatch pattern, target, weight


def _term_tokens(key: str) -> list[str]:
    """A normalised term as trie tokens: characters, word separators and stem markers."""
    tokens: list[str] = []
    for index, word in enumerate(key.split(_WORD_SEP)):
        if index:
            tokens.append(_WORD_SEP)
        tokens.extend(word)
    return tokens


def _token_regex(token: str) -> str:
    if token == _WORD_SEP:
        return _SEP_REGEX
    if token == _STEM:
        return _STEM_REGEX
    return re.escape(token)


def _trie_regex(keys: Iterable[str]) -> str:
    """One regular expression for many terms, shared prefixes factored out.

    Python's regex engine tries each branch of a flat alternation at every position; a
    trie tries one branch per distinct next character, which is more than ten times faster
    on long texts. Longer continuations come first so "coral reef" wins over "coral".
    """
    trie: dict[str, Any] = {}
    for key in keys:
        node = trie
        for token in _term_tokens(key):
            node = node.setdefault(token, {})
        node[""] = {}

    def order(token: str) -> tuple[int, str]:
        return ({_WORD_SEP: 0, _STEM: 2}.get(token, 1), token)

    def emit(node: dict[str, Any]) -> str:
        branches = [
            _token_regex(token) + emit(child)
            for token, child in sorted(node.items(), key=lambda kv: order(kv[0]))
            if token
        ]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if "" in node:
            body = "(?:" + body + ")?"
        return body

    return emit(trie)


def _normalise_term(term: str) -> str:
    folded = _fold(term.strip())
    return _WORD_SEP.join(folded.replace("-", " ").split())


def _surface_key(surface: str) -> str:
    return _WORD_SEP.join(surface.replace("-", " ").split())


@cache
def _compiled_lexicon() -> _CompiledLexicon:
    terms = pd.read_csv(
        reference.data_dir() / "target_lexicon.csv", keep_default_na=False, dtype=str
    )
    terms["aichi_target"] = terms["aichi_target"].astype(int)
    terms["weight"] = terms["weight"].astype(float)
    terms["key"] = terms["term"].map(_normalise_term)
    is_cjk = terms["key"].map(lambda key: bool(_CJK.search(key)))
    latin_keys = sorted(set(terms.loc[~is_cjk, "key"]))
    cjk_keys = sorted(set(terms.loc[is_cjk, "key"]))
    exact: dict[str, dict[int, float]] = {}
    stems: list[tuple[re.Pattern[str], int, float]] = []
    for key, target, weight in zip(
        terms["key"], terms["aichi_target"], terms["weight"], strict=True
    ):
        if _STEM in key:
            pattern = "".join(_token_regex(token) for token in _term_tokens(key))
            stems.append((re.compile(pattern.replace(_SEP_REGEX, " ")), target, weight))
        else:
            per_target = exact.setdefault(key, {})
            per_target[target] = max(per_target.get(target, 0.0), weight)
    return _CompiledLexicon(
        terms=terms,
        latin_pattern=re.compile(r"(?<!\w)" + _trie_regex(latin_keys) + r"(?!\w)"),
        cjk_pattern=re.compile(_trie_regex(cjk_keys)),
        exact=exact,
        stems=tuple(stems),
    )


@cache
def _surface_targets(surface_key: str) -> tuple[tuple[int, float], ...]:
    """Targets (with weight) a matched piece of text stands for; several terms may match."""
    compiled = _compiled_lexicon()
    per_target = dict(compiled.exact.get(surface_key, {}))
    for pattern, target, weight in compiled.stems:
        if pattern.fullmatch(surface_key):
            per_target[target] = max(per_target.get(target, 0.0), weight)
    return tuple(sorted(per_target.items()))


def lexicon() -> pd.DataFrame:
    """The keyword lexicon: ``aichi_target``, ``language`` (en/fr/es/zh), ``term``, ``weight``.

    A ``*`` ends a word stem ("protected area*" also finds "protected areas"). Weights:
    1 generic, 2 specific, 3 decisive for the target.
    """
    return _compiled_lexicon().terms.drop(columns="key").copy()


# --------------------------------------------------------------------------- crosswalk


@cache
def _crosswalk_maps() -> tuple[dict[int, tuple[int, ...]], dict[int, tuple[int, ...]]]:
    links = reference.crosswalk()
    primary = links[links["relation"] == "primary"]
    successors = {
        int(aichi): tuple(sorted(group["gbf_target"].astype(int)))
        for aichi, group in primary.groupby("aichi_target")
    }
    predecessors: dict[int, tuple[int, ...]] = {}
    for gbf, group in links.groupby("gbf_target"):
        chosen = group[group["relation"] == "primary"]
        if chosen.empty:  # no closest predecessor: the related ones are still the best guess
            chosen = group
        predecessors[int(gbf)] = tuple(sorted(set(chosen["aichi_target"].astype(int))))
    return successors, predecessors


def _as_targets(targets: object) -> tuple[int, ...]:
    if targets is None or targets is pd.NA:
        return ()
    if isinstance(targets, (int, np.integer)):
        return (int(targets),)
    if isinstance(targets, float):
        return () if np.isnan(targets) else (int(targets),)
    if isinstance(targets, str):
        return tuple(int(n) for n in re.findall(r"\d+", targets))
    return tuple(int(t) for t in targets)  # type: ignore[union-attr]


def gbf_for_aichi(targets: Iterable[int] | int) -> tuple[int, ...]:
    """The GBF targets that succeed these Aichi targets (crosswalk, ``primary`` links).

    Parameters
    ----------
    targets
        Aichi target numbers (1-20); numbers outside the range have no successor.

    Returns
    -------
    tuple of int
        Sorted, distinct GBF target numbers. Aichi 17 (NBSAPs) has none.
    """
    successors, _ = _crosswalk_maps()
    found = {gbf for aichi in _as_targets(targets) for gbf in successors.get(aichi, ())}
    return tuple(sorted(found))


def aichi_for_gbf(targets: Iterable[int] | int) -> tuple[int, ...]:
    """The Aichi targets a set of GBF targets implies (``primary`` links, else ``related``).

    Parameters
    ----------
    targets
        GBF target numbers (1-23).

    Returns
    -------
    tuple of int
        Sorted, distinct Aichi target numbers; GBF 17 and 23 have no Aichi predecessor.
    """
    _, predecessors = _crosswalk_maps()
    found = {aichi for gbf in _as_targets(targets) for aichi in predecessors.get(gbf, ())}
    return tuple(sorted(found))


# --------------------------------------------------------------------------- labels


def _framework(framework: str) -> str:
    name = framework.strip().lower().replace("-", "").replace(" ", "")
    if name in {"aichi", "aichitargets", "aichibiodiversitytargets"}:
        return "aichi"
    if name in {"gbf", "kmgbf", "kunmingmontreal", "kunmingmontrealgbf"}:
        return "gbf"
    raise ValueError(f"Unknown target framework {framework!r}: use 'aichi' or 'gbf'.")


@cache
def _target_rows(framework: str) -> dict[int, dict[str, str]]:
    frame = reference.aichi_targets() if framework == "aichi" else reference.gbf_targets()
    return {int(row["target"]): row for row in frame.astype(str).to_dict("records")}


def _target_row(framework: str, number: int) -> tuple[str, dict[str, str]]:
    kind = _framework(framework)
    rows = _target_rows(kind)
    if int(number) not in rows:
        last = N_AICHI if kind == "aichi" else N_GBF
        raise ValueError(
            f"{kind.upper() if kind == 'gbf' else 'Aichi'} targets run 1-{last}, not {number}."
        )
    return kind, rows[int(number)]


def target_label(framework: str, number: int, *, official_text: bool = False) -> str:
    """Short label for a target, e.g. ``"Aichi 11 — Protected areas"``.

    Parameters
    ----------
    framework
        ``"aichi"`` or ``"gbf"`` (case-insensitive; ``"KMGBF"`` also accepted).
    number
        The target number.
    official_text
        Append the target's text on a new line: the official English text for Aichi
        targets, the CBD short title and key elements for GBF targets.

    Returns
    -------
    str
    """
    kind, row = _target_row(framework, number)
    label = f"{'Aichi' if kind == 'aichi' else 'GBF'} {int(number)} — {row['short_title']}"
    return f"{label}\n{target_text(kind, number)}" if official_text else label


def target_text(framework: str, number: int) -> str:
    """The target's text: official for Aichi; for GBF the short title and key elements.

    The shipped GBF file holds the CBD's short titles and a summary of key elements, not
    the decision's full wording, and the text says so.
    """
    kind, row = _target_row(framework, number)
    if kind == "aichi":
        return row["official_text_en"]
    elements = row.get("key_elements", "").strip()
    text = f"{row['short_title']} (KMGBF decision 15/4)."
    return f"{text} Key elements (summary): {elements}." if elements else text


# --------------------------------------------------------------------------- sentences


@dataclass(frozen=True)
class _Sentences:
    """Every sentence of every proposal, original and folded, with its owner's row."""

    owner: np.ndarray  # int64 row position of the proposal
    original: list[str]
    folded: list[str]
    folded_joined: str
    starts: np.ndarray  # int64 start of each folded sentence in folded_joined


def _proposal_texts(proposals: pd.DataFrame, columns: Sequence[str]) -> list[str]:
    present = [c for c in columns if c in proposals.columns]
    if not present:
        return [""] * len(proposals)
    cells = [[_plain(v) for v in proposals[c].tolist()] for c in present]
    return ["\n".join(parts) for parts in zip(*cells, strict=True)]


def _sentence_pieces(text: str) -> list[str]:
    """Candidate sentences: lines (HTML blocks became lines), list items, sentence ends."""
    pieces: list[str] = []
    if _SEPARATOR in text:  # the separator between sentences must not occur inside one
        text = text.replace(_SEPARATOR, " ")
    for line in text.split("\n"):
        line = " ".join(line.split())  # collapses spaces, tabs and no-break spaces
        for separator in _LINE_BREAKERS:
            if separator in line:
                line = line.replace(separator, "\n")
        pieces.extend(_SENTENCE_END.sub("\\1\n", line).split("\n"))
    return pieces


def _split_sentences(texts: Sequence[str]) -> _Sentences:
    owner: list[int] = []
    original: list[str] = []
    for row, text in enumerate(texts):
        seen: set[str] = set()
        for piece in _sentence_pieces(text):
            sentence = piece.strip(" -–—*>|")
            # the LifeWeb export repeats paragraphs across fields; count each once
            if len(sentence) < 3 or sentence in seen:
                continue
            seen.add(sentence)
            owner.append(row)
            original.append(sentence)
    folded_joined = _fold(_SEPARATOR.join(original))
    folded = folded_joined.split(_SEPARATOR) if original else []
    lengths = np.fromiter((len(s) + 1 for s in folded), dtype=np.int64, count=len(folded))
    starts = np.concatenate(([0], np.cumsum(lengths)[:-1])) if len(folded) else lengths
    return _Sentences(
        owner=np.asarray(owner, dtype=np.int64),
        original=original,
        folded=folded,
        folded_joined=folded_joined,
        starts=starts.astype(np.int64),
    )


def _sentence_of(sentences: _Sentences, positions: list[int]) -> np.ndarray:
    return (
        np.searchsorted(sentences.starts, np.asarray(positions, dtype=np.int64), side="right") - 1
    )


# --------------------------------------------------------------------------- hits


def _lexicon_hits(sentences: _Sentences) -> pd.DataFrame:
    """One row per (sentence, target, surface) hit: ``sentence``, ``aichi_target``, ``weight``, ``surface``."""
    compiled = _compiled_lexicon()
    positions: list[int] = []
    surfaces: list[str] = []
    text = sentences.folded_joined
    for pattern in (compiled.latin_pattern, compiled.cjk_pattern):
        for match in pattern.finditer(text):
            start = int(
                sentences.starts[np.searchsorted(sentences.starts, match.start(), "right") - 1]
            )
            if is_negated(text, match.start(), start):
                continue  # "not a protected area project" names no protected area
            positions.append(match.start())
            surfaces.append(_surface_key(match.group()))
    rows_sentence: list[int] = []
    rows_target: list[int] = []
    rows_weight: list[float] = []
    rows_surface: list[str] = []
    sentence_index = _sentence_of(sentences, positions)
    for sentence, surface in zip(sentence_index.tolist(), surfaces, strict=True):
        for target, weight in _surface_targets(surface):
            rows_sentence.append(sentence)
            rows_target.append(target)
            rows_weight.append(weight)
            rows_surface.append(surface)
    return pd.DataFrame(
        {
            "sentence": np.asarray(rows_sentence, dtype=np.int64),
            "aichi_target": np.asarray(rows_target, dtype=np.int64),
            "weight": np.asarray(rows_weight, dtype=np.float64),
            "surface": pd.Series(rows_surface, dtype=object),
        }
    )


def _explicit_hits(sentences: _Sentences) -> pd.DataFrame:
    """Targets named by number: "Aichi Target 11", "metas 5 y 15 de Aichi", "GBF Target 3"."""
    _, predecessors = _crosswalk_maps()
    rows: list[tuple[int, int, float, str]] = []
    marked = _sentence_of(
        sentences, [m.start() for m in _ANY_MARKER.finditer(sentences.folded_joined)]
    )
    for index in np.unique(marked).tolist():
        text = sentences.folded[index]
        is_aichi = bool(_AICHI_MARKER.search(text))
        if not is_aichi and not _GBF_MARKER.search(text):
            continue
        for match in _TARGET_NUMBERS.finditer(text):
            numbers = [int(n) for n in _NUMBER.findall(match.group(1) or match.group(2) or "")]
            for number in numbers:
                if is_aichi and 1 <= number <= N_AICHI:
                    rows.append((index, number, _EXPLICIT_AICHI_WEIGHT, f"aichi target {number}"))
                elif not is_aichi and 1 <= number <= N_GBF:
                    for aichi in predecessors.get(number, ()):
                        rows.append((index, aichi, _EXPLICIT_GBF_WEIGHT, f"gbf target {number}"))
    return pd.DataFrame(rows, columns=["sentence", "aichi_target", "weight", "surface"]).astype(
        {"sentence": np.int64, "aichi_target": np.int64, "weight": np.float64, "surface": object}
    )


# --------------------------------------------------------------------------- similarity


_SIMILARITY_WORD = re.compile(r"[^\W\d_\u3400-\u9fff]{3,}")
_SIMILARITY_CJK_BIGRAM = re.compile(r"(?=([\u3400-\u9fff]{2}))")


def _similarity_tokens(text: str) -> list[str]:
    # Latin words of three letters or more; CJK has no spaces, so overlapping character
    # bigrams stand for its words. Two regex passes, no n-gram step: fast on long texts.
    return _SIMILARITY_WORD.findall(text) + _SIMILARITY_CJK_BIGRAM.findall(text)


@cache
def _target_vectoriser() -> tuple[TfidfVectorizer, sparse.csr_matrix]:
    """TF-IDF fitted on the 20 target documents: title, official text and lexicon terms."""
    aichi = reference.aichi_targets().sort_values("target")
    terms = _compiled_lexicon().terms
    words = terms.groupby("aichi_target")["term"].agg(lambda t: " ".join(t).replace("*", ""))
    documents = [
        _fold(f"{row.short_title}. {row.official_text_en} {words.get(int(row.target), '')}")
        for row in aichi.itertuples()
    ]
    vectoriser = TfidfVectorizer(
        tokenizer=_similarity_tokens,
        token_pattern=None,
        lowercase=False,
        sublinear_tf=True,
        dtype=np.float32,
    )
    matrix = vectoriser.fit_transform(documents)
    return vectoriser, matrix.tocsr()


def _target_similarity(sentences: _Sentences, n_proposals: int) -> np.ndarray:
    """Cosine similarity (P x 20) of each proposal's folded text to each target document.

    Same weighting as the fitted ``TfidfVectorizer`` (sublinear tf, its idf, L2 norm), but
    tokens are counted with ``collections.Counter`` (C) and only distinct tokens are looked
    up in the vocabulary: about twice as fast as ``transform`` on long proposals.
    """
    vectoriser, target_matrix = _target_vectoriser()
    vocabulary: dict[str, int] = vectoriser.vocabulary_
    documents: list[list[str]] = [[] for _ in range(n_proposals)]
    for owner, text in zip(sentences.owner.tolist(), sentences.folded, strict=True):
        documents[owner].append(text)
    indptr = [0]
    indices: list[int] = []
    counts: list[int] = []
    for parts in documents:
        for token, count in Counter(_similarity_tokens("\n".join(parts))).items():
            column = vocabulary.get(token)
            if column is not None:
                indices.append(column)
                counts.append(count)
        indptr.append(len(indices))
    values = (1.0 + np.log(np.asarray(counts, dtype=np.float32))) * vectoriser.idf_[
        np.asarray(indices, dtype=np.int64)
    ].astype(np.float32)
    matrix = sparse.csr_matrix(
        (values, np.asarray(indices, dtype=np.int64), np.asarray(indptr, dtype=np.int64)),
        shape=(n_proposals, len(vocabulary)),
    )
    norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1), dtype=np.float32)).ravel()
    norms[norms == 0] = 1.0
    matrix = sparse.diags(1.0 / norms) @ matrix
    return np.asarray((matrix @ target_matrix.T).todense(), dtype=np.float32)


def _joined_by_group(
    keys: Sequence[tuple[int, int]], texts: Sequence[str], separator: str
) -> dict[tuple[int, int], str]:
    """Texts joined per key, in the given order (a plain loop beats a pandas string agg)."""
    grouped: dict[tuple[int, int], list[str]] = {}
    for key, text in zip(keys, texts, strict=True):
        grouped.setdefault(key, []).append(text)
    return {key: separator.join(parts) for key, parts in grouped.items()}


# --------------------------------------------------------------------------- suggestions


def _empty_suggestions() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "proposal_id": pd.Series(dtype=object),
            "aichi_target": pd.Series(dtype=np.int64),
            "confidence": pd.Series(dtype=np.float64),
            "evidence": pd.Series(dtype=object),
            "matched_terms": pd.Series(dtype=object),
            "gbf_targets": pd.Series(dtype=object),
        }
    )


def _truncate(sentence: str) -> str:
    if len(sentence) <= _MAX_EVIDENCE_CHARS:
        return sentence
    return sentence[: _MAX_EVIDENCE_CHARS - 1].rstrip() + "…"


def _score_all(proposals: pd.DataFrame) -> pd.DataFrame:
    """Every (proposal row, target) with any lexicon evidence, scored; unfiltered."""
    texts = _proposal_texts(proposals, TEXT_COLUMNS)
    sentences = _split_sentences(texts)
    hits = pd.concat([_lexicon_hits(sentences), _explicit_hits(sentences)], ignore_index=True)
    if hits.empty:
        return pd.DataFrame(
            columns=["row", "aichi_target", "confidence", "evidence", "matched_terms"]
        )
    hits["row"] = sentences.owner[hits["sentence"].to_numpy()]

    # each distinct surface counts once per target, a little more when repeated
    per_surface = hits.groupby(["row", "aichi_target", "surface"], sort=False).agg(
        weight=("weight", "max"), count=("weight", "size")
    )
    per_surface["score"] = per_surface["weight"] * (1.0 + 0.5 * np.log(per_surface["count"]))
    per_surface = per_surface.reset_index()
    scores = per_surface.groupby(["row", "aichi_target"], sort=False)["score"].sum()

    lexicon_confidence = 1.0 - np.exp(-scores.to_numpy() / _LEXICON_SCALE)
    rows = scores.index.get_level_values("row").to_numpy()
    targets = scores.index.get_level_values("aichi_target").to_numpy()
    similarity = _target_similarity(sentences, len(proposals))
    best = similarity.max(axis=1, keepdims=True)
    relative = np.divide(similarity, best, out=np.zeros_like(similarity), where=best > 0)
    confidence = lexicon_confidence * (
        1.0 - _SIMILARITY_SHARE + _SIMILARITY_SHARE * relative[rows, targets - 1]
    )

    # evidence: the sentences carrying the most weight for the target, in reading order
    per_sentence = hits.groupby(["row", "aichi_target", "sentence"], sort=False)["weight"].sum()
    per_sentence = per_sentence.reset_index().sort_values(
        ["row", "aichi_target", "weight", "sentence"], ascending=[True, True, False, True]
    )
    top_sentences = per_sentence.groupby(["row", "aichi_target"], sort=False).head(
        _MAX_EVIDENCE_SENTENCES
    )
    top_sentences = top_sentences.sort_values(["row", "aichi_target", "sentence"])
    evidence = _joined_by_group(
        list(
            zip(top_sentences["row"].tolist(), top_sentences["aichi_target"].tolist(), strict=True)
        ),
        [_truncate(sentences.original[i]) for i in top_sentences["sentence"].tolist()],
        "\n",
    )

    per_surface = per_surface.sort_values(
        ["row", "aichi_target", "weight", "count", "surface"],
        ascending=[True, True, False, False, True],
    )
    top_surfaces = per_surface.groupby(["row", "aichi_target"], sort=False).head(_MAX_MATCHED_TERMS)
    matched = _joined_by_group(
        list(zip(top_surfaces["row"].tolist(), top_surfaces["aichi_target"].tolist(), strict=True)),
        top_surfaces["surface"].tolist(),
        "; ",
    )
    keys = list(zip(rows.tolist(), targets.tolist(), strict=True))
    return pd.DataFrame(
        {
            "row": rows,
            "aichi_target": targets,
            "confidence": confidence,
            "evidence": [evidence.get(key, "") for key in keys],
            "matched_terms": [matched.get(key, "") for key in keys],
        }
    )


def suggest_targets(
    proposals: pd.DataFrame,
    *,
    min_confidence: float = DEFAULT_MIN_CONFIDENCE,
    use_encoder: bool = True,
) -> pd.DataFrame:
    """Aichi targets each proposal's text supports, with confidence and evidence.

    Parameters
    ----------
    proposals
        A proposals frame (:mod:`matcher.contract`); ``title``, ``summary``,
        ``description`` and ``objectives`` are read (HTML is stripped), missing columns
        count as empty.
    min_confidence
        Suggestions below this confidence are left out; ``0`` keeps every target with
        any lexicon evidence at all.
    use_encoder
        For proposals the lexicon leaves without a suggestion, ask the sentence encoder
        (:mod:`matcher.tagging.encoder`); ``False`` keeps to the lexicon (the fast path).

    Returns
    -------
    pandas.DataFrame
        One row per (proposal, suggested target), proposals in input order, the most
        confident target first: ``proposal_id``, ``aichi_target`` (int), ``confidence``
        (float in [0, 1]), ``evidence`` (up to three supporting sentences, plain text,
        one per line), ``matched_terms`` (the lexicon terms found, ``; ``-joined) and
        ``gbf_targets`` (tuple of the GBF successors, primary crosswalk links).
    """
    if len(proposals) == 0:
        return _empty_suggestions()
    scored = _score_all(proposals)
    scored = scored[scored["confidence"] >= min_confidence]
    if use_encoder:
        from matcher.tagging.encoder import with_encoder_suggestions

        scored = with_encoder_suggestions(proposals, scored, max(min_confidence, 1e-6))
    if scored.empty:
        return _empty_suggestions()
    scored = scored.sort_values(
        ["row", "confidence", "aichi_target"], ascending=[True, False, True]
    )
    ids = _proposal_ids(proposals)
    successors, _ = _crosswalk_maps()
    return pd.DataFrame(
        {
            "proposal_id": ids[scored["row"].to_numpy()],
            "aichi_target": scored["aichi_target"].to_numpy(dtype=np.int64),
            "confidence": np.round(scored["confidence"].to_numpy(dtype=np.float64), 3),
            "evidence": scored["evidence"].to_numpy(dtype=object),
            "matched_terms": scored["matched_terms"].to_numpy(dtype=object),
            "gbf_targets": [successors.get(int(t), ()) for t in scored["aichi_target"]],
        }
    )


# --------------------------------------------------------------------------- declared targets


def _declared_aichi(proposals: pd.DataFrame) -> list[tuple[int, ...]]:
    """Per proposal: declared Aichi targets plus those implied by declared GBF targets."""
    aichi = (
        proposals["aichi_targets"].tolist()
        if "aichi_targets" in proposals
        else [()] * len(proposals)
    )
    gbf = proposals["gbf_targets"].tolist() if "gbf_targets" in proposals else [()] * len(proposals)
    declared = []
    for aichi_cell, gbf_cell in zip(aichi, gbf, strict=True):
        targets = {t for t in _as_targets(aichi_cell) if 1 <= t <= N_AICHI}
        targets.update(aichi_for_gbf(gbf_cell))
        declared.append(tuple(sorted(targets)))
    return declared


def _proposal_ids(proposals: pd.DataFrame) -> np.ndarray:
    if "proposal_id" in proposals:
        return proposals["proposal_id"].to_numpy(dtype=object)
    return np.array([str(i) for i in range(len(proposals))], dtype=object)


def proposal_target_weights(
    proposals: pd.DataFrame, suggestions: pd.DataFrame | None = None
) -> np.ndarray:
    """Per-proposal Aichi target weights for the engine's target component.

    Declared targets come first: a proposal's declared Aichi targets, and the Aichi
    targets its declared GBF targets imply through the crosswalk, weigh 1.0. Only a
    proposal that declares nothing falls back on the tagger, each suggested target
    weighted by its confidence.

    Parameters
    ----------
    proposals
        A proposals frame (:mod:`matcher.contract`).
    suggestions
        Output of :func:`suggest_targets`; computed for the undeclared proposals when
        not given.

    Returns
    -------
    numpy.ndarray
        ``float32`` array of shape ``(len(proposals), 20)``; column ``j`` is Aichi
        target ``j + 1``. A row of zeros means neither declared nor suggested targets.
    """
    weights = np.zeros((len(proposals), N_AICHI), dtype=np.float32)
    declared = _declared_aichi(proposals)
    undeclared_rows = []
    for row, targets in enumerate(declared):
        if targets:
            weights[row, np.asarray(targets) - 1] = 1.0
        else:
            undeclared_rows.append(row)
    if not undeclared_rows:
        return weights
    if suggestions is None:
        suggestions = suggest_targets(proposals.iloc[undeclared_rows])
    if suggestions.empty:
        return weights
    ids = _proposal_ids(proposals)
    row_of = {ids[row]: row for row in undeclared_rows}
    rows = suggestions["proposal_id"].map(row_of)
    usable = rows.notna().to_numpy()
    row_index = rows[usable].astype(np.int64).to_numpy()
    target_index = suggestions.loc[usable, "aichi_target"].to_numpy(dtype=np.int64) - 1
    confidence = suggestions.loc[usable, "confidence"].to_numpy(dtype=np.float32)
    np.maximum.at(weights, (row_index, target_index), np.clip(confidence, 0.0, 1.0))
    return weights


def with_target_columns(
    proposals: pd.DataFrame, suggestions: pd.DataFrame | None = None
) -> pd.DataFrame:
    """A copy of ``proposals`` with the tagger's targets beside the declared ones.

    Two columns are inserted right after the contract columns, so exports and the
    ``validate`` output show them next to ``aichi_targets`` and ``gbf_targets``:

    * ``suggested_aichi_targets``: the Aichi targets the text supports (tuple of int,
      most confident first), whether declared or not;
    * ``crosswalked_gbf_targets``: the declared GBF targets plus the GBF successors of
      the declared Aichi targets (tuple of int). The contract's ``gbf_targets`` stays
      what the proposal declared.

    Parameters
    ----------
    proposals
        A proposals frame (:mod:`matcher.contract`).
    suggestions
        Output of :func:`suggest_targets`; computed when not given.

    Returns
    -------
    pandas.DataFrame
    """
    if suggestions is None:
        suggestions = suggest_targets(proposals)
    suggested: dict[object, tuple[int, ...]] = {
        pid: tuple(int(t) for t in group["aichi_target"])
        for pid, group in suggestions.groupby("proposal_id", sort=False)
    }
    ids = _proposal_ids(proposals)
    aichi = proposals["aichi_targets"] if "aichi_targets" in proposals else [()] * len(proposals)
    gbf = proposals["gbf_targets"] if "gbf_targets" in proposals else [()] * len(proposals)
    crosswalked = [
        tuple(sorted(set(_as_targets(declared_gbf)) | set(gbf_for_aichi(_as_targets(declared)))))
        for declared, declared_gbf in zip(aichi, gbf, strict=True)
    ]
    frame = proposals.copy()
    position = max(
        (frame.columns.get_loc(c) + 1 for c in PROPOSAL_COLUMNS if c in frame.columns), default=0
    )
    for offset, (name, values) in enumerate(
        (
            ("suggested_aichi_targets", [suggested.get(pid, ()) for pid in ids]),
            ("crosswalked_gbf_targets", crosswalked),
        )
    ):
        if name in frame.columns:
            frame = frame.drop(columns=name)
        frame.insert(
            min(position + offset, len(frame.columns)),
            name,
            pd.Series(values, index=frame.index, dtype=object),
        )
    return frame


# --------------------------------------------------------------------------- review


def _add_weak_support(records: list[dict[str, object]], weak: pd.DataFrame) -> None:
    """Say so when a declared target has some support, just below the suggestion threshold."""
    support = {
        (pid, int(target)): (confidence, evidence, terms)
        for pid, target, confidence, evidence, terms in zip(
            weak["proposal_id"],
            weak["aichi_target"],
            weak["confidence"],
            weak["evidence"],
            weak["matched_terms"],
            strict=True,
        )
    }
    for record in records:
        found = support.get((record["proposal_id"], int(record["aichi_target"])))  # type: ignore[call-overload]
        if record["flag"] != "declared_unsupported" or found is None:
            continue
        confidence, evidence, terms = found
        record["confidence"] = float(confidence)
        record["evidence"] = evidence
        record["message"] = str(record["message"]).replace(
            "but nothing in the title, summary, description or objectives supports it.",
            f"but the text supports it only weakly (confidence {confidence:.2f}; terms: {terms}).",
        )


def review_targets(
    proposals: pd.DataFrame,
    suggestions: pd.DataFrame | None = None,
    *,
    undeclared_min_confidence: float = 0.5,
) -> pd.DataFrame:
    """Flags for the reviewer: declared targets the text does not support, and the reverse.

    Parameters
    ----------
    proposals
        A proposals frame (:mod:`matcher.contract`).
    suggestions
        Output of :func:`suggest_targets` (computed with its default threshold when not
        given). A declared target without a suggestion is "declared but unsupported".
    undeclared_min_confidence
        A suggestion at least this confident that the proposal did not declare is
        flagged "supported but undeclared"; weaker ones are not worth a reviewer's time.

    Returns
    -------
    pandas.DataFrame
        ``proposal_id``, ``aichi_target``, ``flag`` (``declared_unsupported`` or
        ``supported_undeclared``), ``confidence`` (the tagger's, 0 when no suggestion),
        ``evidence`` (supporting sentences, empty for unsupported ones) and ``message``
        (one sentence a reviewer reads).
    """
    if suggestions is None:
        suggestions = suggest_targets(proposals)
    ids = _proposal_ids(proposals)
    declared_gbf = (
        proposals["gbf_targets"].map(_as_targets).tolist()
        if "gbf_targets" in proposals
        else [()] * len(proposals)
    )
    declared_aichi = (
        proposals["aichi_targets"].map(_as_targets).tolist()
        if "aichi_targets" in proposals
        else [()] * len(proposals)
    )
    by_proposal = {
        pid: group.set_index("aichi_target")
        for pid, group in suggestions.groupby("proposal_id", sort=False)
    }
    records: list[dict[str, object]] = []
    unsupported_rows: list[int] = []
    for position, (pid, targets, aichi_cell, gbf_cell) in enumerate(
        zip(ids, _declared_aichi(proposals), declared_aichi, declared_gbf, strict=True)
    ):
        suggested = by_proposal.get(pid)
        suggested_targets = set() if suggested is None else set(suggested.index.astype(int))
        for target in targets:
            if target in suggested_targets:
                continue
            via = (
                ""
                if target in aichi_cell
                else (
                    " (implied by declared "
                    + ", ".join(f"GBF {g}" for g in gbf_cell if target in aichi_for_gbf(g))
                    + ")"
                )
            )
            if not unsupported_rows or unsupported_rows[-1] != position:
                unsupported_rows.append(position)
            records.append(
                {
                    "proposal_id": pid,
                    "aichi_target": target,
                    "flag": "declared_unsupported",
                    "confidence": 0.0,
                    "evidence": "",
                    "message": f"{target_label('aichi', target)} is declared{via}, but nothing "
                    "in the title, summary, description or objectives supports it.",
                }
            )
    for pid, targets in zip(ids, _declared_aichi(proposals), strict=True):
        suggested = by_proposal.get(pid)
        if suggested is None:
            continue
        for target, row in suggested.iterrows():
            if int(target) in targets or row["confidence"] < undeclared_min_confidence:
                continue
            records.append(
                {
                    "proposal_id": pid,
                    "aichi_target": int(target),
                    "flag": "supported_undeclared",
                    "confidence": float(row["confidence"]),
                    "evidence": row["evidence"],
                    "message": f"The text supports {target_label('aichi', int(target))} "
                    f"(confidence {row['confidence']:.2f}; terms: {row['matched_terms']}), "
                    "but the proposal does not declare it.",
                }
            )
    if unsupported_rows:
        _add_weak_support(
            records, suggest_targets(proposals.iloc[unsupported_rows], min_confidence=0)
        )
    if not records:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in REVIEW_COLUMNS}).astype(
            {"aichi_target": np.int64, "confidence": np.float64}
        )
    return pd.DataFrame.from_records(records, columns=list(REVIEW_COLUMNS))


# --------------------------------------------------------------------------- NBSAP


@cache
def _nbsap_pattern() -> re.Pattern[str]:
    terms = _compiled_lexicon().terms
    keys = sorted(set(terms.loc[terms["aichi_target"] == _NBSAP_TARGET, "key"]))
    latin = [k for k in keys if not _CJK.search(k)]
    cjk = [k for k in keys if _CJK.search(k)]
    return re.compile(r"(?<!\w)" + _trie_regex(latin) + r"(?!\w)|" + _trie_regex(cjk))


def nbsap_alignment(proposals: pd.DataFrame) -> pd.DataFrame:
    """Whether each proposal cites its national biodiversity strategy (NBSAP), and where.

    A proposal cites its NBSAP when its ``nbsap_alignment`` text is not empty, or when
    its title, summary, description or objectives mention the strategy in any of the
    lexicon's languages (NBSAP, national biodiversity strategy, SPANB, stratégie nationale
    pour la biodiversité, ENB, EPANB, estrategia nacional de biodiversidad,
    国家生物多样性战略, ...).

    Parameters
    ----------
    proposals
        A proposals frame (:mod:`matcher.contract`).

    Returns
    -------
    pandas.DataFrame
        One row per proposal, in input order: ``proposal_id``, ``cites_nbsap``,
        ``in_alignment_field``, ``mentioned_in_text`` (bools) and ``evidence`` (the
        sentences that cite the strategy, plain text, one per line; the start of the
        alignment text when it names no strategy).
    """
    pattern = _nbsap_pattern()
    alignment_texts = _proposal_texts(proposals, ("nbsap_alignment",))
    body = _split_sentences(_proposal_texts(proposals, TEXT_COLUMNS))
    field = _split_sentences(alignment_texts)

    def citing(sentences: _Sentences) -> dict[int, list[str]]:
        found: dict[int, list[str]] = {}
        for match_index in {
            int(i)
            for i in _sentence_of(
                sentences, [m.start() for m in pattern.finditer(sentences.folded_joined)]
            )
        }:
            found.setdefault(int(sentences.owner[match_index]), []).append(match_index)
        return {
            row: [_truncate(sentences.original[i]) for i in sorted(indices)][
                :_MAX_EVIDENCE_SENTENCES
            ]
            for row, indices in found.items()
        }

    body_citing = citing(body)
    field_citing = citing(field)
    field_first: dict[int, str] = {}
    for owner, sentence in zip(field.owner.tolist(), field.original, strict=True):
        field_first.setdefault(owner, _truncate(sentence))
    records = []
    for row, pid in enumerate(_proposal_ids(proposals)):
        in_field = bool(alignment_texts[row].strip())
        evidence = field_citing.get(row) or ([field_first[row]] if row in field_first else [])
        evidence = evidence + body_citing.get(row, [])
        records.append(
            {
                "proposal_id": pid,
                "cites_nbsap": in_field or row in body_citing,
                "in_alignment_field": in_field,
                "mentioned_in_text": row in body_citing,
                "evidence": "\n".join(dict.fromkeys(evidence[: 2 * _MAX_EVIDENCE_SENTENCES])),
            }
        )
    frame = pd.DataFrame.from_records(records, columns=list(NBSAP_COLUMNS))
    return frame.astype(
        {"cites_nbsap": bool, "in_alignment_field": bool, "mentioned_in_text": bool}
    )


# --------------------------------------------------------------------------- evaluation


@dataclass(frozen=True)
class TaggerScores:
    """Micro-averaged precision and recall of suggestions against true targets."""

    precision: float
    recall: float
    f1: float
    n_proposals: int
    n_true: int
    n_suggested: int
    n_correct: int
    per_target: pd.DataFrame  # aichi_target, true, suggested, correct, precision, recall


def evaluate_suggestions(
    suggestions: pd.DataFrame,
    truth: pd.DataFrame,
    *,
    targets: Iterable[int] | None = None,
) -> TaggerScores:
    """Precision and recall of :func:`suggest_targets` output against known targets.

    Parameters
    ----------
    suggestions
        ``proposal_id`` and ``aichi_target`` columns (as :func:`suggest_targets` gives).
    truth
        ``proposal_id`` and ``aichi_targets`` (tuples of int): the true targets. Only
        these proposals are scored.
    targets
        Score only these target numbers, e.g. the targets a call for proposals accepted
        (the LifeWeb 2013-14 template offered 5, 9, 10, 11, 12, 13, 14 and 15);
        suggestions and true targets outside them are ignored.

    Returns
    -------
    TaggerScores
    """
    allowed = set(range(1, N_AICHI + 1)) if targets is None else {int(t) for t in targets}
    true_pairs = {
        (pid, t)
        for pid, cell in zip(truth["proposal_id"], truth["aichi_targets"], strict=True)
        for t in _as_targets(cell)
        if t in allowed
    }
    scored_ids = set(truth["proposal_id"])
    suggested_pairs = {
        (pid, int(t))
        for pid, t in zip(suggestions["proposal_id"], suggestions["aichi_target"], strict=True)
        if pid in scored_ids and int(t) in allowed
    }
    correct = true_pairs & suggested_pairs
    per_target = []
    for target in sorted(allowed):
        n_true = sum(1 for _, t in true_pairs if t == target)
        n_suggested = sum(1 for _, t in suggested_pairs if t == target)
        n_correct = sum(1 for _, t in correct if t == target)
        per_target.append(
            {
                "aichi_target": target,
                "true": n_true,
                "suggested": n_suggested,
                "correct": n_correct,
                "precision": n_correct / n_suggested if n_suggested else float("nan"),
                "recall": n_correct / n_true if n_true else float("nan"),
            }
        )
    precision = len(correct) / len(suggested_pairs) if suggested_pairs else 0.0
    recall = len(correct) / len(true_pairs) if true_pairs else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return TaggerScores(
        precision=precision,
        recall=recall,
        f1=f1,
        n_proposals=len(scored_ids),
        n_true=len(true_pairs),
        n_suggested=len(suggested_pairs),
        n_correct=len(correct),
        per_target=pd.DataFrame(per_target),
    )
