"""Cached component matrices for a block of proposals: re-weighted, ranked, turned into rows.

A :class:`ScoreSet` holds the six components as one ``C x P x M`` float32 stack, so changing
weights is one weighted sum over it; only the pairs asked for become a DataFrame.

Ties are broken deterministically: higher score first, then eligible before ineligible,
then ``donor_id`` (or ``proposal_id``) in ascending order.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from matcher.combine import (
    combine_components,
    mean_scores,
    missing_patterns,
    reason_text,
    resolve_weights,
)
from matcher.explain import ExplainContext, PairExplanation, explain_pair, pair_sentences
from matcher.score import (
    COMPONENTS,
    ProposalFeatures,
)
from matcher.scoring.reweight import TileRanking, pair_codes, rank_tiles
from matcher.topk import best_per_group

Direction = Literal["proposal", "donor", "both"]
PARALLEL_MIN_PAIRS = 400_000
"""From this many pairs on, a score set is ranked as two halves in two threads."""
Weights = str | Mapping[str, float] | None

RESULT_COLUMNS = [
    "proposal_id",
    "proposal_title",
    "donor_id",
    "donor_name",
    "rank",
    "score",
    "eligible",
    "reasons",
    "explanation",
    *(f"score_{c}" for c in COMPONENTS),
]


def _sort_key(
    scores: np.ndarray, codes: np.ndarray, penalty: np.ndarray | None = None
) -> np.ndarray:
    """Score with eligible pairs first: ineligible ones rank after every eligible one."""
    # fmax ignores NaN: a pair with no score sorts as -1, below every real score.
    key = np.fmax(scores, np.float32(-1.0), dtype=np.float32)
    key += _penalty(codes) if penalty is None else penalty
    return key


def _penalty(codes: np.ndarray) -> np.ndarray:
    return np.where(codes == 0, np.float32(0.0), np.float32(-2.0)).astype(np.float32)


@dataclass
class ScoreSet:
    """Cached component matrices for P proposals x M donors, ready to re-weight.

    ``values`` and ``available`` are ``C x P x M`` float32 (missing components are 0 in
    ``values`` and 0 in ``available``); ``reason_codes`` is ``P x M`` (0 = eligible).
    Proposals keep the order they were given in; donors are sorted by ``donor_id``.
    """

    proposal_ids: np.ndarray
    proposal_titles: np.ndarray
    donor_ids: np.ndarray
    donor_names: np.ndarray
    values: np.ndarray
    available: np.ndarray
    reason_codes: np.ndarray
    weights: np.ndarray
    features: ProposalFeatures
    context: ExplainContext

    @property
    def shape(self) -> tuple[int, int]:
        return (len(self.proposal_ids), len(self.donor_ids))

    @property
    def eligible(self) -> np.ndarray:
        """Boolean P x M mask: True where the donor can fund the proposal."""
        return self.reason_codes == 0

    def component(self, name: str) -> np.ndarray:
        """One component as P x M float32, NaN where it is missing for the pair."""
        index = COMPONENTS.index(name)
        return np.where(self.available[index] > 0, self.values[index], np.nan).astype(np.float32)

    def components(self) -> dict[str, np.ndarray]:
        return {name: self.component(name) for name in COMPONENTS}

    def combine(self, weights: Weights = None) -> np.ndarray:
        """Scores (P x M, in [0, 1], NaN where no weighted component exists) for ``weights``.

        Uses the cached matrices only; nothing is recomputed.
        """
        w = self.weights if weights is None else resolve_weights(weights)
        flat = self.values.reshape(self.values.shape[0], -1)
        scores = mean_scores(flat, self._cached("missing_bits").reshape(-1), w)
        return scores.reshape(self.shape)

    def reasons(self, proposal: int, donor: int) -> str:
        return reason_text(int(self.reason_codes[proposal, donor]))

    def _parts(self) -> list[tuple[int, int]]:
        """Proposal row ranges ranked in parallel: two halves once there is enough to share."""
        n_proposals, n_donors = self.shape
        if n_proposals * n_donors < PARALLEL_MIN_PAIRS or n_proposals < 200:
            return [(0, n_proposals)]
        half = n_proposals // 2
        return [(0, half), (half, n_proposals)]

    def pair_scores(self, w: np.ndarray, p_idx: np.ndarray, m_idx: np.ndarray) -> np.ndarray:
        """Scores of the pairs ``(p_idx[i], m_idx[i])``, to the bit as :meth:`combine` has them
        (:func:`matcher.combine.mean_scores`), without combining the rest."""
        flat = np.asarray(p_idx, dtype=np.int64) * self.shape[1] + np.asarray(m_idx, dtype=np.int64)
        n_components = self.values.shape[0]
        values = np.take(self.values.reshape(n_components, -1), flat, axis=1)
        return mean_scores(values, self._cached("missing_bits").reshape(-1)[flat], w)

    def _tie_order(self, by: str) -> np.ndarray:
        cache = self.__dict__.setdefault("_cache", {})
        if ("tie", by) not in cache:
            ids = self.donor_ids if by == "proposal" else self.proposal_ids
            order = np.empty(len(ids), dtype=np.int64)
            if len(ids) == 1:  # one new proposal: nothing to sort
                order[0] = 0
            else:
                order[np.argsort(ids.astype(str), kind="stable")] = np.arange(len(ids))
            cache[("tie", by)] = order
        return cache[("tie", by)]

    def _cached(self, name: str) -> object:
        """Arrays built once per score set: text columns as Arrow arrays,
        each pair's missing pattern, and the one byte per pair the ranking key is looked up by."""
        cache = self.__dict__.setdefault("_cache", {})
        if name not in cache:
            if name == "missing_bits":
                # One byte per pair, bit c set when component c is missing: cheap to gather.
                cache[name] = missing_patterns(self.available)
            elif name == "pair_codes":
                cache[name] = pair_codes(self._cached("missing_bits"), self.reason_codes)
            elif name == "unit_values":  # what the fused kernel's float32 margin holds for
                values = self.values
                cache[name] = (
                    values.shape[0] == len(COMPONENTS)
                    and values.size > 0
                    and bool(values.min() >= 0.0)
                    and bool(values.max() <= 1.0)
                )
            else:
                cache[name] = pd.array(getattr(self, name).astype(str), dtype="str")
        return cache[name]

    def ranked(
        self,
        k: int = 20,
        *,
        by: Direction = "proposal",
        weights: Weights = None,
        eligible_only: bool = False,
    ) -> list[RankedPairs]:
        """The k best pairs per proposal and/or per donor, as positions and scores (no frame).

        The warm path (:mod:`matcher.scoring.reweight`): one pass over the stack, tile by
        tile, with each tile's weighted sum, ranking key and top k; only the ranked pairs'
        scores are computed again. :meth:`RankedPairs.frame` turns only the rows asked for (a
        page) into a DataFrame.
        """
        if by not in ("proposal", "donor", "both"):
            _check_direction(by)
        w = self.weights if weights is None else resolve_weights(weights)
        directions = ("proposal", "donor") if by == "both" else (by,)
        picks = self._picks(w, k, directions, eligible_only)
        ranked = []
        for direction, (p_idx, m_idx, ranks, scores) in zip(directions, picks, strict=True):
            if eligible_only:
                keep = self.reason_codes[p_idx, m_idx] == 0
                p_idx, m_idx, ranks, scores = p_idx[keep], m_idx[keep], ranks[keep], scores[keep]
            ranked.append(RankedPairs(self, direction, w, p_idx, m_idx, ranks, scores))
        return ranked

    def top_k(
        self,
        k: int = 20,
        *,
        by: Direction = "proposal",
        weights: Weights = None,
        eligible_only: bool = False,
        explain: bool = True,
    ) -> pd.DataFrame:
        """The k best donors per proposal (``by="proposal"``) or proposals per donor.

        ``by="both"`` gives both, one after the other, with a ``ranked_by`` column. Only the
        cached component matrices are used: re-weighting does not recompute anything.
        Every ranked row becomes a row of the frame; :meth:`ranked` builds rows on demand.
        """
        parts = self.ranked(k, by=by, weights=weights, eligible_only=eligible_only)
        frames = [part.frame(explain=explain) for part in parts]
        if by == "both":
            frames = [f.assign(ranked_by=p.direction) for f, p in zip(frames, parts, strict=True)]
        return pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]

    def _picks(
        self,
        w: np.ndarray,
        k: int,
        directions: tuple[str, ...],
        eligible_only: bool,
    ) -> list[tuple[np.ndarray, ...]]:
        """``(proposal, donor, rank, score)`` of the top k for each direction.

        The proposal rows are cut in two parts once there are enough, each ranked in its own
        thread (the compiled kernel and numpy release the GIL), by
        :func:`matcher.scoring.fused_rank.rank_fused` or else tile by tile by
        :func:`matcher.scoring.reweight.rank_tiles`; the donors' lists of both parts are
        merged exactly.
        """
        tie_proposal, tie_donor = self._tie_order("proposal"), self._tie_order("donor")
        codes = self._cached("pair_codes")  # built once, before the threads
        parts = self._parts()
        asked = {  # what both rankers are asked
            "by_proposal": "proposal" in directions,
            "by_donor": "donor" in directions,
            "tie_proposal": tie_proposal,
            "eligible_only": eligible_only,
        }
        fused = _fused_ranking() if self._cached("unit_values") else None
        if fused is not None:
            run = _pool().map if len(parts) > 1 else map
            return fused(
                self.values, codes, w, k, parts=parts, tie_donor=tie_donor, run=run, **asked
            )

        def rank_part(rows: tuple[int, int]) -> TileRanking:
            return rank_tiles(self.values, codes, w, k, rows=rows, **asked)

        found = [rank_part(parts[0])] if len(parts) == 1 else list(_pool().map(rank_part, parts))
        picks = []
        if "proposal" in directions:
            picks.append(tuple(np.concatenate([f.by_proposal[i] for f in found]) for i in range(4)))
        if "donor" in directions:
            rows, cols, keys, scores = (
                np.concatenate([f.donor_candidates[i] for f in found]) for i in range(4)
            )
            at, cols, ranks = best_per_group(
                cols, keys, tie_donor[rows], k, np.arange(rows.size, dtype=np.int64)
            )
            picks.append((rows[at], cols, ranks, scores[at]))
        return picks

    def pairs_frame(
        self,
        p_idx: np.ndarray,
        m_idx: np.ndarray,
        ranks: np.ndarray,
        scores: np.ndarray,
        w: np.ndarray,
        explain: bool,
    ) -> pd.DataFrame:
        """Result rows for the pairs ``(p_idx[i], m_idx[i])``: ids, score, parts, reasons."""
        flat = p_idx * self.values.shape[2] + m_idx
        n_components = self.values.shape[0]
        pair_values = np.take(self.values.reshape(n_components, -1), flat, axis=1)
        missing = self._cached("missing_bits").ravel()[flat]
        bits = (missing[None, :] >> np.arange(n_components, dtype=np.uint8)[:, None]) & 1
        values = np.where(bits == 0, pair_values, np.nan).T
        codes = self.reason_codes.ravel()[flat]
        explanations = (
            pair_sentences(self.context, self.features, p_idx, m_idx, values, w, codes)
            if explain
            else None
        )
        return _result_frame(
            proposal_ids=self._cached("proposal_ids").take(p_idx),
            titles=self._cached("proposal_titles").take(p_idx),
            donor_ids=self._cached("donor_ids").take(m_idx),
            donor_names=self._cached("donor_names").take(m_idx),
            ranks=ranks,
            scores=scores,
            codes=codes,
            explanations=explanations,
            values=values,
        )

    def explain_pair(
        self, proposal_id: str, donor_id: str, *, weights: Weights = None
    ) -> PairExplanation:
        """Component breakdown, sentence and evidence for one pair."""
        p = _position(self.proposal_ids, proposal_id, "proposal")
        m = _position(self.donor_ids, donor_id, "donor")
        w = self.weights if weights is None else resolve_weights(weights)
        values = np.where(self.available[:, p, m] > 0, self.values[:, p, m], np.nan)
        candidates = combine_components(self.values[:, :, m], self.available[:, :, m], w)
        return explain_pair(
            self.context, self.features, p, m, values, w, int(self.reason_codes[p, m]), candidates
        )


