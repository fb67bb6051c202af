"""The scheduler's optimum equals the best schedule found by trying them all (small instances)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from matcher.events.schedule import schedule_meetings


def random_instance(seed: int) -> dict[str, object]:
    rng = np.random.default_rng(seed)
    n_donors, n_delegations = int(rng.integers(1, 4)), int(rng.integers(1, 5))
    slots, tables = int(rng.integers(1, 4)), int(rng.integers(1, 3))
    rows = [
        (f"D{d}", f"G{g}", round(float(rng.uniform(0, 1)), 3))
        for d in range(n_donors)
        for g in range(n_delegations)
        if rng.random() < 0.6
    ][:7]
    if not rows:
        rows = [("D0", "G0", 0.5)]
    pairs = pd.DataFrame(rows, columns=["donor", "delegation", "score"])
    parties = sorted(set(pairs["donor"]) | set(pairs["delegation"]))
    away = [(p, t) for p in parties for t in range(1, slots + 1) if rng.random() < 0.2]
    cap = None if rng.random() < 0.5 else int(rng.integers(1, slots + 1))
    return {
        "pairs": pairs,
        "slots": slots,
        "tables": tables,
        "unavailable": pd.DataFrame(away, columns=["party", "slot"]),
        "max_per_donor": cap,
    }


@pytest.mark.parametrize("seed", range(40))
def test_optimum_matches_brute_force_on_random_small_instances(seed: int, checks) -> None:
    instance = random_instance(seed)
    result = schedule_meetings(**instance, time_limit=None)
    met, score = checks.brute_force(**instance)
    assert result.report.delegations_met == met
    assert result.report.total_score == pytest.approx(score, rel=2e-4, abs=1e-9)
    assert result.report.optimal
    checks.feasible(result.schedule, **instance)


def test_coverage_comes_before_score(table, checks) -> None:
    # X meets once. Giving X to B (0.9) beside Y-B (0.8) scores 1.7 but meets only B;
    # the lexicographic optimum gives X to A (0.1) so that both A and B are met.
    pairs = table([("X", "A", 0.1), ("X", "B", 0.9), ("Y", "B", 0.8)], "donor delegation score")
    result = schedule_meetings(pairs, slots=2, tables=2, max_per_donor=1)
    met = set(zip(result.schedule["donor"], result.schedule["delegation"], strict=True))
    assert met == {("X", "A"), ("Y", "B")}
    assert result.report.delegations_met == 2
    assert result.report.total_score == pytest.approx(0.9)
    assert checks.brute_force(pairs, slots=2, tables=2, max_per_donor=1) == (2, 0.9)


def test_locked_meeting_forces_a_worse_but_kept_schedule(table, checks) -> None:
    pairs = table([("X", "A", 0.9), ("X", "B", 0.1)], "donor delegation score")
    locked = table([("X", "B", 1)], "donor delegation slot")
    result = schedule_meetings(pairs, slots=1, tables=1, locked=locked)
    assert result.schedule[["donor", "delegation", "slot"]].values.tolist() == [["X", "B", 1]]
    assert bool(result.schedule["locked"].iloc[0])
    assert result.report.unmet["delegation"].tolist() == ["A"]
    assert checks.brute_force(pairs, slots=1, tables=1, locked=locked) == (1, 0.1)
