"""A proposal's own funding is never evidence for it.

When the proposals being scored include ones already in the funding history (the app scores
the whole portfolio, funded EOIs included), a donor that funded proposal *f* would otherwise
meet *f* again in its own profile: the funded text centroid (similarity 1 with itself), the
summed closeness to funded proposals, the countries it funded in and its typical grant. Those
donors' own past grants then top their lists at 0.94-0.98, and the "closest funded proposal"
is the proposal itself.

This module finds the (proposal, donor) pairs where the donor funded that very proposal and
recomputes, for those pairs only, every component that reads the funding history with that
one record left out; :func:`donor_facts_without` gives explanations the same view. All other
pairs are untouched, so the cost is proportional to the number of such pairs.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import sparse

from matcher.history import amount_closeness, history_value
from matcher.profile import DonorProfiles
from matcher.score import (
    DonorVectors,
    ProposalFeatures,
    ScoringParams,
    _saturate,
    funding_fit_values,
)
from matcher.scoring.sparse_rows import dense_rows, row_dots, take_rows

__all__ = ["OwnFundingPairs", "donor_facts_without", "leave_own_funding_out", "own_funding_pairs"]


@dataclass(frozen=True)
class OwnFundingPairs:
    """Pairs where the donor funded the proposal itself: block row, donor, funded position."""

    rows: np.ndarray
    donors: np.ndarray
    funded: np.ndarray

    def __len__(self) -> int:
        return len(self.rows)


def _funded_index(profiles: DonorProfiles) -> dict[str, int]:
    cache = profiles.__dict__.setdefault("_own_funding_cache", {})
    if "index" not in cache:
        frame = profiles.funded_proposals
        ids = frame["proposal_id"].astype(str) if len(frame) else []
        cache["index"] = {pid: i for i, pid in enumerate(ids)}
        cache["link"] = profiles.funded_link.tocsr()
    return cache["index"]


def own_funding_pairs(proposal_ids: np.ndarray, profiles: DonorProfiles) -> OwnFundingPairs:
    """Every (row, donor) pair of a block whose donor funded that row's proposal."""
    index = _funded_index(profiles)
    link = profiles.__dict__["_own_funding_cache"]["link"]
    rows, donors, funded = [], [], []
    if index:
        for row, pid in enumerate(proposal_ids):
            f = index.get(str(pid))
            if f is None:
                continue
            for m in link.indices[link.indptr[f] : link.indptr[f + 1]]:
                rows.append(row)
                donors.append(int(m))
                funded.append(f)
    as_int = np.asarray
    return OwnFundingPairs(
        as_int(rows, dtype=np.int64), as_int(donors, dtype=np.int64), as_int(funded, dtype=np.int64)
    )


def _other_rows_with_text(
    profiles: DonorProfiles, funded_rows: sparse.csr_matrix, m: np.ndarray, f: np.ndarray
) -> np.ndarray:
    """Whether donor ``m[i]`` funded a proposal with text other than ``f[i]``."""
    has_text = (np.diff(funded_rows.indptr) > 0).astype(np.float64)
    per_donor = profiles.funded_link.T @ has_text
    return (per_donor[m] - has_text[f]) > 0


def _cosine_without(
    x: sparse.csr_matrix,
    stated: sparse.csr_matrix,
    funded_sum: sparse.csr_matrix,
    own: sparse.csr_matrix,
    has_rest: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Cosine of x with normalise(stated + normalise(funded_sum - own)), row by row.

    ``has_rest``: whether the donor funded any other proposal with text (decided by counts,
    not by the norm of a difference that float rounding leaves just above zero). Returns the
    cosine and whether the donor still has any text once ``own`` is out.
    """
    xs, x_sum, x_own = row_dots(x, stated), row_dots(x, funded_sum), row_dots(x, own)
    ss = row_dots(stated, stated)
    s_sum, s_own = row_dots(stated, funded_sum), row_dots(stated, own)
    sum_sum, sum_own, own_own = (
        row_dots(funded_sum, funded_sum),
        row_dots(funded_sum, own),
        row_dots(own, own),
    )
    rest_norm = np.sqrt(np.maximum(sum_sum - 2 * sum_own + own_own, 0.0))
    has_rest = has_rest & (rest_norm > 0)
    safe = np.where(has_rest, rest_norm, 1.0)
    x_centroid = np.where(has_rest, (x_sum - x_own) / safe, 0.0)
    s_centroid = np.where(has_rest, (s_sum - s_own) / safe, 0.0)
    profile_sq = ss + has_rest + 2 * s_centroid
    has_text = profile_sq > 1e-12
    with np.errstate(invalid="ignore", divide="ignore"):
        cosine = np.where(has_text, (xs + x_centroid) / np.sqrt(np.maximum(profile_sq, 1e-12)), 0)
    return cosine, has_text


@dataclass(frozen=True)
class DonorFactsWithout:
    """A donor's revealed facts with one funded proposal taken out (for one or many pairs)."""

    n_funded: np.ndarray
    country_counts: np.ndarray  # pairs x C
    area_counts: np.ndarray  # pairs x A
    region_counts: np.ndarray  # pairs x R
    typical_log_grant: np.ndarray
    log_grant_spread: np.ndarray


_NO_HISTORY = (np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float64))


