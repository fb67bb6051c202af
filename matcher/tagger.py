"""Aichi (and GBF) targets suggested from a proposal's own words, with the sentences that say so.

Countries tag targets loosely or not at all, so the tagger reads the title, summary,
description and objectives and proposes the Aichi targets the text supports. Two signals:

* a keyword lexicon (``data/target_lexicon.csv``: per target, terms in English, French,
  Spanish and Chinese, each weighted 1 (generic) to 3 (decisive)) plus explicit mentions
  such as "Aichi Target 11", "meta 11 de Aichi" or "爱知目标11";
* TF-IDF cosine similarity of the whole text to each target's official text (with its
  short title and lexicon), which ranks targets that share the same keywords.

Where the lexicon finds nothing (Portuguese, Russian, Arabic, or a paraphrase without the usual
keywords) the multilingual sentence encoder compares each sentence with the targets' texts
(:mod:`matcher.tagging.encoder`). Every suggestion comes with the sentences that support it.
The text layer, the crosswalk and labels, reviewer flags, NBSAP citations and evaluation live in
:mod:`matcher.tagging`; every public name is importable from here.

Matching folds case and accents, runs one trie-compiled regular expression over all sentences
of all proposals at once, and scores with sparse matrices: 10,000 proposals take seconds, not
minutes.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from functools import cache
from typing import Final

import numpy as np
import pandas as pd
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer

from matcher import reference
from matcher.contract import PROPOSAL_COLUMNS
from matcher.negation import is_negated
from matcher.tagging.evaluation import TaggerScores, evaluate_suggestions
from matcher.tagging.nbsap import nbsap_alignment
from matcher.tagging.review import review_targets
from matcher.tagging.targets import (
    N_AICHI,
    N_GBF,
    _as_targets,
    _crosswalk_maps,
    aichi_for_gbf,
    gbf_for_aichi,
    target_label,
    target_text,
)
from matcher.tagging.text import (
    _MAX_EVIDENCE_SENTENCES,
    TEXT_COLUMNS,
    _compiled_lexicon,
    _fold,
    _proposal_ids,
    _proposal_texts,
    _sentence_of,
    _Sentences,
    _split_sentences,
    _surface_key,
    _surface_targets,
    _truncate,
    lexicon,
)

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
# Lexicon score -> confidence: 1 - exp(-score / scale). One decisive term (weight 3)
# gives 0.53, one decisive plus one specific term 0.71, a lone generic word 0.22.
_LEXICON_SCALE: Final = 4.0
# Share of the confidence that the similarity to the official text can move.
_SIMILARITY_SHARE: Final = 0.3
_EXPLICIT_AICHI_WEIGHT: Final = 5.0
_EXPLICIT_GBF_WEIGHT: Final = 3.0
_MAX_MATCHED_TERMS: Final = 6


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
    encoder: object | None = None,
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
    encoder
        The :class:`matcher.text.SentenceEncoder` to ask (e.g. the app's, whose vectors are
        kept in the store); None: one kept in memory for the process.

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

        scored = with_encoder_suggestions(
            proposals, scored, max(min_confidence, 1e-6), encoder=encoder
        )
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
