"""The co-funding plan for one event: open requests only, event budgets, plain sentences."""

from __future__ import annotations

import pandas as pd
import pytest

from matcher.currency import RateTable
from matcher.events.pipeline import event_list
from matcher.events.plan import event_budgets, open_requests, plan_event

ADDED = pd.Timestamp("2026-03-01 09:00", tz="UTC")
RATES = RateTable.from_frame(
    pd.DataFrame(
        {"date": ["2026-01-02"] * 2, "currency": ["USD", "EUR"], "usd_per_unit": [1.0, 1.25]}
    )
)


def _proposals() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "proposal_id": ["P1", "P2", "P3", "P4", "P5"],
            "title": ["Mangroves", "Sahel drylands", "Funded already", "Reefs", "Peatlands"],
            "countries": [("KEN",), ("NER",), ("VNM",), ("FJI",), ("IDN",)],
            "requested_amount": [1_000_000.0, 400_000.0, 300_000.0, 200_000.0, 600_000.0],
            "secured_amount": [0.0, 0.0, 0.0, 0.0, 0.0],
            "currency": ["USD"] * 5,
            "status": ["open", "open", "Funded", "open", "open"],
        }
    )


def _table(pledged_p4: float | None) -> pd.DataFrame:
    proposals = _proposals()
    pairs = [("D1", "P1"), ("D1", "P2"), ("D2", "P2"), ("D1", "P3"), ("D2", "P4"), ("D2", "P5")]
    by_id = proposals.set_index("proposal_id")
    rows = pd.DataFrame(
        {
            "shortlist_id": [1] * len(pairs),
            "donor_id": [d for d, _ in pairs],
            "donor_name": [
                {"D1": "Blue Planet Fund", "D2": "Sahel Foundation"}[d] for d, _ in pairs
            ],
            "position": range(1, len(pairs) + 1),
            "proposal_id": [p for _, p in pairs],
            "title": [by_id.at[p, "title"] for _, p in pairs],
            "countries": [by_id.at[p, "countries"] for _, p in pairs],
            "requested_amount": [by_id.at[p, "requested_amount"] for _, p in pairs],
            "secured_amount": 0.0,
            "currency": "USD",
            "status": [by_id.at[p, "status"] for _, p in pairs],
            "note": "",
            "added_at": ADDED,
            "added_by": "ana",
        }
    )
    steps = []
    if pledged_p4 is not None:
        steps.append((1, "P4", "D2", "pledged", pledged_p4, "USD"))
    log = pd.DataFrame(
        [
            {
                "step_id": i,
                "event_id": 1,
                "proposal_id": p,
                "donor_id": d,
                "stage": s,
                "amount": a,
                "currency": c,
                "note": "",
                "happened_at": ADDED,
                "recorded_by": "ben",
            }
            for i, p, d, s, a, c in steps
        ],
        columns=[
            "step_id",
            "event_id",
            "proposal_id",
            "donor_id",
            "stage",
            "amount",
            "currency",
            "note",
            "happened_at",
            "recorded_by",
        ],
    )
    return event_list(rows, scores=pd.DataFrame(), log=log, decisions=pd.DataFrame())


def _event_donors() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "donor_id": ["D1", "D2"],
            "name": ["Blue Planet Fund", "Sahel Foundation"],
            "budget": [float("nan"), 400_000.0],
            "budget_currency": ["", "EUR"],
            "annual_budget": [9_000_000_000.0, 50_000_000.0],
            "currency": ["USD", "USD"],
        }
    )


def _profiles() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "donor_id": ["D1", "D2"],
            "name": ["Blue Planet Fund", "Sahel Foundation"],
            "min_grant": [float("nan")] * 2,
            "max_grant": [float("nan")] * 2,
            "currency": ["USD", "USD"],
        }
    )


def _pairs() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "proposal_id": ["P1", "P2", "P2", "P3", "P4", "P5", "P5"],
            "donor_id": ["D1", "D1", "D2", "D1", "D2", "D1", "D2"],
            "score": [0.8, 0.5, 0.7, 0.9, 0.6, 0.4, 0.3],
            "eligible": [True, True, True, True, True, False, False],
        }
    )


def test_only_open_gaps_are_planned_funded_and_pledged_in_full_are_left_out() -> None:
    requests = open_requests(
        _table(pledged_p4=200_000.0), _proposals(), rate_date=None, rates=RATES
    )
    assert requests["proposal_id"].tolist() == ["P1", "P2", "P5"]  # P3 funded, P4 pledged in full
    partly = open_requests(_table(pledged_p4=50_000.0), _proposals(), rate_date=None, rates=RATES)
    p4 = partly.set_index("proposal_id").loc["P4"]
    assert (p4["pledged_here"], p4["gap"]) == (50_000.0, 150_000.0)


def test_event_budgets_start_from_the_stored_figure_and_take_what_is_entered() -> None:
    table = _table(pledged_p4=100_000.0)
    budgets = event_budgets(_event_donors(), table, currency="USD", rate_date=None, rates=RATES)
    rows = budgets.set_index("donor_id")
    assert rows.loc["D1", "source"] == "stored annual budget"
    assert rows.loc["D1", "stored_budget"] == 9_000_000_000.0
    assert rows.loc["D2", "source"] == "set for this event"
    assert rows.loc["D2", "left"] == pytest.approx(
        400_000 * 1.25 - 100_000
    )  # EUR budget, USD pledge
    entered = pd.DataFrame({"donor_id": ["D1"], "budget": [700_000.0], "currency": ["USD"]})
    typed = event_budgets(
        _event_donors(), table, entered=entered, currency="USD", rate_date=None, rates=RATES
    ).set_index("donor_id")
    assert (typed.loc["D1", "budget"], typed.loc["D1", "source"]) == (
        700_000.0,
        "entered on the page",
    )


def test_the_plan_spends_event_budgets_on_open_requests_and_says_so_in_sentences() -> None:
    table = _table(pledged_p4=200_000.0)
    entered = pd.DataFrame({"donor_id": ["D1"], "budget": [1_200_000.0], "currency": ["USD"]})
    result = plan_event(
        table,
        _proposals(),
        _profiles(),
        _event_donors(),
        _pairs(),
        currency="USD",
        rate_date=None,
        entered=entered,
        rates=RATES,
    )
    plan = result.plan
    assert set(plan.allocations["proposal_id"]) <= {"P1", "P2"}
    assert plan.total_budget == pytest.approx(1_200_000 + 500_000 - 200_000)
    closed = set(plan.proposals.loc[plan.proposals["closed"], "proposal_id"])
    assert closed == {"P1", "P2"}
    assert result.sentences[0] == (
        "With the pledges in this plan (and the 1 already recorded), 2 of the 3 open requests "
        "are fully funded; 0 more are at least half funded; 1 has no eligible donor: "
        "Peatlands (P5)."
    )
    assert "USD" in result.sentences[-1]
