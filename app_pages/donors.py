"""Donors: profiles (priorities, targets, regions, grant range, budget), editable, with history."""

import streamlit as st

from ui.import_panel import render_import, render_rounds
from ui.pages import linked_tabs
from ui.records import render_donor_browser

st.title("Donors")
st.caption(
    "What each donor says it funds and what it funded before. Edit a profile to change how "
    "the donor is matched; the previous version is kept."
)

profiles_tab, upload_tab = linked_tabs(["Donor profiles", "Upload donors or funding history"])
with profiles_tab:
    render_donor_browser()
with upload_tab:
    kind = st.radio(
        "What the file holds",
        ["donors", "history"],
        format_func={"donors": "Donor profiles", "history": "Funding history"}.get,
        horizontal=True,
        key="donor_upload_kind",
    )
    render_import(kind)
    render_rounds(kind)
