"""Explanations a programme officer can read: one line per pair, and a breakdown for the app.

The one-line explanation names the evidence behind the strongest components ("shares Aichi
11 and 15; funded 3 similar projects in South America; request within grant range"); the
breakdown gives each component's value, weight, contribution to the score and sentence,
with the evidence itself: shared targets, the closest funded proposals and shared terms.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache

import numpy as np
import pandas as pd
from sklearn.preprocessing import normalize

from matcher.combine import reason_text
from matcher.contract import ECOSYSTEMS
from matcher.interchange.iati_prior import prior_clause
from matcher.own_funding import donor_facts_without, own_funding_pairs
from matcher.profile import CountryTable, DonorProfiles
from matcher.score import COMPONENTS, DonorVectors, ProposalFeatures, TextModel
from matcher.words import counted, key_words

__all__ = ["ExplainContext", "PairExplanation", "explain_pair", "pair_sentences"]

SIMILAR_PROJECT_COSINE = 0.08  # a funded proposal at least this close in text counts as similar


@dataclass
class ExplainContext:
    """The fitted state an explanation reads from."""

    profiles: DonorProfiles
    donors: DonorVectors
    text_model: TextModel
    table: CountryTable
    missing_stated: str = "mean"  # how a part the donor says nothing about counts (ScoringParams)

    def funded_rows(self, m: int) -> np.ndarray:
        """Positions (in ``profiles.funded_proposals``) of the proposals donor ``m`` funded."""
        by_donor = self.__dict__.get("_funded_by_donor")
        if by_donor is None:
            link = self.profiles.funded_link.tocsc()
            by_donor = [
                np.sort(link.indices[link.indptr[i] : link.indptr[i + 1]])
                for i in range(link.shape[1])
            ]
            self.__dict__["_funded_by_donor"] = by_donor
        return by_donor[m] if m < len(by_donor) else np.zeros(0, dtype=np.int64)

    def donor_column(self, name: str) -> list[object]:
        """One column of the donors' table as a list (``DataFrame.at`` costs ~0.5 ms a call)."""
        columns = self.__dict__.setdefault("_donor_columns", {})
        if name not in columns:
            columns[name] = self.profiles.donors[name].tolist()
        return columns[name]

    def states_words(self) -> np.ndarray:
        """Per donor, whether its stated priorities have any word: read for every part of
        every pair explained, so found once (indexing one sparse row costs ~100 us)."""
        states = self.__dict__.get("_states_words")
        if states is None:
            stated = self.donors.stated_words.tocsr()
            states = np.zeros(stated.shape[0], dtype=bool)
            rows = np.repeat(np.arange(stated.shape[0]), np.diff(stated.indptr))
            states[rows[stated.data != 0]] = True
            self.__dict__["_states_words"] = states
        return states

    def proposal_vector(self, features: ProposalFeatures, p: int) -> np.ndarray:
        """Proposal ``p``'s word vector as a dense array (kept while pairs of ``p`` are explained).

        The cache holds the feature block itself, not its ``id()``: a freed block's address is
        reused, and a new block at the old address would be handed the old proposal's vector.
        """
        cached = self.__dict__.get("_proposal_vector")
        if cached is None or cached[0] is not features or cached[1] != p:
            words = features.words
            dense = np.zeros(words.shape[1], dtype=np.float32)
            start, end = words.indptr[p], words.indptr[p + 1]
            dense[words.indices[start:end]] = words.data[start:end]
            cached = (features, p, dense)
            self.__dict__["_proposal_vector"] = cached
        return cached[2]

    def own_funded(self, features: ProposalFeatures, p: int, m: int) -> int:
        """Position of proposal ``p`` among the proposals donor ``m`` funded, else -1.

        A proposal's own funding is never evidence for it, so explanations leave it out.
        """
        return _own_pair_lookup(features, self.profiles).get((p, m), -1)

    def facts(self, features: ProposalFeatures, p: int, m: int) -> DonorFacts:
        """The donor's revealed facts as the pair sees them (own funding left out)."""
        f = self.own_funded(features, p, m)
        if f < 0:
            profiles = self.profiles
            return DonorFacts(
                int(profiles.n_funded[m]),
                profiles.funded_countries[m],
                profiles.funded_areas[m],
                profiles.funded_regions[m],
                float(profiles.typical_log_grant[m]),
            )
        without = donor_facts_without(self.profiles, self.donors, np.array([m]), np.array([f]))
        return DonorFacts(
            int(without.n_funded[0]),
            without.country_counts[0],
            without.area_counts[0],
            without.region_counts[0],
            float(without.typical_log_grant[0]),
        )

    def funded_similarities(self, features: ProposalFeatures, p: int, m: int) -> tuple:
        """The donor's funded proposals (never ``p`` itself) and their text cosine with ``p``."""
        rows = self.funded_rows(m)
        if rows.size == 0:
            return rows, np.zeros(0)
        matrices = self.__dict__.setdefault("_funded_matrix", {})
        if m not in matrices:
            matrices[m] = self.donors.funded_words[rows].tocsr()
        sims = matrices[m] @ self.proposal_vector(features, p)
        keep = rows != self.own_funded(features, p, m)
        return rows[keep], sims[keep]

    def donor_words(self, features: ProposalFeatures, p: int, m: int) -> tuple:
        """The donor's text vector for this pair (own funding left out): term ids, weights."""
        f = self.own_funded(features, p, m)
        donor = self.donors.profile_words
        if f < 0:
            start, end = donor.indptr[m], donor.indptr[m + 1]
            return donor.indices[start:end], donor.data[start:end]
        rest = self.donors.funded_sum_words[m] - self.donors.funded_words[f]
        rest.data[np.abs(rest.data) < 1e-6] = 0.0
        rest.eliminate_zeros()
        vector = normalize(self.donors.stated_words[m] + normalize(rest)).tocsr()
        return vector.indices, vector.data


