"""The Overview page's sections: funding by target and region, orphans, crowding, the map."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from ui import matching
from ui.charts import MAP_ATTRIBUTION, crowding_chart, funding_chart, proposal_map
from ui.matching import Analysis
from ui.overview import (
    crowding,
    funding_by_region,
    funding_by_target,
    orphans,
    proposals_by_country,
)
from ui.pages import linked_tabs
from ui.services import Portfolio
from ui.words import counted, noun

__all__ = [
    "CURRENCIES",
    "render_crowding",
    "render_funding",
    "render_map",
    "render_orphans",
]

CURRENCIES = ("USD", "EUR")
TOP_MATCHES_PER_DONOR = 10


def _unconverted_note(count: int) -> None:
    if count:
        st.caption(
            f"{counted(count, 'request')} in a currency without a shipped exchange rate "
            f"{noun(count, 'is', 'are')} "
            "left out of the sums."
        )


def render_funding(found: Analysis, data: Portfolio, currency: str) -> None:
    """Requested vs matched funding by Aichi target, GBF target and region."""
    st.subheader("Requested and matched funding", anchor=False)
    st.caption(
        f"Amounts in {currency} at the newest shipped ECB reference rate. Matched = "
        "funding recorded in the funding history. Targets are the declared ones, or for "
        "proposals that declare none, those suggested from their text. A proposal counts "
        "under each of its targets and regions, so bars overlap rather than add up."
    )
    aichi_tab, gbf_tab, region_tab = linked_tabs(
        ["By Aichi target", "By GBF target", "By region"], name="funding"
    )
    for tab, framework, title in (
        (aichi_tab, "aichi", "Aichi target"),
        (gbf_tab, "gbf", "GBF target"),
    ):
        with tab:
            totals = funding_by_target(
                found.proposals, data.history, framework=framework, currency=currency
            )
            st.altair_chart(
                funding_chart(
                    totals.table, category="target", category_title=title, currency=currency
                ),
                width="stretch",
            )
            _unconverted_note(totals.unconverted)
    with region_tab:
        totals = funding_by_region(found.proposals, data.history, currency=currency)
        st.altair_chart(
            funding_chart(
                totals.table, category="region", category_title="UN region", currency=currency
            ),
            width="stretch",
        )
        _unconverted_note(totals.unconverted)


def render_orphans(found: Analysis) -> None:
    """Proposals no donor is eligible to fund."""
    scores = found.scores
    eligible_counts = pd.Series(scores.eligible.sum(axis=1), index=scores.proposal_ids.astype(str))
    lonely = orphans(found.proposals, eligible_counts)
    st.subheader("Orphans: proposals with no eligible donor", anchor=False)
    st.metric("Orphan proposals", f"{len(lonely)} of {len(found.proposals)}")
    if lonely.empty:
        st.text("Every proposal has at least one eligible donor.")
    else:
        st.dataframe(
            lonely,
            hide_index=True,
            column_config={
                "requested_amount": st.column_config.NumberColumn("requested", format="%,.0f")
            },
        )


def render_crowding(found: Analysis) -> None:
    """Donors whose best matches fall in the same countries."""
    st.subheader("Donors crowding the same countries", anchor=False)
    st.caption(
        f"Each donor's {TOP_MATCHES_PER_DONOR} best eligible proposals (current "
        "weights), by country: countries where many donors' best matches meet come "
        "first."
    )
    top = found.scores.top_k(
        TOP_MATCHES_PER_DONOR,
        by="donor",
        weights=matching.active_weights(),
        eligible_only=True,
        explain=False,
    )
    table = crowding(top, found.proposals)
    if table.empty:
        st.text("No eligible matches to compare.")
        return
    st.altair_chart(crowding_chart(table), width="stretch")


def render_map(found: Analysis, currency: str) -> None:
    """Proposals per country on an offline world map."""
    st.subheader("Proposals by country", anchor=False)
    by_country = proposals_by_country(found.proposals, currency=currency)
    if by_country.empty:
        st.text("No proposal names a country.")
        return
    st.altair_chart(proposal_map(by_country), width="stretch")
    st.caption(MAP_ATTRIBUTION)