def _history_by_donor(profiles: DonorProfiles) -> dict[int, tuple[np.ndarray, np.ndarray]] | None:
    """Each donor's funding records (funded position, amount in USD), in history order.

    Built once per profiles (reading frame columns per pair cost more than the rest of a
    pair); the rows keep their order, so medians and spreads come out exactly as from masks.
    """
    history = profiles.funded
    if not len(history) or "funded_pos" not in history:
        return None
    cache = profiles.__dict__.setdefault("_own_funding_cache", {})
    cached = cache.get("history_by_donor")
    if cached is None or cached[0] is not history:
        donor = history["donor_pos"].to_numpy()
        funded = history["funded_pos"].to_numpy()
        amount = history["amount_usd"].to_numpy(np.float64)
        order = np.argsort(donor, kind="stable")
        starts = np.flatnonzero(np.r_[True, donor[order][1:] != donor[order][:-1]])
        groups = np.split(order, starts[1:]) if order.size else []
        by_donor = {int(donor[rows[0]]): (funded[rows], amount[rows]) for rows in groups}
        cached = (history, by_donor)
        cache["history_by_donor"] = cached
    return cached[1]


def median_of(values: np.ndarray) -> float:
    """``np.median`` of a 1-D float array, to the bit: the middle value, or the mean of the
    middle two (their sum halved, as ``np.mean`` of two computes it), without ``np.median``'s
    general machinery (a pair's few grants cost more in it than in sorting them)."""
    if values.ndim != 1 or values.size == 0 or not np.isfinite(values).all():
        return float(np.median(values))
    ordered = np.sort(values)
    half = ordered.size // 2
    if ordered.size % 2:
        return float(ordered[half])
    return float((ordered[half - 1] + ordered[half]) / 2)


def donor_facts_without(
    profiles: DonorProfiles, donors: DonorVectors, donor_pos: np.ndarray, funded: np.ndarray
) -> DonorFactsWithout:
    """Counts by country, area and region, volume and typical grant without ``funded``."""
    from matcher.profile import country_table

    table = country_table()
    own = dense_rows(donors.funded_country_rows, funded) > 0  # pairs x C
    n_areas, n_regions = len(table.area_names), len(table.region_names)
    own_areas = np.zeros((len(funded), n_areas), dtype=np.float32)
    own_regions = np.zeros((len(funded), n_regions), dtype=np.float32)
    pair, country = np.nonzero(own)
    own_areas[pair, table.area_of[country]] = 1.0
    own_regions[pair, table.region_of[country]] = 1.0
    typical = profiles.typical_log_grant[donor_pos].astype(np.float64).copy()
    spread = profiles.log_grant_spread[donor_pos].astype(np.float64).copy()
    by_donor = _history_by_donor(profiles)
    if by_donor is not None:
        for i, (m, f) in enumerate(zip(donor_pos, funded, strict=True)):
            donor_funded, donor_amounts = by_donor.get(int(m), _NO_HISTORY)
            amounts = donor_amounts[donor_funded != f]
            logs = np.log10(amounts[amounts > 0])
            typical[i] = median_of(logs) if logs.size else np.nan
            spread[i] = float(np.std(logs)) if logs.size >= 2 else np.nan
    return DonorFactsWithout(
        n_funded=profiles.n_funded[donor_pos] - 1,
        country_counts=np.maximum(profiles.funded_countries[donor_pos] - own, 0.0),
        area_counts=np.maximum(profiles.funded_areas[donor_pos] - own_areas, 0.0),
        region_counts=np.maximum(profiles.funded_regions[donor_pos] - own_regions, 0.0),
        typical_log_grant=typical,
        log_grant_spread=spread,
    )


