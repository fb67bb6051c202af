"""Solve time and plan quality of the co-funding planner, run by hand (never in the tests).

Generates a synthetic round of 2,000 proposals x 100 donors (sizes changeable): gaps
log-normal around USD 1.5 million (40 % with some co-funding secured), donors with minimum
tickets around USD 100,000, maximum tickets 5-30 times that and budgets 2-12 times the
maximum, pledges in USD, EUR, GBP and JPY, scores from a Beta(2, 5) distribution and 60 %
of pairs eligible. Then it plans with :func:`matcher.allocate.plan_allocation` and reports:

* time to build the problem and time per solver stage (coverage, fit), with the status;
* plan quality: gaps closed, money placed, match quality, against
  - the solver's own upper bound on the coverage stage (how far from proven optimal), and
  - a greedy baseline (smallest gaps first, best-scoring donors first, a gap is funded only
    when it can be closed) on the same candidate pairs.

Run::

    .venv/bin/python benchmarks/bench_allocate.py                       # 2000 x 100, K=5 and 10
    .venv/bin/python benchmarks/bench_allocate.py --candidates 20 --time-limit 300
    .venv/bin/python benchmarks/bench_allocate.py --proposals 200 --donors 30 --quick
"""

from __future__ import annotations

import argparse
import platform
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from matcher.allocate import (  # noqa: E402
    MIN_GRANT_UNITS,
    AllocationProblem,
    PlanOptions,
    build_problem,
    solve,
)


