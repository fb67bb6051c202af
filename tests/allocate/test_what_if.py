"""What-if: change a budget or force a pair and see what moves."""

from __future__ import annotations

import pytest

from matcher.allocate import build_problem, diff_plans, solve, what_if


@pytest.fixture
def base(make):
    problem = build_problem(
        make.pairs({("P1", "D1"): 0.9, ("P2", "D1"): 0.1, ("P3", "D1"): 0.1}),
        make.proposals({"P1": 100, "P2": 60, "P3": 40}),
        make.donors({"D1": {"budget": 100}}),
    )
    return problem, solve(problem)


def test_raising_a_budget_closes_the_remaining_gap(base):
    problem, before = base
    change = what_if(problem, before, budgets={"D1": 200})
    assert change.diff[
        ["proposal_id", "donor_id", "amount_before", "amount_after", "what"]
    ].to_dict("records") == [
        {
            "proposal_id": "P1",
            "donor_id": "D1",
            "amount_before": 0.0,
            "amount_after": 100.0,
            "what": "new grant",
        }
    ]
    assert change.summary[0].startswith("Gaps closed: 2 -> 3")
    assert "Newly closed: P1." in change.summary


def test_forcing_a_pair_moves_the_money_and_lists_every_change(base):
    problem, before = base
    change = what_if(problem, before, force=["P1:D1"])
    moved = {(r.proposal_id, r.what, r.change) for r in change.diff.itertuples()}
    assert moved == {
        ("P1", "new grant", 100.0),
        ("P2", "grant dropped", -60.0),
        ("P3", "grant dropped", -40.0),
    }
    assert change.plan.n_closed == 1
    assert "No longer closed: P2, P3." in change.summary
    assert change.problem.forced == (("P1", "D1"),)


def test_the_diff_of_a_plan_with_itself_is_empty(base):
    _, before = base
    assert diff_plans(before, before).empty


def test_unforcing_returns_to_the_original_plan(base):
    problem, before = base
    forced = what_if(problem, before, force=["P1:D1"])
    back = what_if(forced.problem, forced.plan, unforce=["P1:D1"])
    assert diff_plans(before, back.plan).empty
