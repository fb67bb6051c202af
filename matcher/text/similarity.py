"""Encoder similarities turned into the thematic and history scales of the TF-IDF route.

Sentence-encoder cosines sit higher than TF-IDF ones (unrelated texts ~0.05-0.15, the same
theme in two languages ~0.5-0.9), so each use shifts them by a floor before scaling.
"""

from __future__ import annotations

import numpy as np

__all__ = ["encoder_history_text", "encoder_thematic"]

THEMATIC_FLOOR = 0.1
THEMATIC_SCALE = 0.2
HISTORY_FLOOR = 0.3


def encoder_thematic(
    proposals: np.ndarray, stated: np.ndarray, has_stated: np.ndarray
) -> np.ndarray:
    """P x M thematic values in [0, 1] from unit embeddings (NaN where a donor states nothing)."""
    cosine = proposals @ stated.T
    value = 1.0 - np.exp(-np.maximum(cosine - THEMATIC_FLOOR, 0.0) / THEMATIC_SCALE)
    value[:, ~has_stated] = np.nan
    return value.astype(np.float32)


def encoder_history_text(proposals: np.ndarray, funded: np.ndarray, link) -> np.ndarray:
    """P x M summed closeness to each donor's funded proposals, on the TF-IDF cosine scale."""
    if funded.shape[0] == 0:
        return np.zeros((proposals.shape[0], link.shape[1]), dtype=np.float32)
    closeness = np.maximum(proposals @ funded.T - HISTORY_FLOOR, 0.0)  # P x F
    return np.asarray(closeness @ link, dtype=np.float32)  # link: F x M


def own_history_text(proposal: np.ndarray, funded: np.ndarray) -> np.ndarray:
    """Row-wise closeness of proposals to the funded proposal each pair leaves out."""
    return np.maximum(np.einsum("ij,ij->i", proposal, funded) - HISTORY_FLOOR, 0.0)
