"""Portfolio figures behind the Overview page: funding by target and region, orphans,
crowding, and proposals per country for the map. Pure pandas, no Streamlit.

Amounts are brought to one currency with the shipped dated rate table
(:mod:`matcher.currency`); an amount in a currency the table lacks is left out of the sums
and counted, so the page can say so instead of adding euros to dollars.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from matcher import reference, words
from matcher.currency import UnknownCurrencyError, load_rate_table
from ui.filters import effective_gbf_targets

__all__ = [
    "FundingTotals",
    "country_names",
    "crowding",
    "funding_by_region",
    "funding_by_target",
    "matched_by_proposal",
    "orphans",
    "proposals_by_country",
    "to_currency",
]


@dataclass(frozen=True)
class FundingTotals:
    """Long table (``category``, ``measure``, ``amount``, ``proposals``) and what was left out."""

    table: pd.DataFrame
    unconverted: int


def _as_tuple(value: object) -> tuple:
    if isinstance(value, tuple | list | np.ndarray):
        return tuple(value)
    return ()


def to_currency(amounts: pd.Series, currencies: pd.Series, target: str) -> pd.Series:
    """``amounts`` in ``target`` currency at the newest shipped rate; NaN where unknown.

    A blank currency is taken to be the target (the sample data states one everywhere).
    """
    rates = load_rate_table()
    values = pd.to_numeric(amounts, errors="coerce").astype(float)
    codes = currencies.fillna("").astype(str).str.strip().str.upper().replace("", target)
    converted = pd.Series(np.nan, index=values.index, dtype=float)
    for code in codes.unique():
        rows = codes == code
        try:
            converted[rows] = rates.convert(values[rows].to_numpy(), code, target)
        except UnknownCurrencyError:
            continue
    return converted


def matched_by_proposal(history: pd.DataFrame, target: str) -> pd.Series:
    """Funding recorded in the history per ``proposal_id``, in ``target`` currency."""
    if history.empty:
        return pd.Series(dtype=float)
    converted = to_currency(history["amount"], history["currency"], target)
    return converted.groupby(history["proposal_id"].astype(str)).sum(min_count=1)


def _requested_and_matched(
    proposals: pd.DataFrame, history: pd.DataFrame, target: str
) -> tuple[pd.DataFrame, int]:
    frame = pd.DataFrame(
        {
            "proposal_id": proposals["proposal_id"].astype(str),
            "requested": to_currency(
                proposals["requested_amount"], proposals["currency"], target
            ).to_numpy(),
        },
        index=proposals.index,
    )
    matched = matched_by_proposal(history, target)
    frame["matched"] = frame["proposal_id"].map(matched).fillna(0.0)
    has_amount = pd.to_numeric(proposals["requested_amount"], errors="coerce").notna()
    unconverted = int((has_amount & frame["requested"].isna()).sum())
    return frame, unconverted


def _long_totals(frame: pd.DataFrame, category: str) -> pd.DataFrame:
    grouped = frame.groupby(category, sort=True).agg(
        requested=("requested", "sum"),
        matched=("matched", "sum"),
        proposals=("proposal_id", "nunique"),
    )
    grouped = grouped.reset_index()
    return grouped.melt(
        id_vars=[category, "proposals"],
        value_vars=["requested", "matched"],
        var_name="measure",
        value_name="amount",
    )


def funding_by_target(
    proposals: pd.DataFrame,
    history: pd.DataFrame,
    *,
    framework: str = "aichi",
    currency: str = "USD",
) -> FundingTotals:
    """Requested vs matched funding per Aichi (or GBF) target.

    Returns a :class:`FundingTotals` whose table has ``target`` ("Aichi 11", "GBF 3",
    "none"), ``proposals``, ``measure`` (requested / matched) and ``amount`` in
    ``currency``, targets in numeric order.

    A proposal serving several targets counts in full under each, so the bars show where
    money is asked for, not a partition of it. GBF targets include the primary successors
    of a proposal's Aichi targets. Where a proposal declares no target and the frame has a
    ``suggested_aichi_targets`` column (the tagger's), the suggestions are used instead.
    Proposals with neither are grouped as "none".
    """
    frame, unconverted = _requested_and_matched(proposals, history, currency)
    aichi = [tuple(_as_tuple(a)) for a in proposals["aichi_targets"]]
    if "suggested_aichi_targets" in proposals.columns:
        # Most real EOIs declare no target: the tagger's suggestions stand in for them.
        aichi = [
            declared or tuple(_as_tuple(suggested))
            for declared, suggested in zip(aichi, proposals["suggested_aichi_targets"], strict=True)
        ]
    if framework == "gbf":
        targets = [
            sorted(effective_gbf_targets(a, _as_tuple(g)))
            for a, g in zip(aichi, proposals["gbf_targets"], strict=True)
        ]
        prefix = "GBF "
    else:
        targets = [sorted(int(t) for t in a) for a in aichi]
        prefix = "Aichi "
    frame["target"] = [[f"{prefix}{t}" for t in ts] or ["none"] for ts in targets]
    exploded = frame.explode("target")
    table = _long_totals(exploded, "target")
    table["order"] = table["target"].map(_target_sort_key)
    table = table.sort_values(["order", "measure"], ascending=[True, False], kind="stable")
    return FundingTotals(table.drop(columns="order").reset_index(drop=True), unconverted)


def _target_sort_key(name: str) -> int:
    digits = "".join(ch for ch in name if ch.isdigit())
    return int(digits) if digits else 999


def funding_by_region(
    proposals: pd.DataFrame, history: pd.DataFrame, *, currency: str = "USD"
) -> FundingTotals:
    """Requested vs matched funding per UN M49 region of the proposal's countries.

    A multi-country proposal counts once in each distinct region it touches.
    """
    frame, unconverted = _requested_and_matched(proposals, history, currency)
    table = reference.countries().set_index("iso3")
    frame["region"] = [
        sorted({table.at[c, "region"] for c in _as_tuple(cs) if c in table.index} - {""})
        or ["unknown"]
        for cs in proposals["countries"]
    ]
    totals = _long_totals(frame.explode("region"), "region")
    requested = totals[totals["measure"] == "requested"].set_index("region")["amount"]
    totals["order"] = -totals["region"].map(requested)
    totals = totals.sort_values(["order", "measure"], ascending=[True, False], kind="stable")
    return FundingTotals(totals.drop(columns="order").reset_index(drop=True), unconverted)


def orphans(proposals: pd.DataFrame, eligible_donors: pd.Series) -> pd.DataFrame:
    """Proposals no donor is eligible for, with their countries and request.

    ``eligible_donors`` counts eligible donors per ``proposal_id``.
    """
    counts = proposals["proposal_id"].astype(str).map(eligible_donors).fillna(0).astype(int)
    lonely = proposals[counts == 0]
    return pd.DataFrame(
        {
            "proposal_id": lonely["proposal_id"].astype(str),
            "title": lonely["title"].astype(str),
            "countries": lonely["countries"].map(words.country_list),
            "requested_amount": pd.to_numeric(lonely["requested_amount"], errors="coerce"),
            "currency": lonely["currency"].astype(str),
        }
    ).reset_index(drop=True)


def country_names() -> dict[str, str]:
    """ISO alpha-3 to the short English display name (a copy the caller may change)."""
    return dict(words.country_names())


def crowding(
    top_pairs: pd.DataFrame, proposals: pd.DataFrame, *, top_countries: int = 15
) -> pd.DataFrame:
    """How many of each donor's top matches fall in each country (countries most shared first).

    ``top_pairs`` has ``donor_name`` and ``proposal_id`` for each donor's top-ranked
    proposals. Returns ``donor``, ``country``, ``matches`` and ``donors_here`` (how many
    donors have top matches in that country), restricted to the ``top_countries`` countries
    the most donors crowd into.
    """
    countries = proposals.set_index(proposals["proposal_id"].astype(str))["countries"]
    rows = [
        (donor, country)
        for donor, proposal_id in zip(
            top_pairs["donor_name"], top_pairs["proposal_id"].astype(str), strict=True
        )
        for country in _as_tuple(countries.get(proposal_id, ()))
    ]
    if not rows:
        return pd.DataFrame(columns=["donor", "country", "matches", "donors_here"])
    pairs = pd.DataFrame(rows, columns=["donor", "iso3"])
    counts = pairs.groupby(["donor", "iso3"]).size().rename("matches").reset_index()
    donors_here = counts.groupby("iso3")["donor"].nunique().rename("donors_here")
    keep = donors_here.sort_values(ascending=False, kind="stable").head(top_countries).index
    counts = counts[counts["iso3"].isin(keep)].merge(donors_here, on="iso3")
    names = country_names()
    counts["country"] = counts["iso3"].map(lambda c: names.get(c, c))
    return (
        counts[["donor", "country", "matches", "donors_here"]]
        .sort_values(["donors_here", "country", "donor"], ascending=[False, True, True])
        .reset_index(drop=True)
    )


def proposals_by_country(proposals: pd.DataFrame, *, currency: str = "USD") -> pd.DataFrame:
    """Proposals and requested funding per country, keyed by M49 code for the map.

    A multi-country proposal counts once for each of its countries, with its full request.
    """
    requested = to_currency(proposals["requested_amount"], proposals["currency"], currency)
    rows = [
        (country, amount)
        for countries, amount in zip(proposals["countries"], requested, strict=True)
        for country in _as_tuple(countries)
    ]
    columns = ["iso3", "m49", "country", "proposals", "requested"]
    if not rows:
        return pd.DataFrame(columns=columns)
    frame = pd.DataFrame(rows, columns=["iso3", "requested"])
    totals = (
        frame.groupby("iso3")
        .agg(proposals=("requested", "size"), requested=("requested", "sum"))
        .reset_index()
    )
    table = reference.countries().set_index("iso3")
    totals["m49"] = totals["iso3"].map(table["m49"])
    names = country_names()
    totals["country"] = totals["iso3"].map(lambda c: names.get(c, c))
    return totals[columns].sort_values("proposals", ascending=False).reset_index(drop=True)
