"""Possible duplicates among the proposals of one file: same country, almost the same title.

Both rows of a pair are kept and noted; a person decides. The comparison is bounded: all
pairs within a country of up to ``FULL_COMPARISON_LIMIT`` proposals, sorted neighbours
beyond, and at most ``MAX_LISTED_PAIRS`` pairs listed (a generated file of numbered
titles, "Project 1" ... "Project 250000", would otherwise give millions of pairs and
notes; the total is still counted and said).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from rapidfuzz import fuzz, process

from matcher import normalise

__all__ = [
    "MAX_LISTED_PAIRS",
    "NEAR_DUPLICATE_COLUMNS",
    "NEAR_DUPLICATE_CUTOFF",
    "near_duplicates",
    "with_duplicate_notes",
]

NEAR_DUPLICATE_CUTOFF = 90.0
"""Lowest rapidfuzz ``token_sort_ratio`` (0-100) of two titles in one country flagged as near-duplicates."""
FULL_COMPARISON_LIMIT = 2_000
"""Countries with more proposals than this are compared by sorted neighbourhood, not all pairs."""
NEIGHBOURHOOD_WINDOW = 15
MAX_LISTED_PAIRS = 1_000
"""Most pairs listed and noted; more are counted in the file notes."""

NEAR_DUPLICATE_COLUMNS = [
    "proposal_id",
    "other_proposal_id",
    "row",
    "other_row",
    "countries",
    "title",
    "other_title",
    "similarity",
]


def _candidate_pairs(keys: list[str], cutoff: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Index pairs (i < j) of similar keys and their scores, as arrays: all pairs for small
    groups, neighbours when sorted otherwise.

    Keys are token-sorted titles, so ``fuzz.ratio`` on them is ``token_sort_ratio``. For a
    large group, near-identical titles sort next to each other; comparing each with its
    next ``NEIGHBOURHOOD_WINDOW`` keeps a 100k-row file to seconds.
    """
    if len(keys) <= FULL_COMPARISON_LIMIT:
        scores = process.cdist(
            keys, keys, scorer=fuzz.ratio, score_cutoff=cutoff, dtype=np.uint8, workers=-1
        )
        first, second = np.nonzero(np.triu(scores, k=1))
        return first, second, scores[first, second].astype(np.float64)
    order = np.argsort(np.asarray(keys, dtype=object), kind="stable")
    firsts, seconds, values = [], [], []
    for offset in range(1, NEIGHBOURHOOD_WINDOW + 1):
        left, right = order[:-offset], order[offset:]
        scores = process.cpdist(
            [keys[i] for i in left],
            [keys[j] for j in right],
            scorer=fuzz.ratio,
            score_cutoff=cutoff,
            workers=-1,
        )
        hit = np.flatnonzero(scores)
        i, j = left[hit], right[hit]
        firsts.append(np.minimum(i, j))
        seconds.append(np.maximum(i, j))
        values.append(np.asarray(scores)[hit].astype(np.float64))
    return np.concatenate(firsts), np.concatenate(seconds), np.concatenate(values)


def near_duplicates(
    frame: pd.DataFrame, cutoff: float = NEAR_DUPLICATE_CUTOFF, limit: int | None = None
) -> tuple[pd.DataFrame, int]:
    """The first ``limit`` pairs of proposals sharing a country with almost the same title
    (token order ignored), in row order, and how many pairs there are in all.

    ``limit`` defaults to :data:`MAX_LISTED_PAIRS`.
    """
    limit = MAX_LISTED_PAIRS if limit is None else limit
    if frame.empty:
        return pd.DataFrame(columns=NEAR_DUPLICATE_COLUMNS), 0
    titles = frame["title"].tolist()
    countries = frame["countries"].tolist()
    keys = [" ".join(sorted(normalise.name_key(title).split())) for title in titles]
    groups: dict[str, list[int]] = {}
    for position, codes in enumerate(countries):
        for code in codes:
            groups.setdefault(code, []).append(position)
    n = len(frame)
    encoded_parts, score_parts = [], []
    for positions in groups.values():
        if len(positions) < 2:
            continue
        first, second, scores = _candidate_pairs([keys[p] for p in positions], cutoff)
        if not len(first):
            continue
        where = np.asarray(positions, dtype=np.int64)
        encoded_parts.append(where[first] * n + where[second])
        score_parts.append(scores)
    if not encoded_parts:
        return pd.DataFrame(columns=NEAR_DUPLICATE_COLUMNS), 0
    encoded, index = np.unique(np.concatenate(encoded_parts), return_index=True)
    scores = np.concatenate(score_parts)[index]
    total = len(encoded)
    encoded, scores = encoded[:limit], scores[:limit]
    ids = frame["proposal_id"].tolist()
    rows_seen = frame["source_row"].tolist()
    rows = []
    for code, score in zip(encoded.tolist(), scores.tolist(), strict=True):
        a, b = divmod(code, n)
        shared = [c for c in countries[a] if c in countries[b]]
        rows.append(
            (
                ids[a],
                ids[b],
                int(rows_seen[a]),
                int(rows_seen[b]),
                ";".join(shared),
                titles[a],
                titles[b],
                float(score),
            )
        )
    return pd.DataFrame(rows, columns=NEAR_DUPLICATE_COLUMNS), total


def with_duplicate_notes(frame: pd.DataFrame, near: pd.DataFrame) -> pd.Series:
    """The ``notes`` column with each listed pair noted on both of its rows."""
    notes = frame["notes"].tolist()
    index_of = {pid: i for i, pid in enumerate(frame["proposal_id"])}
    for pair in near.itertuples(index=False):
        for this, other, other_row in (
            (pair.proposal_id, pair.other_proposal_id, pair.other_row),
            (pair.other_proposal_id, pair.proposal_id, pair.row),
        ):
            i = index_of[this]
            text = f'possible duplicate of "{other}" (row {other_row}): same country, similar title'
            notes[i] = f"{notes[i]}; {text}" if notes[i] else text
    return pd.Series(notes, dtype="str")
