"""A cold-start prior for donors with no LifeWeb history, from the activities they publish in IATI.

A donor new to LifeWeb has funded nothing the history component can compare a proposal
with, so that component is missing for it. Its IATI file still says what it funds: the
share of its activities that are for biodiversity (DAC sector 41030 at activity or
transaction level, or the biodiversity policy marker at significance 1 or 2) and the
countries it works in. The prior turns those two facts into a history score:

    prior = PRIOR_CEILING x biodiversity share x (0.5 + 0.5 x geography)

where geography is the share of the proposal's countries the donor's IATI activities reach
(a country in the same UN area counts :data:`AREA_CREDIT`). It is used only for donors with
no LifeWeb history, and never reaches the weight of real history (:data:`PRIOR_CEILING`).
The constants are set by argument, not fitted on data (no LifeWeb donor has IATI rows to fit
them on), and say so in every explanation.

Which rows are IATI portfolio: history rows read from an IATI file (they carry
``iati_identifier``) whose proposal is not one of LifeWeb's. Rows that name a LifeWeb
proposal (a file LifeWeb Match wrote and read back) are LifeWeb history as any other.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import sparse

__all__ = [
    "AREA_CREDIT",
    "PRIOR_CEILING",
    "ColdStartPrior",
    "cold_start_prior",
    "fill_cold_start",
    "prior_clause",
    "split_iati_portfolio",
]

PRIOR_CEILING = 0.8
"""Highest history score a prior can give: evidence from elsewhere weighs less than LifeWeb's own."""
AREA_CREDIT = 0.6
"""Credit for a proposal country in the same UN area as one the donor's IATI activities reach
(the same value the geography component gives revealed funding in the same area)."""
_MARKED = {"1", "2"}


@dataclass(frozen=True)
class ColdStartPrior:
    """Per donor (aligned with ``DonorProfiles.donor_ids``): what its IATI activities say."""

    n_activities: np.ndarray
    """int M: distinct IATI activities resolved to the donor (0: no prior)."""
    n_biodiversity: np.ndarray
    """int M: of those, in sector 41030 or biodiversity-marked (significance 1 or 2)."""
    countries: np.ndarray
    """float32 M x C: 1 where an activity of the donor names the country."""
    areas: np.ndarray
    """float32 M x A: 1 where an activity names a country of the area."""

    @property
    def has_prior(self) -> np.ndarray:
        return self.n_activities > 0

    @property
    def biodiversity_share(self) -> np.ndarray:
        return (self.n_biodiversity / np.maximum(self.n_activities, 1)).astype(np.float32)


