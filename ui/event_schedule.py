"""The Event page's meeting schedule, as data: the room plan and the meetings in words.

:mod:`ui.event_schedule_panel` draws the schedule from these.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from matcher.store.events import SCHEDULE_DEFAULTS
from ui import events as tables
from ui.overview import country_names

__all__ = ["schedule_frame"]


def schedule_frame(event: dict[str, Any]) -> dict[str, Any]:
    """The event's slots, tables and times (the defaults for an event made by a migration)."""
    return {key: event.get(key, default) for key, default in SCHEDULE_DEFAULTS.items()}


def _meeting_label(row: Any, event: dict[str, Any], names: dict[str, str]) -> str:
    countries = country_names()
    when = tables.slot_label(row.slot, str(event["first_slot"]), int(event["slot_minutes"]))
    lock = " (locked)" if bool(row.locked) else ""
    return (
        f"{when} · table {row.table}: {names.get(row.donor_id, row.donor_id)} · "
        f"{countries.get(row.delegation, row.delegation)}{lock}"
    )


def _as_solver(meetings: pd.DataFrame) -> pd.DataFrame:
    return meetings.rename(columns={"donor_id": "donor"})