def synthetic_round(
    n_proposals: int, n_donors: int, seed: int = 7
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Scored pairs, proposals and donors of a synthetic funding round."""
    rng = np.random.default_rng(seed)
    requested = np.round(np.exp(rng.normal(np.log(1.5e6), 0.8, n_proposals)), -3)
    secured = np.where(
        rng.random(n_proposals) < 0.4,
        np.round(requested * rng.uniform(0, 0.6, n_proposals), -3),
        np.nan,
    )
    proposals = pd.DataFrame(
        {
            "proposal_id": [f"P{i:05d}" for i in range(n_proposals)],
            "title": [f"Synthetic proposal {i}" for i in range(n_proposals)],
            "requested_amount": requested,
            "secured_amount": secured,
            "currency": rng.choice(["USD", "EUR"], n_proposals),
        }
    )
    minimum = np.round(np.exp(rng.normal(np.log(1e5), 0.7, n_donors)), -3)
    maximum = np.round(minimum * rng.uniform(5, 30, n_donors), -3)
    budget = np.round(maximum * rng.uniform(2, 12, n_donors), -3)
    donors = pd.DataFrame(
        {
            "donor_id": [f"D{j:04d}" for j in range(n_donors)],
            "name": [f"Synthetic donor {j}" for j in range(n_donors)],
            "annual_budget": budget,
            "min_grant": minimum,
            "max_grant": maximum,
            "currency": rng.choice(["USD", "EUR", "GBP", "JPY"], n_donors),
        }
    )
    p_idx, d_idx = np.divmod(np.arange(n_proposals * n_donors), n_donors)
    pairs = pd.DataFrame(
        {
            "proposal_id": proposals["proposal_id"].to_numpy()[p_idx],
            "donor_id": donors["donor_id"].to_numpy()[d_idx],
            "score": np.round(rng.beta(2, 5, p_idx.size), 4),
            "eligible": rng.random(p_idx.size) < 0.6,
        }
    )
    return pairs, proposals, donors


def greedy_plan(problem: AllocationProblem) -> tuple[int, float, float]:
    """Smallest gaps first; each funded by its best-scoring candidates only if it closes.

    Returns closed gaps, money placed and match quality, on the planner's own candidates.
    """
    props = problem.proposals.set_index("proposal_id")
    dons = problem.donors.set_index("donor_id")
    left = dons["budget"].astype(float).to_dict()
    minimum = np.maximum(dons["min_ticket"].astype(float), MIN_GRANT_UNITS).to_dict()
    maximum = dons["max_ticket"].astype(float).to_dict()
    cap = problem.options.max_donors_per_proposal
    closed, placed, quality = 0, 0.0, 0.0
    by_proposal = {
        pid: group.sort_values(["score", "donor_id"], ascending=[False, True])
        for pid, group in problem.pairs.groupby("proposal_id")
    }
    for pid in props.loc[list(by_proposal)].sort_values("gap").index:
        gap = float(props.loc[pid, "gap"])
        need, grants = gap, []
        for row in by_proposal[pid].itertuples():
            if need <= 0.005 or (cap is not None and len(grants) >= cap):
                break
            give = min(need, maximum[row.donor_id], left[row.donor_id])
            if give + 0.005 >= minimum[row.donor_id] and give > 0:
                grants.append((row.donor_id, give, row.score))
                need -= give
        if need <= 0.005:
            closed += 1
            for donor, give, score in grants:
                left[donor] -= give
                placed += give
                quality += score * give / gap
    return closed, placed, quality


def run_once(
    pairs: pd.DataFrame,
    proposals: pd.DataFrame,
    donors: pd.DataFrame,
    *,
    objective: str,
    candidates: int,
    time_limit: float | None,
) -> dict[str, object]:
    started = time.perf_counter()
    problem = build_problem(
        pairs,
        proposals,
        donors,
        options=PlanOptions(
            objective=objective,  # type: ignore[arg-type]
            candidates_per_proposal=candidates,
            time_limit=time_limit,
        ),
    )
    built = time.perf_counter() - started
    plan = solve(problem)
    greedy_closed, greedy_placed, greedy_quality = greedy_plan(problem)
    stages = {entry["stage"]: entry for entry in plan.solver_log}
    return {
        "objective": objective,
        "K": candidates,
        "pairs in programme": len(problem.pairs),
        "build s": round(built, 2),
        "coverage s": stages.get("coverage", {}).get("seconds"),
        "coverage status": stages.get("coverage", {}).get("status"),
        "coverage bound": stages.get("coverage", {}).get("upper_bound"),
        "fit s": stages.get("fit", {}).get("seconds"),
        "fit status": stages.get("fit", {}).get("status"),
        "total s": round(built + plan.solve_seconds, 2),
        "closed": plan.n_closed,
        "placed M": round(plan.amount_placed / 1e6, 2),
        "quality": round(plan.match_quality, 2),
        "greedy closed": greedy_closed,
        "greedy placed M": round(greedy_placed / 1e6, 2),
        "greedy quality": round(greedy_quality, 2),
        "budget M": round(plan.total_budget / 1e6, 2),
        "gap M": round(plan.total_gap / 1e6, 2),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--proposals", type=int, default=2000)
    parser.add_argument("--donors", type=int, default=100)
    parser.add_argument("--candidates", type=int, nargs="+", default=[5, 10])
    parser.add_argument("--objective", nargs="+", default=["count", "amount"])
    parser.add_argument("--time-limit", type=float, default=120.0, help="seconds per stage")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    pairs, proposals, donors = synthetic_round(args.proposals, args.donors, args.seed)
    print(
        f"# {args.proposals} proposals x {args.donors} donors, {int(pairs['eligible'].sum()):,} "
        f"eligible pairs; time limit {args.time_limit:.0f} s per stage; "
        f"{platform.processor() or platform.machine()}, Python {platform.python_version()}"
    )
    rows = []
    for candidates in args.candidates:
        for objective in args.objective:
            row = run_once(
                pairs,
                proposals,
                donors,
                objective=objective,
                candidates=candidates,
                time_limit=args.time_limit or None,
            )
            rows.append(row)
            print(" | ".join(f"{k}: {v}" for k, v in row.items()), flush=True)
    table = pd.DataFrame(rows)
    print()
    print("| " + " | ".join(table.columns) + " |")
    print("|" + "---|" * len(table.columns))
    for values in table.itertuples(index=False):
        print("| " + " | ".join("" if v is None else str(v) for v in values) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
