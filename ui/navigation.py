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


# The first existing page is the landing page (served at "/").
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
    """The existing pages as ``st.Page`` objects; the first one is the default."""
    specs = existing_pages()
    return [
        st.Page(
            PAGES_DIR / spec.filename,
            title=spec.title,
            icon=spec.icon,
            url_path=spec.url_path,
            default=position == 0,
        )
        for position, spec in enumerate(specs)
    ]
