"""History donor names: placeholders never resolve, real spellings and typos do."""

from __future__ import annotations

import pandas as pd
import pytest

from matcher.load import load_donors
from matcher.profile import is_placeholder_name, resolve_donor_names


@pytest.fixture(scope="module")
def shipped_donors(data_dir) -> pd.DataFrame:
    return load_donors(data_dir / "donors.csv").frame


def _resolved(names: list[str], donors: pd.DataFrame) -> pd.DataFrame:
    return resolve_donor_names(names, donors).set_index("name")


@pytest.mark.parametrize(
    "name",
    [
        "Domestic sources",
        "Multiple Donors",
        "International sources",
        "private donors",
        "Other",
        "Others",
        "Domestic funding",
        "Government",
    ],
)
def test_placeholder_names_stay_unresolved(name: str, shipped_donors: pd.DataFrame) -> None:
    row = _resolved([name], shipped_donors).loc[name]
    assert is_placeholder_name(name)
    assert pd.isna(row["donor_id"])
    assert row["method"] == "placeholder"


def test_lifeweb_placeholders_that_read_like_donors_are_not_given_one(
    shipped_donors: pd.DataFrame,
) -> None:
    # A partial-match scorer put "Domestic sources" on Spain and "Biod Trust Fund" on the USA.
    resolved = _resolved(["Domestic sources", "Biod Trust Fund"], shipped_donors)
    assert resolved["donor_id"].isna().all()


def test_every_lifeweb_placeholder_or_recipient_body_stays_unresolved(
    lifeweb_export_dir, shipped_donors: pd.DataFrame
) -> None:
    matches = pd.read_csv(lifeweb_export_dir / "funding_matches.csv")
    not_donors = matches.loc[
        matches["donor_group"].isin(["placeholder", "recipient_domestic_or_national_body"]),
        "donor_name",
    ].unique()
    resolved = _resolved(list(not_donors), shipped_donors)
    assert len(resolved) == 8
    assert resolved["donor_id"].isna().all(), resolved[resolved["donor_id"].notna()]


def test_every_lifeweb_external_donor_resolves_exactly(
    lifeweb_export_dir, shipped_donors: pd.DataFrame
) -> None:
    matches = pd.read_csv(lifeweb_export_dir / "funding_matches.csv")
    external = matches.loc[matches["is_external_named_donor"].astype(bool), "donor_name"].unique()
    resolved = _resolved(list(external), shipped_donors)
    assert resolved["donor_id"].notna().all()
    assert set(resolved["method"]) == {"exact"}
    assert resolved.loc["Global Environmental Facility", "donor_id"] == "GEF"


def test_recipient_government_resolves_only_when_it_is_a_donor(
    shipped_donors: pd.DataFrame,
) -> None:
    resolved = _resolved(
        ["Government of Belize", "Government of Spain", "The Government of the Netherlands"],
        shipped_donors,
    )
    assert pd.isna(resolved.loc["Government of Belize", "donor_id"])
    assert resolved.loc["Government of Spain", "donor_id"] == "ES"
    assert resolved.loc["The Government of the Netherlands", "donor_id"] == "NL"


def test_typos_in_a_whole_name_still_resolve(shipped_donors: pd.DataFrame) -> None:
    resolved = _resolved(
        [
            "Gordon and Betty Moore Foundaton",
            "Conservation Internatinal",
            "Walton Family Foundatoin",
        ],
        shipped_donors,
    )
    assert resolved["donor_id"].to_dict() == {
        "Gordon and Betty Moore Foundaton": "MOORE",
        "Conservation Internatinal": "CI",
        "Walton Family Foundatoin": "WALTON",
    }
    assert set(resolved["method"]) == {"fuzzy"}
    assert (resolved["score"] >= 90).all()


def test_a_name_that_only_contains_a_donor_name_is_not_that_donor(
    shipped_donors: pd.DataFrame,
) -> None:
    resolved = _resolved(
        ["Oak Ridge Municipal Trust", "GEF Trust", "Spain Domestic Budget Office"], shipped_donors
    )
    assert resolved["donor_id"].isna().all()


def test_short_acronyms_resolve_exactly_or_not_at_all(shipped_donors: pd.DataFrame) -> None:
    resolved = _resolved(["GEF", "GEFF", "IC", "CI"], shipped_donors)
    assert resolved.loc["GEF", "donor_id"] == "GEF"
    assert pd.isna(resolved.loc["GEFF", "donor_id"])
    assert resolved.loc["GEFF", "method"] == "unresolved"
    assert resolved.loc["IC", "donor_id"] == "ISLAND-CONSERVATION"
    assert resolved.loc["CI", "donor_id"] == "CI"