@dataclass(frozen=True)
class DonorFacts:
    """What one donor's funding history says, as one pair sees it."""

    n_funded: int
    country_counts: np.ndarray  # C
    area_counts: np.ndarray  # A
    region_counts: np.ndarray  # R
    typical_log_grant: float


def _own_pairs(features: ProposalFeatures, profiles: DonorProfiles) -> tuple[np.ndarray, ...]:
    """The block's own-funding pairs, found once per block of proposals."""
    cached = features.__dict__.get("_own_pairs")
    if cached is None or cached[0] is not profiles:
        pairs = own_funding_pairs(features.proposal_ids, profiles)
        cached = (profiles, (pairs.rows, pairs.donors, pairs.funded))
        features.__dict__["_own_pairs"] = cached
    return cached[1]


def _own_pair_lookup(
    features: ProposalFeatures, profiles: DonorProfiles
) -> dict[tuple[int, int], int]:
    """``(proposal, donor) -> funded position`` of the own-funding pairs (the first of each):
    looked up for every part of every pair explained, so a dict rather than a scan."""
    cached = features.__dict__.get("_own_pair_lookup")
    if cached is None or cached[0] is not profiles:
        rows, donors, funded = _own_pairs(features, profiles)
        lookup: dict[tuple[int, int], int] = {}
        for p, m, f in zip(rows.tolist(), donors.tolist(), funded.tolist(), strict=True):
            lookup.setdefault((p, m), f)
        cached = (profiles, lookup)
        features.__dict__["_own_pair_lookup"] = cached
    return cached[1]


FIT_LABELS = (("strong fit", 0.10), ("good fit", 0.33))
"""Plain labels by where a score stands among the donor's candidates: top 10% strong, top third
good, the rest weak."""


_FEW_CANDIDATES = 5
_SCORE_CUTS = (("strong fit", 0.7), ("good fit", 0.5))


def _label_of(share_above: float) -> str:
    for label, top in FIT_LABELS:
        if share_above < top:
            return label
    return "weak fit"


