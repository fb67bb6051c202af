"""Every page of the app, driven through Streamlit's AppTest (no browser).

The app runs on a private copy of a database seeded with the shipped sample data; tests
check what the page shows and, for writes, what reached the database.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from matcher.load import load
from matcher.store import open_store
from tests.app.conftest import open_sidebar
from ui.events_panel import ADD_TO_EVENT_KEY
from ui.filters import is_closed_status
from ui.pages import UNEXPECTED_ERROR_MESSAGE

APP_FILE = Path(__file__).resolve().parents[2] / "app.py"
APPLY_SLIDERS = "FormSubmitter:mv_sliders-Apply"

PAGES = {
    "app_pages/matches.py": "Matches",
    "app_pages/proposals.py": "Proposals",
    "app_pages/donors.py": "Donors",
    "app_pages/shortlists.py": "Shortlists",
    "app_pages/plan.py": "Co-funding plan",
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


def test_first_start_lands_on_matches_with_sample_data_ranked(app, store):
    at = app.run()
    assert_clean(at)
    assert texts(at.title) == ["Matches"]
    summary = next(c for c in texts(at.caption) if "proposals match" in c)
    stored = store.proposals()
    still_open = int((~stored["status"].map(is_closed_status)).sum())
    assert 0 < still_open < len(stored)
    assert summary.startswith(f"{still_open} proposals match")
    table = at.dataframe[0].value
    assert len(table) == min(still_open, 50)
    assert list(table.columns[:6]) == [
        "score",
        "proposal_title",
        "explanation",
        "funding",
        "decision",
        "status",
    ]
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
        == "Amount requested"
    )
    assert any("delimiter semicolon" in c for c in texts(at.caption))
    assert [b.label for b in at.download_button] == ["Download the rejected rows to fix them (CSV)"]
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
    rounds = next(d.value for d in at.dataframe if "round_name" in d.value.columns)
    assert rounds["round_name"].tolist() == ["Roundtable 2026, first call", "sample data"]
    assert rounds["n_added"].tolist() == [5, len(stored) - 5]


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
    assert loaded["countries"].tolist() == ["Côte d’Ivoire"]  # the name, not CIV


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


def test_after_a_refused_edit_the_form_opens_the_colleagues_version_and_saves(app, store):
    at = open_page(app, "app_pages/proposals.py")
    picked = at.selectbox(key="proposal_pick").value
    store.update_proposal(picked, {"status": "changed elsewhere"}, expected_version=1, by="b")
    next(b for b in at.button if b.label == "Save changes").click()
    at.run()
    assert any("changed by someone else" in e for e in texts(at.error))
    at.run()  # the next run: the form is the one stored now
    assert any(f"Edit proposal {picked} (version 2)" in c for c in texts(at.caption))
    next(t for t in at.text_input if t.label == "Title").set_value("My edit, after reading theirs")
    next(b for b in at.button if b.label == "Save changes").click()
    at.run()
    assert_clean(at)
    record = store.record("proposals", picked)
    assert (record["title"], record["status"], record["version"]) == (
        "My edit, after reading theirs",
        "changed elsewhere",
        3,
    )


def test_unknown_country_in_an_edit_is_explained(app, store):
    at = open_page(app, "app_pages/proposals.py")
    picked = at.selectbox(key="proposal_pick").value
    next(t for t in at.text_input if t.label == "Countries").set_value("Narnia")
    next(b for b in at.button if b.label == "Save changes").click()
    at.run()
    assert_clean(at)
    assert any("Unknown country" in e and "Narnia" in e for e in texts(at.error))
    assert store.record("proposals", picked)["version"] == 1


def test_search_narrows_the_stored_proposals(app, store):
    stored = len(store.proposals())
    at = open_page(app, "app_pages/proposals.py")
    at.text_input(key="proposal_search").set_value("Laos protected").run()
    assert_clean(at)
    summary = next(c for c in texts(at.caption) if f" of {stored} proposals" in c)
    shown = int(summary.split()[0])
    assert 0 < shown < stored


# --- Matches: filters, URL state, weights ----------------------------------------------------
def match_summary(at: AppTest) -> str:
    return next(c for c in texts(at.caption) if " match; showing" in c or " matches; showing" in c)


def test_a_shared_link_reproduces_donor_view_and_filters(app):
    app.query_params.update(
        {"donor_id": "ES", "countries": "LAO,KHM", "min_score": "0.1", "eligible_only": "1"}
    )
    at = open_sidebar(app).run()
    assert_clean(at)
    assert at.selectbox(key="mv_donor_id").value == "ES"
    assert at.multiselect(key="mv_countries").value == ["LAO", "KHM"]
    assert at.toggle(key="mv_eligible_only").value is True
    table = at.dataframe[0].value
    LAO = "Lao People's Democratic Republic"  # UNTERM's short name
    assert set(table["countries"]) <= {LAO, "Cambodia", f"Cambodia, {LAO}", f"{LAO}, Cambodia"}
    assert table["eligible"].all()
    assert (table["score"] >= 0.1).all()
    assert at.query_params["countries"] == "LAO,KHM"


def test_filtering_in_the_sidebar_updates_the_table_and_the_url(app):
    at = open_sidebar(app).run()
    everything = int(match_summary(at).split()[0])
    at.multiselect(key="mv_regions").set_value(["South-eastern Asia"]).run()
    assert_clean(at)
    narrowed = int(match_summary(at).split()[0])
    assert 0 < narrowed < everything
    assert at.query_params["regions"] == "South-eastern Asia"
    at.multiselect(key="mv_groups").set_value(["SIDS"]).run()
    assert at.query_params["groups"] == "SIDS"


def test_filter_that_matches_nothing_says_so(app):
    at = open_sidebar(app).run()
    at.number_input(key="mv_amount_min").set_value(9e12).run()
    assert_clean(at)
    assert match_summary(at).startswith("0 proposals match")
    assert any("Nothing matches these filters" in i for i in texts(at.info))


def test_malformed_link_opens_the_default_view(app):
    app.query_params.update({"view": "sideways", "min_score": "lots", "donor_id": "NO-SUCH"})
    at = open_sidebar(app).run()
    assert_clean(at)
    assert at.segmented_control(key="mv_view").value == "donor"
    assert at.slider(key="mv_min_score").value == 0.0


def test_preset_sets_the_sliders_and_a_moved_slider_goes_into_the_url(app):
    at = open_sidebar(app).run()
    at.selectbox(key="mv_preset").set_value("thematic_only").run()
    assert_clean(at)
    assert at.slider(key="mv_w_thematic").value == 1.0
    assert at.slider(key="mv_w_history").value == 0.0
    assert at.query_params["preset"] == "thematic_only"
    before = at.dataframe[0].value[["proposal_id", "score"]]
    at.slider(key="mv_w_geography").set_value(1.0)
    at.button(key=APPLY_SLIDERS).click().run()
    assert_clean(at)
    assert at.query_params["w_geography"] == "1"
    after = at.dataframe[0].value[["proposal_id", "score"]]
    assert not before.reset_index(drop=True).equals(after.reset_index(drop=True))


def test_a_moved_slider_changes_nothing_until_apply_is_pressed(app):
    at = open_sidebar(app).run()
    before = at.dataframe[0].value[["proposal_id", "score"]].reset_index(drop=True)
    at.slider(key="mv_w_geography").set_value(1.0).run()
    at.slider(key="mv_min_score").set_value(0.3).run()
    assert_clean(at)
    assert "w_geography" not in at.query_params
    assert "min_score" not in at.query_params
    unchanged = at.dataframe[0].value[["proposal_id", "score"]].reset_index(drop=True)
    pd.testing.assert_frame_equal(unchanged, before)
    # AppTest drops a form's pending values on a run without submit (a browser keeps them).
    at.slider(key="mv_w_geography").set_value(1.0)
    at.slider(key="mv_min_score").set_value(0.3)
    at.button(key=APPLY_SLIDERS).click().run()
    assert at.query_params["w_geography"] == "1"
    assert at.query_params["min_score"] == "0.3"
    applied = at.dataframe[0].value
    assert applied["score"].min() >= 0.3
    assert not applied[["proposal_id", "score"]].reset_index(drop=True).equals(before)


def test_proposal_view_ranks_donors_and_explains_a_pair(app):
    app.query_params.update({"view": "proposal", "proposal_id": "23210"})
    at = app.run()
    assert_clean(at)
    table = at.dataframe[0].value
    assert "donor_name" in table.columns
    assert table["rank"].tolist() == list(range(1, len(table) + 1))
    components = next(d.value for d in at.dataframe if "contribution" in d.value.columns)
    assert len(components) == 6
    # A part nobody can compare reads "left out" in words; the others add up to the score.
    counted = components[components["contribution"] != "left out"]
    total = counted["contribution"].astype(float).sum()
    # Each shown to 2 decimals: the rounded parts may miss the rounded score by 0.005 each.
    assert total == pytest.approx(float(at.metric[0].value), abs=0.005 * (len(counted) + 1))


# --- Shortlists: create, add, reorder, annotate, decide, remove ------------------------------
def create_shortlist(at: AppTest, event: str, donor_id: str) -> AppTest:
    next(t for t in at.text_input if t.label == "Event").set_value(event)
    donor_box = next(s for s in at.selectbox if s.label == "Donor")
    donor_box.set_value(donor_id)
    next(b for b in at.button if b.label == "Create shortlist").click()
    return at.run()


def add_proposals(at: AppTest, proposal_ids: list[str]) -> AppTest:
    box = next(m for m in at.multiselect if m.label == "Add proposals")
    box.set_value(proposal_ids)
    next(b for b in at.button if b.label == "Add to shortlist").click()
    return at.run()


def shortlist_table(at: AppTest):
    return next(d.value for d in at.dataframe if "position" in d.value.columns)


def test_shortlist_add_reorder_annotate_decide_and_remove(app, store):
    at = open_page(app, "app_pages/shortlists.py")
    assert any("No shortlist yet" in i for i in texts(at.info))
    create_shortlist(at, "Mekong roundtable", "ES")
    assert_clean(at)
    assert any("Created shortlist" in s for s in texts(at.success))
    add_proposals(at, ["23300", "23298"])
    assert_clean(at)
    assert shortlist_table(at)["proposal_id"].tolist() == ["23300", "23298"]
    assert shortlist_table(at)["score"].notna().all()
    assert shortlist_table(at)["aichi_targets"].str.contains("Aichi 11 — Protected areas").all()

    at.selectbox(key="shortlist_item_1").set_value("23298").run()
    next(b for b in at.button if b.label == "Move up").click()
    at.run()
    assert_clean(at)
    assert shortlist_table(at)["proposal_id"].tolist() == ["23298", "23300"]

    next(t for t in at.text_input if t.label == "Note on this proposal").set_value(
        "Strong fit: *ask* for co-funding"
    )
    next(b for b in at.button if b.label == "Save note").click()
    at.run()
    assert shortlist_table(at).loc[0, "note"] == "Strong fit: *ask* for co-funding"

    next(s for s in at.selectbox if s.label == "Decision").set_value("contacted")
    next(t for t in at.text_input if t.label == "Amount (optional)").set_value("€300k")
    next(b for b in at.button if b.label == "Record decision").click()
    at.run()
    assert_clean(at)
    log = store.decisions()
    assert log[["proposal_id", "donor_id", "status", "amount"]].values.tolist() == [
        ["23298", "ES", "contacted", 300000.0]
    ]
    assert shortlist_table(at).loc[0, "decision"] == "contacted"

    next(b for b in at.button if b.label == "Remove from list").click()
    at.run()
    assert_clean(at)
    assert shortlist_table(at)["proposal_id"].tolist() == ["23300"]
    assert store.shortlist_items(1)["proposal_id"].tolist() == ["23300"]
    assert len(at.download_button) == 2


def test_matches_page_adds_ranked_proposals_to_a_new_event_as_the_donors_shortlist(app, store):
    app.query_params.update({"donor_id": "ES"})
    at = app.run()
    at.text_input(key="user_name").set_value("Ana Pérez").run()
    assert not any(m.label == "Proposals" for m in at.multiselect)  # built once opened
    at.session_state[ADD_TO_EVENT_KEY] = True  # the person opens "Add to an event"
    at.run()
    top_two = at.dataframe[0].value["proposal_id"].head(2).tolist()
    box = next(m for m in at.multiselect if m.label == "Proposals")
    box.set_value(top_two)
    next(t for t in at.text_input if t.label == "Name (for a new event)").set_value(
        "Madrid donor meeting"
    )
    next(b for b in at.button if b.label == "Add to event").click()
    at.run()
    assert_clean(at)
    events = store.events()
    assert events[["name", "n_donors", "n_rows", "created_by"]].values.tolist() == [
        ["Madrid donor meeting", 1, 2, "Ana Pérez"]
    ]
    # The donor's part of the event's list is its shortlist, in ranking order.
    lists = store.shortlists()
    assert lists[["event_name", "donor_id", "n_proposals", "created_by"]].values.tolist() == [
        ["Madrid donor meeting", "ES", 2, "Ana Pérez"]
    ]
    assert store.shortlist_items(int(lists.iloc[0]["shortlist_id"]))["proposal_id"].tolist() == (
        top_two
    )


def test_matches_page_adds_a_proposals_donors_to_an_existing_event(app, store):
    event_id = store.create_event("Madrid donor meeting")
    proposal_id = store.proposals()["proposal_id"].iloc[0]
    app.query_params.update({"view": "proposal", "proposal_id": proposal_id})
    at = app.run()
    assert_clean(at)
    at.session_state[ADD_TO_EVENT_KEY] = True  # the person opens "Add to an event"
    at.run()
    donors = at.dataframe[0].value["donor_name"].head(2).tolist()
    ids = store.donors().set_index("name").loc[donors, "donor_id"].tolist()
    next(m for m in at.multiselect if m.label == "Donors").set_value(ids)
    next(s for s in at.selectbox if s.label == "Event").set_value(event_id)
    next(b for b in at.button if b.label == "Add to event").click()
    at.run()
    assert_clean(at)
    rows = store.event_rows(event_id)
    assert sorted(rows["donor_id"]) == sorted(ids)
    assert set(rows["proposal_id"]) == {proposal_id}


# --- Donors ------------------------------------------------------------------------------------
def test_donor_profile_edit_and_funding_history(app, store):
    at = open_page(app, "app_pages/donors.py")
    at.selectbox(key="donor_pick").set_value("DE-IKI").run()
    history = next(d.value for d in at.dataframe if "amount" in d.value.columns)
    assert len(history) > 0
    next(t for t in at.text_input if t.label == "Minimum grant").set_value("2 million")
    next(t for t in at.text_input if t.label == "Maximum grant").set_value("1 million")
    next(b for b in at.button if b.label == "Save changes").click()
    at.run()
    assert any("minimum grant is above the maximum" in e for e in texts(at.error))
    next(t for t in at.text_input if t.label == "Minimum grant").set_value("250,000")
    next(t for t in at.text_input if t.label == "Eligible regions and groups").set_value(
        "Eastern Africa, SIDS"
    )
    next(b for b in at.button if b.label == "Save changes").click()
    at.run()
    assert_clean(at)
    record = store.record("donors", "DE-IKI")
    assert record["min_grant"] == 250_000.0
    assert record["eligible_regions"] == ("Eastern Africa", "SIDS")
    assert record["version"] == 2


# --- Overview and the empty database ---------------------------------------------------------
def test_overview_draws_funding_orphans_crowding_and_the_offline_map(app):
    at = open_page(app, "app_pages/overview.py")
    charts = at.get("vega_lite_chart")
    assert len(charts) == 5  # Aichi, GBF, region, map, crowding
    assert any("Natural Earth" in c for c in texts(at.caption))
    assert [m.label for m in at.metric] == ["Orphan proposals"]
    at.segmented_control(key="display_currency").set_value("EUR").run()
    assert_clean(at)


def test_database_without_proposals_explains_what_to_do(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'donors-only.db'}"
    handle = open_store(url)
    handle.import_file(Path(__file__).resolve().parents[2] / "data" / "donors.csv", "donors")
    handle.close()
    monkeypatch.setenv("LIFEWEB_DB_URL", url)
    at = AppTest.from_file(str(APP_FILE), default_timeout=120).run()
    assert_clean(at)
    assert any("no proposals or no donors" in i for i in texts(at.info))
    at.switch_page("app_pages/overview.py").run()
    assert_clean(at)
    at.switch_page("app_pages/proposals.py").run()
    assert_clean(at)
    assert any("No proposals are stored yet" in i for i in texts(at.info))


def test_event_name_with_markdown_is_shown_literally(app):
    at = open_page(app, "app_pages/shortlists.py")
    create_shortlist(at, "**Gala** [link](http://example.org) <b>x</b>", "ES")
    assert_clean(at)
    heading = at.subheader[0].value
    assert (
        heading.replace("\\", "").replace("\u2060", "")
        == "**Gala** [link](http://example.org) <b>x</b>"
    )
    assert "**" not in heading and "](" not in heading


def test_streamlit_config_limits_uploads_and_disables_the_builtin_export(repo_dir):
    import tomllib

    config = tomllib.loads((repo_dir / ".streamlit" / "config.toml").read_text())
    assert config["server"]["maxUploadSize"] == 25
    assert config["server"]["headless"] is True
    assert config["browser"]["gatherUsageStats"] is False
    assert config["client"]["disableDataExport"] is True


def test_proposal_detail_shows_suggested_targets_and_nbsap_citation(app):
    at = open_page(app, "app_pages/proposals.py")
    at.selectbox(key="proposal_pick").set_value("23210").run()
    assert_clean(at)
    assert any("Cites its national biodiversity strategy" in s for s in texts(at.success))
    suggested = next(d.value for d in at.dataframe if "suggested target" in d.value.columns)
    assert "Aichi 11 — Protected areas" in set(suggested["suggested target"])
    assert any("Aichi" in i or "target" in i.lower() for i in texts(at.info))


def test_unreachable_database_gives_a_plain_message(monkeypatch):
    monkeypatch.setenv("LIFEWEB_DB_URL", "postgresql://lifeweb:secret@127.0.0.1:1/nothing")
    at = AppTest.from_file(str(APP_FILE), default_timeout=120).run()
    assert not at.exception
    message = at.error[0].value
    assert "could not be opened" in message
    assert "secret" not in message
    assert "LIFEWEB\\_DB\\_URL" in message


def test_ranked_table_shows_where_each_match_stands(app, store):
    store.record_decision("23298", "ES", "accepted", amount=200_000, currency="EUR", by="ana")
    app.query_params.update({"donor_id": "ES"})
    at = app.run()
    assert_clean(at)
    table = at.dataframe[0].value
    decisions = dict(zip(table["proposal_id"], table["decision"], strict=True))
    assert decisions["23298"] == "accepted"
    assert set(decisions.values()) == {"accepted", ""}


def test_all_weights_at_zero_fall_back_to_the_preset_and_say_so(app):
    at = open_sidebar(app).run()
    before = at.dataframe[0].value["score"].tolist()
    for slider in at.slider:
        if slider.key and slider.key.startswith("mv_w_"):
            slider.set_value(0.0)
    at.button(key=APPLY_SLIDERS).click().run()
    assert_clean(at)
    assert any("Every weight is zero" in w for w in texts(at.warning))
    assert at.dataframe[0].value["score"].tolist() == before


def test_funding_history_upload_on_the_donors_page(app, repo_dir):
    at = open_page(app, "app_pages/donors.py")
    at.radio(key="donor_upload_kind").set_value("history").run()
    history = (repo_dir / "data" / "history.csv").read_bytes()
    at.file_uploader(key="history_upload").set_value(("history.csv", history, "text/csv")).run()
    assert_clean(at)
    values = metric_values(at)
    assert int(values["Rows loaded"]) + int(values["Rows rejected"]) == int(
        values["Rows in the file"]
    )
    expected = load(history, "history", filename="history.csv")
    assert int(values["Rows loaded"]) == expected.n_loaded
    assert int(values["Rows rejected"]) == expected.n_rejected
    assert any("as this round" in b.label for b in at.button)
