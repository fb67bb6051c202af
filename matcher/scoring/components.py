"""The six score components, one proposals x donors matrix each, in [0, 1], NaN if missing.

A component is *missing* for a pair when one side says nothing about it (a donor with no
stated targets, a proposal with no requested amount): :mod:`matcher.combine` then leaves its
weight out of that pair's normalisation instead of counting it as zero.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import sparse

from matcher.profile import (
    DonorProfiles,
)
from matcher.scoring.features import DonorVectors, ProposalFeatures
from matcher.scoring.sparse_rows import few_rows_times_dense, few_rows_times_each

COMPONENTS: tuple[str, ...] = (
    "thematic",
    "targets",
    "geography",
    "funding_fit",
    "ecosystems",
    "history",
)
"""Component names, in the order matrices are stacked and columns are written."""


@dataclass(frozen=True)
class ScoringParams:
    """Shape of the curves that turn raw similarities and distances into [0, 1] scores."""

    thematic_scale: float = 0.12  # word cosine at which thematic reaches 1 - 1/e
    char_scale: float = 0.35  # character n-gram cosine, same role
    history_scale: float = 1.0  # summed closeness to funded proposals at 1 - 1/e
    history_geo_weight: float = 0.5  # share of a funded proposal's closeness from geography
    funding_sigma: float = 0.5  # decades outside the grant range at which fit falls to 0.61
    typical_sigma_floor: float = 0.35  # minimum spread (decades) around the typical grant
    revealed_area_credit: float = 0.6  # funded elsewhere in the same area
    revealed_region_credit: float = 0.3  # funded elsewhere in the same region
    budget_factor: float = 2.0  # ineligible when the request exceeds this x annual budget
    # Stated and revealed apart (issue 12): thematic, geography and funding fit read what the
    # donor states; everything its funding record reveals (funded texts, countries, typical
    # grant) is the history component. False: the older mix (stated + funded centroid).
    stated_apart: bool = True
    history_amount_weight: float = 0.25  # share of history from closeness to the typical grant
    # History of a donor with no funding record: 0.0 counts it as "no evidence" with its
    # weight kept, so having a record is no head start; None leaves it out of the score.
    history_when_none: float | None = 0.0
    # A stated part a donor says nothing about (no targets, no grant range): "dropped" leaves
    # it out of the pair's mean; "neutral" counts 0.5, "mean" the mean of the donors that
    # state it, for the same proposal. Chosen by nested cross-validation with the shipped
    # variant (matcher.shipped, README).
    missing_stated: str = "dropped"
    # With sentence embeddings (matcher.text): share of the text similarity they give.
    encoder_share: float = 0.5
    # The scale of thematic and history (matcher.scoring.calibration): "lifeweb" re-expresses
    # them as percentiles among the LifeWeb pairs (the text route's mapping); "none", the
    # shipped default, keeps the raw curves (the percentile scale lost nested, README).
    calibration: str = "none"


def _dense(matrix: sparse.spmatrix | np.ndarray) -> np.ndarray:
    if sparse.issparse(matrix):
        return matrix.toarray()
    return np.asarray(matrix)


def _saturate(raw: np.ndarray, scale: float) -> np.ndarray:
    return (1.0 - np.exp(-np.maximum(raw, 0.0) / scale)).astype(np.float32)


def _text_products(
    features: ProposalFeatures, donors: DonorVectors
) -> tuple[np.ndarray, np.ndarray]:
    """Dot products with donor profiles and funded sums, computed once per block."""
    if features.text_products is None:
        features.text_products = donors.text_scores(features.words)
    return features.text_products


def thematic_scores(
    features: ProposalFeatures, donors: DonorVectors, params: ScoringParams
) -> np.ndarray:
    """Cosine of the proposal text with the donor's priorities and funded proposals."""
    cosine, _ = _text_products(features, donors)
    value = _saturate(cosine, params.thematic_scale)
    if features.chars is not None and features.needs_char.any():
        rows = np.flatnonzero(features.needs_char)
        char_cos = donors.char_cosines(features.chars[rows])
        char_value = _saturate(char_cos, params.char_scale)
        char_value[:, ~donors.has_chars] = 0.0
        value[rows] = np.maximum(value[rows], char_value)
    no_text = np.diff(features.words.indptr) == 0
    if features.chars is not None:
        no_text &= np.diff(features.chars.indptr) == 0
    value[:, ~donors.has_text] = np.nan
    value[no_text, :] = np.nan
    if features.embeddings is not None and donors.stated_embeddings is not None:
        from matcher.text.similarity import encoder_thematic

        has_stated = np.linalg.norm(donors.stated_embeddings, axis=1) > 0
        encoded = encoder_thematic(features.embeddings, donors.stated_embeddings, has_stated)
        a = params.encoder_share
        # Where TF-IDF finds nothing the encoder alone speaks; elsewhere the two are blended.
        blended = np.where(np.isnan(value), encoded, (1 - a) * value + a * encoded)
        # Short or non-Latin text (the character n-gram route): the encoder judges better.
        short = features.needs_char[:, None]
        value = np.where(short, np.fmax(blended, encoded), blended)
        value[:, ~has_stated & ~donors.has_text] = np.nan
    return value.astype(np.float32)


