"""Solving a plan in two lexicographic MILP stages (HiGHS), and describing it in words."""

from __future__ import annotations

import inspect
import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Final, ParamSpec

import numpy as np
import pandas as pd
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, milp

from matcher.allocation.problem import (
    AMOUNT_TOLERANCE,
    CENT,
    GRANT_COST,
    MIN_GRANT_UNITS,
    MIP_REL_GAP,
    AllocationProblem,
    Objective,
    PlanOptions,
    _money,
    build_problem,
)
from matcher.words import counted

P = ParamSpec("P")

# --------------------------------------------------------------------------- solve


@dataclass(frozen=True)
class AllocationPlan:
    """A solved plan.

    Attributes
    ----------
    allocations
        One row per grant: ``proposal_id``, ``proposal_title``, ``donor_id``, ``donor_name``,
        ``amount`` (plan currency), ``currency``, ``score``, ``share_of_gap``, ``forced``,
        ``proposal_gap_left``, ``donor_budget_left``; sorted by proposal then donor.
    proposals
        One row per proposal: ``gap``, ``allocated``, ``gap_left``, ``closed``,
        ``n_donors``, ``status`` (a sentence: closed, or why not) and ``reserve`` (next-best
        donors that could still give).
    donors
        One row per donor: ``budget``, ``allocated``, ``budget_left``, ``n_grants``,
        ``status``.
    reserve
        Long form of the reserve lists: ``proposal_id``, ``rank``, ``donor_id``,
        ``donor_name``, ``score``, ``budget_left``.
    checks
        The feasibility findings from before the solve, then what the solver reported.
    """

    allocations: pd.DataFrame
    proposals: pd.DataFrame
    donors: pd.DataFrame
    reserve: pd.DataFrame
    checks: tuple[str, ...]
    objective: Objective
    currency: str
    rate_date: str
    solver_status: str
    optimal: bool
    n_closed: int
    n_open: int
    amount_placed: float
    total_gap: float
    total_budget: float
    match_quality: float
    solve_seconds: float
    solver_log: tuple[dict[str, object], ...] = ()

    def summary(self) -> list[str]:
        """The plan in a few sentences, for a console or a page header."""
        cur = self.currency
        lines = [
            f"Closed {self.n_closed} of {counted(self.n_open, 'funding gap')} in full; placed "
            f"{_money(self.amount_placed, cur)} of {_money(self.total_budget, cur)} budget "
            f"against {_money(self.total_gap, cur)} of gaps.",
            f"{counted(len(self.allocations), 'grant')}; match quality {self.match_quality:.3f} "
            f"(sum over grants of score x share of the gap covered).",
            f"Objective: {'close as many gaps as possible' if self.objective == 'count' else 'place as much money as possible'}"
            f", then best match quality. Amounts in {cur} at the rates of {self.rate_date}. "
            f"Solver: {self.solver_status} ({self.solve_seconds:.2f} s).",
        ]
        return lines

    def to_frame(self) -> pd.DataFrame:
        """The grants as one table (what ``lifeweb-match allocate --out`` writes)."""
        return self.allocations.copy()


def _solver_options(options: PlanOptions) -> dict[str, object]:
    settings: dict[str, object] = {"disp": False, "presolve": True, "mip_rel_gap": MIP_REL_GAP}
    if options.time_limit is not None:
        settings["time_limit"] = float(options.time_limit)
    return settings


_STATUS_TEXT: Final = {
    0: "optimal",
    1: "stopped at the time or node limit; best plan found so far",
    2: "infeasible",
    3: "unbounded",
    4: "solver error",
}


def solve(problem: AllocationProblem) -> AllocationPlan:
    """Solve the two-stage programme and describe the plan.

    Parameters
    ----------
    problem
        From :func:`build_problem`.

    Returns
    -------
    AllocationPlan
        Grants, per-proposal and per-donor tables, reserve lists and the checks.
    """
    started = time.perf_counter()
    props = problem.proposals
    dons = problem.donors
    pairs = problem.pairs
    prop_index = {pid: i for i, pid in enumerate(props["proposal_id"])}
    don_index = {did: j for j, did in enumerate(dons["donor_id"])}
    n = len(pairs)
    amounts = np.zeros(n)
    status_text = "nothing to solve"
    optimal = True
    notes: list[str] = []
    log: list[dict[str, object]] = []
    if n:
        amounts, status_text, optimal, notes, log = _solve_programme(problem, prop_index, don_index)
    elapsed = time.perf_counter() - started
    return _describe(problem, amounts, status_text, optimal, notes, elapsed, log)


