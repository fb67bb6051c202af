"""The schedule's data (ui.event_schedule): a meeting as a person picks it, and in solver terms."""

from __future__ import annotations

import pandas as pd

from ui.event_schedule import as_solver_meetings, meeting_label

EVENT = {"first_slot": "09:00", "slot_minutes": 30}
MEETINGS = pd.DataFrame(
    {
        "donor_id": ["DE-IKI", "JP-JBF"],
        "delegation": ["PER", "XKX"],
        "slot": [2, 1],
        "table": [3, 1],
        "locked": [True, False],
    }
)


def test_a_meeting_reads_with_its_time_table_donor_and_country_names() -> None:
    first, second = MEETINGS.itertuples(index=False)
    names = {"DE-IKI": "Germany (IKI)"}
    assert (
        meeting_label(first, EVENT, names) == "09:30–10:00 · table 3: Germany (IKI) · Peru (locked)"
    )
    # A donor or delegation the names do not know is shown by its id, never dropped.
    assert meeting_label(second, EVENT, names) == "09:00–09:30 · table 1: JP-JBF · XKX"


def test_stored_meetings_are_given_to_the_solver_under_its_column_names() -> None:
    solver = as_solver_meetings(MEETINGS)
    assert list(solver.columns) == ["donor", "delegation", "slot", "table", "locked"]
    assert list(solver["donor"]) == ["DE-IKI", "JP-JBF"]