def target_scores(features: ProposalFeatures, profiles: DonorProfiles) -> np.ndarray:
    """Share of the proposal's target weight that the donor states as a priority."""
    return _share_covered(features.targets, profiles.stated_targets, profiles.has_stated_targets)


def ecosystem_scores(features: ProposalFeatures, profiles: DonorProfiles) -> np.ndarray:
    """Share of the proposal's ecosystems that are among the donor's ecosystems."""
    return _share_covered(features.ecosystems, profiles.stated_ecosystems, profiles.has_ecosystems)


def _share_covered(
    proposal_weights: np.ndarray, donor_sets: np.ndarray, donor_states_any: np.ndarray
) -> np.ndarray:
    """P x M share of each proposal's weight that falls in each donor's set.

    Missing (NaN) where the proposal has no weight or the donor states nothing: silence on
    either side is neutral, not a zero.
    """
    total = proposal_weights.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        value = (proposal_weights @ donor_sets.T) / total[:, None]
    value = np.clip(value, 0.0, 1.0).astype(np.float32)
    value[total <= 0, :] = np.nan
    value[:, ~donor_states_any] = np.nan
    return value


def geography_scores(
    features: ProposalFeatures,
    profiles: DonorProfiles,
    donors: DonorVectors,
    params: ScoringParams,
) -> np.ndarray:
    """Mean of the parts the donor has: eligible area (share of the proposal's countries inside
    it), focus named in its priorities (share inside), and revealed geography (funded in the
    same country 1, same area 0.6, same region 0.3)."""
    # Each part is missing for whole donors (those that do not have it), so the mean over
    # available parts is a weighted sum with per-donor weights: no per-pair NaN bookkeeping.
    n_countries = features.n_countries.astype(np.float32)
    with np.errstate(invalid="ignore", divide="ignore"):
        inv = np.where(n_countries > 0, 1.0 / n_countries, np.nan).astype(np.float32)[:, None]
    stated, named, focus, has_revealed, count = _geography_weights(profiles, donors, params)
    cache = donors.__dict__.setdefault("_side_by_side", {})
    total, named_part, focus_part = few_rows_times_each(
        features.countries, (stated, named, focus), cache, "geography"
    )
    total += named_part
    total += focus_part
    if has_revealed.any():
        country_hit = few_rows_times_dense(features.countries, donors.funded_country_any)
        area_hit = few_rows_times_dense(features.countries, donors.funded_area_any)
        region_hit = few_rows_times_dense(features.countries, donors.funded_region_any)
        revealed = np.maximum(
            country_hit,
            np.maximum(
                params.revealed_area_credit * area_hit, params.revealed_region_credit * region_hit
            ),
        )
        total += revealed * has_revealed
    with np.errstate(invalid="ignore", divide="ignore"):
        value = total * inv / np.where(count > 0, count, np.nan)
    return np.clip(value, 0.0, 1.0).astype(np.float32)


