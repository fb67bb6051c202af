"""The co-funding planner: spread donor budgets across proposals as a mixed-integer programme.

Ranking says who fits; a roundtable must also decide who pays for what. Given scored,
eligible donor-proposal pairs, each proposal's funding gap (requested minus secured) and
each donor's budget and ticket range, :func:`plan_allocation` finds a plan in two
lexicographic stages, both solved exactly with ``scipy.optimize.milp`` (HiGHS):

1. the **coverage** stage: close as many gaps fully as possible (``objective="count"``),
   or place as much money on gaps as possible (``objective="amount"``);
2. the **fit** stage: keeping stage 1 at its optimum (within a tolerance), maximise the
   *match quality* ``sum(score * amount / gap)``: each proposal counts its funders' scores
   weighted by the share of the gap each covers, so money follows the best-fitting donors
   and splitting a grant never raises the value by itself. A negligible cost per grant
   (``1e-6``) breaks ties towards fewer, larger grants.

For the count objective a best-match plan is solved first and its number of closed gaps
is imposed as a floor on stage 1: the optimum is the same, but on large rounds HiGHS
otherwise spends its time without finding a plan that closes many gaps.

Amounts are semi-continuous: a donor gives nothing or between its minimum ticket (at least
one unit of the plan currency) and its maximum ticket; a donor's grants fit its budget for
the round; a proposal is never funded beyond its gap; an optional cap limits donors per
proposal; staff can force pairs in or forbid them. Everything is converted to one plan
currency with the dated rate table (:mod:`matcher.currency`).

Before solving, :attr:`AllocationProblem.checks` says in plain words what stands in the
way (total gap against total budget, proposals with no eligible donor, donors whose budget
is below their own minimum ticket, forced pairs that break a rule). After solving,
:class:`AllocationPlan` gives the grants, each proposal's gap left with the reason it was
not closed and the next-best donors in reserve, and each donor's budget left.
:func:`what_if` re-plans with a changed budget or a forced pair and lists what moved.

The same inputs always give the same plan: inputs are sorted by id and the solver runs with
fixed options (HiGHS is deterministic; a time limit, when set, can cut a search short).
"""

from matcher.allocation.problem import (
    AMOUNT_TOLERANCE,
    GRANT_COST,
    MIN_GRANT_UNITS,
    MIP_REL_GAP,
    OBJECTIVES,
    AllocationProblem,
    PlanOptions,
    build_problem,
    parse_pair,
)
from matcher.allocation.solve import AllocationPlan, load_rate_date, plan_allocation, solve
from matcher.allocation.what_if import WhatIf, diff_plans, what_if

__all__ = [
    "AMOUNT_TOLERANCE",
    "GRANT_COST",
    "MIN_GRANT_UNITS",
    "MIP_REL_GAP",
    "OBJECTIVES",
    "AllocationPlan",
    "AllocationProblem",
    "PlanOptions",
    "WhatIf",
    "build_problem",
    "diff_plans",
    "load_rate_date",
    "parse_pair",
    "plan_allocation",
    "solve",
    "what_if",
]
