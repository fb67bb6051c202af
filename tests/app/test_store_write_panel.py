"""A store write from a page (ui.store_write_panel): recorded under the sidebar's name, a refusal
shown in words as text, the other pages told only when the write was accepted."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from ui import services


def _page() -> None:
    import streamlit as st

    from matcher.errors import LifeWebMatchError
    from ui.store_write_panel import store_write

    def save_note(note: str, *, by: str) -> None:
        if note == "stale":
            raise ValueError("the list changed since you opened it: *reload* <b>it</b>")
        if note == "gone":
            raise LifeWebMatchError("no shortlist 7")
        st.session_state["written"] = (note, by)

    st.session_state["accepted"] = store_write("save the note", save_note, st.session_state["note"])


@pytest.fixture
def changes(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Each time the pages are told that the database changed."""
    told: list[str] = []
    monkeypatch.setattr(services, "mark_changed", lambda: told.append("changed"))
    return told


def test_an_accepted_write_is_recorded_under_the_sidebar_name_and_tells_the_pages(changes) -> None:
    at = AppTest.from_function(_page)
    at.session_state["note"] = "call back in May"
    at.session_state["user_name"] = "  Ana Ruiz "
    at.run()
    assert not at.exception and not at.error
    assert at.session_state["accepted"] is True
    assert at.session_state["written"] == ("call back in May", "Ana Ruiz")
    assert changes == ["changed"]


def test_without_a_name_the_write_is_recorded_as_the_app_user(changes) -> None:
    at = AppTest.from_function(_page)
    at.session_state["note"] = "sent the concept note"
    at.run()
    assert at.session_state["written"] == ("sent the concept note", "app user")


@pytest.mark.parametrize(
    ("note", "shown"),
    [
        (
            "stale",
            "Could not save the note: the list changed since you opened it: *reload* <b>it</b>",
        ),
        ("gone", "Could not save the note: no shortlist 7"),
    ],
)
def test_a_refused_write_says_why_as_text_and_changes_nothing(changes, note, shown) -> None:
    at = AppTest.from_function(_page)
    at.session_state["note"] = note
    at.run()
    assert not at.exception  # no traceback on the page
    assert at.session_state["accepted"] is False
    assert "written" not in at.session_state
    assert changes == []
    (error,) = at.error
    assert _as_read(error.value) == shown


def test_the_store_words_are_shown_as_text_not_markdown(changes) -> None:
    at = AppTest.from_function(_page)
    at.session_state["note"] = "stale"
    at.run()
    (error,) = at.error
    assert "\\*reload\\*" in error.value and "\\<b\\>" in error.value


def _as_read(markdown: str) -> str:
    """The text a person reads: Markdown escapes and the invisible word joiner removed."""
    return markdown.replace("\\", "").replace("\u2060", "")
