"""Whatever the instance, the schedule keeps every rule and the report adds up."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from matcher.events.schedule import schedule_meetings

REASONS = {
    "no_pair",
    "unavailable",
    "no_common_slot",
    "donors_full",
    "donors_booked",
    "tables_full",
    "taken",
}


@st.composite
def instances(draw: st.DrawFn) -> dict[str, object]:
    n_donors = draw(st.integers(1, 6))
    n_delegations = draw(st.integers(1, 8))
    slots = draw(st.integers(1, 5))
    tables = draw(st.integers(1, 4))
    keys = draw(
        st.sets(
            st.tuples(st.integers(0, n_donors - 1), st.integers(0, n_delegations - 1)), max_size=20
        )
    )
    scores = draw(st.lists(st.floats(0, 1), min_size=len(keys), max_size=len(keys)))
    pairs = pd.DataFrame(
        [
            (f"Donor {d}", f"Delegation {g}", s)
            for (d, g), s in zip(sorted(keys), scores, strict=True)
        ],
        columns=["donor", "delegation", "score"],
    )
    parties = [f"Donor {d}" for d in range(n_donors)] + [
        f"Delegation {g}" for g in range(n_delegations)
    ]
    away = draw(st.sets(st.tuples(st.sampled_from(parties), st.integers(1, slots)), max_size=10))
    cap = draw(st.none() | st.integers(0, slots))
    # A lock taken from the candidate pairs, in a slot both are free (if any).
    locked = pd.DataFrame(columns=["donor", "delegation", "slot"])
    if len(pairs) and draw(st.booleans()):
        row = pairs.iloc[draw(st.integers(0, len(pairs) - 1))]
        free = [
            t
            for t in range(1, slots + 1)
            if (row.donor, t) not in away and (row.delegation, t) not in away
        ]
        if free and (cap is None or cap >= 1):
            locked = pd.DataFrame(
                [(row.donor, row.delegation, draw(st.sampled_from(free)))],
                columns=["donor", "delegation", "slot"],
            )
    return {
        "pairs": pairs,
        "slots": slots,
        "tables": tables,
        "unavailable": pd.DataFrame(sorted(away), columns=["party", "slot"]),
        "locked": locked,
        "max_per_donor": cap,
        "delegations": [f"Delegation {g}" for g in range(n_delegations)],
    }


@settings(deadline=None, max_examples=60, suppress_health_check=[HealthCheck.too_slow])
@given(instance=instances())
def test_every_schedule_keeps_the_rules_and_every_unmet_delegation_has_a_reason(
    instance, checks
) -> None:
    result = schedule_meetings(**instance, time_limit=None)
    rules = {k: v for k, v in instance.items() if k != "delegations"}
    checks.feasible(result.schedule, **rules)
    report = result.report
    assert report.delegations == len(instance["delegations"])
    assert report.delegations_met == result.schedule["delegation"].nunique()
    assert report.delegations_met + len(report.unmet) == report.delegations
    assert set(report.unmet["reason_code"]) <= REASONS
    assert not set(report.unmet["delegation"]) & set(result.schedule["delegation"])
    assert report.meetings == len(result.schedule)
    assert (
        report.total_score == sum(result.schedule["score"])
        or abs(report.total_score - sum(result.schedule["score"])) < 1e-9
    )
    assert report.optimal and report.gap == 0.0


@settings(deadline=None, max_examples=30)
@given(instance=instances())
def test_the_same_inputs_give_the_same_schedule(instance) -> None:
    first = schedule_meetings(**instance, time_limit=None).schedule
    second = schedule_meetings(**instance, time_limit=None).schedule
    pd.testing.assert_frame_equal(first, second)


def test_a_solver_stopped_early_still_returns_a_feasible_completed_schedule(checks) -> None:
    rng = np.random.default_rng(3)
    pairs = pd.DataFrame(
        [
            (f"Donor {d}", f"Delegation {g}", float(rng.beta(2, 5)))
            for g in range(40)
            for d in rng.choice(25, size=8, replace=False)
        ],
        columns=["donor", "delegation", "score"],
    )
    result = schedule_meetings(pairs, slots=8, tables=12, max_per_donor=6, time_limit=1e-3)
    checks.feasible(result.schedule, pairs, slots=8, tables=12, max_per_donor=6)
    report = result.report
    assert report.delegations_met + len(report.unmet) == 40
    assert report.delegations_met_bound >= report.delegations_met
    assert report.score_bound >= report.total_score
    if not report.optimal:
        assert "time limit" in report.status or "no schedule" in report.status
