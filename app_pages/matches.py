"""Matches: ranked proposals for a donor, or ranked donors for a proposal, each explained."""

import streamlit as st

from ui import events_panel, match_view, matching

st.title("Matches")
st.caption(
    "Scores run from 0 to 1 and combine six components (text, targets, geography, funding "
    "fit, ecosystems, funding history) with the weights in the sidebar. Eligibility is shown "
    "apart from the score. The address bar keeps the view: copy it to share what you see."
)

analysis = matching.analysis()
if analysis is None:
    st.info(
        "There are no proposals or no donors in the database yet. Upload them on the "
        "Proposals and Donors pages.",
        icon=":material/info:",
    )
    st.stop()
if analysis.text_notice:
    st.caption(analysis.text_notice)  # the encoder is not installed: TF-IDF text only

view = match_view.render_controls(analysis)
shown = match_view.render_ranking(analysis, view)
match_view.render_filters(analysis)  # after the table, so a new session sees the table first
events_panel.render_add_to_event(view, shown)
match_view.render_pair_detail(analysis, view, shown)
