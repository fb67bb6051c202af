"""The LifeWeb export in ``data/lifeweb/`` reads as it is, through the same readers."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from matcher.load import LoadReport, load
from matcher.normalise import parse_countries


@pytest.fixture(scope="module")
def eois(lifeweb_export_dir: Path) -> LoadReport:
    return load(lifeweb_export_dir / "eoi_projects.csv")


def test_every_eoi_loads_as_a_proposal(eois: LoadReport, lifeweb_export_dir: Path) -> None:
    raw = pd.read_csv(lifeweb_export_dir / "eoi_projects.csv", dtype=str, keep_default_na=False)
    assert eois.kind == "proposals"
    assert (eois.rows_in, eois.n_loaded, eois.n_rejected) == (len(raw), len(raw), 0)
    assert eois.frame["proposal_id"].tolist() == raw["lw_project_id"].tolist()
    assert eois.frame["requested_amount"].tolist() == raw["funding_needed"].astype(float).tolist()
    assert eois.frame["currency"].tolist() == raw["currency"].tolist()
    assert eois.frame["status"].tolist() == raw["funding_status"].tolist()


def test_eoi_country_names_agree_with_the_exports_iso2_column(eois: LoadReport) -> None:
    from_codes = [parse_countries(cell).codes for cell in eois.frame["country_iso2"]]
    assert eois.frame["countries"].tolist() == from_codes


def test_eoi_spot_checks(eois: LoadReport) -> None:
    by_id = eois.frame.set_index("proposal_id")
    belize = by_id.loc["23210"]
    assert belize["countries"] == ("BLZ",)
    assert belize["requested_amount"] == 27_000_000.0
    assert belize["currency"] == "USD"
    assert belize["submitted_on"] == "2012"
    amazon = by_id.loc["23236"]
    assert amazon["countries"] == ("BOL", "BRA", "COL", "ECU", "GUY", "PER", "SUR", "VEN")
    assert amazon["aichi_targets"] == (5, 11, 12, 14, 15)
    assert amazon["requested_amount"] == 17_496_734.0
    micronesia = by_id.loc["23283"]
    assert micronesia["countries"] == ("FSM", "PLW", "MHL")
    assert micronesia["currency"] == "USD"
    balkans = by_id.loc["23240"]
    assert balkans["countries"] == ("ALB", "BIH", "HRV", "MNE", "SRB")
    assert balkans["requested_amount"] == 1_776_430.0
    assert balkans["currency"] == "EUR"


def test_eoi_text_has_no_html_left(eois: LoadReport) -> None:
    for column in ("title", "summary", "description", "objectives", "nbsap_alignment"):
        text = eois.frame[column]
        assert not text.str.contains(r"<br\s*/?>|<p>|<h4>|&amp;|&nbsp;", regex=True).any(), column
    # Extra columns stay as they came (HTML included).
    assert eois.frame["area_text"].str.contains("<br/>").any()


def test_funding_matches_load_as_history(lifeweb_export_dir: Path) -> None:
    report = load(lifeweb_export_dir / "funding_matches.csv")
    raw = pd.read_csv(lifeweb_export_dir / "funding_matches.csv", dtype=str, keep_default_na=False)
    assert report.kind == "history"
    assert (report.rows_in, report.n_loaded, report.n_rejected) == (len(raw), len(raw), 0)
    assert report.frame["proposal_id"].tolist() == raw["lw_project_id"].tolist()
    assert report.frame["donor"].tolist() == raw["donor_name"].tolist()
    assert report.frame["amount"].tolist() == raw["amount"].astype(float).tolist()
    years = [None if y == "" else int(y) for y in raw["year"]]
    assert [None if pd.isna(y) else int(y) for y in report.frame["year"]] == years
    assert report.frame["donor_id"].tolist() == raw["donor_id"].tolist()  # kept as an extra column
    first = report.frame.iloc[0]
    assert (
        first["proposal_id"],
        first["donor"],
        first["amount"],
        first["currency"],
        first["year"],
    ) == ("23210", "Protected Areas Conservation Trust Belize", 585_000.0, "USD", 2011)


def test_lifeweb_donors_load_with_acronyms_as_aliases(lifeweb_export_dir: Path) -> None:
    report = load(lifeweb_export_dir / "donors.csv")
    assert report.kind == "donors"
    assert (report.rows_in, report.n_loaded, report.n_rejected) == (55, 55, 0)
    by_id = report.frame.set_index("donor_id")
    assert by_id.loc["6320", "name"] == "Global Environmental Facility"
    assert by_id.loc["6320", "aliases"] == ("GEF",)
    assert by_id.loc["6320", "donor_type"] == "multilateral_or_fund"
    assert by_id.loc["6163", "aliases"] == ()  # "Belgium" is its own acronym
    assert by_id["active"].all()