@dataclass(frozen=True)
class RankedPairs:
    """One direction's top-k as positions into a :class:`ScoreSet`, best first per group.

    ``proposal`` and ``donor`` are positions, ``rank`` 1-based within each proposal
    (``direction="proposal"``) or donor, ``score`` the combined score. Nothing is a frame
    until :meth:`frame` is asked for the rows shown.
    """

    scores_from: ScoreSet
    direction: str
    weights: np.ndarray
    proposal: np.ndarray
    donor: np.ndarray
    rank: np.ndarray
    score: np.ndarray

    def __len__(self) -> int:
        return len(self.rank)

    def frame(
        self, rows: slice | np.ndarray | None = None, *, explain: bool = True
    ) -> pd.DataFrame:
        """Result rows (``RESULT_COLUMNS``) for ``rows`` of this ranking (all when None)."""
        picked = slice(None) if rows is None else rows
        return self.scores_from.pairs_frame(
            self.proposal[picked],
            self.donor[picked],
            self.rank[picked],
            self.score[picked],
            self.weights,
            explain,
        )


_POOL: dict[int, ThreadPoolExecutor] = {}


def _fused_ranking() -> Callable[..., list[tuple[np.ndarray, ...]]] | None:
    """:func:`matcher.scoring.fused_rank.rank_fused` when numba is installed, else None
    (the numpy path of :mod:`matcher.scoring.reweight` ranks the same pairs, slower).
    Imported on first use: numba takes a second or two to import."""
    try:
        from matcher.scoring.fused_rank import rank_fused
    except ImportError:
        return None
    return rank_fused


