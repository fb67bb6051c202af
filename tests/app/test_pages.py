"""Every page of the app, driven through Streamlit's AppTest (no browser).

The app runs on a private copy of a database seeded with the shipped sample data; tests
check what the page shows and, for writes, what reached the database.
"""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from ui.pages import UNEXPECTED_ERROR_MESSAGE

PAGES = {
    "app_pages/matches.py": "Matches",
    "app_pages/proposals.py": "Proposals",
    "app_pages/donors.py": "Donors",
    "app_pages/shortlists.py": "Shortlists",
    "app_pages/overview.py": "Overview",
}


def assert_clean(at: AppTest) -> None:
    """No exception reached the page and the page guard did not fire."""
    assert not at.exception, [e.value for e in at.exception]
    assert UNEXPECTED_ERROR_MESSAGE not in [e.value for e in at.error]


def open_page(at: AppTest, page: str) -> AppTest:
    at.run()
    at.switch_page(page).run()
    assert_clean(at)
    return at


def texts(elements) -> list[str]:
    return [str(e.value) for e in elements]


@pytest.mark.parametrize("page", list(PAGES))
def test_every_page_renders_on_first_start(app, page):
    at = open_page(app, page)
    assert texts(at.title) == [PAGES[page]]
    assert not at.error


def test_first_start_lands_on_matches_with_sample_data_ranked(app):
    at = app.run()
    assert_clean(at)
    assert texts(at.title) == ["Matches"]
    summary = next(c for c in texts(at.caption) if "proposals match" in c)
    assert summary.startswith("62 proposals match")
    table = at.dataframe[0].value
    assert len(table) == 50
    assert table["score"].is_monotonic_decreasing or not table["eligible"].all()
    assert table["explanation"].str.len().gt(0).all()
    assert [m.label for m in at.metric] == ["Score"]


def test_proposals_page_states_the_upload_limit(app):
    at = open_page(app, "app_pages/proposals.py")
    assert any("up to 25 MB" in c for c in texts(at.caption))


# --- Proposals: upload, review, save, edit -------------------------------------------------
def upload(at: AppTest, name: str, content: bytes, mime: str = "text/csv") -> AppTest:
    at.file_uploader(key="proposals_upload").set_value((name, content, mime))
    return at.run()


def metric_values(at: AppTest) -> dict[str, str]:
    return {m.label: str(m.value) for m in at.metric}


def test_messy_upload_shows_the_report_before_anything_is_saved(app, messy_csv, store):
    at = open_page(app, "app_pages/proposals.py")
    upload(at, "messy_proposals.csv", messy_csv)
    assert_clean(at)
    assert metric_values(at) == {
        "Rows in the file": "8",
        "Rows loaded": "5",
        "Rows rejected": "3",
        "Possible duplicates": "1",
    }
    frames = [d.value for d in at.dataframe]
    rejected = next(f for f in frames if "reason" in f.columns)
    assert rejected["row"].tolist() == [6, 7, 8]
    assert "missing title" in rejected["reason"].iloc[0]
    assert "Atlantis" in rejected["reason"].iloc[1]
    mapping = next(f for f in frames if "source_header" in f.columns)
    assert (
        dict(zip(mapping["source_header"], mapping["column"], strict=True))["Funding needed (EUR)"]
        == "requested_amount"
    )
    assert any("delimiter semicolon" in c for c in texts(at.caption))
    # Reviewing wrote nothing.
    assert "MSY-01" not in set(store.proposals()["proposal_id"])


def test_saving_an_upload_stores_the_loaded_rows_as_a_named_round(app, messy_csv, store):
    at = open_page(app, "app_pages/proposals.py")
    upload(at, "messy_proposals.csv", messy_csv)
    round_box = next(t for t in at.text_input if t.label == "Round name")
    round_box.set_value("Roundtable 2026, first call")
    next(b for b in at.button if "as this round" in b.label).click()
    at.run()
    assert_clean(at)
    assert any("5 added" in s and "3 rejected" in s for s in texts(at.success))
    stored = store.proposals()
    new = stored[stored["proposal_id"].str.startswith("MSY-")]
    assert sorted(new["proposal_id"]) == ["MSY-01", "MSY-02", "MSY-03", "MSY-04", "MSY-08"]
    uploads = store.uploads()
    assert uploads.iloc[-1]["round_name"] == "Roundtable 2026, first call"
    assert uploads.iloc[-1]["filename"] == "messy_proposals.csv"