def _solve_programme(
    problem: AllocationProblem, prop_index: dict[str, int], don_index: dict[str, int]
) -> tuple[np.ndarray, str, bool, list[str], list[dict[str, object]]]:
    options = problem.options
    props = problem.proposals
    dons = problem.donors
    pairs = problem.pairs
    n = len(pairs)
    p_of = np.asarray([prop_index[p] for p in pairs["proposal_id"]])
    d_of = np.asarray([don_index[d] for d in pairs["donor_id"]])
    used_props = np.unique(p_of)
    used_dons = np.unique(d_of)
    gap_all = props["gap"].to_numpy(dtype=float)
    budget_all = dons["budget"].to_numpy(dtype=float)
    scale = max(1.0, float(np.nanmax(gap_all[used_props])) / 1e3)
    gap = gap_all / scale
    budget = budget_all / scale
    min_t = np.maximum(dons["min_ticket"].to_numpy(dtype=float), MIN_GRANT_UNITS)[d_of] / scale
    max_t = dons["max_ticket"].to_numpy(dtype=float)[d_of] / scale
    upper = np.minimum(np.minimum(max_t, budget[d_of]), gap[p_of])
    score = pairs["score"].to_numpy(dtype=float)
    forced = pairs["forced"].to_numpy(dtype=bool)
    count_mode = options.objective == "count"

    # Variables: x (amount, n) | y (grant made, n) | z (gap closed, one per used proposal).
    m = len(used_props) if count_mode else 0
    nvar = 2 * n + m
    rows: list[sparse.coo_matrix] = []
    lower: list[np.ndarray] = []
    upper_rows: list[np.ndarray] = []
    idx = np.arange(n)

    def add(matrix: sparse.coo_matrix, lo: np.ndarray, hi: np.ndarray) -> None:
        rows.append(matrix)
        lower.append(lo)
        upper_rows.append(hi)

    # Semi-continuous amounts: min*y <= x <= upper*y.
    link = sparse.coo_matrix(
        (
            np.concatenate([np.ones(n), -min_t]),
            (np.concatenate([idx, idx]), np.concatenate([idx, n + idx])),
        ),
        shape=(n, nvar),
    )
    add(link, np.zeros(n), np.full(n, np.inf))
    cap_link = sparse.coo_matrix(
        (
            np.concatenate([np.ones(n), -upper]),
            (np.concatenate([idx, idx]), np.concatenate([idx, n + idx])),
        ),
        shape=(n, nvar),
    )
    add(cap_link, np.full(n, -np.inf), np.zeros(n))
    # A proposal is never funded beyond its gap.
    prow = np.searchsorted(used_props, p_of)
    by_prop = sparse.coo_matrix((np.ones(n), (prow, idx)), shape=(len(used_props), nvar))
    add(by_prop, np.full(len(used_props), -np.inf), gap[used_props])
    # A donor's grants fit its budget.
    drow = np.searchsorted(used_dons, d_of)
    by_don = sparse.coo_matrix((np.ones(n), (drow, idx)), shape=(len(used_dons), nvar))
    add(by_don, np.full(len(used_dons), -np.inf), budget[used_dons])
    # Cap on donors per proposal.
    if options.max_donors_per_proposal is not None:
        cap = sparse.coo_matrix((np.ones(n), (prow, n + idx)), shape=(len(used_props), nvar))
        add(
            cap,
            np.full(len(used_props), -np.inf),
            np.full(len(used_props), float(options.max_donors_per_proposal)),
        )
    # Closed gaps: sum x - gap * z >= 0.
    if count_mode:
        zcols = 2 * n + np.arange(m)
        closed = sparse.coo_matrix(
            (
                np.concatenate([np.ones(n), -gap[used_props]]),
                (np.concatenate([prow, np.arange(m)]), np.concatenate([idx, zcols])),
            ),
            shape=(m, nvar),
        )
        add(closed, np.zeros(m), np.full(m, np.inf))
    matrix = sparse.vstack(rows).tocsr()
    lo = np.concatenate(lower)
    hi = np.concatenate(upper_rows)

    var_lower = np.zeros(nvar)
    var_upper = np.concatenate([upper, np.ones(n), np.ones(m)])
    var_lower[n : 2 * n] = forced.astype(float)
    # z can only be 1 when the proposal's candidates can together reach the gap.
    if count_mode:
        reach = np.zeros(len(used_props))
        cap_n = options.max_donors_per_proposal
        for k, p in enumerate(used_props):
            ub = np.sort(upper[p_of == p])[::-1]
            reach[k] = ub[:cap_n].sum() if cap_n is not None else ub.sum()
        var_upper[2 * n :] = (reach + 1e-9 >= gap[used_props] - CENT / scale).astype(float)
    integrality = np.concatenate([np.zeros(n), np.ones(n), np.ones(m)])
    bounds = Bounds(var_lower, var_upper)
    settings = _solver_options(options)
    constraints = [LinearConstraint(matrix, lo, hi)]

    # Stage 1: coverage.
    c1 = np.zeros(nvar)
    coverage = np.zeros(nvar)
    if count_mode:
        coverage[2 * n :] = 1.0
        # Match quality as a tie-break worth less than one closed gap in total: it guides
        # the search to good plans early and leaves the closed-gap optimum unchanged.
        weight = 1.0 / (max(1.0, float(score.max())) * len(used_props) + 1.0)
        c1[2 * n :] = -1.0
        c1[:n] = -weight * score / gap[p_of]
    else:
        coverage[:n] = 1.0
        c1[:n] = -1.0
    log: list[dict[str, object]] = []
    notes: list[str] = []
    c2 = np.zeros(nvar)
    c2[:n] = -score / gap[p_of]
    c2[n : 2 * n] = GRANT_COST
    stage_one = list(constraints)
    warm_closed = 0
    if count_mode:
        # A best-matching plan closes many gaps and is quick to find; its count is a valid
        # floor for the closed-gap stage, which otherwise struggles to find any good plan
        # on large rounds (the optimum does not change, only the search is pruned).
        started = time.perf_counter()
        warm = milp(
            c2, integrality=integrality, bounds=bounds, constraints=constraints, options=settings
        )
        if warm.x is not None:
            funded = np.bincount(prow, weights=warm.x[:n], minlength=len(used_props))
            warm_closed = int(np.sum(funded >= gap[used_props] * (1 - 1e-9) - 1e-9))
            stage_one.append(
                LinearConstraint(
                    sparse.csr_matrix(coverage.reshape(1, -1)),
                    np.array([warm_closed - 0.5]),
                    np.array([np.inf]),
                )
            )
        log.append(
            {
                "stage": "warm start",
                "seconds": round(time.perf_counter() - started, 3),
                "status": _STATUS_TEXT.get(warm.status, str(warm.message)),
                "value": float(warm_closed),
                "upper_bound": None,
            }
        )
    started = time.perf_counter()
    first = milp(
        c1, integrality=integrality, bounds=bounds, constraints=stage_one, options=settings
    )
    bound = getattr(first, "mip_dual_bound", None)
    log.append(
        {
            "stage": "coverage",
            "seconds": round(time.perf_counter() - started, 3),
            "status": _STATUS_TEXT.get(first.status, str(first.message)),
            "value": None
            if first.x is None
            else float(coverage @ first.x) * (1 if count_mode else scale),
            "upper_bound": None
            if bound is None or not np.isfinite(bound)
            else (math.floor(-bound + 1e-9) if count_mode else -bound * scale),
        }
    )
    if first.x is None and not warm_closed:
        notes.append(f"The solver found no plan: {first.message}")
        return np.zeros(n), f"coverage stage: {log[-1]['status']}", False, notes, log
    optimal = first.status == 0
    best = float(coverage @ first.x) if first.x is not None else float(warm_closed)
    if count_mode:
        best = float(max(round(best), warm_closed))
        floor = best - 0.5
        # The bound proves the count even when the search stopped on the tie-break.
        proven = log[-1]["upper_bound"]
        if isinstance(proven, int | float) and proven <= best:
            optimal = True
            log[-1]["status"] = "optimal (closed-gap count equals the solver's bound)"
    else:
        floor = best - AMOUNT_TOLERANCE * max(1.0, best)
    fix = LinearConstraint(
        sparse.csr_matrix(coverage.reshape(1, -1)), np.array([floor]), np.array([np.inf])
    )

    # Stage 2: fit, with the coverage optimum held.
    started = time.perf_counter()
    second = milp(
        c2,
        integrality=integrality,
        bounds=bounds,
        constraints=[*constraints, fix],
        options=settings,
    )
    bound = getattr(second, "mip_dual_bound", None)
    log.append(
        {
            "stage": "fit",
            "seconds": round(time.perf_counter() - started, 3),
            "status": _STATUS_TEXT.get(second.status, str(second.message)),
            "value": None if second.x is None else -float(c2[:n] @ second.x[:n]),
            "upper_bound": None if bound is None or not np.isfinite(bound) else -bound,
        }
    )
    chosen = second if second.x is not None else first
    if chosen.x is None:
        notes.append(f"The solver found no plan: {second.message}")
        return np.zeros(n), f"fit stage: {log[-1]['status']}", False, notes, log
    if second.x is None:
        notes.append(
            f"The match-quality stage stopped without a plan ({second.message}); "
            "the coverage-stage plan is shown."
        )
    optimal = optimal and second.status == 0
    status = "optimal" if optimal else _STATUS_TEXT.get(chosen.status, str(chosen.message))
    if not optimal:
        notes.append(
            "The solver stopped at the time limit before proving the plan optimal: it is a "
            "valid plan, but a better one may exist (raise the time limit, or lower the "
            "candidates per proposal)."
        )
    x = chosen.x[:n] * scale
    x = np.where(x < CENT, 0.0, x)
    return x, status, optimal, notes, log


