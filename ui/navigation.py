"""The app's pages, in the order the sidebar shows them."""

from __future__ import annotations

from pathlib import Path

import streamlit as st
from streamlit.navigation.page import Page

APP_DIR = Path(__file__).resolve().parent.parent
PAGES_DIR = APP_DIR / "app_pages"

# (file, title, material icon, url path); the first is the landing page.
PAGE_TABLE: tuple[tuple[str, str, str, str], ...] = (
    ("matches.py", "Matches", ":material/join_inner:", "matches"),
    ("proposals.py", "Proposals", ":material/description:", "proposals"),
    ("donors.py", "Donors", ":material/volunteer_activism:", "donors"),
    ("shortlists.py", "Shortlists", ":material/checklist:", "shortlists"),
    ("plan.py", "Co-funding plan", ":material/account_balance:", "plan"),
    ("overview.py", "Overview", ":material/insights:", "overview"),
)


def app_pages() -> list[Page]:
    """Pages that exist on disk, as ``st.Page`` objects; the first one is the default.

    The co-funding plan page is written separately and appears once its file exists.
    """
    pages: list[Page] = []
    for filename, title, icon, url_path in PAGE_TABLE:
        path = PAGES_DIR / filename
        if not path.is_file():
            continue
        pages.append(st.Page(path, title=title, icon=icon, url_path=url_path, default=not pages))
    return pages
