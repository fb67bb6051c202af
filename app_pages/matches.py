"""Matches: ranked proposals for a donor, or ranked donors for a proposal, each explained."""

import streamlit as st

from ui import events_panel, match_view, match_view_panel, matching

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

# The ranked table is sent first (the controls' place above it is kept), so a new session's
# browser loads the table's code before any widget's.
view, link_notes = match_view.current_view(analysis)
controls = st.container()
shown = match_view_panel.render_ranking(analysis, view)
with controls:
    match_view_panel.render_controls(analysis, link_notes)
match_view_panel.render_filters(analysis)
events_panel.render_add_to_event(view, shown)
match_view_panel.render_pair_detail(analysis, view, shown)