def fit_standing(score: float, candidates: np.ndarray | None) -> tuple[str, int, int]:
    """``(label, position, n)``: "strong fit", "good fit" or "weak fit" by where ``score``
    stands among the donor's ``n`` scored candidates (``position`` 1 is the best).

    With fewer than five candidates there is no position to speak of: the score itself decides
    (0.7 and 0.5 are the cuts).
    """
    scores = np.asarray(candidates if candidates is not None else [], dtype=float)
    scores = scores[np.isfinite(scores)]
    if not np.isfinite(score):
        return "no fit known", 0, int(scores.size)
    better = int(np.sum(scores > score + 1e-5))  # float32 candidates
    if scores.size < _FEW_CANDIDATES:
        label = next((name for name, cut in _SCORE_CUTS if score >= cut), "weak fit")
        return label, better + 1, int(scores.size)
    return _label_of(better / scores.size), better + 1, int(scores.size)


def fit_label(score: float, candidates: np.ndarray | None) -> str:
    """The label alone (see :func:`fit_standing`)."""
    return fit_standing(score, candidates)[0]


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def standing_words(label: str, position: int, n: int, donor: str = "this donor") -> str:
    """What the label means, in words: "3rd of the 62 proposals scored for X: among its best
    10%, a strong fit"."""
    if label == "no fit known" or n == 0:
        return "No part of the score can be compared, so there is no fit to speak of."
    if n < _FEW_CANDIDATES:
        return (
            f"{_ordinal(position)} of the {counted(n, 'proposal')} scored for {donor}; too few to rank "
            f"by, so the score decides: a {label} (0.70 or more is strong, 0.50 or more good)."
        )
    where = {
        "strong fit": "among its best 10%",
        "good fit": "among its best third, not its best 10%",
        "weak fit": "below its best third",
    }[label]
    return f"{_ordinal(position)} of the {counted(n, 'proposal')} scored for {donor}: {where}, a {label}."


def pair_labels(combined: np.ndarray, rows: np.ndarray, cols: np.ndarray) -> list[str]:
    """The label of each pair (``rows`` into proposals, ``cols`` into donors) from the P x M
    scores: where each stands in its donor's column."""
    labels = [""] * len(rows)
    rows, cols = np.asarray(rows, dtype=np.int64), np.asarray(cols, dtype=np.int64)
    for m in np.unique(cols):
        column = np.asarray(combined[:, m], dtype=float)
        column = np.sort(column[np.isfinite(column)])
        for i in np.flatnonzero(cols == m):
            score = float(combined[rows[i], m])
            if not np.isfinite(score):
                labels[i] = "no fit known"
            elif column.size < _FEW_CANDIDATES:
                labels[i] = fit_label(score, column)
            else:
                better = column.size - int(np.searchsorted(column, score + 1e-5, side="right"))
                labels[i] = _label_of(better / column.size)
    return labels


def with_label(label: str, sentence: str) -> str:
    """The plain-language "why" of exports and tables: the label, then the sentence."""
    return f"{label}: {sentence}" if label else sentence


_STATED_FACT = {
    "thematic": "no priorities",
    "targets": "no targets",
    "geography": "no regions or countries",
    "funding_fit": "no grant range",
    "ecosystems": "no ecosystems",
}
_PROPOSAL_FACT = {
    "thematic": "has no text",
    "targets": "names no targets",
    "geography": "names no countries",
    "funding_fit": "asks for no amount",
    "ecosystems": "names no ecosystems",
}


def _donor_states(ctx: ExplainContext, name: str, m: int) -> bool:
    profiles = ctx.profiles
    if name == "thematic":
        return bool(ctx.states_words()[m])
    if name == "targets":
        return bool(profiles.has_stated_targets[m])
    if name == "ecosystems":
        return bool(profiles.has_ecosystems[m])
    if name == "geography":
        return bool(profiles.has_stated_area[m] or profiles.has_text_focus[m])
    if name == "funding_fit":
        return bool(
            np.isfinite(profiles.min_grant_usd[m]) or np.isfinite(profiles.max_grant_usd[m])
        )
    return True


