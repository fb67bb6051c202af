"""Re-planning after a change (a budget, a forced pair) and saying what moved."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Final

import numpy as np
import pandas as pd

from matcher.allocation.problem import (
    AllocationProblem,
    Pair,
    PlanOptions,
    _as_pair,
    _ids,
    _listing,
    _money,
    _number,
    _text,
    build_problem,
)
from matcher.allocation.solve import AllocationPlan, solve
from matcher.errors import LifeWebMatchError
from matcher.words import counted


@dataclass(frozen=True)
class WhatIf:
    """A re-plan after a change: the new plan, what moved, and a few sentences."""

    problem: AllocationProblem
    plan: AllocationPlan
    diff: pd.DataFrame
    summary: tuple[str, ...]


def what_if(
    problem: AllocationProblem,
    before: AllocationPlan | None = None,
    *,
    budgets: Mapping[str, float] | None = None,
    force: Iterable[Pair | str] = (),
    forbid: Iterable[Pair | str] = (),
    unforce: Iterable[Pair | str] = (),
    options: PlanOptions | None = None,
) -> WhatIf:
    """Re-plan with changed budgets (in the plan currency) or pairs forced/forbidden.

    Parameters
    ----------
    problem
        The problem the current plan came from.
    before
        The current plan (solved again when omitted).
    budgets
        ``{donor_id: budget}`` in the plan currency, replacing the donor's budget.
    force, forbid
        Pairs to add to the forced or forbidden lists.
    unforce
        Pairs to take off the forced list.
    options
        Different :class:`PlanOptions` (for example another objective).

    Returns
    -------
    WhatIf
        ``plan`` (the new plan), ``diff`` (see :func:`diff_plans`) and ``summary``.
    """
    before = before or solve(problem)
    source = problem.inputs
    plan_options = options or problem.options
    new_budgets = source.budgets
    if budgets:
        unknown = sorted(set(map(str, budgets)) - set(problem.donors["donor_id"]))
        if unknown:
            raise LifeWebMatchError(f"No donor {', '.join(unknown)} to change the budget of.")
        changed = pd.DataFrame(
            {
                "donor_id": [str(k) for k in budgets],
                "budget": [float(v) for v in budgets.values()],
                "currency": plan_options.currency,
            }
        )
        if new_budgets is None:
            new_budgets = changed
        else:
            base = pd.DataFrame(
                {
                    "donor_id": _ids(new_budgets["donor_id"]),
                    "budget": _number(new_budgets, "budget"),
                    "currency": _text(new_budgets, "currency"),
                }
            )
            new_budgets = pd.concat([base, changed], ignore_index=True)
    drop = {_as_pair(p) for p in unforce}
    forced = [p for p in source.force if p not in drop]
    forced += [_as_pair(p) for p in force]
    forbidden = list(source.forbid) + [_as_pair(p) for p in forbid]
    new_problem = build_problem(
        source.pairs,
        source.proposals,
        source.donors,
        budgets=new_budgets,
        force=forced,
        forbid=forbidden,
        options=plan_options,
        rates=source.rates,
    )
    after = solve(new_problem)
    diff = diff_plans(before, after)
    return WhatIf(new_problem, after, diff, tuple(_what_if_summary(before, after, diff)))


DIFF_COLUMNS: Final = (
    "proposal_id",
    "proposal_title",
    "donor_id",
    "donor_name",
    "amount_before",
    "amount_after",
    "change",
    "what",
)


def diff_plans(before: AllocationPlan, after: AllocationPlan) -> pd.DataFrame:
    """Grants that differ between two plans.

    Returns
    -------
    pandas.DataFrame
        One row per changed pair: ``proposal_id``, ``proposal_title``, ``donor_id``,
        ``donor_name``, ``amount_before``, ``amount_after``, ``change`` and ``what``
        (``new grant``, ``grant dropped``, ``more`` or ``less``), largest change first.
    """
    keys = ["proposal_id", "donor_id"]
    left = before.allocations[[*keys, "proposal_title", "donor_name", "amount"]]
    right = after.allocations[[*keys, "proposal_title", "donor_name", "amount"]]
    merged = left.merge(right, on=keys, how="outer", suffixes=("_before", "_after"))
    merged["amount_before"] = merged["amount_before"].fillna(0.0)
    merged["amount_after"] = merged["amount_after"].fillna(0.0)
    merged["change"] = (merged["amount_after"] - merged["amount_before"]).round(2)
    merged = merged[merged["change"].abs() >= 0.01].copy()
    merged["proposal_title"] = merged["proposal_title_after"].fillna(
        merged["proposal_title_before"]
    )
    merged["donor_name"] = merged["donor_name_after"].fillna(merged["donor_name_before"])
    merged["what"] = np.select(
        [merged["amount_before"] == 0, merged["amount_after"] == 0, merged["change"] > 0],
        ["new grant", "grant dropped", "more"],
        default="less",
    )
    merged = merged.assign(size=merged["change"].abs()).sort_values(
        ["size", "proposal_id", "donor_id"], ascending=[False, True, True], kind="stable"
    )
    return merged[list(DIFF_COLUMNS)].reset_index(drop=True)


def _what_if_summary(
    before: AllocationPlan, after: AllocationPlan, diff: pd.DataFrame
) -> list[str]:
    cur = after.currency
    was = set(before.proposals.loc[before.proposals["closed"], "proposal_id"])
    now = set(after.proposals.loc[after.proposals["closed"], "proposal_id"])
    lines = [
        f"Gaps closed: {before.n_closed} -> {after.n_closed}; money placed: "
        f"{_money(before.amount_placed, cur)} -> {_money(after.amount_placed, cur)}; "
        f"match quality {before.match_quality:.3f} -> {after.match_quality:.3f}."
    ]
    if now - was:
        lines.append(f"Newly closed: {_listing(sorted(now - was))}.")
    if was - now:
        lines.append(f"No longer closed: {_listing(sorted(was - now))}.")
    lines.append(f"{counted(len(diff), 'grant')} changed." if len(diff) else "No grant changed.")
    return lines
