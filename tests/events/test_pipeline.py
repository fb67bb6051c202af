"""The event list and its totals: stage per pair, pledged against requested in one currency."""

from __future__ import annotations

import pandas as pd
import pytest

from matcher.currency import RateTable
from matcher.events.pipeline import event_list, event_summary, meeting_pairs

ADDED = pd.Timestamp("2026-03-01 09:00", tz="UTC")
RATES = RateTable.from_frame(
    pd.DataFrame(
        {
            "date": ["2026-01-02", "2026-01-02", "2026-01-02"],
            "currency": ["USD", "EUR", "GBP"],
            "usd_per_unit": [1.0, 1.25, 1.5],
        }
    )
)


def _rows() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "shortlist_id": [1, 1, 2],
            "donor_id": ["D1", "D1", "D2"],
            "donor_name": ["Blue Planet Fund", "Blue Planet Fund", "Sahel Foundation"],
            "position": [1, 2, 1],
            "proposal_id": ["P1", "P2", "P1"],
            "title": ["Mangroves", "Sahel", "Mangroves"],
            "countries": [("TZA", "KEN"), ("NER",), ("TZA", "KEN")],
            "requested_amount": [1_000_000.0, 500_000.0, 1_000_000.0],
            "secured_amount": [0.0, 0.0, 0.0],
            "currency": ["USD", "EUR", "USD"],
            "status": ["open", "open", "open"],
            "note": ["strong fit", "", ""],
            "added_at": [ADDED] * 3,
            "added_by": ["ana", "ana", "ben"],
        }
    )


def _log() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "step_id": [1, 2, 3, 4],
            "event_id": [7] * 4,
            "proposal_id": ["P1", "P1", "P2", "P1"],
            "donor_id": ["D1", "D1", "D1", "D2"],
            "stage": ["met", "pledged", "declined", "interested"],
            "amount": [None, 400_000.0, None, None],
            "currency": ["", "GBP", "", ""],
            "note": [""] * 4,
            "happened_at": pd.to_datetime(
                ["2026-03-15 09:30", "2026-03-15 11:00", "2026-03-15 12:00", "2026-03-15 10:00"],
                utc=True,
            ),
            "recorded_by": ["ana", "ben", "ana", "ana"],
        }
    )


def _table() -> pd.DataFrame:
    scores = pd.DataFrame(
        {
            "proposal_id": ["P1", "P2", "P1"],
            "donor_id": ["D1", "D1", "D2"],
            "score": [0.82, 0.41, 0.55],
            "explanation": ["mangroves and protected areas", "drylands", "Sahel region"],
        }
    )
    decisions = pd.DataFrame({"proposal_id": ["P1"], "donor_id": ["D1"], "status": ["accepted"]})
    return event_list(_rows(), scores=scores, log=_log(), decisions=decisions)


def test_each_row_carries_score_explanation_decision_stage_and_note() -> None:
    table = _table()
    assert table[["donor_id", "proposal_id", "score", "decision", "stage", "note"]].to_dict(
        "records"
    ) == [
        {
            "donor_id": "D1",
            "proposal_id": "P1",
            "score": 0.82,
            "decision": "accepted",
            "stage": "pledged",
            "note": "strong fit",
        },
        {
            "donor_id": "D1",
            "proposal_id": "P2",
            "score": 0.41,
            "decision": "",
            "stage": "declined",
            "note": "",
        },
        {
            "donor_id": "D2",
            "proposal_id": "P1",
            "score": 0.55,
            "decision": "",
            "stage": "interested",
            "note": "",
        },
    ]
    assert table["explanation"].iloc[0] == "mangroves and protected areas"
    assert (table["pledged_amount"].iloc[0], table["pledged_currency"].iloc[0]) == (
        400_000.0,
        "GBP",
    )
    assert table["pledged_amount"].iloc[1:].isna().all()
    assert table["stage_by"].tolist() == ["ben", "ana", "ana"]


def test_a_pair_with_no_step_stands_at_invited_by_whoever_added_it() -> None:
    empty_log = _log().iloc[0:0]
    table = event_list(_rows(), scores=pd.DataFrame(), log=empty_log, decisions=pd.DataFrame())
    assert table["stage"].tolist() == ["invited"] * 3
    assert table["stage_by"].tolist() == ["ana", "ana", "ben"]
    assert (table["stage_at"] == ADDED).all()
    assert table["score"].isna().all()


def test_the_summary_puts_pledged_against_requested_in_the_event_currency() -> None:
    summary = event_summary(_table(), currency="EUR", on="2026-03-15", rates=RATES)
    # Requested: P1 1,000,000 USD = 800,000 EUR; P2 500,000 EUR; counted once each.
    assert summary.requested == pytest.approx(1_300_000.0)
    # Pledged: 400,000 GBP = 600,000 USD = 480,000 EUR.
    assert summary.pledged == pytest.approx(480_000.0)
    assert summary.n_pledges == 1
    donors = summary.by_donor.set_index("donor_id")
    assert donors.loc["D1", "requested"] == pytest.approx(1_300_000.0)
    assert donors.loc["D1", "pledged"] == pytest.approx(480_000.0)
    assert donors.loc["D2", "pledged"] == 0.0
    countries = summary.by_country.set_index("country")
    assert countries.loc["TZA", "pledged"] == pytest.approx(240_000.0)  # shared with Kenya
    assert countries.loc["NER", "requested"] == pytest.approx(500_000.0)
    assert "480,000 EUR against 1,300,000 EUR" in summary.sentence()
    assert summary.rate_date == "2026-01-02"


def test_meetings_are_offered_per_donor_and_country_delegation_except_declined() -> None:
    pairs = meeting_pairs(_table())
    assert pairs.to_dict("records") == [
        {"donor": "D1", "delegation": "KEN", "score": 0.82},
        {"donor": "D1", "delegation": "TZA", "score": 0.82},
        {"donor": "D2", "delegation": "KEN", "score": 0.55},
        {"donor": "D2", "delegation": "TZA", "score": 0.55},
    ]
