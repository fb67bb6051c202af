"""Overview: the portfolio at a glance, in charts."""

import streamlit as st

from ui import matching, overview_panel, services

st.title("Overview")

analysis = matching.analysis()
if analysis is None:
    st.info("There are no proposals or no donors in the database yet.", icon=":material/info:")
    st.stop()

currency = st.segmented_control(
    "Show amounts in",
    overview_panel.CURRENCIES,
    default="USD",
    required=True,
    key="overview_currency",
)
overview_panel.render_funding(analysis, services.portfolio(), currency)
overview_panel.render_map(analysis, currency)
overview_panel.render_orphans(analysis)
overview_panel.render_crowding(analysis)
