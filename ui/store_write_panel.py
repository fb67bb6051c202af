"""A store write from a page: who made it, its refusal in words, and the pages told it happened.

The Event and Shortlists pages write through :func:`store_write`, so a refused write reads the
same everywhere ("Could not save the note: ...", as text, never a traceback) and every accepted
one is recorded under the name typed in the sidebar and reloads what the other pages show.
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from matcher.errors import LifeWebMatchError
from ui import services
from ui.safe import escape_markdown

__all__ = ["store_write"]


def store_write(action: str, run: Callable[..., object], *args: object, **kwargs: object) -> bool:
    """Run ``run(*args, by=<the current user>, **kwargs)``; True when it was accepted.

    ``action`` finishes the sentence shown when the store refuses ("Could not <action>: why").
    """
    try:
        run(*args, by=services.current_user(), **kwargs)
    except (LifeWebMatchError, ValueError) as error:
        st.error(f"Could not {action}: {escape_markdown(str(error))}", icon=":material/error:")
        return False
    services.mark_changed()
    return True