def _how_counted(ctx: ExplainContext, value: float, *, short: bool) -> str:
    """How a part the donor states nothing about counts, in the long or the one-line wording."""
    if np.isfinite(value) and ctx.missing_stated == "mean":
        return "counted at the average of the donors that do"
    if np.isfinite(value) and ctx.missing_stated == "neutral":
        return "counted at the middle" if short else "counted at the middle of the scale"
    return "left out" if short else "this part is left out"


def missing_part(ctx: ExplainContext, name: str, m: int, value: float) -> str:
    """Words for a part one side says nothing about ("" when both sides speak)."""
    donor = str(ctx.profiles.names[m])
    if name == "history":
        facts_n = int(ctx.profiles.n_funded[m])
        return "" if facts_n > 0 else f"{donor} has no funding record here; counts as no evidence"
    if not _donor_states(ctx, name, m):
        return f"{donor} states {_STATED_FACT[name]}; {_how_counted(ctx, value, short=False)}"
    if not np.isfinite(value):
        return (
            f"the proposal {_PROPOSAL_FACT.get(name, 'says nothing here')}; this part is left out"
        )
    return ""


def _missing_clause(ctx: ExplainContext, name: str, m: int, value: float) -> str:
    """The short form of :func:`missing_part` for the one-line explanation ("the donor ...")."""
    if name == "history":
        return "" if int(ctx.profiles.n_funded[m]) > 0 else "no funding record (no evidence)"
    if name in _STATED_FACT and not _donor_states(ctx, name, m):
        return f"the donor states {_STATED_FACT[name]} ({_how_counted(ctx, value, short=True)})"
    if not np.isfinite(value):
        return f"the proposal {_PROPOSAL_FACT.get(name, 'says nothing here')} (left out)"
    return ""


@dataclass
class PairExplanation:
    """Why a donor and a proposal match: sentence, per-component breakdown and evidence."""

    proposal_id: str
    donor_id: str
    donor_name: str
    score: float
    eligible: bool
    reasons: str
    sentence: str
    components: pd.DataFrame  # component, value, weight, contribution, sentence
    shared_targets: list[int] = field(default_factory=list)
    shared_gbf_targets: list[int] = field(default_factory=list)
    shared_ecosystems: list[str] = field(default_factory=list)
    shared_terms: list[str] = field(default_factory=list)
    closest_funded: pd.DataFrame = field(default_factory=pd.DataFrame)  # similarity > 0 only
    n_funded: int = 0  # the donor's funded proposals, this one left out: "none close" needs it
    label: str = ""  # strong / good / weak fit, by position among the donor's candidates
    standing: str = ""  # what the label means: "3rd of the 62 proposals scored for X: ..."
    missing: list[str] = field(default_factory=list)  # parts one side says nothing about, in words


def _join(items: Sequence[str]) -> str:
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _money(usd: float) -> str:
    if not np.isfinite(usd):
        return "unknown"
    if usd >= 1e6:
        return f"USD {usd / 1e6:.1f}M"
    if usd >= 1e3:
        return f"USD {usd / 1e3:.0f}k"
    return f"USD {usd:.0f}"


def _shared_targets(ctx: ExplainContext, features: ProposalFeatures, p: int, m: int) -> list[int]:
    proposal = features.targets[p]
    donor = ctx.profiles.stated_targets[m]
    return [int(t) + 1 for t in np.flatnonzero((proposal > 0) & (donor > 0))]


def _gbf_for(aichi: Sequence[int]) -> list[int]:
    from matcher.reference import crosswalk

    links = crosswalk()
    primary = links[(links["relation"] == "primary") & links["aichi_target"].isin(list(aichi))]
    return sorted(set(primary["gbf_target"].astype(int)))


def _country_indices(features: ProposalFeatures, p: int) -> np.ndarray:
    countries = features.countries
    return countries.indices[countries.indptr[p] : countries.indptr[p + 1]]


