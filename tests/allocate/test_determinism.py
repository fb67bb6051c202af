"""The same inputs give the same plan, whatever the row order."""

from __future__ import annotations

import numpy as np
import pandas as pd
from pandas.testing import assert_frame_equal

from matcher.allocate import PlanOptions, plan_allocation


def random_instance(seed: int, n_proposals: int = 12, n_donors: int = 5):
    rng = np.random.default_rng(seed)
    proposals = pd.DataFrame(
        {
            "proposal_id": [f"P{i:02d}" for i in range(n_proposals)],
            "requested_amount": rng.integers(5, 60, n_proposals) * 10.0,
            "currency": "USD",
        }
    )
    donors = pd.DataFrame(
        {
            "donor_id": [f"D{j}" for j in range(n_donors)],
            "annual_budget": rng.integers(10, 40, n_donors) * 10.0,
            "min_grant": rng.choice([0.0, 20.0, 50.0], n_donors),
            "max_grant": rng.choice([np.nan, 150.0, 300.0], n_donors),
            "currency": "USD",
        }
    )
    grid = pd.MultiIndex.from_product([proposals["proposal_id"], donors["donor_id"]]).to_frame(
        index=False, name=["proposal_id", "donor_id"]
    )
    grid["score"] = np.round(rng.random(len(grid)), 2)  # ties on purpose
    grid["eligible"] = rng.random(len(grid)) < 0.7
    return grid, proposals, donors


def test_same_inputs_same_plan_even_with_rows_shuffled_and_tied_scores():
    pairs, proposals, donors = random_instance(3)
    options = PlanOptions(objective="count", max_donors_per_proposal=2)
    first = plan_allocation(pairs, proposals, donors, options=options)
    again = plan_allocation(pairs, proposals, donors, options=options)
    shuffled = plan_allocation(
        pairs.sample(frac=1, random_state=1),
        proposals.sample(frac=1, random_state=2),
        donors.sample(frac=1, random_state=3),
        options=options,
    )
    assert len(first.allocations) > 0
    for other in (again, shuffled):
        assert_frame_equal(first.allocations, other.allocations)
        assert_frame_equal(first.proposals, other.proposals)
        assert_frame_equal(first.donors, other.donors)
