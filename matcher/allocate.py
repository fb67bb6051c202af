"""The co-funding planner's public names, kept at their first address.

The planner lives in :mod:`matcher.allocation` (problem, solve, what-if); this module
re-exports what callers import, so ``from matcher.allocate import plan_allocation`` keeps working.
"""

from matcher.allocation import (
    AMOUNT_TOLERANCE,
    GRANT_COST,
    MIN_GRANT_UNITS,
    MIP_REL_GAP,
    OBJECTIVES,
    AllocationPlan,
    AllocationProblem,
    PlanOptions,
    WhatIf,
    build_problem,
    diff_plans,
    load_rate_date,
    parse_pair,
    plan_allocation,
    solve,
    what_if,
)

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