def _geography_clause(ctx: ExplainContext, features: ProposalFeatures, p: int, m: int) -> str:
    countries = _country_indices(features, p)
    profiles, table = ctx.profiles, ctx.table
    if countries.size == 0:
        return ""
    facts = ctx.facts(features, p, m)
    funded_here = facts.country_counts[countries]
    if funded_here.sum() > 0:
        best = countries[int(np.argmax(funded_here))]
        n = int(facts.country_counts[best])
        return f"funded {counted(n, 'project')} in {table.names[best]}"
    areas = table.area_of[countries]
    area_counts = facts.area_counts[areas]
    if area_counts.sum() > 0:
        best = int(np.argmax(area_counts))
        return f"funded {counted(int(area_counts[best]), 'project')} in {table.area_names[areas[best]]}"
    regions = table.region_of[countries]
    region_counts = facts.region_counts[regions]
    if region_counts.sum() > 0:
        best = int(np.argmax(region_counts))
        return f"funded {counted(int(region_counts[best]), 'project')} in {table.region_names[regions[best]]}"
    if profiles.has_stated_area[m]:
        inside = ctx.donors.stated_area_t[countries, m] > 0
        regions_named = ctx.donor_column("eligible_regions")[m]
        if inside.any():
            where = _join(list(regions_named)[:2]) if regions_named else "the countries it lists"
            return f"works in {where}"
        return "outside its stated regions"
    if facts.n_funded > 0:
        return "has not funded in this region"
    return ""


def _funding_clause(ctx: ExplainContext, features: ProposalFeatures, p: int, m: int) -> str:
    request = features.requested_usd[p]
    if not np.isfinite(request) or request <= 0:
        return ""
    low, high = ctx.profiles.min_grant_usd[m], ctx.profiles.max_grant_usd[m]
    if np.isfinite(high) and request > high:
        ratio = request / high
        return (
            f"request {ratio:.0f}x its largest grant"
            if ratio >= 2
            else "request a little above its grant range"
        )
    if np.isfinite(low) and request < low:
        return "request below its smallest grant"
    if np.isfinite(low) or np.isfinite(high):
        return "request within grant range"
    typical = ctx.facts(features, p, m).typical_log_grant
    if np.isfinite(typical):
        ratio = request / 10**typical
        if 0.5 <= ratio <= 2:
            return f"request close to its typical grant ({_money(10**typical)})"
        return (
            f"request {'above' if ratio > 1 else 'below'} its typical grant ({_money(10**typical)})"
        )
    return ""


def _similar_funded(
    ctx: ExplainContext, features: ProposalFeatures, p: int, m: int
) -> pd.DataFrame:
    columns = ["proposal_id", "title", "similarity"]
    funded_rows, sims = ctx.funded_similarities(features, p, m)
    sims = np.round(np.asarray(sims, dtype=float), 3)
    shares_words = sims > 0  # a funded proposal sharing no word with this one is no evidence
    funded_rows, sims = funded_rows[shares_words], sims[shares_words]
    if funded_rows.size == 0:
        return pd.DataFrame(columns=columns)
    order = np.lexsort((funded_rows, -sims))
    frame = ctx.profiles.funded_proposals.iloc[funded_rows[order]]
    return pd.DataFrame(
        {
            "proposal_id": frame["proposal_id"].astype(str).to_numpy(),
            "title": frame["title"].astype(str).to_numpy() if "title" in frame else "",
            "similarity": sims[order],
        }
    )


def _history_clause(ctx: ExplainContext, features: ProposalFeatures, p: int, m: int) -> str:
    n_funded = ctx.facts(features, p, m).n_funded
    if n_funded <= 0:
        row = features.countries[p]
        codes = tuple(ctx.table.iso3[i] for i in row.indices) if hasattr(row, "indices") else ()
        return prior_clause(ctx.profiles, m, codes)
    _, sims = ctx.funded_similarities(features, p, m)
    n_similar = int(np.sum(sims >= SIMILAR_PROJECT_COSINE))
    if n_similar:
        return f"funded {counted(n_similar, 'similar project')} ({n_funded} in all)"
    return f"funded {counted(n_funded, 'project')}, none close to this one"


