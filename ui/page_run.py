"""What one page run keeps for itself: answers asked once per run, such as the database's
content version (:func:`ui.services.content_version`).

Kept apart from :mod:`ui.services` so that ``app.py`` starts a run without importing the
database layer (``tests/app/test_lazy_imports.py``).
"""

from __future__ import annotations

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

__all__ = ["forget_this_run", "kept_this_run", "new_page_run"]

_KEPT = "_kept_this_page_run"


def new_page_run() -> None:
    """Called at the top of every run (``app.py``): nothing is kept from the run before."""
    st.session_state[_KEPT] = {}


def kept_this_run() -> dict[str, str] | None:
    """This run's answers so far; ``None`` outside a page run (the warm-up at server start)."""
    if get_script_run_ctx() is None:
        return None
    kept = st.session_state.get(_KEPT)
    return kept if isinstance(kept, dict) else None


def forget_this_run() -> None:
    """After a write: the rest of this run asks again."""
    if kept_this_run() is not None:
        st.session_state[_KEPT] = {}