# --------------------------------------------------------------------------- describe


def _describe(
    problem: AllocationProblem,
    amounts: np.ndarray,
    status_text: str,
    optimal: bool,
    notes: list[str],
    elapsed: float,
    log: list[dict[str, object]],
) -> AllocationPlan:
    options = problem.options
    cur = options.currency
    props = problem.proposals
    dons = problem.donors
    pairs = problem.pairs.assign(amount=np.round(amounts, 2))
    grants = pairs[pairs["amount"] > 0].copy()

    allocated_p = grants.groupby("proposal_id")["amount"].sum()
    count_p = grants.groupby("proposal_id")["donor_id"].count()
    allocated_d = grants.groupby("donor_id")["amount"].sum()
    count_d = grants.groupby("donor_id")["proposal_id"].count()

    ptab = props[
        ["proposal_id", "title", "currency", "requested", "secured", "gap", "in_plan", "note"]
    ].copy()
    ptab["allocated"] = ptab["proposal_id"].map(allocated_p).fillna(0.0).round(2)
    ptab["gap_left"] = np.where(
        ptab["in_plan"], np.maximum(ptab["gap"] - ptab["allocated"], 0.0), np.nan
    ).round(2)
    tol = np.maximum(0.01, 1e-7 * ptab["gap"].fillna(0.0))
    ptab["closed"] = ptab["in_plan"] & (ptab["gap_left"] <= tol)
    ptab.loc[ptab["closed"], "gap_left"] = 0.0
    ptab["n_donors"] = ptab["proposal_id"].map(count_p).fillna(0).astype(int)

    dtab = dons[
        ["donor_id", "name", "currency", "budget", "min_ticket", "max_ticket", "in_plan", "note"]
    ].copy()
    dtab["allocated"] = dtab["donor_id"].map(allocated_d).fillna(0.0).round(2)
    dtab["budget_left"] = np.where(
        dtab["in_plan"], np.maximum(dtab["budget"] - dtab["allocated"], 0.0), dtab["budget"]
    ).round(2)
    dtab["n_grants"] = dtab["donor_id"].map(count_d).fillna(0).astype(int)
    dtab["status"] = np.where(
        ~dtab["in_plan"],
        "left out: " + dtab["note"].astype(str),
        np.where(
            dtab["n_grants"] > 0,
            "gives " + dtab["n_grants"].map(lambda n: counted(int(n), "grant")),
            "gives nothing in this plan",
        ),
    )
    dtab["max_ticket"] = dtab["max_ticket"].replace(np.inf, np.nan)

    names_p = ptab.set_index("proposal_id")["title"]
    grant_gaps = grants["proposal_id"].map(ptab.set_index("proposal_id")["gap"]).astype(float)
    names_d = dtab.set_index("donor_id")["name"]
    budget_left = dtab.set_index("donor_id")["budget_left"]
    gap_left = ptab.set_index("proposal_id")["gap_left"]

    reserve = _reserve(problem, grants, budget_left, names_d)
    reserve_text = (
        reserve.assign(
            label=lambda r: (
                r["donor_id"]
                + np.where(r["donor_name"] != "", " " + r["donor_name"], "")
                + " (score "
                + r["score"].map("{:.2f}".format)
                + ", "
                + r["budget_left"].map(lambda v: _money(v, cur))
                + " free)"
            )
        )
        .groupby("proposal_id")["label"]
        .agg("; ".join)
        if not reserve.empty
        else pd.Series(dtype=object)
    )
    ptab["reserve"] = [str(reserve_text.get(pid, "")) for pid in ptab["proposal_id"]]
    ptab["status"] = [
        _proposal_status(row, problem, grants, budget_left) for row in ptab.itertuples()
    ]

    allocations = pd.DataFrame(
        {
            "proposal_id": grants["proposal_id"].to_numpy(),
            "proposal_title": grants["proposal_id"].map(names_p).to_numpy(),
            "donor_id": grants["donor_id"].to_numpy(),
            "donor_name": grants["donor_id"].map(names_d).to_numpy(),
            "amount": grants["amount"].to_numpy(),
            "currency": cur,
            "score": grants["score"].round(4).to_numpy(),
            "share_of_gap": (grants["amount"] / grant_gaps).round(4).to_numpy(),
            "forced": grants["forced"].to_numpy(dtype=bool),
            "proposal_gap_left": grants["proposal_id"].map(gap_left).to_numpy(),
            "donor_budget_left": grants["donor_id"].map(budget_left).to_numpy(),
        }
    )
    ptab = ptab.rename(columns={"currency": "request_currency"})
    ptab.insert(3, "currency", cur)
    ptab = ptab[
        [
            "proposal_id",
            "title",
            "request_currency",
            "currency",
            "requested",
            "secured",
            "gap",
            "allocated",
            "gap_left",
            "closed",
            "n_donors",
            "status",
            "reserve",
        ]
    ]
    for column in ("requested", "secured", "gap"):
        ptab[column] = ptab[column].round(2)
    dtab = dtab.rename(columns={"currency": "pledge_currency"})
    dtab.insert(3, "currency", cur)
    dtab = dtab[
        [
            "donor_id",
            "name",
            "pledge_currency",
            "currency",
            "budget",
            "min_ticket",
            "max_ticket",
            "allocated",
            "budget_left",
            "n_grants",
            "status",
        ]
    ]
    for column in ("budget", "min_ticket", "max_ticket"):
        dtab[column] = dtab[column].round(2)

    open_mask = props["in_plan"].to_numpy()
    quality = float((grants["score"] * grants["amount"] / grant_gaps).sum())
    rate_day = load_rate_date(problem)
    checks = list(problem.checks) + notes
    return AllocationPlan(
        allocations=allocations,
        proposals=ptab,
        donors=dtab,
        reserve=reserve,
        checks=tuple(checks),
        objective=options.objective,
        currency=cur,
        rate_date=rate_day,
        solver_status=status_text,
        optimal=optimal,
        n_closed=int(ptab["closed"].sum()),
        n_open=int(open_mask.sum()),
        amount_placed=round(float(allocations["amount"].sum()), 2),
        total_gap=round(float(props.loc[props["in_plan"], "gap"].sum()), 2),
        total_budget=round(float(dons.loc[dons["in_plan"], "budget"].sum()), 2),
        match_quality=round(quality, 6),
        solve_seconds=elapsed,
        solver_log=tuple(log),
    )


