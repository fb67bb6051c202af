"""Targets through the sentence encoder, where the lexicon finds nothing.

The lexicon knows English, French, Spanish and Chinese keywords. A proposal in Portuguese,
Russian or Arabic, or one that says "safeguarding a network of conserved sites" instead of
"protected areas", gets no lexicon hit. For those texts each sentence is embedded with the
multilingual sentence encoder (:mod:`matcher.text`) and compared with embeddings of each Aichi
target's own words: its official text and short title (``data/aichi_targets.csv``, copied
from the reference data) and its decisive English lexicon terms. A target is suggested when a sentence comes close enough: cosine
at least :data:`THRESHOLD`, and for the text's :data:`MAX_TARGETS` closest targets only, both
chosen by nested cross-validation on the labelled texts (``benchmarks/eval_tagger_encoder.py``;
figures in the README). A sentence with a negation cue ("not", "sans", "не", "ليس", ...) is
never evidence, as on the lexicon path.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import Final

import numpy as np
import pandas as pd

from matcher import reference
from matcher.negation import has_cue

__all__ = [
    "MAX_TARGETS",
    "THRESHOLD",
    "encoder_suggestions",
    "official_prototypes",
    "pick_targets",
    "sentence_target_similarity",
    "target_prototypes",
    "with_encoder_suggestions",
]

THRESHOLD: Final = 0.27
"""Cosine a sentence needs with a target's text (chosen by nested cross-validation)."""
MAX_TARGETS: Final = 1
"""At most this many targets per text, the closest ones (chosen with the threshold)."""
N_AICHI: Final = 20


def official_prototypes() -> list[tuple[int, str]]:
    """``(target, text)``: each target's official text and its short title."""
    aichi = reference.aichi_targets().sort_values("target")
    pairs: list[tuple[int, str]] = []
    for row in aichi.itertuples():
        pairs.append((int(row.target), str(row.official_text_en)))
        pairs.append((int(row.target), str(row.short_title)))
    return pairs


def target_prototypes() -> list[tuple[int, str]]:
    """``(target, text)`` pairs a sentence is compared with: the official texts and titles,
    and each target's decisive English lexicon terms as one list ("protected areas, national
    parks, ..."); nested cross-validation preferred this to the official texts alone."""
    from matcher.tagger import lexicon

    terms = lexicon()
    decisive = terms[(terms["language"] == "en") & (terms["weight"] >= 3)]
    listed = [
        (int(target), ", ".join(group["term"].str.replace("*", "", regex=False)))
        for target, group in decisive.groupby("aichi_target")
    ]
    return official_prototypes() + listed


@cache
def _prototype_matrix(encoder_id: int) -> tuple[np.ndarray, np.ndarray]:
    encoder = _ENCODERS[encoder_id]
    pairs = target_prototypes()
    vectors = encoder.embed([text for _, text in pairs])
    return np.asarray([t for t, _ in pairs], dtype=np.int64), vectors


_ENCODERS: dict[int, object] = {}


def _encoder(encoder=None):
    if encoder is None:
        from matcher.text import SentenceEncoder

        encoder = _ENCODERS.setdefault(0, SentenceEncoder())
        return encoder, 0
    _ENCODERS[id(encoder)] = encoder
    return encoder, id(encoder)


def sentence_target_similarity(sentences: Sequence[str], encoder=None) -> np.ndarray:
    """S x 20 cosine of each sentence with its closest text of each target (0 for none)."""
    encoder, key = _encoder(encoder)
    targets, prototypes = _prototype_matrix(key)
    if not sentences:
        return np.zeros((0, N_AICHI), dtype=np.float32)
    cosine = encoder.embed(list(sentences)) @ prototypes.T  # S x K
    best = np.zeros((len(sentences), N_AICHI), dtype=np.float32)
    for target in range(1, N_AICHI + 1):
        best[:, target - 1] = cosine[:, targets == target].max(axis=1)
    return best


def pick_targets(
    similarity: np.ndarray, threshold: float = THRESHOLD, max_targets: int = MAX_TARGETS
) -> list[int]:
    """Targets (1-based) of one text from its per-target best cosine: the ``max_targets``
    closest that reach ``threshold``."""
    order = np.argsort(-similarity, kind="stable")[:max_targets]
    return [int(i) + 1 for i in order if similarity[i] >= threshold]


def encoder_suggestions(
    rows: Sequence[int],
    sentences_by_row: Sequence[Sequence[str]],
    *,
    threshold: float = THRESHOLD,
    max_targets: int = MAX_TARGETS,
    min_confidence: float = 0.3,
    encoder=None,
) -> pd.DataFrame:
    """``row, aichi_target, confidence, evidence, matched_terms`` for texts the lexicon left
    without a suggestion; the evidence is the sentence closest to the target's text.

    The confidence maps the threshold to ``min_confidence`` and a cosine of 1 to 1, so the
    encoder's suggestions pass the tagger's usual filter exactly when they reach the threshold.
    """
    flat: list[str] = []
    owner: list[int] = []
    for row, sentences in zip(rows, sentences_by_row, strict=True):
        for sentence in sentences:
            if not has_cue(sentence):  # "this is not a protected area project"
                flat.append(sentence)
                owner.append(row)
    records: list[dict[str, object]] = []
    if flat:
        similarity = sentence_target_similarity(flat, encoder)
        owners = np.asarray(owner)
        for row in dict.fromkeys(owner):
            mine = np.flatnonzero(owners == row)
            best = similarity[mine].max(axis=0)
            for target in pick_targets(best, threshold, max_targets):
                cosine = float(best[target - 1])
                top = mine[int(np.argmax(similarity[mine, target - 1]))]
                share = (cosine - threshold) / max(1.0 - threshold, 1e-6)
                records.append(
                    {
                        "row": row,
                        "aichi_target": target,
                        "confidence": min_confidence + (1.0 - min_confidence) * share,
                        "evidence": flat[top],
                        "matched_terms": f"close in meaning to the target's text ({cosine:.2f})",
                    }
                )
    columns = ["row", "aichi_target", "confidence", "evidence", "matched_terms"]
    return pd.DataFrame.from_records(records, columns=columns)


def with_encoder_suggestions(
    proposals: pd.DataFrame, scored: pd.DataFrame, min_confidence: float, encoder=None
) -> pd.DataFrame:
    """``scored`` (the lexicon's suggestions) plus the encoder's for the proposals that have
    none; unchanged when the encoder package is not installed."""
    from matcher.tagger import TEXT_COLUMNS, _proposal_texts, _split_sentences
    from matcher.text import encoder_available

    covered = set(scored["row"].tolist())
    rows = [r for r in range(len(proposals)) if r not in covered]
    if not rows or not encoder_available():
        return scored
    texts = _proposal_texts(proposals.iloc[rows], TEXT_COLUMNS)
    sentences = _split_sentences(texts)
    by_row: list[list[str]] = [[] for _ in rows]
    for owner, sentence in zip(sentences.owner.tolist(), sentences.original, strict=True):
        by_row[owner].append(sentence)
    found = encoder_suggestions(rows, by_row, min_confidence=min_confidence, encoder=encoder)
    if found.empty:
        return scored
    return pd.concat([scored, found], ignore_index=True) if len(scored) else found
