"""Donor profiles: name resolution, revealed funding history, places named in priorities."""

from __future__ import annotations

import numpy as np
import pandas as pd

from matcher.profile import build_donor_profiles, places_named, resolve_donor_names


def test_history_names_resolve_by_case_alias_then_fuzzy(portfolio) -> None:
    _, donors, history = portfolio
    resolved = resolve_donor_names([*history["donor"], "Someone Else Entirely"], donors).set_index(
        "name"
    )
    assert resolved.loc["ocean fund", "donor_id"] == "OCEAN"
    assert resolved.loc["ocean fund", "method"] == "exact"
    assert resolved.loc["Forest Foundation", "donor_id"] == "FOREST"
    assert resolved.loc["Forest Foundation", "method"] == "exact"
    assert resolved.loc["Forrest Trust", "donor_id"] == "FOREST"
    assert resolved.loc["Forrest Trust", "method"] == "fuzzy"
    assert resolved.loc["Someone Else Entirely", "method"] == "unresolved"
    assert pd.isna(resolved.loc["Someone Else Entirely", "donor_id"])


def test_lifeweb_spellings_resolve_to_the_shipped_donor_profiles(data_dir) -> None:
    from matcher.load import load_donors

    donors = load_donors(data_dir / "donors.csv").frame
    resolved = resolve_donor_names(
        ["Global Environmental Facility", "The Netherlands", "GIZ", "germany"], donors
    ).set_index("name")["donor_id"]
    assert resolved.to_dict() == {
        "Global Environmental Facility": "GEF",
        "The Netherlands": "NL",
        "GIZ": "DE-GIZ",
        "germany": "DE-IKI",
    }


def test_profile_counts_funded_proposals_countries_and_typical_grant(portfolio) -> None:
    proposals, donors, history = portfolio
    profiles = build_donor_profiles(donors, history, proposals)
    assert list(profiles.donor_ids) == ["FOREST", "OCEAN", "QUIET"]  # sorted by id
    assert profiles.n_funded.tolist() == [2, 1, 0]
    # FOREST funded P2 (Peru) and OLD (not among the proposals: amount only).
    peru = profiles.funded_countries[0].nonzero()[0]
    assert peru.size == 1
    # Median of log10(800,000) and log10(1,000,000).
    assert np.isclose(profiles.typical_log_grant[0], (np.log10(8e5) + 6.0) / 2)
    assert np.isnan(profiles.typical_log_grant[2])
    assert list(profiles.funded_proposals["proposal_id"]) == ["P1", "P2"]


def test_donor_without_history_has_empty_revealed_profile(portfolio) -> None:
    proposals, donors, _ = portfolio
    profiles = build_donor_profiles(donors, None, proposals)
    assert profiles.n_funded.tolist() == [0, 0, 0]
    assert profiles.funded_countries.sum() == 0
    assert profiles.active.tolist() == [True, True, False]


def test_places_named_expand_regions_groups_and_coordinated_directions() -> None:
    text = "Priority countries in East and West Africa, the Andes and Viet Nam."
    codes = places_named(text)
    assert {"ETH", "KEN", "SEN", "GHA", "PER", "BOL", "VNM"} <= codes
    assert "FRA" not in codes and "BRA" not in codes
    assert places_named("small island developing states") >= {"FJI", "WSM", "JAM"}
    assert places_named("nothing about places") == set()


def test_bilateral_donor_is_not_focused_on_its_own_country() -> None:
    donors = pd.DataFrame(
        {
            "donor_id": ["AT"],
            "name": ["Austria"],
            "aliases": [()],
            "donor_type": ["bilateral_government"],
            "priorities": ["Austria funds water projects in the Western Balkans."],
        }
    )
    profiles = build_donor_profiles(donors)
    from matcher.profile import country_table

    table = country_table()
    focus = {table.iso3[i] for i in profiles.text_focus[0].nonzero()[1]}
    assert "AUT" not in focus
    assert {"ALB", "SRB", "MNE"} <= focus
