"""The Event page's meeting schedule, as data: the meetings in words and in the solver's terms.

:mod:`ui.event_schedule_panel` draws the schedule from these.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from ui import events as tables
from ui.overview import country_names

__all__ = ["as_solver_meetings", "meeting_label"]


def meeting_label(row: Any, event: dict[str, Any], names: dict[str, str]) -> str:
    """One stored meeting as a person picks it: "09:30–10:00 · table 2: Germany (IKI) · Peru
    (locked)"."""
    countries = country_names()
    when = tables.slot_label(row.slot, str(event["first_slot"]), int(event["slot_minutes"]))
    lock = " (locked)" if bool(row.locked) else ""
    return (
        f"{when} · table {row.table}: {names.get(row.donor_id, row.donor_id)} · "
        f"{countries.get(row.delegation, row.delegation)}{lock}"
    )


def as_solver_meetings(meetings: pd.DataFrame) -> pd.DataFrame:
    """Stored meetings (``donor_id``) as :func:`matcher.events.schedule.schedule_meetings` reads
    them (``donor``): its ``locked`` and ``previous`` schedules."""
    return meetings.rename(columns={"donor_id": "donor"})
