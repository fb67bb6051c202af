"""Altair charts for the Overview page.

Functions here take tidy frames and return ``alt.Chart`` objects; shaping the data lives in
``ui.overview`` so it can be tested without drawing anything. The world
map draws from a TopoJSON file shipped in ``data/maps/`` (Natural Earth via world-atlas),
embedded in the chart: no tile server, works offline.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import altair as alt
import pandas as pd

from matcher import reference

__all__ = [
    "MAP_ATTRIBUTION",
    "crowding_chart",
    "funding_chart",
    "proposal_map",
    "world_topology",
]

MAP_ATTRIBUTION = (
    "Country shapes: Natural Earth 1:110m (public domain), TopoJSON by the world-atlas "
    "project (ISC licence). Borders are shown for orientation and imply no position on the "
    "legal status of any territory."
)


def _maps_dir() -> Path:
    return reference.data_dir() / "maps"


@cache
def world_topology() -> dict:
    """The shipped world TopoJSON (countries keyed by ISO 3166 numeric ``id``)."""
    return json.loads((_maps_dir() / "countries-110m.json").read_text(encoding="utf-8"))


def funding_chart(
    totals: pd.DataFrame, *, category: str, category_title: str, currency: str
) -> alt.Chart:
    """Grouped bars of requested vs matched funding per ``category`` value.

    ``totals`` is long: ``category``, ``measure`` (requested / matched), ``amount``,
    ``proposals``; categories are drawn in the order they first appear.
    """
    # Categories in the order the table gives (targets by number, regions by request).
    sort_order = list(dict.fromkeys(totals[category]))
    return (
        alt.Chart(totals)
        .mark_bar()
        .encode(
            x=alt.X(f"{category}:N", sort=sort_order, title=category_title),
            xOffset=alt.XOffset("measure:N", sort=["requested", "matched"]),
            y=alt.Y("amount:Q", title=f"amount ({currency})", axis=alt.Axis(format="~s")),
            color=alt.Color(
                "measure:N",
                sort=["requested", "matched"],
                scale=alt.Scale(range=["#90a4ae", "#2e7d32"]),
                title=None,
            ),
            tooltip=[
                alt.Tooltip(f"{category}:N", title=category_title),
                alt.Tooltip("measure:N"),
                alt.Tooltip("amount:Q", format=",.0f", title=f"amount ({currency})"),
                alt.Tooltip("proposals:Q", title="proposals"),
            ],
        )
        .properties(height=320)
    )


def crowding_chart(crowding: pd.DataFrame) -> alt.Chart:
    """Heat map of donors x countries: how many of a donor's top matches sit in each country.

    ``crowding`` has ``donor``, ``country`` (display name), ``matches`` and ``donors_here``;
    countries are drawn in the order given (most crowded first).
    """
    country_order = list(dict.fromkeys(crowding["country"]))
    return (
        alt.Chart(crowding)
        .mark_rect()
        .encode(
            x=alt.X(
                "country:N",
                title="country",
                sort=country_order,
                axis=alt.Axis(labelAngle=-40, labelLimit=140),
            ),
            y=alt.Y("donor:N", title=None, axis=alt.Axis(labelLimit=260)),
            color=alt.Color("matches:Q", title="top matches", scale=alt.Scale(scheme="greens")),
            tooltip=[
                "donor:N",
                "country:N",
                "matches:Q",
                alt.Tooltip("donors_here:Q", title="donors with top matches here"),
            ],
        )
        .properties(height=alt.Step(22))
    )


def proposal_map(by_country: pd.DataFrame) -> alt.LayerChart:
    """World choropleth of proposals per country, from the shipped TopoJSON.

    ``by_country`` has ``m49`` (three-digit ISO numeric string), ``country``,
    ``proposals`` and ``requested``. Countries without proposals are drawn grey.
    """
    topology = alt.InlineData(
        values=world_topology(), format=alt.DataFormat(type="topojson", feature="countries")
    )
    lookup = by_country[["m49", "country", "proposals", "requested"]].copy()
    background = alt.Chart(topology).mark_geoshape(fill="#eceff1", stroke="white", strokeWidth=0.4)
    filled = (
        alt.Chart(topology)
        .mark_geoshape(stroke="white", strokeWidth=0.4)
        .transform_lookup(
            lookup="id",
            from_=alt.LookupData(lookup, "m49", ["country", "proposals", "requested"]),
        )
        .transform_filter("isValid(datum.proposals)")
        .encode(
            color=alt.Color("proposals:Q", title="proposals", scale=alt.Scale(scheme="greens")),
            tooltip=[
                alt.Tooltip("country:N"),
                alt.Tooltip("proposals:Q"),
                alt.Tooltip("requested:Q", format=",.0f", title="requested"),
            ],
        )
    )
    return alt.layer(background, filled).project(type="equalEarth").properties(height=420)
