"""Learning from outcomes: component weights fitted on funding records and staff decisions.

``cases`` turns outcomes into ranking cases (component values of one proposal against every
donor, and which donors were right); ``weights`` fits non-negative weights that sum to one,
pulled toward the hand-set preset; ``nested`` reports any choice made on data by nested
leave-one-out with bootstrap intervals, and adopts learned weights only when they win there.
"""

from matcher.learn.cases import MISSING_POLICIES, RankingCase, case_scores, fill_missing
from matcher.learn.nested import (
    Interval,
    bootstrap_interval,
    case_metrics,
    nested_learned_metrics,
)
from matcher.learn.weights import LearnedWeights, fit_weights, simplex_grid

__all__ = [
    "MISSING_POLICIES",
    "Interval",
    "LearnedWeights",
    "RankingCase",
    "bootstrap_interval",
    "case_metrics",
    "case_scores",
    "fill_missing",
    "fit_weights",
    "nested_learned_metrics",
    "simplex_grid",
]
