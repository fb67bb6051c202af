"""LifeWeb Match: rank donor priorities against country proposals, and explain every score.

The data flows one way, one module a step::

    load (bytes -> normalised frames + rejected rows)  matcher.load
    profile (donor vectors: stated + funded)            matcher.profile
    score (component matrices)                          matcher.score
    combine (weights, eligibility mask)                 matcher.combine
    rank / explain                                      matcher.rank, matcher.explain
    tag targets                                         matcher.tagger
    allocate (co-funding plan)                          matcher.allocate
    store / export                                      matcher.store, matcher.export

The names below are the public API. They are imported on first use (PEP 562), so
``import matcher`` and the ``validate`` command stay quick: scikit-learn, SciPy's solver and
SQLAlchemy load only when something needs them.
"""

from __future__ import annotations

import importlib
from typing import Any

_PUBLIC: dict[str, str] = {
    # reading
    "load": "matcher.load",
    "load_proposals": "matcher.load",
    "load_donors": "matcher.load",
    "load_history": "matcher.load",
    "LoadReport": "matcher.load",
    "flatten": "matcher.load",
    # scoring and ranking
    "rank_matches": "matcher.rank",
    "Matcher": "matcher.rank",
    "ScoreSet": "matcher.rank",
    "PairExplanation": "matcher.explain",
    "WEIGHT_PRESETS": "matcher.combine",
    "parse_weights": "matcher.combine",
    "COMPONENTS": "matcher.score",
    # targets
    "suggest_targets": "matcher.tagger",
    "review_targets": "matcher.tagger",
    "nbsap_alignment": "matcher.tagger",
    "proposal_target_weights": "matcher.tagger",
    "target_label": "matcher.tagger",
    "gbf_for_aichi": "matcher.tagger",
    "aichi_for_gbf": "matcher.tagger",
    # co-funding plan
    "plan_allocation": "matcher.allocate",
    "what_if": "matcher.allocate",
    "diff_plans": "matcher.allocate",
    "PlanOptions": "matcher.allocate",
    "AllocationPlan": "matcher.allocate",
    "load_rate_table": "matcher.currency",
    # persistence
    "open_store": "matcher.store",
    "read_inputs": "matcher.store",
    "Store": "matcher.store",
    "ImportResult": "matcher.store",
    "StaleWriteError": "matcher.store",
    # output and errors
    "neutralise_formulas": "matcher.export",
    "to_csv_bytes": "matcher.export",
    "to_excel_bytes": "matcher.export",
    "write_table": "matcher.export",
    "LifeWebMatchError": "matcher.errors",
    "UnreadableFileError": "matcher.errors",
}

__all__ = sorted(_PUBLIC)


def __getattr__(name: str) -> Any:
    module_name = _PUBLIC.get(name)
    if module_name is None:
        raise AttributeError(f"module 'matcher' has no attribute {name!r}")
    value = getattr(importlib.import_module(module_name), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