def load_rate_date(problem: AllocationProblem) -> str:
    """ISO date of the plan-currency rate the problem used."""
    rates = problem.inputs.rates
    return rates.rate_date(problem.options.currency, problem.options.rate_date).date().isoformat()


def _reserve(
    problem: AllocationProblem, grants: pd.DataFrame, budget_left: pd.Series, names_d: pd.Series
) -> pd.DataFrame:
    """Next-best donors per proposal: eligible, not funding it, still able to give."""
    size = problem.options.reserve_size
    columns = ["proposal_id", "rank", "donor_id", "donor_name", "score", "budget_left"]
    eligible = problem.eligible
    if size == 0 or eligible.empty:
        return pd.DataFrame(columns=columns)
    funded = set(zip(grants["proposal_id"], grants["donor_id"], strict=True))
    dons = problem.donors.set_index("donor_id")
    left = eligible["donor_id"].map(budget_left).to_numpy(dtype=float)
    minimum = np.maximum(
        dons.loc[eligible["donor_id"], "min_ticket"].to_numpy(dtype=float), MIN_GRANT_UNITS
    )
    not_funding = np.asarray(
        [k not in funded for k in zip(eligible["proposal_id"], eligible["donor_id"], strict=True)],
        dtype=bool,
    )
    table = eligible[not_funding & (left + CENT >= minimum)].assign(
        budget_left=left[not_funding & (left + CENT >= minimum)]
    )
    table = table.sort_values(
        ["proposal_id", "score", "donor_id"], ascending=[True, False, True], kind="stable"
    )
    table["rank"] = table.groupby("proposal_id").cumcount() + 1
    table = table[table["rank"] <= size]
    table["donor_name"] = table["donor_id"].map(names_d).fillna("")
    table["score"] = table["score"].round(4)
    return table[columns].reset_index(drop=True)


