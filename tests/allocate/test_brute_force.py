"""Random small instances: the planner's optimum equals an exhaustive enumeration.

The enumeration tries every set of grants (which pairs give at all) and, for the count
objective, every set of closed gaps; with those fixed, the amounts are a linear programme
(``scipy.optimize.linprog``). The best coverage value over all sets, then the best match
quality among the sets that reach it, is the lexicographic optimum the planner must match.
"""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest
from scipy.optimize import linprog

from matcher.allocate import GRANT_COST, MIN_GRANT_UNITS, PlanOptions, plan_allocation


def random_instance(rng: np.random.Generator):
    n_p = int(rng.integers(2, 4))
    n_d = int(rng.integers(1, 4))
    gaps = rng.integers(2, 12, n_p) * 10.0
    budget = rng.integers(2, 14, n_d) * 10.0
    min_t = rng.choice([0.0, 20.0, 40.0], n_d)
    max_t = rng.choice([np.inf, 30.0, 60.0], n_d)
    pairs = [(p, d) for p in range(n_p) for d in range(n_d) if rng.random() < 0.75][:6] or [(0, 0)]
    score = np.round(rng.uniform(0.05, 1.0, len(pairs)), 3)
    cap = None if rng.random() < 0.6 else int(rng.integers(1, 3))
    return gaps, budget, min_t, max_t, pairs, score, cap


def lp_best(gaps, budget, min_t, max_t, pairs, score, chosen, closed, objective, floor):
    """Best (coverage, quality) with the given grants made and gaps closed; None if infeasible."""
    idx = [k for k in range(len(pairs)) if chosen[k]]
    if not idx:
        return (0.0, 0.0) if not closed else None
    lo = [max(min_t[pairs[k][1]], MIN_GRANT_UNITS) for k in idx]
    hi = [min(max_t[pairs[k][1]], budget[pairs[k][1]], gaps[pairs[k][0]]) for k in idx]
    if any(a > b + 1e-9 for a, b in zip(lo, hi, strict=True)):
        return None
    a_ub, b_ub = [], []
    for p in range(len(gaps)):
        row = [1.0 if pairs[k][0] == p else 0.0 for k in idx]
        a_ub.append(row)
        b_ub.append(gaps[p])
        if p in closed:
            a_ub.append([-v for v in row])
            b_ub.append(-gaps[p])
    for d in range(len(budget)):
        a_ub.append([1.0 if pairs[k][1] == d else 0.0 for k in idx])
        b_ub.append(budget[d])
    if objective == "amount" and floor is not None:
        a_ub.append([-1.0] * len(idx))
        b_ub.append(-floor)
    bounds = list(zip(lo, hi, strict=True))
    if objective == "amount" and floor is None:
        res = linprog(-np.ones(len(idx)), A_ub=a_ub, b_ub=b_ub, bounds=bounds, method="highs")
        return None if res.status != 0 else (-res.fun, 0.0)
    quality = [-score[k] / gaps[pairs[k][0]] for k in idx]
    res = linprog(quality, A_ub=a_ub, b_ub=b_ub, bounds=bounds, method="highs")
    if res.status != 0:
        return None
    coverage = float(len(closed)) if objective == "count" else float(np.sum(res.x))
    return coverage, -res.fun - GRANT_COST * len(idx)


def brute_force(instance, objective):
    gaps, budget, min_t, max_t, pairs, score, cap = instance
    choices = []
    for chosen in itertools.product((0, 1), repeat=len(pairs)):
        per_p = [
            sum(chosen[k] for k in range(len(pairs)) if pairs[k][0] == p) for p in range(len(gaps))
        ]
        if cap is not None and max(per_p) > cap:
            continue
        choices.append(chosen)
    closed_sets = (
        [set(c) for r in range(len(gaps) + 1) for c in itertools.combinations(range(len(gaps)), r)]
        if objective == "count"
        else [set()]
    )
    if objective == "count":
        results = [
            lp_best(gaps, budget, min_t, max_t, pairs, score, chosen, closed, objective, None)
            for chosen in choices
            for closed in closed_sets
        ]
        feasible = [r for r in results if r is not None]
        best_cover = max(r[0] for r in feasible)
        return best_cover, max(r[1] for r in feasible if r[0] == best_cover)
    covers = [
        lp_best(gaps, budget, min_t, max_t, pairs, score, c, set(), "amount", None) for c in choices
    ]
    best_cover = max(r[0] for r in covers if r is not None)
    floor = best_cover - 1e-6 * max(1.0, best_cover)
    quals = [
        lp_best(gaps, budget, min_t, max_t, pairs, score, c, set(), "amount", floor)
        for c in choices
    ]
    return best_cover, max(r[1] for r in quals if r is not None)


def as_frames(instance):
    gaps, budget, min_t, max_t, pairs, score, _ = instance
    proposals = pd.DataFrame(
        {
            "proposal_id": [f"P{p}" for p in range(len(gaps))],
            "requested_amount": gaps,
            "currency": "USD",
        }
    )
    donors = pd.DataFrame(
        {
            "donor_id": [f"D{d}" for d in range(len(budget))],
            "annual_budget": budget,
            "min_grant": min_t,
            "max_grant": np.where(np.isinf(max_t), np.nan, max_t),
            "currency": "USD",
        }
    )
    table = pd.DataFrame(
        {
            "proposal_id": [f"P{p}" for p, _ in pairs],
            "donor_id": [f"D{d}" for _, d in pairs],
            "score": score,
            "eligible": True,
        }
    )
    return table, proposals, donors


@pytest.mark.parametrize("objective", ["count", "amount"])
@pytest.mark.parametrize("seed", range(12))
def test_planner_matches_exhaustive_enumeration(seed, objective):
    instance = random_instance(np.random.default_rng(1000 + seed))
    cover, quality = brute_force(instance, objective)
    plan = plan_allocation(
        *as_frames(instance),
        options=PlanOptions(objective=objective, max_donors_per_proposal=instance[6]),
    )
    got_cover = plan.n_closed if objective == "count" else plan.amount_placed
    assert got_cover == pytest.approx(cover, abs=0.02)
    got_quality = plan.match_quality - GRANT_COST * len(plan.allocations)
    assert got_quality == pytest.approx(quality, abs=1e-4)
    # Every grant respects the semi-continuous ticket and every total respects its limit.
    gaps, budget, min_t, max_t, *_ = instance
    for row in plan.allocations.itertuples():
        d = int(row.donor_id[1:])
        assert (
            max(min_t[d], MIN_GRANT_UNITS) - 0.01 <= row.amount <= min(max_t[d], budget[d]) + 0.01
        )
    assert (plan.donors["allocated"] <= budget + 0.01).all()
    assert (plan.proposals["allocated"] <= gaps + 0.01).all()
