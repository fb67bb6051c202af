"""Portfolio figures behind the Overview page (``ui.overview``) and the charts drawn from them."""

from __future__ import annotations

import json
import math

import pandas as pd
import pytest

from matcher.currency import load_rate_table
from ui import charts, overview


@pytest.fixture
def proposals() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "proposal_id": ["P1", "P2", "P3"],
            "title": ["Mangroves", "Andes parks", "Sahel drylands"],
            "countries": [("KEN", "UGA"), ("PER",), ("NER",)],
            "aichi_targets": [(11, 14), (11,), ()],
            "gbf_targets": [(), (), (2,)],
            "requested_amount": [1_000_000.0, 2_000_000.0, math.nan],
            "currency": ["USD", "EUR", "USD"],
        }
    )


@pytest.fixture
def history() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "proposal_id": ["P1", "P1", "P9"],
            "donor": ["Germany", "GEF", "Spain"],
            "amount": [400_000.0, 100_000.0, 50_000.0],
            "currency": ["USD", "USD", "USD"],
            "year": [2010, 2011, 2012],
        }
    )


def amount(totals: pd.DataFrame, category: str, name: str, measure: str) -> float:
    row = totals[(totals[category] == name) & (totals["measure"] == measure)]
    return float(row["amount"].iloc[0])


def test_funding_by_aichi_target_counts_each_target_of_a_proposal(proposals, history):
    totals = overview.funding_by_target(proposals, history, framework="aichi").table
    eur_in_usd = load_rate_table().convert(2_000_000.0, "EUR", "USD")[0]
    assert amount(totals, "target", "Aichi 11", "requested") == pytest.approx(
        1_000_000.0 + eur_in_usd
    )
    assert amount(totals, "target", "Aichi 11", "matched") == 500_000.0
    assert amount(totals, "target", "Aichi 14", "requested") == 1_000_000.0
    assert amount(totals, "target", "none", "requested") == 0.0
    assert list(dict.fromkeys(totals["target"])) == ["Aichi 11", "Aichi 14", "none"]


def test_funding_by_gbf_target_uses_the_crosswalk(proposals, history):
    totals = overview.funding_by_target(proposals, history, framework="gbf").table
    assert "GBF 3" in set(totals["target"])  # Aichi 11 -> GBF 3
    assert "GBF 2" in set(totals["target"])  # declared on P3


def test_funding_by_region_counts_a_proposal_once_per_region(proposals, history):
    totals = overview.funding_by_region(proposals, history).table
    assert amount(totals, "region", "Africa", "requested") == 1_000_000.0
    assert amount(totals, "region", "Africa", "matched") == 500_000.0
    assert set(totals["region"]) == {"Africa", "Americas"}


def test_unknown_currency_is_left_out_and_counted(proposals, history):
    odd = proposals.assign(currency=["USD", "XYZ", "USD"])
    result = overview.funding_by_target(odd, history)
    assert result.unconverted == 1
    assert amount(result.table, "target", "Aichi 11", "requested") == 1_000_000.0


def test_orphans_are_proposals_without_any_eligible_donor(proposals):
    eligible = pd.Series({"P1": 4, "P2": 0})
    lonely = overview.orphans(proposals, eligible)
    assert lonely["proposal_id"].tolist() == ["P2", "P3"]
    assert lonely.loc[0, "countries"] == "Peru"  # the name a person reads, not PER


def test_crowding_ranks_countries_by_how_many_donors_share_them(proposals):
    top_pairs = pd.DataFrame(
        {
            "donor_name": ["Germany", "Germany", "GEF", "Spain"],
            "proposal_id": ["P1", "P2", "P1", "P1"],
        }
    )
    table = overview.crowding(top_pairs, proposals)
    kenya = table[table["country"] == "Kenya"]
    assert set(kenya["donor"]) == {"Germany", "GEF", "Spain"}
    assert kenya["donors_here"].iloc[0] == 3
    assert table.iloc[0]["donors_here"] == 3
    assert table[table["country"] == "Peru"]["donors_here"].iloc[0] == 1


def test_proposals_by_country_keys_rows_by_m49_for_the_map(proposals):
    table = overview.proposals_by_country(proposals)
    kenya = table[table["iso3"] == "KEN"].iloc[0]
    assert kenya["m49"] == "404"
    assert kenya["proposals"] == 1
    assert kenya["requested"] == 1_000_000.0


def test_map_embeds_the_shipped_topology_so_it_needs_no_network(proposals):
    chart = charts.proposal_map(overview.proposals_by_country(proposals))
    spec = chart.to_dict()
    assert spec["data"]["format"] == {"type": "topojson", "feature": "countries"}
    assert spec["datasets"][spec["data"]["name"]]["type"] == "Topology"
    assert '"url"' not in json.dumps(spec)  # nothing is fetched when the chart is drawn
    world_ids = {g.get("id") for g in charts.world_topology()["objects"]["countries"]["geometries"]}
    assert {"404", "604", "562"} <= world_ids  # Kenya, Peru, Niger


def test_funding_chart_renders_to_vega_lite(proposals, history):
    totals = overview.funding_by_target(proposals, history).table
    spec = charts.funding_chart(
        totals, category="target", category_title="Aichi target", currency="USD"
    ).to_dict()
    assert spec["encoding"]["xOffset"]["field"] == "measure"