_GENERIC_TERMS = frozenset(
    [
        "project",
        "projects",
        "programme",
        "programmes",
        "program",
        "support",
        "supports",
        "development",
        "national",
        "region",
        "regional",
        "set",
        "work",
        "works",
        "working",
        "countries",
        "country",
        "including",
        "include",
        "funds",
        "fund",
        "funding",
        "grant",
        "grants",
        "new",
        "based",
        "use",
        "area",
        "level",
        "also",
        "well",
        "within",
        "government",
        "local",
        "years",
        "year",
        "activities",
        "activity",
        "plan",
        "plans",
        "implementation",
        "key",
        "main",
        "large",
        "small",
    ]
)


@cache
def _country_name_words() -> frozenset[str]:
    """Words of country names ("costa", "rica"): geography, said elsewhere in the sentence."""
    from matcher.reference import countries

    words: set[str] = set()
    for name in countries()["name_en"]:
        words.update(w for w in re.findall(r"[a-z]+", str(name).lower()) if len(w) > 3)
    return frozenset(words - {"islands", "island"})


def _shared_terms(
    ctx: ExplainContext, features: ProposalFeatures, p: int, m: int, n: int = 3
) -> list[str]:
    """Phrases both texts use (then the words that weigh most in both), no generic words or
    place names."""
    texts = getattr(features, "texts", None)
    if texts is not None:
        from matcher.phrases import shared_phrases

        priorities = str(ctx.donor_column("priorities")[m])
        phrases = shared_phrases(
            texts[p], priorities, n, skip=_GENERIC_TERMS | _country_name_words()
        )
        if phrases:
            return phrases
        from matcher.phrases import bridged_terms

        bridged = bridged_terms(texts[p], priorities, n)  # a French proposal, English priorities
        if bridged:
            return bridged
    terms, weights = ctx.donor_words(features, p, m)
    product = ctx.proposal_vector(features, p)[terms] * weights
    shared = np.flatnonzero(product > 0)
    if shared.size == 0:
        return []
    from matcher.phrases import is_evidence_word

    skip = _GENERIC_TERMS | _country_name_words()
    found = []
    for i in shared[np.argsort(-product[shared], kind="stable")]:
        term = str(ctx.text_model.terms_[terms[i]])
        if term not in skip and all(is_evidence_word(word) for word in term.split()):
            found.append(term)
            if len(found) == n:
                break
    return found


def _ecosystems_shared(
    ctx: ExplainContext, features: ProposalFeatures, p: int, m: int
) -> list[str]:
    both = (features.ecosystems[p] > 0) & (ctx.profiles.stated_ecosystems[m] > 0)
    return [ECOSYSTEMS[i] for i in np.flatnonzero(both)]


def _clause(
    name: str, ctx: ExplainContext, features: ProposalFeatures, p: int, m: int, value: float
) -> str:
    """The clause for one component ("" when it is missing for the pair)."""
    if not np.isfinite(value) or (name in _STATED_FACT and not _donor_states(ctx, name, m)):
        return ""
    if name == "targets":
        shared = _shared_targets(ctx, features, p, m)
        return (
            f"shares Aichi {_join([str(t) for t in shared])}"
            if shared
            else "no shared Aichi targets"
        )
    if name == "geography":
        return _geography_clause(ctx, features, p, m)
    if name == "funding_fit":
        return _funding_clause(ctx, features, p, m)
    if name == "history":
        return _history_clause(ctx, features, p, m)
    if name == "thematic":
        terms = _shared_terms(ctx, features, p, m)
        if terms and value >= 0.3:
            return f"close to its priorities ({', '.join(terms)})"
        if terms:
            return f"some overlap with its priorities ({', '.join(terms)})"
        return "little in common with its priorities"
    if name == "ecosystems":
        shared = _ecosystems_shared(ctx, features, p, m)
        if shared:
            return f"both work on {_join([key_words(e) for e in shared])}"
        return "different ecosystems"
    return ""


def component_sentences(
    ctx: ExplainContext, features: ProposalFeatures, p: int, m: int, values: np.ndarray
) -> dict[str, str]:
    """One short clause per component (empty when the component is missing for the pair)."""
    return {
        name: _clause(name, ctx, features, p, m, float(value))
        for name, value in zip(COMPONENTS, values, strict=True)
    }