def _without_entries(
    matrix: sparse.csr_matrix, rows: np.ndarray, drop: sparse.csr_matrix, drop_rows: np.ndarray
) -> sparse.csr_matrix:
    """``matrix`` with, in each of ``rows``, the columns set in row ``drop_rows[i]`` of
    ``drop`` zeroed and the row L2-normalised again (``drop``'s rows read in place: taking
    them as a matrix of their own cost more than the rest for one proposal)."""
    matrix = matrix.tocsr().copy()
    drop = drop.tocsr()
    for row, mask_row in zip(rows, drop_rows, strict=True):
        start, end = matrix.indptr[row], matrix.indptr[row + 1]
        masked = drop.indices[drop.indptr[mask_row] : drop.indptr[mask_row + 1]]
        if masked.size == 0 or start == end:
            continue
        values = matrix.data[start:end]
        values[_members(matrix.indices[start:end], masked)] = 0.0
        norm = float(np.sqrt(np.dot(values, values)))
        if norm > 0:
            values /= norm
    matrix.eliminate_zeros()
    return matrix


def _members(values: np.ndarray, of: np.ndarray) -> np.ndarray:
    """``np.isin(values, of)`` for integer arrays, by one sort and a binary search (``isin``'s
    general set-up cost more than a funded proposal's few hundred terms)."""
    ordered = np.sort(of)
    at = np.searchsorted(ordered, values)
    found = at < ordered.size
    found[found] = ordered[at[found]] == values[found]
    return found


def remove_own_terms(
    features: ProposalFeatures, profiles: DonorProfiles, donors: DonorVectors
) -> None:
    """Take out of each funded proposal's text vector the terms only its own text brought in.

    The vocabulary is fitted on the donor side, funded proposals included; scored again, a
    funded proposal would keep words no other text has (its place names, its project's name),
    which a new proposal's vector never holds. Removing them scores it as if it were new.
    """
    if features.own_terms_removed:
        return
    features.own_terms_removed = True
    index = _funded_index(profiles)
    if not index or donors.funded_only_words is None:
        return
    found = [(row, index.get(str(pid), -1)) for row, pid in enumerate(features.proposal_ids)]
    found = [(row, f) for row, f in found if f >= 0]
    if not found:
        return
    rows = np.array([row for row, _ in found], dtype=np.int64)
    funded = np.array([f for _, f in found], dtype=np.int64)
    features.words = _without_entries(features.words, rows, donors.funded_only_words, funded)
    if features.chars is not None and donors.funded_only_chars is not None:
        features.chars = _without_entries(features.chars, rows, donors.funded_only_chars, funded)
    features.text_products = None