def _geography_weights(
    profiles: DonorProfiles, donors: DonorVectors, params: ScoringParams
) -> tuple[np.ndarray, ...]:
    """The country x donor matrices of :func:`geography_scores`, each part weighted by
    whether the donor has it, and the number of parts per donor: the same for every block
    of proposals, so built once per fit (for one new proposal they were most of its time)."""
    cache = donors.__dict__.setdefault("_geography_weights", {})
    key = params.stated_apart
    if key not in cache or cache[key][0] is not profiles:
        has_stated = profiles.has_stated_area.astype(np.float32)
        has_focus = profiles.has_text_focus.astype(np.float32)
        has_revealed = donors.has_funded_geo.astype(np.float32)
        if params.stated_apart:
            has_revealed = np.zeros_like(has_revealed)  # funded countries are history's evidence
        count = has_stated + has_focus + has_revealed
        has_named = donors.named_t.sum(axis=0) > 0
        stated_weights = np.where(has_named, 0.8, 1.0).astype(np.float32) * has_stated
        weighted = (
            donors.stated_area_t * stated_weights,
            donors.named_t * (0.2 * has_named * has_stated),
            donors.text_focus_t * has_focus,
            has_revealed,
            count,
        )
        cache[key] = (profiles, weighted)
    return cache[key][1]


def funding_fit_scores(
    features: ProposalFeatures, profiles: DonorProfiles, params: ScoringParams
) -> np.ndarray:
    """Requested amount against the grant range and the donor's typical grant, in decades."""
    with np.errstate(invalid="ignore", divide="ignore"):
        log_request = np.log10(np.where(features.requested_usd > 0, features.requested_usd, np.nan))
    return _funding_fit(
        log_request[:, None].astype(np.float32), _donor_grant_terms(profiles, params)
    )


def _donor_grant_terms(profiles: DonorProfiles, params: ScoringParams) -> GrantTerms:
    """:func:`grant_terms` of every donor, once per profiles and curve shape: the same for
    every block of proposals (for one new proposal they were most of its funding fit)."""
    cache = profiles.__dict__.setdefault("_grant_terms", {})
    key = (params.stated_apart, params.funding_sigma, params.typical_sigma_floor)
    found = cache.get(key)
    if found is None or found[0] is not profiles.min_grant_usd:
        typical = profiles.typical_log_grant
        if params.stated_apart:
            typical = np.full_like(typical, np.nan)  # the typical grant is history's evidence
        terms = grant_terms(
            profiles.min_grant_usd[None, :],
            profiles.max_grant_usd[None, :],
            typical[None, :],
            profiles.log_grant_spread[None, :],
            params,
        )
        found = (profiles.min_grant_usd, terms)
        cache[key] = found
    return found[1]


@dataclass(frozen=True)
class GrantTerms:
    """The donor side of :func:`funding_fit_values`: everything that does not read a request."""

    low: np.ndarray
    high: np.ndarray
    has_range: np.ndarray
    range_scale: np.float32
    has_typical: np.ndarray
    any_typical: bool
    centre: np.ndarray | None
    typical_scale: np.ndarray | None
    divisor: np.ndarray


