"""The plain-language check before solving: what stands in the way of closing the gaps."""

from __future__ import annotations

import pandas as pd
import pytest

from matcher.allocate import PlanOptions, build_problem, parse_pair, plan_allocation
from matcher.errors import LifeWebMatchError


def joined(problem) -> str:
    return "\n".join(problem.checks)


def test_total_gap_larger_than_total_budget_says_how_much_can_be_closed(make):
    problem = build_problem(
        make.pairs({("P1", "D1"): 0.5, ("P2", "D1"): 0.5}),
        make.proposals({"P1": 300, "P2": 100}),
        make.donors({"D1": {"budget": 100}}),
    )
    assert problem.checks[0] == (
        "Total gap 400 USD across 2 proposals is larger than the total donor budget 100 USD: "
        "at most 25% of it can be closed."
    )


def test_proposals_with_no_eligible_donor_are_named_with_their_title(make):
    problem = build_problem(
        make.pairs({("P1", "D1"): 0.5}, ineligible={("P2", "D1"): "excluded country"}),
        make.proposals({"P1": 10, "P2": 10, "P3": 10}),
        make.donors({"D1": {"budget": 100}}),
    )
    assert (
        "2 proposals have no eligible donor with a budget this round and cannot be funded: "
        "P2 (Proposal P2), P3 (Proposal P3)." in problem.checks
    )
    plan = plan_allocation(
        make.pairs({("P1", "D1"): 0.5}),
        make.proposals({"P2": 10}),
        make.donors({"D1": {"budget": 1}}),
    )
    assert plan.proposals.loc[0, "status"] == "not funded: no eligible donor"


def test_donor_whose_budget_is_below_its_own_minimum_ticket_is_reported(make):
    problem = build_problem(
        make.pairs({("P1", "D1"): 0.5, ("P1", "D2"): 0.5}),
        make.proposals({"P1": 500}),
        make.donors({"D1": {"budget": 50, "min": 100}, "D2": {"budget": 500}}),
    )
    assert (
        "1 donor has a budget below its own minimum ticket and can give nothing this "
        "round: D1 (budget 50 USD < minimum ticket 100 USD)." in problem.checks
    )
    assert not problem.donors.set_index("donor_id").loc["D1", "in_plan"]


@pytest.mark.parametrize(
    ("force", "forbid", "expected"),
    [
        (
            ["P1:D2"],
            [],
            "Forced pair P1:D2 is ignored: the pair is not eligible (excluded country).",
        ),
        (["P1:D1"], ["P1:D1"], "Forced pair P1:D1 is ignored: the same pair is also forbidden."),
        (["P9:D1"], [], "Forced pair P9:D1 is ignored: there is no proposal P9."),
        (
            ["P1:D3"],
            [],
            "Forced pair P1:D3 is ignored: donor D3 is left out (budget below its minimum ticket).",
        ),
        (
            ["P2:D4"],
            [],
            "Forced pair P2:D4 is ignored: the donor's minimum ticket 60 USD is above the "
            "proposal's gap 20 USD.",
        ),
    ],
)
def test_forced_pairs_that_break_a_rule_are_ignored_with_the_reason(make, force, forbid, expected):
    problem = build_problem(
        make.pairs(
            {("P1", "D1"): 0.5, ("P1", "D3"): 0.5, ("P2", "D4"): 0.5},
            ineligible={("P1", "D2"): "excluded country"},
        ),
        make.proposals({"P1": 100, "P2": 20}),
        make.donors(
            {
                "D1": {"budget": 100},
                "D2": {"budget": 100},
                "D3": {"budget": 10, "min": 40},
                "D4": {"budget": 100, "min": 60},
            }
        ),
        force=force,
        forbid=forbid,
    )
    assert expected in problem.checks
    assert problem.forced == ()


def test_forced_pairs_whose_minimum_tickets_overrun_the_donor_budget_are_dropped(make):
    problem = build_problem(
        make.pairs({("P1", "D1"): 0.5, ("P2", "D1"): 0.5}),
        make.proposals({"P1": 100, "P2": 100}),
        make.donors({"D1": {"budget": 100, "min": 60}}),
        force=["P1:D1", "P2:D1"],
    )
    assert any(
        c.startswith("Forced pairs of donor D1 (P1:D1, P2:D1) are ignored") for c in problem.checks
    )
    assert problem.forced == ()


def test_rows_that_cannot_be_planned_are_reported_not_lost(make):
    proposals = make.proposals({"P1": 100, "P2": 50, "P3": 80, "P4": 10})
    proposals["currency"] = ["USD", "XYZ", "", "USD"]
    proposals.loc[3, "requested_amount"] = float("nan")
    donors = make.donors({"D1": {"budget": 1000}, "D2": {"budget": float("nan")}})
    problem = build_problem(make.pairs({("P1", "D1"): 0.5, ("P3", "D1"): 0.5}), proposals, donors)
    text = joined(problem)
    assert (
        "1 proposal is in a currency the rate table does not have (XYZ) and is left out: P2."
        in text
    )
    assert "1 proposal gives no currency; its amounts are taken as USD: P3." in text
    assert "1 proposal states no requested amount, so its gap is unknown; left out: P4." in text
    assert "1 donor has no budget for the round" in text and "D2" in text
    notes = problem.proposals.set_index("proposal_id")["note"]
    assert notes.to_dict() == {
        "P1": "",
        "P2": "currency without exchange rate",
        "P3": "",
        "P4": "no requested amount",
    }
    plan = plan_allocation(make.pairs({("P1", "D1"): 0.5, ("P3", "D1"): 0.5}), proposals, donors)
    assert len(plan.proposals) == 4 and len(plan.donors) == 2
    assert plan.proposals.set_index("proposal_id").loc["P2", "status"] == (
        "left out: currency without exchange rate"
    )


def test_a_missing_column_is_a_clear_error(make):
    with pytest.raises(LifeWebMatchError, match="proposals table lacks the column"):
        build_problem(
            make.pairs({("P1", "D1"): 0.5}),
            pd.DataFrame({"proposal_id": ["P1"]}),
            make.donors({"D1": {"budget": 1}}),
        )


def test_bad_options_and_pairs_are_clear_errors():
    with pytest.raises(LifeWebMatchError, match="Unknown objective"):
        PlanOptions(objective="most")
    with pytest.raises(LifeWebMatchError, match="PROPOSAL_ID:DONOR_ID"):
        parse_pair("P1-D2")