def split_iati_portfolio(
    history: pd.DataFrame, proposals: pd.DataFrame | None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(LifeWeb history, IATI portfolio rows): IATI rows naming no known proposal go to the second."""
    if "iati_identifier" not in history.columns or history.empty:
        return history, history.iloc[0:0]
    from_iati = history["iati_identifier"].fillna("").astype(str).str.strip() != ""
    known = (
        set(proposals["proposal_id"].astype(str))
        if proposals is not None and "proposal_id" in proposals
        else set()
    )
    portfolio = from_iati & ~history["proposal_id"].astype(str).isin(known)
    return history[~portfolio], history[portfolio]


def _split(cell: object) -> list[str]:
    if isinstance(cell, tuple | list):
        return [str(c) for c in cell]
    return [c.strip() for c in str(cell or "").split(";") if c.strip()]


def cold_start_prior(portfolio: pd.DataFrame, profiles, *, name_cutoff: float = 90.0):
    """The prior of every donor in ``profiles`` from IATI portfolio rows (None when there are none).

    ``profiles`` is a :class:`matcher.profile.DonorProfiles`; donors are found by the name
    resolver the history uses, from the transaction's provider (``donor``).
    """
    from matcher.profile import country_table, resolve_donor_names

    if portfolio is None or portfolio.empty or profiles.n_donors == 0:
        return None
    table = country_table()
    resolution = resolve_donor_names(portfolio["donor"], profiles.donors, cutoff=name_cutoff)
    to_id = dict(zip(resolution["name"], resolution["donor_id"], strict=True))
    pos_of = {donor_id: i for i, donor_id in enumerate(profiles.donor_ids)}
    rows = portfolio.assign(donor_pos=portfolio["donor"].astype(str).map(to_id).map(pos_of))
    rows = rows[rows["donor_pos"].notna()]
    n = profiles.n_donors
    n_activities = np.zeros(n, dtype=np.int64)
    n_bio = np.zeros(n, dtype=np.int64)
    countries = np.zeros((n, table.n_countries), dtype=np.float32)
    areas = np.zeros((n, len(table.area_names)), dtype=np.float32)
    has_sector = "iati_sector_41030" in rows.columns
    has_marker = "iati_biodiversity_marker" in rows.columns
    for (pos, _), activity in rows.groupby(
        [rows["donor_pos"].astype(np.int64), rows["iati_identifier"].astype(str)]
    ):
        n_activities[pos] += 1
        in_sector = (
            has_sector and activity["iati_sector_41030"].astype(str).str.strip().ne("").any()
        )
        marked = has_marker and activity["iati_biodiversity_marker"].astype(str).isin(_MARKED).any()
        n_bio[pos] += int(in_sector or marked)
        if "iati_countries" in activity:
            for code in {c for cell in activity["iati_countries"] for c in _split(cell)}:
                index = table.index.get(code)
                if index is not None:
                    countries[pos, index] = 1.0
                    areas[pos, table.area_of[index]] = 1.0
    if not n_activities.any():
        return None
    return ColdStartPrior(n_activities, n_bio, countries, areas)


def fill_cold_start(value: np.ndarray, proposal_countries, profiles) -> np.ndarray:
    """History scores (P x M) with the prior filled in for donors without LifeWeb history.

    ``proposal_countries`` is the P x C country matrix of the proposals; donors that have
    LifeWeb history, or no prior, keep their value (NaN for the latter).
    """
    prior: ColdStartPrior | None = getattr(profiles, "cold_start", None)
    if prior is None:
        return value
    donors = np.flatnonzero(prior.has_prior & (profiles.n_funded == 0))
    if donors.size == 0:
        return value
    value[:, donors] = prior_scores(proposal_countries, prior, donors)
    return value


def prior_scores(proposal_countries, prior: ColdStartPrior, donors: np.ndarray) -> np.ndarray:
    """P x len(donors) prior scores of the given donor positions."""
    from matcher.profile import country_table

    table = country_table()
    matrix = sparse.csr_matrix(proposal_countries, dtype=np.float32)
    n_countries = np.asarray(matrix.sum(axis=1)).ravel()
    area_onehot = sparse.csr_matrix(
        (
            np.ones(table.n_countries, dtype=np.float32),
            (np.arange(table.n_countries), table.area_of),
        ),
        shape=(table.n_countries, len(table.area_names)),
    )
    country_hit = np.asarray(matrix @ prior.countries[donors].T)  # P x D countries reached
    proposal_areas = matrix @ area_onehot  # P x A countries per area
    area_hit = np.asarray(
        proposal_areas @ prior.areas[donors].T
    )  # P x D countries in reached areas
    with np.errstate(invalid="ignore", divide="ignore"):
        inv = np.where(n_countries > 0, 1.0 / n_countries, 0.0)[:, None]
    geography = np.clip((country_hit + AREA_CREDIT * (area_hit - country_hit)) * inv, 0.0, 1.0)
    share = prior.biodiversity_share[donors][None, :]
    return (PRIOR_CEILING * share * (0.5 + 0.5 * geography)).astype(np.float32)


def prior_clause(profiles, m: int, proposal_codes: tuple[str, ...]) -> str:
    """The explanation of donor ``m``'s prior for a proposal in ``proposal_codes`` ("" if none)."""
    prior: ColdStartPrior | None = getattr(profiles, "cold_start", None)
    if prior is None or not prior.has_prior[m] or profiles.n_funded[m] > 0:
        return ""
    from matcher.profile import country_table

    table = country_table()
    reached = [
        table.names[table.index[c]]
        for c in proposal_codes
        if c in table.index and prior.countries[m, table.index[c]] > 0
    ]
    where = (
        f", including in {', '.join(reached)}" if reached else ", none in this proposal's countries"
    )
    total, bio = int(prior.n_activities[m]), int(prior.n_biodiversity[m])
    return (
        f"no LifeWeb history; its IATI activities: {bio} of {total} for biodiversity "
        f"(sector 41030 or the biodiversity marker){where} (a prior, capped at {PRIOR_CEILING:g})"
    )
