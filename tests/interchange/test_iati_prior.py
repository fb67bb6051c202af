"""Donors new to LifeWeb get a history prior from their IATI activities; others keep theirs."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from matcher.interchange.iati_prior import PRIOR_CEILING, split_iati_portfolio
from matcher.load import load
from matcher.rank import Matcher

HISTORY_XML = """<?xml version="1.0" encoding="UTF-8"?>
<iati-activities version="2.03">
{activities}
</iati-activities>
"""
ACTIVITY = """<iati-activity default-currency="USD">
  <iati-identifier>XM-NEW-{n}</iati-identifier>
  <reporting-org ref="XM-NEW" type="60"><narrative>New Reef Foundation</narrative></reporting-org>
  <title><narrative>Activity {n}</narrative></title>
  <recipient-country code="{country}"/>
  {sector}
  <transaction><transaction-type code="2"/><transaction-date iso-date="2024-01-01"/>
    <value value-date="2024-01-01">100000</value></transaction>
</iati-activity>"""


def _contract(rows: list[dict], columns: tuple[str, ...]) -> pd.DataFrame:
    return pd.DataFrame(rows).reindex(columns=list(columns), fill_value="")


@pytest.fixture
def inputs(tmp_path: Path) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    from matcher.contract import DONOR_COLUMNS, PROPOSAL_COLUMNS

    empty_lists = {"aichi_targets": (), "gbf_targets": (), "ecosystems": ()}
    proposals = _contract(
        [
            {"proposal_id": "FJ-1", "title": "Reef protected areas", "countries": ("FJI",),
             "description": "Marine protected areas for coral reefs.", "currency": "USD",
             "requested_amount": 500_000.0, **empty_lists},
            {"proposal_id": "PE-1", "title": "Andean forest corridor", "countries": ("PER",),
             "description": "Cloud forest corridor.", "currency": "USD",
             "requested_amount": 500_000.0, **empty_lists},
        ],
        PROPOSAL_COLUMNS,
    )  # fmt: skip
    donor_lists = {"aliases": (), "eligible_regions": (), "eligible_countries": (),
                   "excluded_countries": (), **empty_lists}  # fmt: skip
    donors = _contract(
        [
            {"donor_id": "OLD", "name": "Old Forest Fund", "priorities": "forests", "active": True,
             "currency": "USD", **donor_lists},
            {"donor_id": "NEW", "name": "New Reef Foundation", "priorities": "coral reefs",
             "active": True, "currency": "USD", **donor_lists},
        ],
        DONOR_COLUMNS,
    )  # fmt: skip
    biodiversity = '<sector vocabulary="1" code="41030"/>'
    activities = [
        ACTIVITY.format(n=1, country="FJ", sector=biodiversity),
        ACTIVITY.format(n=2, country="FJ", sector=biodiversity),
        ACTIVITY.format(n=3, country="WS", sector=biodiversity),
        ACTIVITY.format(n=4, country="FJ", sector='<sector vocabulary="1" code="11110"/>'),
    ]
    path = tmp_path / "new-reef-foundation.xml"
    path.write_text(HISTORY_XML.format(activities="\n".join(activities)), encoding="utf-8")
    iati = load(path, "history").frame
    lifeweb = pd.DataFrame(
        {"proposal_id": ["PE-1"], "donor": ["Old Forest Fund"], "amount": [400_000.0],
         "currency": ["USD"], "year": pd.array([2012], dtype="Int64")}
    )  # fmt: skip
    history = pd.concat([lifeweb, iati], ignore_index=True)
    return proposals, donors, history


def test_iati_rows_naming_no_lifeweb_proposal_are_the_portfolio(inputs) -> None:
    proposals, _, history = inputs
    lifeweb, portfolio = split_iati_portfolio(history, proposals)
    assert lifeweb["proposal_id"].tolist() == ["PE-1"]
    assert sorted(portfolio["proposal_id"]) == [f"XM-NEW-{n}" for n in range(1, 5)]


def test_new_donor_gets_a_prior_from_its_biodiversity_share_and_countries(inputs) -> None:
    proposals, donors, history = inputs
    scores = Matcher().fit(donors, history, proposals=proposals).score(proposals)
    history_scores = scores.component("history")
    new = list(scores.donor_ids).index("NEW")
    # 3 of 4 activities for biodiversity; Fiji reached: geography 1.
    assert history_scores[0, new] == pytest.approx(PRIOR_CEILING * 0.75 * 1.0, abs=1e-6)
    # Peru: not reached, not in an area it reaches (Melanesia/Polynesia): geography 0.
    assert history_scores[1, new] == pytest.approx(PRIOR_CEILING * 0.75 * 0.5, abs=1e-6)
    without_iati = Matcher().fit(donors, history.iloc[:1], proposals=proposals).score(proposals)
    # No record and no prior: history 0, "no evidence" (issue 12: no head start either way).
    assert (without_iati.component("history")[:, new] == 0).all()


def test_donor_with_lifeweb_history_keeps_its_own_history_score(inputs) -> None:
    proposals, donors, history = inputs
    with_iati = Matcher().fit(donors, history, proposals=proposals).score(proposals)
    without = Matcher().fit(donors, history.iloc[:1], proposals=proposals).score(proposals)
    old = list(with_iati.donor_ids).index("OLD")
    np.testing.assert_allclose(
        with_iati.component("history")[:, old], without.component("history")[:, old]
    )


def test_the_prior_is_explained_in_words(inputs) -> None:
    proposals, donors, history = inputs
    scores = Matcher().fit(donors, history, proposals=proposals).score(proposals)
    explanation = scores.explain_pair("FJ-1", "NEW")
    sentence = explanation.components.set_index("component").loc["history", "sentence"]
    assert sentence == (
        "no LifeWeb history; its IATI activities: 3 of 4 for biodiversity (sector 41030 or the "
        "biodiversity marker), including in Fiji (a prior, capped at 0.8)"
    )


def test_iati_history_imported_into_the_store_keeps_what_the_prior_needs(inputs, tmp_path) -> None:
    from matcher.store import open_store

    proposals, donors, _ = inputs
    xml = tmp_path / "new-reef-foundation.xml"
    with open_store(tmp_path / "lifeweb.db") as store:
        store.import_file(xml, "history")
        stored = store.history()
    assert {"iati_identifier", "iati_sector_41030", "iati_countries"} <= set(stored.columns)
    scores = Matcher().fit(donors, stored, proposals=proposals).score(proposals)
    new = list(scores.donor_ids).index("NEW")
    assert scores.component("history")[0, new] == pytest.approx(PRIOR_CEILING * 0.75, abs=1e-6)