def test_broken_excel_file_gives_a_message_not_a_traceback(app, store):
    at = open_page(app, "app_pages/proposals.py")
    before = len(store.proposals())
    upload(
        at,
        "proposals.xlsx",
        b"PK\x03\x04 this is not really a workbook",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    assert_clean(at)
    assert len(at.error) == 1
    assert "xlsx" in at.error[0].value.lower() or "excel" in at.error[0].value.lower()
    assert not any("as this round" in b.label for b in at.button)
    assert len(store.proposals()) == before


def test_non_utf8_file_offers_an_encoding_with_a_preview(app):
    text = (
        "proposal_id,title,countries,requested_amount\n"
        "CP-1,Forêts de la Côte d'Ivoire,Côte d'Ivoire,300000\n"
    )
    at = open_page(app, "app_pages/proposals.py")
    upload(at, "west_africa.csv", text.encode("cp1252"))
    assert_clean(at)
    assert len(at.error) == 1
    assert any("not UTF-8" in w for w in texts(at.warning))
    encoding = at.selectbox(key="proposals_encoding")
    assert "cp1252" in encoding.options
    encoding.set_value("cp1252").run()
    assert_clean(at)
    assert not at.error
    assert "Forêts de la Côte d'Ivoire" in at.code[0].value
    loaded = next(d.value for d in at.dataframe if "title" in d.value.columns)
    assert loaded["title"].tolist() == ["Forêts de la Côte d'Ivoire"]
    assert loaded["countries"].tolist() == ["CIV"]


def test_editing_a_proposal_keeps_the_previous_version(app, store):
    at = open_page(app, "app_pages/proposals.py")
    picked = at.selectbox(key="proposal_pick").value
    title_box = next(t for t in at.text_input if t.label == "Title")
    title_box.set_value("Renamed by a reviewer")
    next(t for t in at.text_input if t.label == "Countries").set_value("Kenya, Uganda")
    next(b for b in at.button if b.label == "Save changes").click()
    at.run()
    assert_clean(at)
    assert any("Saved proposal" in s for s in texts(at.success))
    record = store.record("proposals", picked)
    assert record["title"] == "Renamed by a reviewer"
    assert record["countries"] == ("KEN", "UGA")
    assert record["version"] == 2
    assert store.versions("proposals", picked)["version"].tolist() == [1, 2]


def test_a_stale_edit_is_refused_with_a_clear_message(app, store):
    at = open_page(app, "app_pages/proposals.py")
    picked = at.selectbox(key="proposal_pick").value
    store.update_proposal(
        picked, {"status": "changed elsewhere"}, expected_version=1, by="colleague"
    )
    next(t for t in at.text_input if t.label == "Title").set_value("My late edit")
    next(b for b in at.button if b.label == "Save changes").click()
    at.run()
    assert_clean(at)
    assert any("changed by someone else" in e for e in texts(at.error))
    assert store.record("proposals", picked)["title"] != "My late edit"


def test_unknown_country_in_an_edit_is_explained(app, store):
    at = open_page(app, "app_pages/proposals.py")
    picked = at.selectbox(key="proposal_pick").value
    next(t for t in at.text_input if t.label == "Countries").set_value("Narnia")
    next(b for b in at.button if b.label == "Save changes").click()
    at.run()
    assert_clean(at)
    assert any("Unknown country" in e and "Narnia" in e for e in texts(at.error))
    assert store.record("proposals", picked)["version"] == 1


def test_search_narrows_the_stored_proposals(app):
    at = open_page(app, "app_pages/proposals.py")
    at.text_input(key="proposal_search").set_value("Laos protected").run()
    assert_clean(at)
    summary = next(c for c in texts(at.caption) if " of 62 proposals" in c)
    shown = int(summary.split()[0])
    assert 0 < shown < 62