def grant_terms(
    min_grant_usd: np.ndarray,
    max_grant_usd: np.ndarray,
    typical_log_grant: np.ndarray,
    log_grant_spread: np.ndarray,
    params: ScoringParams,
) -> GrantTerms:
    """Grant range bounds (log10 USD), typical grant centre and scale, and the divisor."""
    with np.errstate(invalid="ignore", divide="ignore"):
        log_min = np.log10(np.where(min_grant_usd > 0, min_grant_usd, np.nan))
        log_max = np.log10(np.where(max_grant_usd > 0, max_grant_usd, np.nan))
    has_range = ~(np.isnan(log_min) & np.isnan(log_max))
    has_typical = np.isfinite(typical_log_grant)
    any_typical = bool(has_typical.any())
    centre = scale = None
    if any_typical:
        spread = np.fmax(log_grant_spread, params.typical_sigma_floor)
        centre = np.where(has_typical, typical_log_grant, 0.0).astype(np.float32)
        scale = (-1 / (2 * spread**2)).astype(np.float32)
    count = has_range.astype(np.float32) + has_typical
    with np.errstate(invalid="ignore", divide="ignore"):
        divisor = np.where(count > 0, count, np.nan)
    return GrantTerms(
        low=np.where(np.isnan(log_min), -np.inf, log_min).astype(np.float32),
        high=np.where(np.isnan(log_max), np.inf, log_max).astype(np.float32),
        has_range=has_range.astype(np.float32),
        range_scale=np.float32(-1 / (2 * params.funding_sigma**2)),
        has_typical=has_typical,
        any_typical=any_typical,
        centre=centre,
        typical_scale=scale,
        divisor=divisor,
    )


def funding_fit_values(
    log_request: np.ndarray,
    min_grant_usd: np.ndarray,
    max_grant_usd: np.ndarray,
    typical_log_grant: np.ndarray,
    log_grant_spread: np.ndarray,
    params: ScoringParams,
) -> np.ndarray:
    """Funding fit from broadcastable arrays: requests (log10 USD) against donors' grant facts."""
    terms = grant_terms(min_grant_usd, max_grant_usd, typical_log_grant, log_grant_spread, params)
    return _funding_fit(log_request, terms)


def _funding_fit(r: np.ndarray, terms: GrantTerms) -> np.ndarray:
    """The request side of :func:`funding_fit_values` (``r``: log10 requests)."""
    distance = np.maximum(terms.low - r, 0.0) + np.maximum(r - terms.high, 0.0)
    total = np.exp(distance**2 * terms.range_scale)
    total *= terms.has_range
    if terms.any_typical:
        typical = np.exp((r - terms.centre) ** 2 * terms.typical_scale) * terms.has_typical
        total = total + typical
    with np.errstate(invalid="ignore", divide="ignore"):
        value = total / terms.divisor
    value = np.where(np.isnan(r), np.nan, value)
    return value.astype(np.float32)


def component_scores(
    features: ProposalFeatures,
    profiles: DonorProfiles,
    donors: DonorVectors,
    params: ScoringParams,
) -> dict[str, np.ndarray]:
    """All component matrices (P x M float32, NaN where missing) for a block of proposals.

    A proposal's own funding is never evidence for it: where a donor funded the very proposal
    being scored, that funding record is taken out of every part the pair reads
    (:mod:`matcher.own_funding`).
    """
    from matcher.history import history_scores
    from matcher.learn.cases import fill_stated_missing
    from matcher.own_funding import leave_own_funding_out, remove_own_terms

    remove_own_terms(features, profiles, donors)
    components = {
        "thematic": thematic_scores(features, donors, params),
        "targets": target_scores(features, profiles),
        "geography": geography_scores(features, profiles, donors, params),
        "funding_fit": funding_fit_scores(features, profiles, params),
        "ecosystems": ecosystem_scores(features, profiles),
        "history": history_scores(features, profiles, donors, params),
    }
    leave_own_funding_out(components, features, profiles, donors, params)
    calibrate_components(components, features, donors, params)
    fill_stated_missing(components, params.missing_stated)
    return components


def calibrate_components(
    components: dict[str, np.ndarray],
    features: ProposalFeatures,
    donors: DonorVectors,
    params: ScoringParams,
) -> None:
    """Put thematic and history on the percentile scale when ``params.calibration`` asks, in
    place (its own step, after every raw part is final and before a missing stated part is
    filled)."""
    from matcher.scoring.calibration import calibration_for

    with_encoder = features.embeddings is not None and donors.stated_embeddings is not None
    calibration = calibration_for(params.calibration, with_encoder=with_encoder)
    if calibration is not None:
        calibration.apply(components)
