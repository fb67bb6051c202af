"""Match filters and the URL round trip (``ui.filters``), on small literal portfolios."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from ui.filters import (
    MatchView,
    effective_gbf_targets,
    pair_mask,
    proposal_mask,
    region_options,
    sort_pairs,
)


@pytest.fixture
def portfolio() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "proposal_id": ["P1", "P2", "P3", "P4"],
            "title": ["Mangroves", "Andes parks", "Sahel drylands", "Pacific reefs"],
            "countries": [("KEN", "UGA"), ("PER",), ("NER", "MLI"), ("FJI",)],
            "aichi_targets": [(11, 14), (11,), (), (6, 11)],
            "gbf_targets": [(), (), (2,), ()],
            "ecosystems": [("marine_coastal",), ("mountains", "forests"), ("drylands",), ()],
            "requested_amount": [850_000.0, 2_500_000.0, math.nan, 300_000.0],
            "status": ["submitted", "not yet funded", "submitted", "partly funded"],
        }
    )


def ids(frame: pd.DataFrame, mask: pd.Series) -> list[str]:
    return frame.loc[mask, "proposal_id"].tolist()


def test_view_survives_the_url_round_trip():
    view = MatchView(
        view="proposal",
        proposal_id="P 7",
        regions=("Eastern Africa", "South America"),
        countries=("KEN",),
        groups=("LDC", "SIDS"),
        aichi_targets=(11, 15),
        gbf_targets=(3,),
        ecosystems=("forests",),
        amount_min=100_000.0,
        amount_max=2_000_000.5,
        statuses=("submitted",),
        min_score=0.35,
        eligible_only=True,
        sort="request",
        order="asc",
        preset="geography_first",
        weights={"thematic": 0.5, "targets": 0.2},  # within the sliders' 0-1 range
    )
    params = view.to_query_params()
    assert params["countries"] == "KEN"
    assert params["w_targets"] == "0.2"
    assert MatchView.from_query_params(params) == view


def test_default_view_writes_no_parameters():
    assert MatchView().to_query_params() == {}


def test_malformed_link_falls_back_to_defaults_without_raising():
    view = MatchView.from_query_params(
        {
            "view": "nonsense",
            "aichi_targets": "11,99,abc,11",
            "min_score": "2.5",
            "amount_min": "-5",
            "amount_max": "lots",
            "groups": "ldc,EU",
            "w_thematic": "-1",
            "w_targets": "nan",
        }
    )
    assert view.view == "donor"
    assert view.aichi_targets == (11,)
    assert view.min_score == 1.0
    assert view.amount_min is None and view.amount_max is None
    assert view.groups == ("LDC",)
    assert view.weights == {}


def test_repeated_url_keys_use_the_last_value():
    assert MatchView.from_query_params({"countries": ["PER", "ken,uga"]}).countries == (
        "KEN",
        "UGA",
    )


def test_region_filter_matches_any_country_of_a_multi_country_proposal(portfolio):
    view = MatchView(regions=("Eastern Africa",))
    assert ids(portfolio, proposal_mask(portfolio, view)) == ["P1"]
    assert ids(portfolio, proposal_mask(portfolio, MatchView(regions=("Americas",)))) == ["P2"]


def test_country_and_group_filters(portfolio):
    assert ids(portfolio, proposal_mask(portfolio, MatchView(countries=("UGA", "FJI")))) == [
        "P1",
        "P4",
    ]
    # Uganda, Niger and Mali are LDCs; Fiji is a SIDS; Peru is neither.
    assert ids(portfolio, proposal_mask(portfolio, MatchView(groups=("LDC",)))) == ["P1", "P3"]
    assert ids(portfolio, proposal_mask(portfolio, MatchView(groups=("SIDS",)))) == ["P4"]


def test_gbf_filter_reaches_aichi_tagged_proposals_through_the_crosswalk(portfolio):
    assert 3 in effective_gbf_targets((11,), ())
    view = MatchView(gbf_targets=(3,))
    assert ids(portfolio, proposal_mask(portfolio, view)) == ["P1", "P2", "P4"]
    assert ids(portfolio, proposal_mask(portfolio, MatchView(gbf_targets=(2,)))) == ["P3"]


def test_target_ecosystem_status_and_amount_filters(portfolio):
    assert ids(portfolio, proposal_mask(portfolio, MatchView(aichi_targets=(14, 6)))) == [
        "P1",
        "P4",
    ]
    everything = MatchView(include_funded=True, ecosystems=("forests",))
    assert ids(portfolio, proposal_mask(portfolio, everything)) == ["P2"]
    assert ids(portfolio, proposal_mask(portfolio, MatchView(statuses=("submitted",)))) == [
        "P1",
        "P3",
    ]
    # A proposal without an amount drops out once a bound is set.
    view = MatchView(amount_min=300_000.0, amount_max=1_000_000.0)
    assert ids(portfolio, proposal_mask(portfolio, view)) == ["P1", "P4"]


def test_funded_and_closed_proposals_are_hidden_unless_included(portfolio):
    closed = portfolio.assign(status=["submitted", "funded", "Closed", "some secured funding"])
    assert ids(closed, proposal_mask(closed, MatchView())) == ["P1", "P4"]
    assert ids(closed, proposal_mask(closed, MatchView(include_funded=True))) == [
        "P1",
        "P2",
        "P3",
        "P4",
    ]
    assert "funded and closed proposals hidden" in MatchView().describe()


def test_ecosystem_filter_uses_the_ecosystems_the_score_uses(portfolio):
    scored = portfolio.assign(
        ecosystems_used=[("marine_coastal",), ("mountains",), ("drylands",), ("marine_coastal",)]
    )
    view = MatchView(ecosystems=("marine_coastal",), include_funded=True)
    assert ids(portfolio, proposal_mask(portfolio, view)) == ["P1"]
    assert ids(scored, proposal_mask(scored, view)) == ["P1", "P4"]


def test_amount_filter_compares_the_request_in_the_display_currency(portfolio):
    shown = portfolio.assign(requested_display=[700_000.0, 2_000_000.0, math.nan, 250_000.0])
    view = MatchView(amount_min=500_000.0, currency="EUR", include_funded=True)
    assert ids(shown, proposal_mask(shown, view)) == ["P1", "P2"]
    assert "request EUR 500,000 to any" in view.describe()


def test_a_link_carries_only_the_picked_side_and_the_explained_pair():
    donor_side = MatchView(donor_id="JBF", proposal_id="23210", explain="23276")
    params = donor_side.to_query_params()
    assert params == {"donor_id": "JBF", "explain": "23276"}
    assert MatchView.from_query_params(params).explain == "23276"
    proposal_side = MatchView(view="proposal", donor_id="ES", proposal_id="23276", explain="JBF")
    assert proposal_side.to_query_params() == {
        "view": "proposal",
        "proposal_id": "23276",
        "explain": "JBF",
    }


def test_suggested_targets_stand_in_only_where_none_are_declared(portfolio):
    tagged = portfolio.assign(suggested_aichi_targets=[(5,), (5,), (5,), ()])
    assert ids(tagged, proposal_mask(tagged, MatchView(aichi_targets=(5,)))) == ["P3"]


def test_pair_mask_applies_minimum_score_and_eligibility():
    pairs = pd.DataFrame(
        {"score": [0.9, 0.5, 0.2, math.nan], "eligible": [True, False, True, True]}
    )
    assert pair_mask(pairs, MatchView(min_score=0.4)).tolist() == [True, True, False, False]
    assert pair_mask(pairs, MatchView(eligible_only=True)).tolist() == [True, False, True, True]


def test_region_options_list_regions_before_sub_regions():
    options = region_options()
    assert options.index("Africa") < options.index("Eastern Africa")
    assert "Latin America and the Caribbean" in options
    assert "" not in options


def test_describe_names_every_active_filter():
    text = MatchView(
        countries=("PER",), aichi_targets=(11,), min_score=0.5, include_funded=True
    ).describe()
    assert text == "country Peru (PER); Aichi 11; score at least 0.50"
    assert MatchView(include_funded=True).describe() == "no filters"


def ranked_pairs() -> pd.DataFrame:
    """Three pairs in the engine's order (eligible first, then score)."""
    return pd.DataFrame(
        {
            "proposal_id": ["P2", "P1", "P3"],
            "proposal_title": ["andes parks", "Mangroves", "Sahel drylands"],
            "donor_name": ["Spain", "Spain", "Spain"],
            "score": [0.7, 0.9, 0.4],
            "eligible": [True, False, True],
        }
    )


@pytest.mark.parametrize(
    ("sort", "order", "expected"),
    [
        ("match", "desc", ["P2", "P1", "P3"]),
        ("match", "asc", ["P3", "P1", "P2"]),
        ("score", "desc", ["P1", "P2", "P3"]),
        ("score", "asc", ["P3", "P2", "P1"]),
        ("request", "asc", ["P1", "P2", "P3"]),  # P3 asks for nothing: last either way
        ("request", "desc", ["P2", "P1", "P3"]),
        ("name", "asc", ["P2", "P1", "P3"]),  # case does not count: andes, Mangroves, Sahel
    ],
)
def test_rows_come_in_the_order_the_link_asks_for(sort, order, expected):
    requested = {"P1": 850_000.0, "P2": 2_500_000.0, "P3": math.nan}
    view = MatchView(sort=sort, order=order)
    assert sort_pairs(ranked_pairs(), view, requested)["proposal_id"].tolist() == expected


def test_a_hand_edited_sort_falls_back_to_the_ranking():
    view = MatchView.from_query_params({"sort": "sideways", "order": "up"})
    assert (view.sort, view.order) == ("match", "desc")
    assert view.is_ranked
    assert MatchView(sort="score", order="asc").describe_sort() == "sorted by score, ascending"
