"""Proposals: upload a file, review what was read, save it as a named round; browse and edit."""

import streamlit as st

from ui.import_panel import render_import, render_rounds
from ui.national_targets_panel import render_national_targets_import
from ui.pages import linked_tabs
from ui.records import render_proposal_browser

st.title("Proposals")
st.caption(
    "Expressions of Interest from countries. Upload the file a focal point sent, check the "
    "validation report, then save it as a round; stored proposals can be searched and edited."
)

upload_tab, stored_tab, targets_tab = linked_tabs(
    ["Upload a file", "Stored proposals", "National targets"]
)
with upload_tab:
    render_import("proposals")
with stored_tab:
    render_proposal_browser()
    render_rounds("proposals")
with targets_tab:
    render_national_targets_import()
