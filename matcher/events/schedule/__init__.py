"""The roundtable meeting schedule: donor x delegation meetings in slots and tables.

:func:`schedule_meetings` finds the schedule with the most delegations met, then the
highest total match score (scipy's HiGHS); :func:`move_meeting` re-solves with one meeting
locked elsewhere; :func:`best_pairs` turns donor x proposal rows into donor x delegation
pairs. Bad inputs raise :class:`ScheduleInputError` naming the row.
"""

from matcher.events.schedule.inputs import ScheduleInputError, best_pairs
from matcher.events.schedule.solver import (
    SCHEDULE_COLUMNS,
    ScheduleReport,
    ScheduleResult,
    move_meeting,
    schedule_meetings,
)

__all__ = [
    "SCHEDULE_COLUMNS",
    "ScheduleInputError",
    "ScheduleReport",
    "ScheduleResult",
    "best_pairs",
    "move_meeting",
    "schedule_meetings",
]
