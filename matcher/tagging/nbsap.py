"""Whether a proposal cites its country's NBSAP (national biodiversity strategy and action plan).

Moved out of ``matcher/tagger.py`` unchanged; ``matcher.tagger`` re-exports ``nbsap_alignment``.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Final

import pandas as pd

from matcher.tagging.text import (
    _CJK,
    _MAX_EVIDENCE_SENTENCES,
    TEXT_COLUMNS,
    _compiled_lexicon,
    _proposal_ids,
    _proposal_texts,
    _sentence_of,
    _Sentences,
    _split_sentences,
    _trie_regex,
    _truncate,
)

NBSAP_COLUMNS: Final = (
    "proposal_id",
    "cites_nbsap",
    "in_alignment_field",
    "mentioned_in_text",
    "evidence",
)
_NBSAP_TARGET: Final = 17


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
