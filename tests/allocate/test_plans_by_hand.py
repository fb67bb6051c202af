"""Small instances solved by hand: the planner must return exactly these plans."""

from __future__ import annotations

import pandas as pd
import pytest

from matcher.allocate import PlanOptions, build_problem, plan_allocation, solve


def grants(plan) -> dict[tuple[str, str], float]:
    return {(row.proposal_id, row.donor_id): row.amount for row in plan.allocations.itertuples()}


@pytest.fixture
def one_donor_three_gaps(make):
    """D1 has 100; P1 (gap 100) fits it best, P2 (60) and P3 (40) fit it poorly."""
    proposals = make.proposals({"P1": 100, "P2": 60, "P3": 40})
    donors = make.donors({"D1": {"budget": 100}})
    pairs = make.pairs({("P1", "D1"): 0.9, ("P2", "D1"): 0.1, ("P3", "D1"): 0.1})
    return pairs, proposals, donors


def test_count_objective_closes_two_small_gaps_rather_than_one_big_one(one_donor_three_gaps, make):
    plan = plan_allocation(*one_donor_three_gaps, options=PlanOptions(objective="count"))
    assert grants(plan) == {("P2", "D1"): 60.0, ("P3", "D1"): 40.0}
    assert plan.n_closed == 2
    assert plan.optimal


def test_amount_objective_places_the_same_money_where_it_fits_best(one_donor_three_gaps, make):
    plan = plan_allocation(*one_donor_three_gaps, options=PlanOptions(objective="amount"))
    assert grants(plan) == {("P1", "D1"): 100.0}
    assert plan.amount_placed == 100.0
    assert plan.match_quality == pytest.approx(0.9)


def test_a_donor_gives_nothing_or_at_least_its_minimum_ticket(make):
    proposals = make.proposals({"P1": 30, "P2": 70})
    donors = make.donors({"D1": {"budget": 80, "min": 50}})
    pairs = make.pairs({("P1", "D1"): 0.9, ("P2", "D1"): 0.2})
    plan = plan_allocation(pairs, proposals, donors)
    assert grants(plan) == {("P2", "D1"): 70.0}
    p1 = plan.proposals.set_index("proposal_id").loc["P1"]
    assert p1["gap_left"] == 30.0
    assert "minimum ticket is above the gap" in p1["status"]
    assert plan.donors.set_index("donor_id").loc["D1", "budget_left"] == 10.0


def test_cap_on_donors_per_proposal_keeps_the_two_best_and_says_why_the_gap_stays_open(make):
    proposals = make.proposals({"P1": 100})
    donors = make.donors({d: {"budget": 100, "max": 40} for d in ("D1", "D2", "D3")})
    pairs = make.pairs({("P1", "D1"): 0.9, ("P1", "D2"): 0.8, ("P1", "D3"): 0.3})
    capped = plan_allocation(
        pairs, proposals, donors, options=PlanOptions(max_donors_per_proposal=2)
    )
    assert grants(capped) == {("P1", "D1"): 40.0, ("P1", "D2"): 40.0}
    status = capped.proposals.loc[0, "status"]
    assert "at most 80 USD" in status and "at most 2 donors" in status
    free = plan_allocation(pairs, proposals, donors)
    assert grants(free) == {("P1", "D1"): 40.0, ("P1", "D2"): 40.0, ("P1", "D3"): 20.0}
    assert free.n_closed == 1


def test_a_forced_pair_is_funded_and_a_forbidden_pair_is_not(make):
    proposals = make.proposals({"P1": 50})
    donors = make.donors({"D1": {"budget": 50}, "D2": {"budget": 50}})
    pairs = make.pairs({("P1", "D1"): 0.9, ("P1", "D2"): 0.4})
    assert grants(plan_allocation(pairs, proposals, donors)) == {("P1", "D1"): 50.0}
    forced = plan_allocation(pairs, proposals, donors, force=["P1:D2"])
    assert ("P1", "D2") in grants(forced)
    assert forced.allocations.set_index("donor_id").loc["D2", "forced"]
    assert forced.n_closed == 1
    forbidden = plan_allocation(pairs, proposals, donors, forbid=[("P1", "D1")])
    assert grants(forbidden) == {("P1", "D2"): 50.0}


