"""The history component: how close a proposal is to what the donor funded.

Everything a donor's funding record reveals is read here and nowhere else (with
``ScoringParams.stated_apart``): the texts of the proposals it funded, the countries and areas
it funded in and its typical grant. The other components read what the donor states. So a donor
with a record gets no head start: on a proposal unlike anything it funded, its history is 0,
the same "no evidence" a donor without any record gets (``history_when_none``).
"""

from __future__ import annotations

import numpy as np

from matcher.interchange.iati_prior import fill_cold_start
from matcher.profile import DonorProfiles
from matcher.score import DonorVectors, ProposalFeatures, ScoringParams, _dense, _saturate
from matcher.scoring.sparse_rows import few_rows_times_each

__all__ = ["amount_closeness", "history_scores"]


def amount_closeness(
    requested_usd: np.ndarray,
    typical_log_grant: np.ndarray,
    log_grant_spread: np.ndarray,
    params: ScoringParams,
) -> np.ndarray:
    """Gaussian closeness (decades) of requests to typical grants, broadcast; NaN if unknown."""
    with np.errstate(invalid="ignore", divide="ignore"):
        log_request = np.log10(np.where(requested_usd > 0, requested_usd, np.nan))
    spread = np.fmax(log_grant_spread, params.typical_sigma_floor)
    return np.exp(-((log_request - typical_log_grant) ** 2) / (2 * spread**2))


def history_value(
    text: np.ndarray,
    same_country: np.ndarray,
    same_area: np.ndarray,
    closeness: np.ndarray,
    params: ScoringParams,
) -> np.ndarray:
    """Summed closeness (text and geography) saturated, scaled by closeness of the amount."""
    geo = 0.5 * same_country + 0.5 * same_area
    # Text cosines between two projects sit around 0.1-0.4; bring them to a 0-1 scale first.
    text_scaled = text / (params.thematic_scale * 3)
    g = params.history_geo_weight
    value = _saturate((1 - g) * text_scaled + g * geo, params.history_scale)
    if params.stated_apart:
        a = params.history_amount_weight
        value = value * np.where(np.isnan(closeness), 1.0, 1 - a + a * closeness)
    return value.astype(np.float32)


def history_scores(
    features: ProposalFeatures,
    profiles: DonorProfiles,
    donors: DonorVectors,
    params: ScoringParams,
) -> np.ndarray:
    """Summed closeness to every proposal the donor funded: text, geography and amount.

    A sum, not a mean: a donor that funded many projects like this one is a likelier funder
    than one that funded a single such project. Saturates towards 1.
    """
    if features.text_products is None:
        features.text_products = donors.text_scores(features.words)
    _, text = features.text_products
    if features.embeddings is not None and donors.funded_embeddings is not None:
        from matcher.text.similarity import encoder_history_text

        encoded = encoder_history_text(
            features.embeddings, donors.funded_embeddings, profiles.funded_link
        )
        text = (1 - params.encoder_share) * text + params.encoder_share * encoded
    with np.errstate(invalid="ignore", divide="ignore"):
        inv = np.where(features.n_countries > 0, 1.0 / features.n_countries, 0.0)[:, None]
    country_part, area_part = few_rows_times_each(
        features.countries,
        (donors.funded_country_counts, donors.funded_area_counts),
        donors.__dict__.setdefault("_side_by_side", {}),
        "history",
    )
    same_country = _dense(country_part) * inv
    same_area = _dense(area_part) * inv
    closeness = amount_closeness(
        features.requested_usd[:, None],
        profiles.typical_log_grant[None, :],
        profiles.log_grant_spread[None, :],
        params,
    )
    value = history_value(text, same_country, same_area, closeness, params)
    value[:, profiles.n_funded == 0] = np.nan
    # Donors new to LifeWeb: a prior from their IATI activities, where they published any.
    value = fill_cold_start(value, features.countries, profiles)
    if params.history_when_none is not None:
        value[np.isnan(value)] = params.history_when_none
    return value