def _pool() -> ThreadPoolExecutor:
    """Two threads kept for the life of the process (starting them per call costs more); a
    forked child, which inherits the object but not its threads, starts its own."""
    pid = os.getpid()
    if pid not in _POOL:
        _POOL.clear()
        _POOL[pid] = ThreadPoolExecutor(max_workers=2, thread_name_prefix="lifeweb-rank")
    return _POOL[pid]


def _position(ids: np.ndarray, wanted: str, kind: str) -> int:
    hits = np.flatnonzero(ids.astype(str) == str(wanted))
    if hits.size == 0:
        raise KeyError(f"no {kind} with id {wanted!r}")
    return int(hits[0])


def _check_direction(by: str) -> None:
    if by not in ("proposal", "donor"):
        raise ValueError(f"by must be 'proposal', 'donor' or 'both', got {by!r}")


def _text_array(values: np.ndarray | pd.api.extensions.ExtensionArray) -> object:
    if isinstance(values, pd.api.extensions.ExtensionArray):
        return values
    return pd.array(np.asarray(values).astype(str), dtype="str")


_REASON_ARRAY = pd.array([reason_text(code) for code in range(256)], dtype="str")


def _result_frame(
    *,
    proposal_ids: np.ndarray,
    titles: np.ndarray,
    donor_ids: np.ndarray,
    donor_names: np.ndarray,
    ranks: np.ndarray,
    scores: np.ndarray,
    codes: np.ndarray,
    explanations: list[str] | None,
    values: np.ndarray,
) -> pd.DataFrame:
    n = len(ranks)
    if explanations is None:
        explanation_column = pd.array([""], dtype="str").take(np.zeros(n, dtype=np.int64))
    else:
        explanation_column = pd.array(np.asarray(explanations, dtype=object), dtype="str")
    # Component columns go into the constructor with the rest (one block, no column inserts).
    rounded = np.round(values.astype(np.float64), 4).reshape(n, len(COMPONENTS))
    return pd.DataFrame(
        {
            "proposal_id": _text_array(proposal_ids),
            "proposal_title": _text_array(titles),
            "donor_id": _text_array(donor_ids),
            "donor_name": _text_array(donor_names),
            "rank": ranks.astype(np.int64),
            "score": np.round(scores.astype(np.float64), 4),
            "eligible": codes == 0,
            "reasons": _REASON_ARRAY.take(codes.astype(np.int64)),
            "explanation": explanation_column,
            **{f"score_{name}": rounded[:, i] for i, name in enumerate(COMPONENTS)},
        }
    )


def _empty_result() -> pd.DataFrame:
    return _result_frame(
        proposal_ids=np.array([], dtype=object),
        titles=np.array([], dtype=object),
        donor_ids=np.array([], dtype=object),
        donor_names=np.array([], dtype=object),
        ranks=np.array([], dtype=np.int64),
        scores=np.array([], dtype=np.float64),
        codes=np.array([], dtype=np.uint8),
        explanations=[],
        values=np.zeros((0, len(COMPONENTS))),
    )
