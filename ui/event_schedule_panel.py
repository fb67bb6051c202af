"""The Event page's meeting schedule: the room plan, solving, the grid, locking and moving.

Every change goes to the database through the store (kept in the event's history); the
schedule's data comes from :mod:`ui.event_schedule`.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import streamlit as st

from matcher.errors import LifeWebMatchError
from ui import events as tables
from ui import services
from ui.event_schedule import as_solver_meetings, meeting_label
from ui.events_panel import donor_names, flash
from ui.overview import country_names
from ui.safe import escape_markdown
from ui.store_write_panel import store_write
from ui.words import counted, noun

__all__ = ["render_schedule"]


# -- the meeting schedule -----------------------------------------------------------------

SCHEDULE_REPORT_KEY = "event_schedule_report"


def _save_result(event: dict[str, Any], result: Any) -> bool:
    schedule = result.schedule.rename(columns={"donor": "donor_id"})
    if not store_write(
        "save the schedule",
        services.get_store().save_meetings,
        int(event["event_id"]),
        schedule,
    ):
        return False
    st.session_state[SCHEDULE_REPORT_KEY] = (int(event["event_id"]), result.report)
    return True


def _render_frame_form(event: dict[str, Any]) -> int | None:
    """Slots, tables, the first slot's time and the slot length; returns the cap per donor."""
    with st.form(f"event_frame_{event['event_id']}"):
        cols = st.columns(5)
        slots = cols[0].number_input("Time slots", 1, 40, int(event["n_slots"]))
        n_tables = cols[1].number_input("Tables", 1, 60, int(event["n_tables"]))
        first = cols[2].text_input("First slot starts", value=str(event["first_slot"]))
        minutes = cols[3].number_input("Minutes per slot", 5, 240, int(event["slot_minutes"]))
        cap = cols[4].number_input(
            "Most meetings per donor (0: no cap)", 0, 40, 0, key=f"event_cap_{event['event_id']}"
        )
        saved = st.form_submit_button("Save the room plan")
    if saved and store_write(
        "save the room plan",
        services.get_store().update_event,
        int(event["event_id"]),
        n_slots=int(slots),
        n_tables=int(n_tables),
        first_slot=first,
        slot_minutes=int(minutes),
    ):
        flash("Saved the room plan.")
        st.rerun()
    return int(cap) or None


def render_schedule(event: dict[str, Any], table: pd.DataFrame) -> pd.DataFrame:
    """Meetings in slots and tables: solve, show the grid, lock or move a meeting."""
    from matcher.events.pipeline import meeting_pairs
    from matcher.events.schedule import ScheduleInputError, move_meeting, schedule_meetings

    store = services.get_store()
    event_id = int(event["event_id"])
    cap = _render_frame_form(event)
    pairs = meeting_pairs(table)
    delegations = tables.invited_delegations(table, event["countries"])
    meetings = store.event_meetings(event_id)
    names = donor_names()
    countries = country_names()
    settings = {
        "slots": int(event["n_slots"]),
        "tables": int(event["n_tables"]),
        "max_per_donor": cap,
        "delegations": delegations,
        "names": {**{c: countries.get(c, c) for c in delegations}, **names},
    }
    if pairs.empty:
        st.info(
            "No meeting to place yet: put proposals on a donor's part of the list first.",
            icon=":material/info:",
        )
        return meetings
    if st.button(
        "Schedule meetings" if meetings.empty else "Schedule again (locked meetings stay)",
        type="primary",
        icon=":material/calendar_month:",
        key=f"event_solve_{event_id}",
    ):
        locked = as_solver_meetings(meetings[meetings["locked"]]) if not meetings.empty else None
        try:
            with st.spinner("Placing the meetings…"):
                result = schedule_meetings(
                    pairs,
                    locked=locked,
                    previous=as_solver_meetings(meetings) if not meetings.empty else None,
                    **settings,
                )
        except (ScheduleInputError, LifeWebMatchError) as error:
            st.error(escape_markdown(str(error)), icon=":material/error:")
            return meetings
        if _save_result(event, result):
            flash(f"Scheduled {counted(len(result.schedule), 'meeting')}.")
            st.rerun()
    report = st.session_state.get(SCHEDULE_REPORT_KEY)
    if report is not None and report[0] == event_id:
        for line in report[1].lines():
            st.caption(escape_markdown(line))
        unmet = report[1].unmet
        if not unmet.empty:
            st.warning(
                escape_markdown(
                    "Delegations without a meeting: "
                    + "; ".join(f"{r.name}: {r.reason}" for r in unmet.itertuples(index=False))
                ),
                icon=":material/warning:",
            )
    if meetings.empty:
        return meetings
    met = set(meetings["delegation"])
    waiting = [countries.get(c, c) for c in delegations if c not in met]
    st.caption(
        escape_markdown(
            f"{counted(len(meetings), 'meeting')}; {len(met & set(delegations))} of "
            f"{counted(len(delegations), 'invited delegation')} "
            f"{noun(len(met & set(delegations)), 'has', 'have')} at least one"
            + (f"; without one: {', '.join(waiting)}." if waiting else ".")
        )
    )
    st.dataframe(
        tables.schedule_grid(meetings, event, names),
        hide_index=True,
        width="stretch",
        key=f"event_grid_{event_id}",
    )
    keys = [f"{r.donor_id}\x1f{r.delegation}" for r in meetings.itertuples(index=False)]
    labels = {
        k: meeting_label(r, event, names)
        for k, r in zip(keys, meetings.itertuples(index=False), strict=True)
    }
    with st.form(f"event_move_{event_id}"):
        st.caption("Lock a meeting where it is, or move it (it is then locked there)")
        picked = st.selectbox("Meeting", keys, format_func=labels.get)
        left, right = st.columns(2)
        slot_choices = list(range(1, int(event["n_slots"]) + 1))
        slot = left.selectbox(
            "To slot",
            slot_choices,
            format_func=lambda s: tables.slot_label(
                s, str(event["first_slot"]), int(event["slot_minutes"])
            ),
        )
        table_no = right.selectbox("To table", list(range(1, int(event["n_tables"]) + 1)))
        move_col, lock_col, unlock_col = st.columns(3)
        move = move_col.form_submit_button("Move here", icon=":material/open_with:")
        lock = lock_col.form_submit_button("Lock where it is", icon=":material/lock:")
        unlock = unlock_col.form_submit_button("Unlock", icon=":material/lock_open:")
    if not (move or lock or unlock):
        return meetings
    donor_id, delegation = picked.split("\x1f")
    chosen = (meetings["donor_id"] == donor_id) & (meetings["delegation"] == delegation)
    if lock or unlock:
        changed = meetings.assign(locked=np.where(chosen, bool(lock), meetings["locked"]))
        if store_write("save the schedule", store.save_meetings, event_id, changed):
            flash(f"{'Locked' if lock else 'Unlocked'} {labels[picked]}.")
            st.rerun()
        return meetings
    try:
        with st.spinner("Moving the meeting…"):
            result = move_meeting(
                pairs,
                as_solver_meetings(meetings),
                donor=donor_id,
                delegation=delegation,
                slot=int(slot),
                table=int(table_no),
                locked=as_solver_meetings(meetings[meetings["locked"]]),
                **settings,
            )
    except (ScheduleInputError, LifeWebMatchError) as error:
        st.error(escape_markdown(str(error)), icon=":material/error:")
        return meetings
    if _save_result(event, result):
        flash(
            f"Moved the meeting of {names.get(donor_id, donor_id)} with "
            f"{countries.get(delegation, delegation)}."
        )
        st.rerun()
    return meetings
