"""Shortlists: one per event and donor; reorder, annotate, record decisions, export."""

import streamlit as st

from ui import shortlist_panel

st.title("Shortlists")
st.caption(
    "Build a shortlist for an event (a regional roundtable, a donor meeting), put proposals "
    "in order, note why, and record what was decided. Exports are formula-safe CSV (UTF-8 "
    "with BOM, so Excel shows accents) and Excel, with every score and its explanation."
)

choice = shortlist_panel.render_picker()
shortlist_panel.render_create_form(expanded=choice is None)
if choice is not None:
    shortlist_panel.render_heading(choice)
    items, table = shortlist_panel.render_items(choice)
    shortlist_panel.render_export(choice, table)
    shortlist_panel.render_add_proposals(choice, items)
    shortlist_panel.render_decision_log(choice)
