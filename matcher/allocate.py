"""The co-funding planner's public names, kept at their first address.

The planner lives in :mod:`matcher.allocation` (problem, solve, what-if); this module
re-exports what callers import, so ``from matcher.allocate import plan_allocation`` keeps working.
"""

from matcher.allocation import *  # noqa: F403  (the package's public names, one list)
from matcher.allocation import __all__ as __all__
