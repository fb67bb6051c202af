"""Saving an upload while another writer holds the database: a bounded wait, then a clear line."""

from __future__ import annotations

import sqlite3

from matcher.store.config import BUSY_TIMEOUT_ENV
from ui.pages import UNEXPECTED_ERROR_MESSAGE

FILE = b"proposal_id,title,countries\nBUSY-1,Reefs of Fiji,Fiji\nBUSY-2,Lake Chad wetlands,Chad\n"


def test_a_save_blocked_by_another_writer_says_busy_and_saves_nothing(
    app, store, db_url, monkeypatch
):
    monkeypatch.setenv(BUSY_TIMEOUT_ENV, "0.5")
    at = app.run()
    at.switch_page("app_pages/proposals.py").run()
    at.file_uploader(key="proposals_upload").set_value(("busy.csv", FILE, "text/csv"))
    at.run()
    other_writer = sqlite3.connect(db_url.removeprefix("sqlite:///"), isolation_level=None)
    other_writer.execute("BEGIN IMMEDIATE")  # a colleague's long import holds the write lock
    try:
        next(b for b in at.button if "as this round" in b.label).click()
        at.run()
    finally:
        other_writer.execute("ROLLBACK")
        other_writer.close()
    assert not at.exception, [e.value for e in at.exception]
    errors = [str(e.value).replace("\\", "").replace("\u2060", "") for e in at.error]
    assert UNEXPECTED_ERROR_MESSAGE not in errors
    assert any("the database is busy" in e and "nothing was saved; try again" in e for e in errors)
    assert "BUSY-1" not in set(store.proposals()["proposal_id"])