def test_secured_money_shrinks_the_gap_and_empty_secured_counts_as_zero(make):
    proposals = make.proposals({"P1": 100, "P2": 100})
    proposals["secured_amount"] = [70.0, float("nan")]
    donors = make.donors({"D1": {"budget": 130}})
    pairs = make.pairs({("P1", "D1"): 0.5, ("P2", "D1"): 0.5})
    plan = plan_allocation(pairs, proposals, donors)
    assert grants(plan) == {("P1", "D1"): 30.0, ("P2", "D1"): 100.0}
    assert plan.proposals["gap"].tolist() == [30.0, 100.0]


def test_amounts_are_converted_to_the_plan_currency(simple_rates, make):
    proposals = make.proposals({"P1": 50}, currency="EUR")  # 100 USD at 2 USD per EUR
    donors = make.donors({"D1": {"budget": 300, "max": 100}})
    pairs = make.pairs({("P1", "D1"): 0.7})
    in_usd = plan_allocation(pairs, proposals, donors, rates=simple_rates)
    assert grants(in_usd) == {("P1", "D1"): 100.0}
    in_eur = plan_allocation(
        pairs, proposals, donors, rates=simple_rates, options=PlanOptions(currency="EUR")
    )
    assert grants(in_eur) == {("P1", "D1"): 50.0}
    assert in_eur.donors.loc[0, "budget_left"] == 100.0
    older = plan_allocation(
        pairs, proposals, donors, rates=simple_rates, options=PlanOptions(rate_date="2021-06-01")
    )
    assert grants(older) == {("P1", "D1"): 75.0}
    assert older.rate_date == "2020-01-01"


def test_a_budgets_file_replaces_the_annual_budget_in_its_own_currency(simple_rates, make):
    proposals = make.proposals({"P1": 100, "P2": 100})
    donors = make.donors({"D1": {"budget": 1000}})
    pairs = make.pairs({("P1", "D1"): 0.6, ("P2", "D1"): 0.5})
    budgets = pd.DataFrame({"donor_id": ["D1"], "budget": [50], "currency": ["EUR"]})
    plan = plan_allocation(pairs, proposals, donors, budgets=budgets, rates=simple_rates)
    assert grants(plan) == {("P1", "D1"): 100.0}
    assert plan.donors.loc[0, "budget"] == 100.0


def test_reserve_lists_the_next_best_donors_that_can_still_give(make):
    proposals = make.proposals({"P1": 100})
    donors = make.donors(
        {
            "D1": {"budget": 100},
            "D2": {"budget": 500, "min": 10},
            "D3": {"budget": 5, "min": 10},  # cannot give: budget below its minimum
            "D4": {"budget": 500},
        }
    )
    pairs = make.pairs({("P1", "D1"): 0.9, ("P1", "D2"): 0.7, ("P1", "D3"): 0.8, ("P1", "D4"): 0.2})
    plan = plan_allocation(pairs, proposals, donors)
    assert grants(plan) == {("P1", "D1"): 100.0}
    assert plan.reserve["donor_id"].tolist() == ["D2", "D4"]
    assert plan.proposals.loc[0, "reserve"].startswith("D2 Donor D2 (score 0.70, 500 USD free)")


def test_only_eligible_pairs_are_used(make):
    proposals = make.proposals({"P1": 100})
    donors = make.donors({"D1": {"budget": 100}, "D2": {"budget": 100}})
    pairs = make.pairs({("P1", "D2"): 0.1}, ineligible={("P1", "D1"): "excluded country"})
    pairs.loc[pairs["donor_id"] == "D1", "score"] = 0.99
    assert grants(plan_allocation(pairs, proposals, donors)) == {("P1", "D2"): 100.0}


def test_a_problem_with_no_open_gap_solves_to_an_empty_plan(make):
    proposals = make.proposals({"P1": 100})
    proposals["secured_amount"] = [100.0]
    plan = solve(
        build_problem(
            make.pairs({("P1", "D1"): 0.5}), proposals, make.donors({"D1": {"budget": 10}})
        )
    )
    assert plan.allocations.empty
    assert plan.n_open == 0
    assert "No proposal has an open funding gap" in plan.checks[0]
