"""Running a page so that an unexpected error becomes a clear message, never a traceback."""

from __future__ import annotations

import logging

import streamlit as st
from streamlit.navigation.page import Page

from matcher.errors import LifeWebMatchError
from ui.safe import escape_markdown

logger = logging.getLogger("lifeweb_match.app")

UNEXPECTED_ERROR_MESSAGE = (
    "Something went wrong on this page and it could not be shown. Nothing was saved by the "
    "failed step. Reload the page to try again; if it keeps happening, send the time of the "
    "error to whoever runs LifeWeb Match (the details are in the server log)."
)


def render_identity() -> None:
    """Who is working: the name saved with every change (imports, edits, shortlists, decisions)."""
    st.sidebar.text_input(
        "Your name",
        key="user_name",
        placeholder="recorded with your changes",
        help="Saved with every import, edit, shortlist change and decision you make.",
    )


def run_guarded(page: Page) -> None:
    """Run ``page``; errors the package raises on purpose show their own message.

    Streamlit's own rerun/stop signals derive from ``BaseException`` and pass through.
    """
    try:
        page.run()
    except LifeWebMatchError as error:
        st.error(escape_markdown(str(error), keep_lines=True), icon=":material/error:")
    except Exception:
        logger.exception("page %s failed", getattr(page, "title", "?"))
        st.error(UNEXPECTED_ERROR_MESSAGE, icon=":material/error:")