def pair_sentence(
    ctx: ExplainContext,
    features: ProposalFeatures,
    p: int,
    m: int,
    values: np.ndarray,
    weights: np.ndarray,
    reason_code: int,
    *,
    max_clauses: int = 4,
) -> str:
    """The one-line explanation: clauses of the components that contribute most, then reasons."""
    contributions = np.where(np.isfinite(values), values * weights, -1.0)
    clauses: list[str] = []
    # Only the clauses that will be shown are worked out, strongest contribution first.
    for i in np.argsort(-contributions, kind="stable"):
        if len(clauses) == max_clauses or contributions[i] <= 0:
            break
        clause = _clause(COMPONENTS[i], ctx, features, p, m, float(values[i]))
        if clause:
            clauses.append(clause)
    if not clauses:
        clauses = ["nothing known to compare"]
    for i in np.flatnonzero(weights > 0):  # parts that would count, had both sides spoken
        missing = _missing_clause(ctx, COMPONENTS[i], m, float(values[i]))
        if missing:
            clauses.append(missing)
    text = "; ".join(clauses)
    if reason_code:
        text = f"not eligible ({reason_text(reason_code)}); " + text
    return text


def pair_sentences(
    ctx: ExplainContext,
    features: ProposalFeatures,
    rows: np.ndarray,
    cols: np.ndarray,
    values: np.ndarray,
    weights: np.ndarray,
    reason_codes: np.ndarray,
) -> list[str]:
    """One-line explanations for many pairs; ``values`` is ``n x C`` (NaN where missing)."""
    return [
        pair_sentence(ctx, features, int(p), int(m), values[i], weights, int(reason_codes[i]))
        for i, (p, m) in enumerate(zip(rows, cols, strict=True))
    ]


def explain_pair(
    ctx: ExplainContext,
    features: ProposalFeatures,
    p: int,
    m: int,
    values: np.ndarray,
    weights: np.ndarray,
    reason_code: int,
    candidates: np.ndarray | None = None,
) -> PairExplanation:
    """The full breakdown of one pair (positions ``p`` in ``features``, ``m`` among donors).

    ``candidates``: the donor's scores for every proposal scored with this one, for the label.
    """
    available = np.isfinite(values)
    denominator = float(np.sum(weights[available]))
    contributions = np.where(available, np.nan_to_num(values) * weights, np.nan)
    if denominator > 0:
        contributions = contributions / denominator
        score = float(np.nansum(contributions))
    else:
        score = float("nan")
    sentences = component_sentences(ctx, features, p, m, values)
    missing = {
        name: missing_part(ctx, name, m, float(v))
        for name, v in zip(COMPONENTS, values, strict=True)
    }
    for name, words in missing.items():
        if words and not sentences[name]:
            sentences[name] = words
    table = pd.DataFrame(
        {
            "component": list(COMPONENTS),
            "value": values.astype(float),
            "weight": weights.astype(float),
            "contribution": contributions.astype(float),
            "sentence": [sentences[c] for c in COMPONENTS],
        }
    )
    shared = _shared_targets(ctx, features, p, m)
    label, position, n = fit_standing(score, candidates)
    return PairExplanation(
        proposal_id=str(features.proposal_ids[p]),
        donor_id=str(ctx.profiles.donor_ids[m]),
        donor_name=str(ctx.profiles.names[m]),
        score=score,
        eligible=reason_code == 0,
        reasons=reason_text(reason_code),
        sentence=pair_sentence(ctx, features, p, m, values, weights, reason_code),
        components=table,
        shared_targets=shared,
        shared_gbf_targets=_gbf_for(shared),
        shared_ecosystems=_ecosystems_shared(ctx, features, p, m),
        shared_terms=_shared_terms(ctx, features, p, m, n=8),
        closest_funded=_similar_funded(ctx, features, p, m).head(5).reset_index(drop=True),
        n_funded=ctx.facts(features, p, m).n_funded,
        label=label,
        standing=standing_words(label, position, n, str(ctx.profiles.names[m])),
        missing=[words for words in missing.values() if words],
    )
