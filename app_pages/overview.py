"""Overview: the portfolio at a glance, in charts."""

import streamlit as st

from ui import matching, overview_panel, services
from ui.pages import display_currency

st.title("Overview")

analysis = matching.analysis()
if analysis is None:
    st.info("There are no proposals or no donors in the database yet.", icon=":material/info:")
    st.stop()

currency = display_currency()
overview_panel.render_funding(analysis, services.portfolio(), currency)
overview_panel.render_map(analysis, currency)
overview_panel.render_orphans(analysis)
overview_panel.render_crowding(analysis)
