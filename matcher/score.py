"""Score components, one proposals x donors matrix each (kept for existing imports).

The code lives in :mod:`matcher.scoring`, in the order the flow runs: ``text`` (folding,
glosses, word and character TF-IDF), ``features`` (each side as arrays), ``components`` (the
six matrices), ``score_set`` (the cached stack, re-weighted and ranked) and ``chunks``
(scoring at any size in chunks over processes).
"""

from __future__ import annotations

from matcher.scoring.components import (
    COMPONENTS,
    ScoringParams,
    _dense,
    _saturate,
    component_scores,
    ecosystem_scores,
    funding_fit_scores,
    funding_fit_values,
    geography_scores,
    target_scores,
    thematic_scores,
)
from matcher.scoring.features import (
    DONOR_TERMS_KEPT,
    DonorVectors,
    ProposalFeatures,
    TextProduct,
    donor_vectors,
    proposal_features,
)
from matcher.scoring.text import (
    ECOSYSTEM_KEYWORDS,
    STOP_WORDS,
    TEXT_FIELDS,
    TextModel,
    _fold_text,
    detect_ecosystems,
    proposal_texts,
)

__all__ = [
    "COMPONENTS",
    "DONOR_TERMS_KEPT",
    "ECOSYSTEM_KEYWORDS",
    "STOP_WORDS",
    "TEXT_FIELDS",
    "DonorVectors",
    "ProposalFeatures",
    "ScoringParams",
    "TextModel",
    "TextProduct",
    "_dense",
    "_fold_text",
    "_saturate",
    "component_scores",
    "detect_ecosystems",
    "donor_vectors",
    "ecosystem_scores",
    "funding_fit_scores",
    "funding_fit_values",
    "geography_scores",
    "proposal_features",
    "proposal_texts",
    "target_scores",
    "thematic_scores",
]
