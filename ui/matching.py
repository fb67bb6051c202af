"""The engine as the app uses it: one fitted, scored portfolio per database content.

Fitting donor profiles and scoring every pair is the slow step, so its result (a
:class:`matcher.rank.ScoreSet` with every component matrix, plus the tagger's target
suggestions) is kept per portfolio fingerprint for all sessions; the first session to need
it sees the work as a ``st.status`` with the row count and an estimate. When only proposals
changed (an upload, an edit), the donor side is kept and only the new or changed rows are
scored (:mod:`matcher.score_sets`). Re-weighting then only re-combines the cached matrices,
and explanations are written for the rows on screen only.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import partial

import numpy as np
import pandas as pd
import streamlit as st

from matcher.combine import WEIGHT_PRESETS, parse_weights, resolve_weights
from matcher.contract import ECOSYSTEMS
from matcher.explain import PairExplanation, pair_labels, pair_sentences, with_label
from matcher.rank import Matcher, ScoreSet
from matcher.score import COMPONENTS
from matcher.score_sets import extend_score_set
from matcher.tagger import proposal_target_weights, suggest_targets
from ui import services, text_features
from ui.filters import is_closed_status
from ui.warmup import freeze_heap
from ui.words import counted

__all__ = [
    "COMPONENT_LABELS",
    "Analysis",
    "active_weights",
    "analysis",
    "donor_pairs",
    "explain",
    "explanations_for",
    "funding_badge",
    "proposal_pairs",
    "status_label",
]

COMPONENT_LABELS: dict[str, str] = {
    "thematic": "Thematic fit (text)",
    "targets": "Aichi/GBF targets",
    "geography": "Geography",
    "funding_fit": "Funding fit",
    "ecosystems": "Ecosystems",
    "history": "Funding history",
}
DEFAULT_PRESET = "balanced"
WEIGHTS_STATE_KEY = "match_weights"
_KEEP_ANALYSES = 3
_MEMO_ENTRIES = 256


@dataclass(frozen=True)
class Analysis:
    """A scored portfolio: the score set, and the proposals with suggested targets added.

    It also keeps what an upload needs to score only its new rows: the fitted matcher, the
    fingerprint of the donor side it was fitted on and one hash per proposal row.
    """

    scores: ScoreSet
    proposals: pd.DataFrame
    suggestions: pd.DataFrame
    proposal_position: dict[str, int]
    donor_position: dict[str, int]
    matcher: Matcher | None = None
    donor_fingerprint: str = ""
    proposal_hashes: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.uint64))
    funded_pairs: frozenset[tuple[str, str]] = frozenset()
    """(proposal_id, donor_id) pairs the funding history records (names resolved to donors)."""
    funded_proposals: frozenset[str] = frozenset()
    """Proposals with any funding recorded in the history, resolved to a donor or not."""
    variant_key: str = ""
    """``construction/missing`` of the engine variant that scored it (matcher.shipped)."""
    text_notice: str = ""
    """One line when the scores fall back to TF-IDF text (the encoder is not installed)."""
    memo: dict[tuple, object] = field(default_factory=dict, compare=False, repr=False)
    """Words already written for these scores (:func:`explanations_for`, :func:`explain`):
    every new session asks for the same first rows and pair; they go with the analysis."""


# Rough costs on a 2-core machine, replaced by what this process measures on its first run:
# fitting the donor side, tagging a proposal, scoring a pair.
_DEFAULT_RATES = {"fit": 1.0, "proposal": 0.01, "pair": 5e-6}


class _AnalysisCache:
    """The few newest analyses, by portfolio fingerprint; one computation at a time."""

    def __init__(self) -> None:
        self.items: OrderedDict[str, Analysis] = OrderedDict()
        self.lock = threading.Lock()
        self.rates = dict(_DEFAULT_RATES)
        self.full_computations = 0
        self.proposals_scored = 0


@st.cache_resource
def _analysis_cache() -> _AnalysisCache:
    return _AnalysisCache()


def _with_suggested_targets(proposals: pd.DataFrame, suggestions: pd.DataFrame) -> pd.DataFrame:
    by_proposal = (
        suggestions.groupby("proposal_id")["aichi_target"].agg(lambda t: tuple(sorted(set(t))))
        if not suggestions.empty
        else pd.Series(dtype=object)
    )
    ids = proposals["proposal_id"].astype(str)
    return proposals.assign(
        suggested_aichi_targets=ids.map(by_proposal).map(
            lambda v: v if isinstance(v, tuple) else ()
        )
    )


def _with_scored_ecosystems(proposals: pd.DataFrame, scores: ScoreSet) -> pd.DataFrame:
    """The ecosystems the score uses per proposal (declared, else detected in the text).

    ``ecosystems_used`` holds the names, ``ecosystems_detected`` says they came from the
    text; filters and tables read these, so they show what the ecosystem component saw.
    """
    features = scores.features
    used = [
        tuple(name for name, on in zip(ECOSYSTEMS, row, strict=True) if on > 0)
        for row in features.ecosystems
    ]
    by_id = dict(zip(features.proposal_ids.astype(str), used, strict=True))
    detected = dict(
        zip(
            features.proposal_ids.astype(str),
            features.ecosystems_detected.astype(bool),
            strict=True,
        )
    )
    ids = proposals["proposal_id"].astype(str)
    return proposals.assign(
        ecosystems_used=[by_id.get(p, ()) for p in ids],
        ecosystems_detected=[bool(detected.get(p, False)) for p in ids],
    )


def _funding_recorded(
    scores: ScoreSet, history: pd.DataFrame
) -> tuple[frozenset[tuple[str, str]], frozenset[str]]:
    """Who funded what: resolved (proposal, donor) pairs, and every proposal with funding."""
    funded = scores.context.profiles.funded
    donor_ids = scores.context.profiles.donors["donor_id"].astype(str).to_numpy()
    pairs = frozenset(
        (str(p), str(donor_ids[int(m)]))
        for p, m in zip(funded["proposal_id"], funded["donor_pos"], strict=True)
    )
    anyone = frozenset(history["proposal_id"].astype(str)) if not history.empty else frozenset()
    return pairs, anyone | {p for p, _ in pairs}


def _estimate(seconds: float) -> str:
    return "under a second" if seconds < 1 else f"about {seconds:,.0f} s"


def status_label(n_proposals: int, n_new: int, n_donors: int, seconds: float) -> str:
    """What the scoring status says while it works: how many rows and pairs, and how long.

    ``n_new`` of the ``n_proposals`` are scored (all of them unless an upload kept the rest).
    """
    if n_new == n_proposals:
        what = f"Scoring {counted(n_proposals, 'proposal')} against {counted(n_donors, 'donor')}"
    else:
        what = (
            f"Scoring {counted(n_new, 'new or changed proposal')} against "
            f"{counted(n_donors, 'donor')} "
            f"(the other {n_proposals - n_new:,} keep their scores)"
        )
    return (
        f"{what}: {n_new * n_donors:,} pairs, {_estimate(seconds)} (once per change of data; "
        "re-weighting afterwards is instant)…"
    )


def _reusable(data: services.Portfolio, base: Analysis | None) -> np.ndarray | None:
    """For each stored proposal, its unchanged row in ``base`` (-1: score it), or None.

    None when ``base`` was fitted on other donors or history, or when a proposal to score is
    in the funding history (it shapes the donor profiles, so everything is refitted).
    """
    if base is None or base.matcher is None or base.donor_fingerprint != data.donor_fingerprint:
        return None
    ids = data.proposals["proposal_id"].astype(str).to_numpy()
    old = {
        (str(p), int(h)): row
        for row, (p, h) in enumerate(
            zip(base.scores.proposal_ids, base.proposal_hashes, strict=True)
        )
    }
    keep = np.array(
        [old.get((p, int(h)), -1) for p, h in zip(ids, data.proposal_hashes, strict=True)],
        dtype=np.int64,
    )
    funded = (
        set(data.history["proposal_id"].astype(str)) if "proposal_id" in data.history else set()
    )
    if funded & set(ids[keep < 0]):
        return None
    return keep


Progress = Callable[[float, str], None]


def _no_progress(fraction: float, text: str) -> None:
    """Progress reporting for work done outside a page (the warm-up at server start)."""


def _expected_seconds(data: services.Portfolio, base: Analysis | None) -> tuple[int, float]:
    """How many proposals a computation scores, and how long it should take at known rates."""
    rates = _analysis_cache().rates
    keep = _reusable(data, base)
    n_new = len(data.proposals) if keep is None else int(np.count_nonzero(keep < 0))
    fit = 0.0 if keep is not None else rates["fit"]
    return n_new, fit + n_new * (rates["proposal"] + len(data.donors) * rates["pair"])


def _score(
    data: services.Portfolio, base: Analysis | None, progress: Progress = _no_progress
) -> Analysis:
    """Score the portfolio; with a ``base`` on the same donors, score only the rows that changed.

    No Streamlit calls, so the server can run it at start (:func:`warm`) as well as a page.
    """
    cache = _analysis_cache()
    rates = cache.rates
    n_proposals, n_donors = len(data.proposals), len(data.donors)
    keep = _reusable(data, base)
    new_rows = np.arange(n_proposals) if keep is None else np.flatnonzero(keep < 0)
    n_new = len(new_rows)
    progress(0.0, f"Suggesting targets from the text of {counted(n_new, 'proposal')}…")
    tagged_at = time.perf_counter()
    # The shipped variant (matcher.shipped): its encoder reads vectors from the store and embeds
    # (without Streamlit) only texts not stored yet; on a page, _compute has embedded those.
    choice = text_features.text_choice()
    encoder = text_features.store_encoder(choice)
    tag = partial(suggest_targets, use_encoder=encoder is not None, encoder=encoder)
    if keep is None:
        suggestions = tag(data.proposals)
    else:
        fresh = tag(data.proposals.iloc[new_rows])
        kept_ids = set(data.proposals["proposal_id"].astype(str).to_numpy()[keep >= 0])
        old = base.suggestions[base.suggestions["proposal_id"].astype(str).isin(kept_ids)]
        suggestions = _in_proposal_order(pd.concat([old, fresh], ignore_index=True), data)
    tagged = time.perf_counter() - tagged_at
    target_weights = proposal_target_weights(data.proposals, suggestions)
    fitted_at = time.perf_counter()
    if keep is None:
        progress(0.25, "Profiling donors from priorities and funding history…")
        matcher = Matcher(
            weights=DEFAULT_PRESET, params=choice.variant.params(), encoder=encoder
        ).fit(data.donors, data.history, proposals=data.proposals)
    else:
        matcher = base.matcher
    fitted = time.perf_counter() - fitted_at
    progress(0.5, f"Scoring {n_new * n_donors:,} proposal-donor pairs…")
    scored_at = time.perf_counter()
    if keep is None:
        scores = matcher.score(data.proposals, target_weights=target_weights)
        cache.full_computations += 1
    else:
        scores = extend_score_set(
            matcher, base.scores, keep, data.proposals, new_rows, target_weights=target_weights
        )
    scored = time.perf_counter() - scored_at
    cache.proposals_scored += n_new
    progress(1.0, "Done.")
    if n_new:
        rates["proposal"] = tagged / n_new
        rates["pair"] = scored / (n_new * max(n_donors, 1))
    if keep is None:
        rates["fit"] = fitted
    proposals = _with_scored_ecosystems(
        _with_suggested_targets(data.proposals, suggestions), scores
    )
    funded_pairs, funded_proposals = _funding_recorded(scores, data.history)
    return Analysis(
        scores=scores,
        proposals=proposals,
        suggestions=suggestions,
        proposal_position={str(p): i for i, p in enumerate(scores.proposal_ids)},
        donor_position={str(d): i for i, d in enumerate(scores.donor_ids)},
        matcher=matcher,
        donor_fingerprint=data.donor_fingerprint,
        proposal_hashes=data.proposal_hashes,
        funded_pairs=funded_pairs,
        funded_proposals=funded_proposals,
        variant_key=text_features.variant_key(),
        text_notice=choice.notice,
    )


def _compute(data: services.Portfolio, base: Analysis | None = None) -> Analysis:
    """:func:`_score` on a page, its progress shown as a ``st.status`` with rows and an estimate."""
    # New texts are embedded and stored first, in their own status, so that scoring below
    # only reads stored vectors (nothing to do on TF-IDF alone or with every text stored).
    text_features.embed_portfolio(data.proposals, data.donors)
    n_new, expected = _expected_seconds(data, base)
    started = time.perf_counter()
    with st.status(
        status_label(len(data.proposals), n_new, len(data.donors), expected),
        expanded=True,
    ) as status:
        bar = st.progress(0.0)
        found = _score(data, base, lambda fraction, text: bar.progress(fraction, text=text))
        status.update(
            label=f"Scored {n_new * len(data.donors):,} pairs in "
            f"{time.perf_counter() - started:,.1f} s.",
            state="complete",
            expanded=False,
        )
    return found


def funding_badge(found: Analysis, proposal_id: str, donor_id: str, status: object) -> str:
    """ "already funded by this donor", "funded by others" or "" for one pair.

    "Funded by others" also covers a proposal whose status says funded while the history
    names no donor for it.
    """
    if (str(proposal_id), str(donor_id)) in found.funded_pairs:
        return "already funded by this donor"
    if str(proposal_id) in found.funded_proposals or is_closed_status(status):
        return "funded by others"
    return ""


def _in_proposal_order(suggestions: pd.DataFrame, data: services.Portfolio) -> pd.DataFrame:
    """Suggestions ordered as :func:`suggest_targets` orders them: by proposal, as stored."""
    position = {p: i for i, p in enumerate(data.proposals["proposal_id"].astype(str))}
    rows = suggestions["proposal_id"].astype(str).map(position).to_numpy()
    return suggestions.iloc[np.argsort(rows, kind="stable")].reset_index(drop=True)


def analysis() -> Analysis | None:
    """The scored current portfolio (cached); ``None`` when there are no proposals or donors."""
    return _cached_analysis(services.portfolio(), _compute)


def warm() -> Analysis | None:
    """Score the stored portfolio before anyone asks (the server's start, :mod:`ui.warmup`)."""
    return _cached_analysis(services.portfolio(), _score)


def _cached_analysis(
    data: services.Portfolio,
    compute: Callable[[services.Portfolio, Analysis | None], Analysis],
) -> Analysis | None:
    if data.is_empty:
        return None
    cache = _analysis_cache()
    # Keyed by content (two databases holding the same rows share one analysis) and by the
    # engine variant that scores it (matcher.shipped: with or without the encoder).
    variant = text_features.variant_key()
    key = f"{data.fingerprint}/{variant}"
    with cache.lock:
        found = cache.items.get(key)
        if found is None:
            newest = next(reversed(cache.items.values()), None)
            if newest is not None and newest.variant_key != variant:
                newest = None  # scored by another variant: nothing to reuse
            found = compute(data, newest)
            cache.items[key] = found
            while len(cache.items) > _KEEP_ANALYSES:
                cache.items.popitem(last=False)
            computed = True
        else:
            cache.items.move_to_end(key)
            computed = False
    if computed:
        freeze_heap()
    return found


# --- weights ---------------------------------------------------------------------------
def preset_names() -> list[str]:
    """The presets the Matches page offers: the weights in force first, then the shipped ones."""
    from ui.weights import IN_FORCE

    return [IN_FORCE, *WEIGHT_PRESETS]


def preset_weights(preset: str) -> dict[str, float]:
    """A preset's weights; ``in_force`` is what the database says (the default preset until a
    learned set is adopted); an unknown name falls back to the weights in force."""
    from ui import weights

    if preset in WEIGHT_PRESETS:
        return dict(WEIGHT_PRESETS[preset])
    return dict(weights.in_force().weights)


def weights_from(preset: str, overrides: Mapping[str, float]) -> dict[str, float]:
    """The preset's weights with the user's changes (all zero: the weights in force)."""
    base = preset_weights(preset)
    for name, value in overrides.items():
        if name in base:
            base[name] = float(value)
    if sum(base.values()) <= 0:
        return preset_weights("")
    return parse_weights(base)


def active_weights() -> dict[str, float]:
    """The weights the user last set on the Matches page (the weights in force before that)."""
    stored = st.session_state.get(WEIGHTS_STATE_KEY)
    if isinstance(stored, Mapping) and sum(stored.values()) > 0:
        return dict(stored)
    return preset_weights("")


# --- pair tables -----------------------------------------------------------------------
def _pairs(
    found: Analysis,
    p_idx: np.ndarray,
    m_idx: np.ndarray,
    weights: Mapping[str, float],
    tie_column: str,
) -> pd.DataFrame:
    scores = found.scores
    w = resolve_weights(dict(weights))
    # Only the pairs on the page, not every pair (the same numbers as combine(), to the bit).
    combined = scores.pair_scores(w, p_idx, m_idx).astype(np.float64)
    codes = scores.reason_codes[p_idx, m_idx]
    frame = pd.DataFrame(
        {
            "proposal_id": scores.proposal_ids[p_idx].astype(str),
            "proposal_title": scores.proposal_titles[p_idx].astype(str),
            "donor_id": scores.donor_ids[m_idx].astype(str),
            "donor_name": scores.donor_names[m_idx].astype(str),
            "score": np.round(combined, 4),
            "eligible": codes == 0,
            "reasons": [scores.reasons(int(p), int(m)) for p, m in zip(p_idx, m_idx, strict=True)],
        }
    )
    for i, name in enumerate(COMPONENTS):
        values = np.where(
            scores.available[i, p_idx, m_idx] > 0, scores.values[i, p_idx, m_idx], np.nan
        )
        frame[f"score_{name}"] = np.round(values.astype(np.float64), 4)
    # Same order as the engine's rankings: eligible first, then score, then the other
    # side's id, so a tie always breaks the same way.
    tie_ids = frame[tie_column].to_numpy().astype(str)
    order = np.lexsort(
        (
            tie_ids,
            -np.nan_to_num(frame["score"].to_numpy(), nan=-1.0),
            ~frame["eligible"].to_numpy(),
        )
    )
    frame = frame.iloc[order].reset_index(drop=True)
    frame.insert(4, "rank", np.arange(1, len(frame) + 1))
    return frame


def donor_pairs(donor_id: str, weights: Mapping[str, float]) -> pd.DataFrame:
    """Every proposal scored for one donor, best first (eligible before ineligible).

    Parameters
    ----------
    donor_id
        The donor.
    weights
        Full component weights (see :func:`weights_from`).

    Returns
    -------
    pandas.DataFrame
        ``proposal_id``, ``proposal_title``, ``donor_id``, ``donor_name``, ``rank``,
        ``score``, ``eligible``, ``reasons`` and one ``score_<component>`` per component;
        empty when the donor is unknown or nothing is stored.
    """
    found = analysis()
    if found is None or str(donor_id) not in found.donor_position:
        return pd.DataFrame(columns=["proposal_id", "score"])
    n_proposals = len(found.scores.proposal_ids)
    m = found.donor_position[str(donor_id)]
    return _pairs(found, np.arange(n_proposals), np.full(n_proposals, m), weights, "proposal_id")


def proposal_pairs(proposal_id: str, weights: Mapping[str, float]) -> pd.DataFrame:
    """Every donor scored for one proposal, best first (eligible before ineligible).

    Same columns as :func:`donor_pairs`.
    """
    found = analysis()
    if found is None or str(proposal_id) not in found.proposal_position:
        return pd.DataFrame(columns=["donor_id", "score"])
    n_donors = len(found.scores.donor_ids)
    p = found.proposal_position[str(proposal_id)]
    return _pairs(found, np.full(n_donors, p), np.arange(n_donors), weights, "donor_id")


def explanations_for(pairs: pd.DataFrame, weights: Mapping[str, float]) -> list[str]:
    """Why each of the given pairs fits, in words (the rows on screen, or a list exported):
    the label by where the pair stands among the donor's candidates, then the one-line
    explanation with the parts one side leaves unstated."""
    found = analysis()
    if found is None or pairs.empty:
        return [""] * len(pairs)
    key = (
        "explanations",
        tuple(map(str, pairs["proposal_id"])),
        tuple(map(str, pairs["donor_id"])),
        tuple(sorted(weights.items())),
    )
    kept = found.memo.get(key)
    if kept is None:
        kept = _remembered(found, key, _explanations(found, pairs, weights))
    return list(kept)  # type: ignore[call-overload]


def _remembered(found: Analysis, key: tuple, value: object) -> object:
    if len(found.memo) >= _MEMO_ENTRIES:
        found.memo.clear()  # a few hundred views; starting afresh costs one page run
    found.memo[key] = value
    return value


def _explanations(found: Analysis, pairs: pd.DataFrame, weights: Mapping[str, float]) -> list[str]:
    p_idx = np.array([found.proposal_position[str(p)] for p in pairs["proposal_id"]])
    m_idx = np.array([found.donor_position[str(d)] for d in pairs["donor_id"]])
    scores = found.scores
    values = np.where(
        scores.available[:, p_idx, m_idx] > 0, scores.values[:, p_idx, m_idx], np.nan
    ).T
    w = np.array([parse_weights(dict(weights))[c] for c in COMPONENTS], dtype=np.float32)
    sentences = pair_sentences(
        scores.context, scores.features, p_idx, m_idx, values, w, scores.reason_codes[p_idx, m_idx]
    )
    # A label places the pair among its donor's candidates: those donors' columns only.
    donors, column = np.unique(m_idx, return_inverse=True)
    n_proposals = len(scores.proposal_ids)
    columns = scores.pair_scores(
        w, np.tile(np.arange(n_proposals), donors.size), np.repeat(donors, n_proposals)
    ).reshape(donors.size, n_proposals)
    labels = pair_labels(columns.T, p_idx, column)
    return [with_label(label, s) for label, s in zip(labels, sentences, strict=True)]


def explain(
    proposal_id: str, donor_id: str, weights: Mapping[str, float]
) -> PairExplanation | None:
    """The full breakdown of one pair: components, sentence and evidence."""
    found = analysis()
    if found is None:
        return None
    key = ("explain", str(proposal_id), str(donor_id), tuple(sorted(weights.items())))
    kept = found.memo.get(key)
    if kept is None:
        kept = found.scores.explain_pair(str(proposal_id), str(donor_id), weights=dict(weights))
        _remembered(found, key, kept)
    return kept  # type: ignore[return-value]
