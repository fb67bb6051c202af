"""The meeting schedule as a mixed-integer programme, solved in two lexicographic stages.

Variables are ``x[pair, slot]`` binaries, only for candidate pairs and only for slots in
which both parties are free (a locked pair has one variable, fixed to 1), plus a coverage
variable ``y[delegation]`` in [0, 1] bounded by the delegation's meetings. Tables are a
capacity per slot: which table a meeting sits at is decided afterwards
(:mod:`.tables`), which keeps the model small (60 donors x 80 delegations x 10 slots with
1,000 candidate pairs is about 10,000 binaries instead of a million with table indices).

Rows: each pair at most once; each donor and each delegation at most one meeting per slot;
at most ``tables`` meetings per slot; at most ``cap`` meetings per donor. Slots nobody told
apart (same availability, no lock, no previous meeting) are interchangeable, so their
meeting counts are ordered, which removes the symmetric copies of every schedule.

Stage 1 maximises the delegations with at least one meeting (a score tie-break worth less
than one delegation in total guides the search); stage 2 keeps that count and maximises the
total score. A meeting of a previous schedule left in its slot is worth ``KEEP_BONUS``, far
below any real score difference, so moving one meeting does not reshuffle the others.
"""

from __future__ import annotations

import itertools
import math
import time
from dataclasses import dataclass
from typing import Final

import numpy as np
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, milp

from matcher.events.schedule.inputs import MeetingProblem

__all__ = ["KEEP_BONUS", "ModelSolution", "solve_model"]

KEEP_BONUS: Final = 1e-5
"""Objective value of keeping a previous meeting in its slot (a tie-break, not a preference)."""

MIP_REL_GAP: Final = 1e-4
"""HiGHS stops within 0.01 % of the optimum (the report gives the gap it proved)."""

_STATUS: Final = {
    0: "optimal",
    1: "stopped at the time limit; best schedule found so far",
    2: "infeasible",
    3: "unbounded",
    4: "solver error",
}


@dataclass(frozen=True)
class ModelSolution:
    """Slot of each pair (-1: no meeting) and what the solver proved."""

    pair_slot: np.ndarray
    coverage_bound: int
    score_bound: float
    optimal: bool
    status: str
    stages: tuple[dict[str, object], ...]


def _variables(problem: MeetingProblem) -> tuple[np.ndarray, np.ndarray]:
    """(pair, slot) of every variable: both parties free, and only the locked slot of a lock."""
    free = problem.donor_free[problem.pair_donor] & problem.delegation_free[problem.pair_delegation]
    locked = problem.locked_slot >= 0
    if locked.any():
        free[locked] = False
        free[np.flatnonzero(locked), problem.locked_slot[locked]] = True
    var_pair, var_slot = np.nonzero(free)
    return var_pair.astype(np.int64), var_slot.astype(np.int64)