def leave_own_funding_out(
    components: dict[str, np.ndarray],
    features: ProposalFeatures,
    profiles: DonorProfiles,
    donors: DonorVectors,
    params: ScoringParams,
) -> OwnFundingPairs:
    """Recompute, in place, the pairs where the donor funded the proposal being scored."""
    pairs = own_funding_pairs(features.proposal_ids, profiles)
    if not len(pairs):
        return pairs
    p, m, f = pairs.rows, pairs.donors, pairs.funded
    if "thematic" in components and not params.stated_apart:
        x = take_rows(features.words, p)
        cosine, has_text = _cosine_without(
            x,
            take_rows(donors.stated_words, m),
            take_rows(donors.funded_sum_words, m),
            take_rows(donors.funded_words, f),
            _other_rows_with_text(profiles, donors.funded_words, m, f),
        )
        value = _saturate(cosine, params.thematic_scale).astype(np.float64)
        if features.chars is not None and donors.stated_chars is not None:
            needs = features.needs_char[p]
            if needs.any():
                char_cos, has_chars = _cosine_without(
                    take_rows(features.chars, p),
                    take_rows(donors.stated_chars, m),
                    take_rows(donors.funded_sum_chars, m),
                    take_rows(donors.funded_chars, f),
                    _other_rows_with_text(profiles, donors.funded_chars, m, f),
                )
                char_value = np.where(has_chars, _saturate(char_cos, params.char_scale), 0.0)
                value = np.where(needs, np.maximum(value, char_value), value)
                has_text |= needs & has_chars
        old = components["thematic"][p, m]
        components["thematic"][p, m] = np.where(np.isnan(old) | ~has_text, np.nan, value)
    facts = donor_facts_without(profiles, donors, m, f)
    countries = dense_rows(features.countries, p) > 0  # pairs x C
    n_countries = countries.sum(axis=1).astype(np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        inv = np.where(n_countries > 0, 1.0 / n_countries, np.nan)
    if "geography" in components:
        components["geography"][p, m] = _geography_without(
            countries, inv, profiles, donors, m, facts, params
        )
    if "history" in components:
        # row p[i] of the proposals' words with donor m[i]'s funded sum and funded row f[i]
        text = row_dots(features.words, donors.funded_sum_words, p, m) - row_dots(
            features.words, donors.funded_words, p, f
        )
        if features.embeddings is not None and donors.funded_embeddings is not None:
            from matcher.text.similarity import encoder_history_text, own_history_text

            e = features.embeddings[p]
            block = encoder_history_text(e, donors.funded_embeddings, profiles.funded_link)
            encoded = block[np.arange(len(p)), m] - own_history_text(e, donors.funded_embeddings[f])
            text = (1 - params.encoder_share) * text + params.encoder_share * encoded
        weight = np.nan_to_num(inv)
        same_country = (countries * facts.country_counts).sum(axis=1) * weight
        same_area = (countries * _by_country(facts.area_counts, "area")).sum(axis=1) * weight
        closeness = amount_closeness(
            features.requested_usd[p], facts.typical_log_grant, facts.log_grant_spread, params
        )
        value = history_value(text, same_country, same_area, closeness, params)
        when_none = np.nan if params.history_when_none is None else params.history_when_none
        components["history"][p, m] = np.where(facts.n_funded > 0, value, when_none)
    if "funding_fit" in components:
        request = features.requested_usd[p]
        with np.errstate(invalid="ignore", divide="ignore"):
            log_request = np.log10(np.where(request > 0, request, np.nan))
        components["funding_fit"][p, m] = funding_fit_values(
            log_request,
            profiles.min_grant_usd[m],
            profiles.max_grant_usd[m],
            np.full(len(m), np.nan) if params.stated_apart else facts.typical_log_grant,
            facts.log_grant_spread,
            params,
        )
    return pairs


def _by_country(counts: np.ndarray, level: str) -> np.ndarray:
    """pairs x A (areas) or pairs x R (regions) -> pairs x C: each country's group value."""
    from matcher.profile import country_table

    table = country_table()
    return counts[:, table.area_of if level == "area" else table.region_of]


def _geography_without(
    countries: np.ndarray,
    inv: np.ndarray,
    profiles: DonorProfiles,
    donors: DonorVectors,
    m: np.ndarray,
    facts: DonorFactsWithout,
    params: ScoringParams,
) -> np.ndarray:
    """:func:`matcher.score.geography_scores` for the given pairs, revealed part from ``facts``."""
    has_stated = profiles.has_stated_area[m].astype(np.float64)
    has_focus = profiles.has_text_focus[m].astype(np.float64)
    has_revealed = (facts.country_counts.sum(axis=1) > 0).astype(np.float64)
    if params.stated_apart:
        has_revealed = np.zeros_like(has_revealed)  # funded countries are history's evidence
    count = has_stated + has_focus + has_revealed
    named = donors.named_t[:, m].T  # pairs x C
    has_named = named.sum(axis=1) > 0
    stated_weights = np.where(has_named, 0.8, 1.0) * has_stated
    per_country = (
        donors.stated_area_t[:, m].T * stated_weights[:, None]
        + named * (0.2 * has_named * has_stated)[:, None]
        + donors.text_focus_t[:, m].T * has_focus[:, None]
    )
    total = (countries * per_country).sum(axis=1)
    country_hit = (countries & (facts.country_counts > 0)).sum(axis=1)
    area_hit = (countries & (_by_country(facts.area_counts, "area") > 0)).sum(axis=1)
    region_hit = (countries & (_by_country(facts.region_counts, "region") > 0)).sum(axis=1)
    revealed = np.maximum(
        country_hit,
        np.maximum(
            params.revealed_area_credit * area_hit, params.revealed_region_credit * region_hit
        ),
    )
    total = total + revealed * has_revealed
    with np.errstate(invalid="ignore", divide="ignore"):
        value = total * inv / np.where(count > 0, count, np.nan)
    return np.clip(value, 0.0, 1.0)
