"""LifeWeb Match: the Streamlit entry point (``streamlit run app.py``).

Sets the page config and routes between the pages in ``app_pages/``; the pages are thin
scripts over ``ui/`` (UI logic) and ``matcher/`` (the engine and the database layer).
"""

from __future__ import annotations

import streamlit as st

from ui.navigation import app_pages
from ui.page_run import new_page_run
from ui.pages import (
    keep_app_params,
    render_display_currency,
    render_identity,
    run_guarded,
    seed_display_currency,
)

st.set_page_config(
    page_title="LifeWeb Match",
    page_icon=":material/forest:",
    layout="wide",
    menu_items={
        "About": "LifeWeb Match: donor and proposal matching for the CBD LifeWeb Initiative."
    },
)

new_page_run()  # what this run asks once (the database's content version) starts afresh
current_page = st.navigation(app_pages(), position="sidebar", expanded=True)
# The name and currency boxes keep their place at the top of the sidebar but are drawn after
# the page, so the browser loads the page's main table before their widgets' code.
settings = st.sidebar.container()
seed_display_currency()
# The hidden "/" page only forwards to Matches: its sidebar would be drawn and at once
# replaced, in the run every new session starts with.
forwards_only = current_page.url_path == ""
try:
    run_guarded(current_page)
finally:  # also when the page stops early (st.stop)
    if not forwards_only:
        with settings:
            render_identity()
            render_display_currency()
keep_app_params()
