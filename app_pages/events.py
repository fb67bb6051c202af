"""Events: a roundtable's list across donors, its pipeline to pledges, schedule and hand-outs."""

import streamlit as st

from ui import event_plan_panel, events_panel

st.title("Events")
st.caption(
    "A roundtable or donors' day from invitation to pledge: one list across donors (each row "
    "with its score, why it fits, the decision and a note), where each pair stands (invited, "
    "met, interested, pledged, declined), the meeting schedule, the co-funding plan for the "
    "event, and the files people carry into the room."
)

event = events_panel.render_picker()
events_panel.render_create_form(expanded=event is None)
if event is not None:
    events_panel.render_heading(event)
    table = events_panel.event_table(event)
    list_tab, schedule_tab, pledges_tab, plan_tab, files_tab, history_tab = st.tabs(
        ["Event list", "Schedule", "Pledges", "Co-funding plan", "Downloads", "History"]
    )
    with list_tab:
        events_panel.render_list(event, table)
        events_panel.render_pipeline_form(event, table)
    with schedule_tab:
        meetings = events_panel.render_schedule(event, table)
    with pledges_tab:
        summary = events_panel.render_pledges(event, table)
    with plan_tab:
        event_plan_panel.render_plan(event, table)
    with files_tab:
        events_panel.render_csv_downloads(event, table, summary, meetings)
    with history_tab:
        events_panel.render_history(event)
