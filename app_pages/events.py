"""Events: a roundtable's list across donors, its pipeline to pledges, schedule and hand-outs."""

import streamlit as st

from matcher.events.pipeline import event_summary
from ui import event_plan_panel, event_schedule_panel, events_panel, services
from ui.pages import linked_tabs

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
    # Only the open tab runs, and the tab stays open across the reruns its own buttons cause.
    list_tab, schedule_tab, pledges_tab, plan_tab, files_tab, history_tab = linked_tabs(
        ["Event list", "Schedule", "Pledges", "Co-funding plan", "Downloads", "History"],
        key="event_tab",
    )
    if list_tab.open:
        with list_tab:
            events_panel.render_list(event, table)
            events_panel.render_pipeline_form(event, table)
    if schedule_tab.open:
        with schedule_tab:
            event_schedule_panel.render_schedule(event, table)
    if pledges_tab.open:
        with pledges_tab:
            events_panel.render_pledges(event, table)
    if plan_tab.open:
        with plan_tab:
            event_plan_panel.render_plan(event, table)
    if files_tab.open:
        with files_tab:
            meetings = services.get_store().event_meetings(int(event["event_id"]))
            summary = event_summary(
                table, currency=event["currency"], on=event["event_date"] or None
            )
            events_panel.render_handouts(event, table, meetings)
            events_panel.render_csv_downloads(event, table, summary, meetings)
    if history_tab.open:
        with history_tab:
            events_panel.render_history(event)