def _proposal_status(
    row: object, problem: AllocationProblem, grants: pd.DataFrame, budget_left: pd.Series
) -> str:
    """A sentence for one proposal: closed, or the most likely reason it is not."""
    cur = problem.options.currency
    if not row.in_plan:  # type: ignore[attr-defined]
        return f"left out: {row.note}"  # type: ignore[attr-defined]
    if row.closed:  # type: ignore[attr-defined]
        return f"gap closed by {counted(int(row.n_donors), 'donor')}"  # type: ignore[attr-defined]
    pid = row.proposal_id  # type: ignore[attr-defined]
    gap = float(row.gap)  # type: ignore[attr-defined]
    eligible = problem.eligible[problem.eligible["proposal_id"] == pid]
    prefix = "partly funded" if row.allocated > 0 else "not funded"  # type: ignore[attr-defined]
    if eligible.empty:
        return f"{prefix}: no eligible donor"
    dons = problem.donors.set_index("donor_id").loc[eligible["donor_id"]]
    minimum = np.maximum(dons["min_ticket"].to_numpy(dtype=float), MIN_GRANT_UNITS)
    if (minimum > gap + CENT).all():
        return f"{prefix}: every eligible donor's minimum ticket is above the gap of {_money(gap, cur)}"
    reach = np.minimum(
        dons["max_ticket"].to_numpy(dtype=float), dons["budget"].to_numpy(dtype=float)
    )
    reach = np.where(minimum > gap + CENT, 0.0, reach)
    cap = problem.options.max_donors_per_proposal
    total = np.sort(reach)[::-1][:cap].sum() if cap is not None else reach.sum()
    if total + CENT < gap:
        limit = f" (at most {counted(cap, 'donor')} per proposal)" if cap is not None else ""
        return (
            f"{prefix}: its eligible donors can give at most {_money(total, cur)} in total{limit}, "
            f"less than the gap of {_money(gap, cur)}"
        )
    free = float(budget_left.reindex(eligible["donor_id"]).fillna(0.0).sum())
    return (
        f"{prefix}: the budgets of its eligible donors went to other proposals "
        f"({_money(free, cur)} of their budgets is left, {_money(float(row.gap_left), cur)} "  # type: ignore[attr-defined]
        f"still missing)"
    )


# --------------------------------------------------------------------------- entry points


def _build_then_solve(build: Callable[P, AllocationProblem]) -> Callable[P, AllocationPlan]:
    """``build`` and :func:`solve` as one call taking exactly ``build``'s arguments, so that
    signature is written (and changed) in one place."""

    def plan_allocation(*args: P.args, **kwargs: P.kwargs) -> AllocationPlan:
        """Build and solve a co-funding plan in one call (the arguments of :func:`build_problem`).

        Returns
        -------
        AllocationPlan
            The plan; its ``checks`` hold the feasibility findings.
        """
        return solve(build(*args, **kwargs))

    plan_allocation.__qualname__ = plan_allocation.__name__
    signature = inspect.signature(build).replace(return_annotation="AllocationPlan")
    plan_allocation.__signature__ = signature  # type: ignore[attr-defined]  # for help()
    return plan_allocation


plan_allocation = _build_then_solve(build_problem)