def _rows(
    keys: np.ndarray, limit: np.ndarray | float, n_keys: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Row ids (per key), columns and upper limits of ``sum over vars with key <= limit``.

    Keys whose variables can never exceed the limit are left out.
    """
    counts = np.bincount(keys, minlength=n_keys)
    limits = np.broadcast_to(np.asarray(limit, dtype=float), (n_keys,))
    binding = counts > limits
    row_of_key = np.cumsum(binding) - 1
    cols = np.flatnonzero(binding[keys])
    return row_of_key[keys[cols]], cols, limits[binding]


def solve_model(
    problem: MeetingProblem,
    *,
    time_limit: float | None = None,
    greedy_coverage: int | None = None,
) -> ModelSolution:
    """Solve both stages; ``time_limit`` is in seconds per stage (``None``: none).

    ``greedy_coverage``, the delegations a quick schedule meets, skips the coverage stage
    when it already reaches the bound (every delegation with a possible meeting).
    """
    n_slots = problem.n_slots
    n_del = len(problem.delegations)
    n_don = len(problem.donors)
    var_pair, var_slot = _variables(problem)
    n_x = len(var_pair)
    empty = np.full(problem.n_pairs, -1, dtype=np.int64)
    if n_x == 0:
        return ModelSolution(empty, 0, 0.0, True, "optimal", ())
    var_donor = problem.pair_donor[var_pair]
    var_del = problem.pair_delegation[var_pair]
    score = problem.pair_score[var_pair]
    n_var = n_x + n_del

    blocks: list[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]] = []

    def add(
        rows: np.ndarray, cols: np.ndarray, vals: np.ndarray, lo: np.ndarray, hi: np.ndarray
    ) -> None:
        if len(lo):
            blocks.append((rows, cols, vals, lo, hi))

    for keys, limit, n_keys in (
        (var_pair, 1.0, problem.n_pairs),
        (var_donor * n_slots + var_slot, 1.0, n_don * n_slots),
        (var_del * n_slots + var_slot, 1.0, n_del * n_slots),
        (var_slot, float(problem.n_tables), n_slots),
        (var_donor, problem.donor_cap.astype(float), n_don),
    ):
        rows, cols, hi = _rows(keys, limit, n_keys)
        add(rows, cols, np.ones(len(cols)), np.full(len(hi), -np.inf), hi)

    # y[g] - sum of g's meetings <= 0
    add(
        np.concatenate([var_del, np.arange(n_del)]),
        np.concatenate([np.arange(n_x), n_x + np.arange(n_del)]),
        np.concatenate([-np.ones(n_x), np.ones(n_del)]),
        np.full(n_del, -np.inf),
        np.zeros(n_del),
    )

    # Interchangeable slots: meeting counts non-increasing in slot order.
    fixed = np.zeros(n_slots, dtype=bool)
    fixed[problem.locked_slot[problem.locked_slot >= 0]] = True
    fixed[problem.previous_slot[problem.previous_slot >= 0]] = True
    signature: dict[bytes, list[int]] = {}
    for t in range(n_slots):
        if not fixed[t]:
            key = problem.donor_free[:, t].tobytes() + problem.delegation_free[:, t].tobytes()
            signature.setdefault(key, []).append(t)
    sym_rows: list[np.ndarray] = []
    sym_cols: list[np.ndarray] = []
    sym_vals: list[np.ndarray] = []
    n_sym = 0
    for group in signature.values():
        for earlier, later in itertools.pairwise(group):
            for t, sign in ((later, 1.0), (earlier, -1.0)):
                cols = np.flatnonzero(var_slot == t)
                sym_rows.append(np.full(len(cols), n_sym))
                sym_cols.append(cols)
                sym_vals.append(np.full(len(cols), sign))
            n_sym += 1
    if n_sym:
        add(
            np.concatenate(sym_rows),
            np.concatenate(sym_cols),
            np.concatenate(sym_vals),
            np.full(n_sym, -np.inf),
            np.zeros(n_sym),
        )

    offset = 0
    all_rows, all_cols, all_vals, all_lo, all_hi = [], [], [], [], []
    for rows, cols, vals, lo, hi in blocks:
        all_rows.append(rows + offset)
        all_cols.append(cols)
        all_vals.append(vals)
        all_lo.append(lo)
        all_hi.append(hi)
        offset += len(lo)
    matrix = sparse.csr_matrix(
        (np.concatenate(all_vals), (np.concatenate(all_rows), np.concatenate(all_cols))),
        shape=(offset, n_var),
    )
    base = LinearConstraint(matrix, np.concatenate(all_lo), np.concatenate(all_hi))

    lower = np.zeros(n_var)
    upper = np.ones(n_var)
    locked_var = problem.locked_slot[var_pair] == var_slot
    lower[:n_x][locked_var] = 1.0
    has_meeting = np.bincount(var_del, minlength=n_del) > 0
    upper[n_x:][~has_meeting] = 0.0
    bounds = Bounds(lower, upper)
    integrality = np.concatenate([np.ones(n_x), np.zeros(n_del)])
    options: dict[str, object] = {"disp": False, "mip_rel_gap": MIP_REL_GAP}
    if time_limit is not None:
        options["time_limit"] = float(time_limit)

    positive = np.clip(score, 0.0, None)
    tie = 1.0 / (positive.sum() + 1.0)
    kept = (problem.previous_slot[var_pair] == var_slot).astype(float) * KEEP_BONUS
    c1 = np.concatenate([-tie * (positive + kept), -np.ones(n_del)])
    stages: list[dict[str, object]] = []

    coverage_bound = int(has_meeting.sum())
    started = time.perf_counter()
    if greedy_coverage is not None and greedy_coverage >= coverage_bound:
        # A quick schedule already meets every delegation that has a possible meeting.
        covered, coverage_proven, first_status = coverage_bound, True, "proven by a quick schedule"
        fallback = None
    else:
        first = milp(c1, integrality=integrality, bounds=bounds, constraints=base, options=options)
        bound1 = getattr(first, "mip_dual_bound", None)
        # The tie-break is non-negative and below 1 in total: coverage <= floor(-bound).
        if bound1 is not None and np.isfinite(bound1):
            coverage_bound = min(coverage_bound, math.floor(-bound1 + 1e-7))
        first_status = _STATUS.get(first.status, str(first.message))
        if first.x is None:
            stages.append(
                {
                    "stage": "delegations met",
                    "seconds": round(time.perf_counter() - started, 3),
                    "status": first_status,
                }
            )
            status = f"no schedule found: {first.message}"
            return ModelSolution(empty, coverage_bound, math.inf, False, status, tuple(stages))
        chosen_x = np.round(first.x[:n_x]).astype(bool)
        covered = len(np.unique(var_del[chosen_x]))
        coverage_proven = covered >= coverage_bound
        fallback = first.x
    stages.append(
        {
            "stage": "delegations met",
            "seconds": round(time.perf_counter() - started, 3),
            "status": first_status,
        }
    )

    floor = LinearConstraint(
        sparse.csr_matrix(np.concatenate([np.zeros(n_x), np.ones(n_del)]).reshape(1, -1)),
        np.array([covered - 0.5]),
        np.array([np.inf]),
    )
    c2 = np.concatenate([-(score + kept), np.zeros(n_del)])
    started = time.perf_counter()
    second = milp(
        c2, integrality=integrality, bounds=bounds, constraints=[base, floor], options=options
    )
    bound2 = getattr(second, "mip_dual_bound", None)
    stages.append(
        {
            "stage": "total score",
            "seconds": round(time.perf_counter() - started, 3),
            "status": _STATUS.get(second.status, str(second.message)),
        }
    )
    if second.x is None and fallback is None:
        status = f"no schedule found: {second.message}"
        return ModelSolution(empty, coverage_bound, math.inf, False, status, tuple(stages))
    chosen = second.x if second.x is not None else fallback
    x = np.round(chosen[:n_x]).astype(bool)
    pair_slot = empty.copy()
    pair_slot[var_pair[x]] = var_slot[x]
    score_bound = -float(bound2) if bound2 is not None and np.isfinite(bound2) else math.inf
    optimal = coverage_proven and second.status == 0
    if optimal:
        status = "optimal"
    elif second.x is None:
        status = (
            f"score stage found no schedule ({second.message}); the coverage-stage schedule is used"
        )
    else:
        status = _STATUS[1]
    return ModelSolution(pair_slot, coverage_bound, score_bound, optimal, status, tuple(stages))
