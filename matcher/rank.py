"""Rank donors for proposals and proposals for donors, and the fitted :class:`Matcher`.

Two ways to use the engine:

* :func:`rank_matches` for a one-off ranking of any size: proposals are scored in chunks and
  only each chunk's top-k is kept, so 100,000 x 1,000 never holds the full matrix;
* ``Matcher().fit(donors, history, proposals=...)`` then ``.score(proposals)`` for an
  interactive session: a :class:`ScoreSet` keeps every component matrix, so
  :meth:`ScoreSet.combine` re-weights instantly, and :meth:`Matcher.score_one` ranks all
  donors for one new proposal in milliseconds.

Ties are broken deterministically: higher score first, then eligible before ineligible,
then ``donor_id`` (or ``proposal_id``) in ascending order.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

import numpy as np
import pandas as pd

from matcher.combine import (
    combine_components,
    eligibility,
    resolve_weights,
    stack_components,
)
from matcher.explain import ExplainContext, PairExplanation, pair_sentences
from matcher.profile import DonorProfiles, _column, build_donor_profiles, country_table
from matcher.score import (
    COMPONENTS,
    DonorVectors,
    ProposalFeatures,
    ScoringParams,
    TextModel,
    component_scores,
    donor_vectors,
    proposal_features,
    proposal_texts,
)
from matcher.scoring.chunks import _CHUNK_BUFFERS, _rank_in_forked_workers, take_rows
from matcher.scoring.features import record_features
from matcher.scoring.score_set import (
    RESULT_COLUMNS,
    Direction,
    RankedPairs,
    ScoreSet,
    Weights,
    _empty_result,
    _result_frame,
    _sort_key,
    _text_array,
)
from matcher.topk import top_k_per_column
from matcher.topk import top_k_per_row as _top_k_per_row

__all__ = ["RESULT_COLUMNS", "Matcher", "ScoreSet", "rank_matches"]


class Matcher:
    """Scores proposals against donors; fitted on donors and their funding history.

    Parameters
    ----------
    weights
        Preset name (see :data:`matcher.combine.WEIGHT_PRESETS`), ``"name=value,..."`` or a
        mapping of component weights.
    name_cutoff
        Fuzzy-match cutoff (0-100) when resolving donor names in the history.
    budget_factor
        A request above this multiple of the donor's annual budget makes the pair ineligible.
    chunk_size
        Proposals scored at once by :meth:`rank`; bounds each process's working memory to
        roughly ``chunk_size x donors x 120`` bytes (components, their stacked copy and the
        temporaries that build them: about 120 MB for 1,000 x 1,000).
    n_jobs
        Processes :meth:`rank` spreads the chunks over (``-1``: one per core). ``None`` uses
        two processes when there are at least 8 chunks (8,000 proposals by default), else one.
    params
        Curve shapes (:class:`matcher.score.ScoringParams`); the defaults were tuned on the
        LifeWeb funding history.
    encoder
        A :class:`matcher.text.SentenceEncoder` for language-neutral text (thematic and
        history blend its similarities with TF-IDF's); None keeps the TF-IDF fast path.
    """

    def __init__(
        self,
        *,
        weights: Weights = "balanced",
        name_cutoff: float = 90.0,
        budget_factor: float = 2.0,
        chunk_size: int = 1000,
        n_jobs: int | None = None,
        params: ScoringParams | None = None,
        encoder: object | None = None,
    ) -> None:
        self.weights = weights
        self.encoder = encoder  # matcher.text.SentenceEncoder: language-neutral text features
        self.n_jobs = n_jobs
        self.name_cutoff = name_cutoff
        self.budget_factor = budget_factor
        self.chunk_size = chunk_size
        self.params = params

    # ------------------------------------------------------------------ fitting
    def fit(
        self,
        donors: pd.DataFrame,
        history: pd.DataFrame | None = None,
        *,
        proposals: pd.DataFrame | None = None,
    ) -> Matcher:
        """Profile donors from their stated fields and (optionally) their funding history.

        Parameters
        ----------
        donors
            Contract donor frame.
        history
            Contract history frame (``proposal_id``, ``donor``, ``amount``, ``currency``,
            ``year``) or None. Rows may be removed freely (e.g. to hide one proposal's
            matches when evaluating).
        proposals
            Proposals the history refers to, for their text, countries and targets. History
            rows naming a proposal that is not here still count for the donor's volume and
            amounts.

        Returns
        -------
        Matcher
            ``self``, fitted.
        """
        base = self.params or ScoringParams()
        self.params_ = ScoringParams(
            **{**base.__dict__, "budget_factor": float(self.budget_factor)}
        )
        self.weights_ = resolve_weights(self.weights)
        self.table_ = country_table()
        profiles = build_donor_profiles(donors, history, proposals, name_cutoff=self.name_cutoff)
        priorities = profiles.donors["priorities"].tolist()
        funded_texts = (
            proposal_texts(profiles.funded_proposals) if len(profiles.funded_proposals) else []
        )
        self.text_model_ = TextModel().fit(
            [*priorities, *funded_texts], [*priorities, *(t[:1000] for t in funded_texts)]
        )
        undeclared = ~profiles.has_ecosystems
        if undeclared.any():
            detected = self.text_model_.ecosystems_in(
                self.text_model_.words([priorities[i] for i in np.flatnonzero(undeclared)])
            )
            profiles.stated_ecosystems[undeclared] = detected.astype(np.float32)
            profiles.has_ecosystems = profiles.stated_ecosystems.any(axis=1)
        self.profiles_: DonorProfiles = profiles
        self.donor_text_: tuple[object, object] | None = None  # filled by _donor_text
        self.donor_tie_order_: np.ndarray | None = None  # filled by _donor_tie_order
        self.donor_vectors_: DonorVectors = donor_vectors(
            profiles, self.text_model_, self.table_, self.params_
        )
        if self.encoder is not None:
            self.donor_vectors_.stated_embeddings = self.encoder.embed(priorities)
            self.donor_vectors_.funded_embeddings = self.encoder.embed(funded_texts)
        self.context_ = ExplainContext(
            profiles, self.donor_vectors_, self.text_model_, self.table_,
            missing_stated=self.params_.missing_stated,
        )  # fmt: skip
        return self

    def _check_fitted(self) -> None:
        if not hasattr(self, "profiles_"):
            raise RuntimeError("this Matcher is not fitted yet; call fit(donors, history) first")

    @property
    def donor_ids_(self) -> np.ndarray:
        self._check_fitted()
        return self.profiles_.donor_ids

    @property
    def name_resolution_(self) -> pd.DataFrame:
        """How each donor name in the history was resolved (exact, fuzzy, unresolved)."""
        self._check_fitted()
        return self.profiles_.name_resolution

    # ------------------------------------------------------------------ scoring
    def features(
        self, proposals: pd.DataFrame, *, target_weights: np.ndarray | None = None
    ) -> ProposalFeatures:
        """Vectorise proposals with the fitted text model."""
        self._check_fitted()
        features = proposal_features(
            proposals, self.text_model_, self.table_, target_weights=target_weights
        )
        if self.encoder is not None:
            features.embeddings = self.encoder.embed(proposal_texts(proposals))
        return features

    def _components(self, features: ProposalFeatures) -> tuple[dict[str, np.ndarray], np.ndarray]:
        components = component_scores(features, self.profiles_, self.donor_vectors_, self.params_)
        codes = eligibility(features, self.profiles_, self.donor_vectors_, self.params_)
        return components, codes

    def score(
        self, proposals: pd.DataFrame, *, target_weights: np.ndarray | None = None
    ) -> ScoreSet:
        """Score every proposal against every donor and keep the component matrices.

        Meant for up to some 10,000 x 500 pairs (about 250 MB); use :meth:`rank` beyond.

        Parameters
        ----------
        proposals
            Contract proposal frame.
        target_weights
            Optional P x 20 Aichi weights (``matcher.tagger.proposal_target_weights``).
        """
        return self._score_set(self.features(proposals, target_weights=target_weights))

    def _score_set(self, features: ProposalFeatures) -> ScoreSet:
        components, codes = self._components(features)
        values, available = stack_components(components)
        scores = ScoreSet(
            proposal_ids=features.proposal_ids,
            proposal_titles=features.titles,
            donor_ids=self.profiles_.donor_ids,
            donor_names=self.profiles_.names,
            values=values,
            available=available,
            reason_codes=codes,
            weights=self.weights_,
            features=features,
            context=self.context_,
        )
        donor_ids, donor_names = self._donor_text()  # built once per fit, not per call
        scores.__dict__["_cache"] = {
            "donor_ids": donor_ids,
            "donor_names": donor_names,
            ("tie", "proposal"): self._donor_tie_order(),
        }
        return scores

    def score_one(
        self,
        proposal: pd.DataFrame | pd.Series | Mapping[str, object],
        *,
        weights: Weights = None,
        top_k: int | None = None,
        explain: bool = False,
        target_weights: np.ndarray | None = None,
    ) -> pd.DataFrame:
        """Rank all donors for one (new) proposal: the fast path for a form or an API call."""
        ranked = self.rank_one(
            proposal, weights=weights, top_k=top_k, target_weights=target_weights
        )
        return ranked.frame(explain=explain)

    def rank_one(
        self,
        proposal: pd.DataFrame | pd.Series | Mapping[str, object],
        *,
        weights: Weights = None,
        top_k: int | None = None,
        target_weights: np.ndarray | None = None,
    ) -> RankedPairs:
        """:meth:`score_one` as positions and scores: numpy only, no frame.

        The proposal is read as one plain mapping (:func:`matcher.score.record_features`), so
        nothing per row goes through pandas; ``.frame()`` writes the rows when they are shown.
        """
        self._check_fitted()
        if isinstance(proposal, pd.DataFrame) and proposal.empty:
            score_set = self.score(proposal, target_weights=target_weights)  # no rows, none ranked
        else:
            features = record_features(
                _one_record(proposal), self.text_model_, self.table_, target_weights=target_weights
            )
            if self.encoder is not None:
                features.embeddings = self.encoder.embed(list(features.texts))
            score_set = self._score_set(features)
        k = len(score_set.donor_ids) if top_k is None else top_k
        return score_set.ranked(k, by="proposal", weights=weights)[0]

    def explain_pair(
        self,
        proposal: pd.DataFrame | pd.Series | Mapping[str, object],
        donor_id: str,
        *,
        weights: Weights = None,
    ) -> PairExplanation:
        """Breakdown and evidence for one proposal (a one-row frame, Series or mapping) and donor."""
        score_set = self.score(_one_row_frame(proposal))
        return score_set.explain_pair(
            str(score_set.proposal_ids[0]), str(donor_id), weights=weights
        )

    def rank(
        self,
        proposals: pd.DataFrame,
        *,
        top_k: int = 20,
        by: Direction = "proposal",
        weights: Weights = None,
        target_weights: np.ndarray | None = None,
        eligible_only: bool = False,
        explain: bool = True,
    ) -> pd.DataFrame:
        """Top-k both ways for any number of proposals, in chunks of ``chunk_size``.

        Only the chunk's component matrices and each donor's running best candidates are held
        in memory, never the whole proposals x donors matrix.
        """
        self._check_fitted()
        if by not in ("proposal", "donor", "both"):
            raise ValueError(f"by must be 'proposal', 'donor' or 'both', got {by!r}")
        w = self.weights_ if weights is None else resolve_weights(weights)
        proposals = proposals.reset_index(drop=True)
        ids = proposals["proposal_id"].astype(str).to_numpy()
        # Work in proposal_id order so a row's position is also its tie-break order.
        order = np.argsort(ids, kind="stable")
        if target_weights is not None:
            target_weights = np.asarray(target_weights)[order]
        starts = list(range(0, len(proposals), self.chunk_size))
        # Chunks are cut lazily (a generator), so only the chunks being scored are copied.
        tasks = (
            (
                take_rows(proposals, order[begin : begin + self.chunk_size]),
                None if target_weights is None else target_weights[begin : begin + self.chunk_size],
                begin,
            )
            for begin in starts
        )
        n_jobs = self._effective_jobs(len(starts))
        self._donor_text()  # built before any fork, so workers share it
        outcomes = None
        if n_jobs > 1:
            from concurrent.futures.process import BrokenProcessPool

            try:
                outcomes = _rank_in_forked_workers(
                    self, proposals, order, target_weights, starts, n_jobs,
                    (top_k, by, w, eligible_only, explain),
                )  # fmt: skip
            except (BrokenProcessPool, OSError):
                outcomes = None  # a worker died (memory, signal): score in this process instead
        if outcomes is None:
            outcomes = [
                self._rank_chunk(chunk, tw, begin, top_k, by, w, eligible_only, explain)
                for chunk, tw, begin in tasks
            ]
        by_proposal = [found for found, _ in outcomes if found is not None]
        donor_candidates = [found for _, found in outcomes if found is not None]
        del outcomes
        frames = []
        if by in ("proposal", "both"):
            result = self._proposal_rows_frame(by_proposal, proposals, order)
            del by_proposal
            frames.append(result.assign(ranked_by="proposal") if by == "both" else result)
        if by in ("donor", "both"):
            result = self._merge_donor_candidates(
                donor_candidates, proposals, order, top_k, w, eligible_only, explain
            )
            frames.append(result.assign(ranked_by="donor") if by == "both" else result)
        _CHUNK_BUFFERS.clear()
        return pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]

    def _effective_jobs(self, n_tasks: int) -> int:
        import multiprocessing

        if "fork" not in multiprocessing.get_all_start_methods():
            return 1  # workers inherit the fitted state through fork (Linux, macOS)
        if self.n_jobs is None:
            # Worth a second process only when there are many chunks to share.
            return min(2, os.cpu_count() or 1) if n_tasks >= 8 else 1
        jobs = self.n_jobs if self.n_jobs > 0 else (os.cpu_count() or 1)
        return max(1, min(jobs, n_tasks))

    def _donor_tie_order(self) -> np.ndarray:
        """Each donor's place in ``donor_id`` order (ties), once per fit, not per score set."""
        if getattr(self, "donor_tie_order_", None) is None:
            ids = self.profiles_.donor_ids.astype(str)
            order = np.empty(len(ids), dtype=np.int64)
            order[np.argsort(ids, kind="stable")] = np.arange(len(ids))
            self.donor_tie_order_ = order
        return self.donor_tie_order_

    def _donor_text(self) -> tuple[object, object]:
        """Donor ids and names as text arrays, built once: each chunk only gathers from them."""
        if getattr(self, "donor_text_", None) is None:
            self.donor_text_ = (
                _text_array(self.profiles_.donor_ids),
                _text_array(self.profiles_.names),
            )
        return self.donor_text_

    def _rank_chunk(
        self,
        chunk: pd.DataFrame,
        chunk_weights: np.ndarray | None,
        start: int,
        top_k: int,
        by: str,
        w: np.ndarray,
        eligible_only: bool,
        explain: bool,
    ) -> tuple[tuple[object, ...] | None, tuple[np.ndarray, ...] | None]:
        """Score one chunk; keep its top-k per proposal and its best candidates per donor.

        Both come back as compact arrays (positions, float32 values, codes), not frames: a
        forked worker sends back a fraction of the bytes, and the text columns are gathered
        once for all chunks in :meth:`_proposal_rows_frame`.
        """
        features = self.features(chunk, target_weights=chunk_weights)
        components, codes = self._components(features)
        values, available = stack_components(components, out=_CHUNK_BUFFERS.get("stack"))
        _CHUNK_BUFFERS["stack"] = (values, available)  # reused by the next chunk of this size
        del components
        scores = combine_components(values, available, w)
        key = _sort_key(scores, codes)
        if eligible_only:
            key = np.where(codes == 0, key, -np.inf)
        frame = None
        candidates = None
        if by in ("proposal", "both"):
            rows, cols, ranks = _top_k_per_row(key, top_k, np.arange(self.profiles_.n_donors))
            if eligible_only:
                keep = codes[rows, cols] == 0
                rows, cols, ranks = rows[keep], cols[keep], ranks[keep]
            pair_values = np.where(available[:, rows, cols] > 0, values[:, rows, cols], np.nan).T
            pair_codes = codes[rows, cols]
            explanations = (
                pair_sentences(self.context_, features, rows, cols, pair_values, w, pair_codes)
                if explain
                else None
            )
            frame = (
                (rows + start).astype(np.int32),
                cols.astype(np.int32),
                ranks.astype(np.int32),
                scores[rows, cols],
                pair_codes,
                pair_values.astype(np.float32, copy=False),
                explanations,
            )
        if by in ("donor", "both"):
            # Each donor's best in this chunk, without transposing it: d_rows are donors.
            d_cols, d_rows, _ = top_k_per_column(key, top_k, np.arange(len(chunk)))
            candidates = (
                d_rows,
                d_cols + start,
                key[d_cols, d_rows],
                scores[d_cols, d_rows],
                codes[d_cols, d_rows],
                np.where(available[:, d_cols, d_rows] > 0, values[:, d_cols, d_rows], np.nan).T,
            )
        return frame, candidates

    def _proposal_rows_frame(
        self, found: list[tuple[object, ...]], proposals: pd.DataFrame, order: np.ndarray
    ) -> pd.DataFrame:
        """The by-proposal result from every chunk's arrays, built once (text gathered once)."""
        if not found:
            return _empty_result()
        positions, cols, ranks, scores, codes, values = (
            np.concatenate([part[i] for part in found]) for i in range(6)
        )
        explanations = None
        if found[0][6] is not None:
            explanations = [sentence for part in found for sentence in part[6]]
        ids = _column(proposals, "proposal_id", "").astype(str).to_numpy(dtype=object)[order]
        titles = (
            _column(proposals, "title", "").fillna("").astype(str).to_numpy(dtype=object)[order]
        )
        donor_ids, donor_names = self._donor_text()
        return _result_frame(
            proposal_ids=_text_array(ids).take(positions),
            titles=_text_array(titles).take(positions),
            donor_ids=donor_ids.take(cols),
            donor_names=donor_names.take(cols),
            ranks=ranks,
            scores=scores,
            codes=codes,
            explanations=explanations,
            values=values,
        )

    def _merge_donor_candidates(
        self,
        candidates: list[tuple[np.ndarray, ...]],
        proposals: pd.DataFrame,
        order: np.ndarray,
        top_k: int,
        weights: np.ndarray,
        eligible_only: bool,
        explain: bool,
    ) -> pd.DataFrame:
        if not candidates:
            return _empty_result()
        donor_pos, proposal_pos, key, scores, codes, values = (
            np.concatenate([c[i] for c in candidates]) for i in range(6)
        )
        ranking = np.lexsort((proposal_pos, -key, donor_pos))
        donor_pos, proposal_pos, scores, codes, values = (
            a[ranking] for a in (donor_pos, proposal_pos, scores, codes, values)
        )
        starts = np.flatnonzero(np.r_[True, donor_pos[1:] != donor_pos[:-1]])
        lengths = np.diff(np.r_[starts, donor_pos.size])
        ranks = np.arange(donor_pos.size) - np.repeat(starts, lengths)
        keep = ranks < top_k
        if eligible_only:
            keep &= codes == 0
        donor_pos, proposal_pos, scores, codes, values, ranks = (
            a[keep] for a in (donor_pos, proposal_pos, scores, codes, values, ranks)
        )
        if explain and len(proposal_pos):
            unique, inverse = np.unique(proposal_pos, return_inverse=True)
            explanations = [""] * len(proposal_pos)
            for start in range(0, len(unique), self.chunk_size):
                block = unique[start : start + self.chunk_size]
                features = self.features(take_rows(proposals, order[block]))
                selected = np.flatnonzero((inverse >= start) & (inverse < start + len(block)))
                sentences = pair_sentences(
                    self.context_,
                    features,
                    inverse[selected] - start,
                    donor_pos[selected],
                    values[selected],
                    weights,
                    codes[selected],
                )
                for i, sentence in zip(selected, sentences, strict=True):
                    explanations[i] = sentence
        else:
            explanations = None
        return _result_frame(
            proposal_ids=proposals["proposal_id"].astype(str).to_numpy()[order[proposal_pos]],
            titles=proposals["title"].fillna("").astype(str).to_numpy()[order[proposal_pos]]
            if "title" in proposals
            else np.array([""] * len(proposal_pos)),
            donor_ids=self.profiles_.donor_ids[donor_pos],
            donor_names=self.profiles_.names[donor_pos],
            ranks=ranks + 1,
            scores=scores,
            codes=codes,
            explanations=explanations,
            values=values.reshape(len(proposal_pos), len(COMPONENTS)),
        )


def _one_row_frame(proposal: pd.DataFrame | pd.Series | Mapping[str, object]) -> pd.DataFrame:
    """One proposal, given as a frame (its first row), a Series or a mapping, as a one-row frame."""
    if isinstance(proposal, pd.DataFrame):
        return proposal.head(1)
    if isinstance(proposal, pd.Series):
        return proposal.to_frame().T
    return pd.DataFrame([dict(proposal)])


def _one_record(proposal: pd.DataFrame | pd.Series | Mapping[str, object]) -> dict[str, object]:
    """One proposal (a frame's first row, a Series or a mapping) as a plain dict of its cells."""
    if isinstance(proposal, pd.DataFrame):
        return dict(zip(proposal.columns, proposal.iloc[0].tolist(), strict=True))
    if isinstance(proposal, pd.Series):
        return dict(zip(proposal.index, proposal.tolist(), strict=True))
    return dict(proposal)


def rank_matches(
    proposals: pd.DataFrame,
    donors: pd.DataFrame,
    history: pd.DataFrame | None = None,
    *,
    top_k: int = 20,
    by: Direction = "proposal",
    weights: Weights = "balanced",
    target_weights: np.ndarray | None = None,
    eligible_only: bool = False,
    explain: bool = True,
    chunk_size: int = 1000,
    n_jobs: int | None = None,
    params: ScoringParams | None = None,
    encoder: object | None = None,
) -> pd.DataFrame:
    """Rank the best donors for each proposal (or the best proposals for each donor).

    Parameters
    ----------
    proposals, donors, history
        Contract frames (:mod:`matcher.contract`). The history's proposals are looked up in
        ``proposals`` for their text and countries.
    top_k
        Rows kept per proposal (or per donor).
    by
        ``"proposal"``: donors ranked for each proposal; ``"donor"``: proposals ranked for each
        donor; ``"both"``: both, with a ``ranked_by`` column.
    weights
        Preset name, ``"name=value,..."`` or a mapping.
    target_weights
        Optional P x 20 Aichi weights for the targets component (e.g. from the tagger).
    eligible_only
        Drop ineligible pairs (by default they are kept, ranked after eligible ones).
    explain
        Write the one-line ``explanation`` (turn off for speed on very large inputs).
    chunk_size
        Proposals scored at once.
    n_jobs
        Processes for scoring (see :class:`Matcher`).
    params, encoder
        As in :class:`Matcher` (``matcher.shipped.matcher_options`` gives the shipped ones).

    Returns
    -------
    DataFrame
        ``proposal_id, proposal_title, donor_id, donor_name, rank, score, eligible, reasons,
        explanation, score_<component>...``, sorted by proposal (or donor) id then rank.
    """
    matcher = Matcher(
        weights=weights, chunk_size=chunk_size, n_jobs=n_jobs, params=params, encoder=encoder
    ).fit(donors, history, proposals=proposals)
    if encoder is not None:  # embed (or read) every text here, not once per worker process
        encoder.embed(proposal_texts(proposals))  # type: ignore[attr-defined]
    return matcher.rank(
        proposals,
        top_k=top_k,
        by=by,
        target_weights=target_weights,
        eligible_only=eligible_only,
        explain=explain,
    )
