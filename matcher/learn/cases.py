"""Ranking cases: one proposal's component values against every donor, and who was right."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = [
    "MISSING_POLICIES",
    "STATED_COMPONENTS",
    "RankingCase",
    "case_scores",
    "fill_missing",
    "fill_stated_missing",
]

MISSING_POLICIES: tuple[str, ...] = ("dropped", "neutral", "mean")
"""How a component a donor says nothing about counts: left out of that pair's weighted mean
(``dropped``), counted at the middle of the scale, 0.5 (``neutral``), or at the mean of the
donors that do state it, for the same proposal (``mean``)."""


STATED_COMPONENTS: tuple[str, ...] = (
    "thematic",
    "targets",
    "geography",
    "funding_fit",
    "ecosystems",
)
"""Components that read what a donor states; history has its own rule (no record: 0)."""


def fill_stated_missing(components: dict[str, np.ndarray], policy: str) -> None:
    """Fill, in place, the P x M matrices of stated components where a donor states nothing.

    A whole row missing (the proposal itself says nothing: no targets, no amount) stays
    missing; so does everything under ``dropped``.
    """
    if policy == "dropped":
        return
    for name in STATED_COMPONENTS:
        matrix = components.get(name)
        if matrix is None:
            continue
        available = np.isfinite(matrix).astype(np.float32)
        if available.all():
            continue
        filled, _ = fill_missing(np.nan_to_num(matrix, nan=0.0), available, policy)
        has_any = available.any(axis=1)
        matrix[has_any] = filled[has_any]


@dataclass(frozen=True)
class RankingCase:
    """One outcome to learn from or to score: a proposal ranked against every donor.

    ``values`` and ``available`` are ``C x M`` (components x donors, missing = 0 / 0);
    ``truth`` marks the donors that funded (or accepted, pledged); ``against`` the donors the
    true ones should rank above (every other donor for a funding record; the declined ones
    for a staff decision when there are any).
    """

    proposal_id: str
    values: np.ndarray
    available: np.ndarray
    truth: np.ndarray
    against: np.ndarray
    group: str = ""  # e.g. "germany_alone" for the LifeWeb replay
    source: str = "funding record"
    n_decided: int = 0  # decisions this case stands for (staff decisions)


def fill_missing(values: np.ndarray, available: np.ndarray, policy: str) -> tuple[np.ndarray, ...]:
    """``(values, available)`` with missing entries filled as ``policy`` says (last axis: donors)."""
    if policy == "dropped":
        return values, available
    if policy not in MISSING_POLICIES:
        raise ValueError(f"unknown missing policy {policy!r}; use one of {MISSING_POLICIES}")
    if policy == "neutral":
        fill = np.full((*values.shape[:-1], 1), 0.5, dtype=np.float32)
    else:
        count = available.sum(axis=-1, keepdims=True)
        with np.errstate(invalid="ignore", divide="ignore"):
            fill = np.where(count > 0, (values * available).sum(axis=-1, keepdims=True) / count, 0)
    has_any = available.sum(axis=-1, keepdims=True) > 0
    filled = np.where(available > 0, values, fill).astype(np.float32)
    # A component nobody has for this proposal (it declares no targets) stays missing.
    return np.where(has_any, filled, values), np.where(has_any, 1.0, available).astype(np.float32)


def case_scores(case: RankingCase, weights: np.ndarray, policy: str = "dropped") -> np.ndarray:
    """Scores of every donor (``-1`` where nothing weighted is known) under ``weights``.

    ``weights`` may be one vector (C) or a stack (K x C): then K x M.
    """
    values, available = fill_missing(case.values, case.available, policy)
    w = np.atleast_2d(np.asarray(weights, dtype=np.float64))
    numerator = w @ values
    denominator = w @ available
    with np.errstate(invalid="ignore", divide="ignore"):
        scores = np.where(denominator > 0, numerator / denominator, -1.0)
    return scores if np.ndim(weights) > 1 else scores[0]
