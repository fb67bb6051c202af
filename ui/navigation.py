"""The app's pages, in the order the sidebar shows them."""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

import streamlit as st
from streamlit.navigation.page import Page

APP_DIR = Path(__file__).resolve().parent.parent
PAGES_DIR = APP_DIR / "app_pages"


class PageSpec(NamedTuple):
    filename: str
    title: str
    icon: str
    url_path: str


# The first existing page is where "/" leads.
PAGE_TABLE: tuple[PageSpec, ...] = (
    PageSpec("matches.py", "Matches", ":material/join_inner:", "matches"),
    PageSpec("proposals.py", "Proposals", ":material/description:", "proposals"),
    PageSpec("donors.py", "Donors", ":material/volunteer_activism:", "donors"),
    PageSpec("shortlists.py", "Shortlists", ":material/checklist:", "shortlists"),
    PageSpec("events.py", "Events", ":material/event:", "events"),
    PageSpec("plan.py", "Co-funding plan", ":material/account_balance:", "plan"),
    PageSpec("overview.py", "Overview", ":material/insights:", "overview"),
)


def existing_pages(pages_dir: Path | None = None) -> list[PageSpec]:
    """The pages whose script exists, in sidebar order.

    The co-funding plan page is written separately and appears once its file exists.
    """
    folder = PAGES_DIR if pages_dir is None else pages_dir
    return [spec for spec in PAGE_TABLE if (folder / spec.filename).is_file()]


def app_pages() -> list[Page]:
    """The existing pages as ``st.Page`` objects, each at its own path, behind a landing page.

    Streamlit serves its default page at ``/`` and ignores that page's ``url_path``, so a
    link to ``/matches`` would be "Page not found". The default is therefore a hidden
    landing page that forwards to the first page with the link's parameters kept.
    """
    pages = [
        st.Page(PAGES_DIR / spec.filename, title=spec.title, icon=spec.icon, url_path=spec.url_path)
        for spec in existing_pages()
    ]
    if not pages:
        return pages
    first = pages[0]

    def landing() -> None:
        st.switch_page(first, query_params=st.query_params.to_dict())

    home = st.Page(landing, title=first.title, url_path="home", default=True, visibility="hidden")
    return [home, *pages]
