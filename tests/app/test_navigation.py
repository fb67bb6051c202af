"""Page registration (``ui.navigation``): pages that exist, in sidebar order."""

from __future__ import annotations

from ui.navigation import existing_pages


def test_registers_existing_pages_in_sidebar_order(tmp_path):
    for name in ("overview.py", "plan.py", "matches.py"):
        (tmp_path / name).write_text("import streamlit as st\n")
    assert [p.title for p in existing_pages(tmp_path)] == ["Matches", "Co-funding plan", "Overview"]


def test_the_shipped_pages_are_all_registered():
    titles = [p.title for p in existing_pages()]
    assert titles == [
        "Matches",
        "Proposals",
        "Donors",
        "Shortlists",
        "Events",
        "Co-funding plan",
        "Overview",
    ]
