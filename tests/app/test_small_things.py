"""Small things a user notices (issue 10 item 11) and the shortlist layout (item 10).

Remove has an undo; a proposal moves to any position in one step; event dates before 2016
can be picked; the funding-history tab shows titles; the name is remembered in a cookie;
the shortlist table leads with what a person decides on.
"""

from __future__ import annotations

import datetime as dt

from tests.app.test_pages import (
    add_proposals,
    assert_clean,
    create_shortlist,
    open_page,
    shortlist_table,
)
from ui.pages import name_cookie_script, remembered_name


def button(at, label: str):
    return next(b for b in at.button if b.label.startswith(label))


def test_remove_can_be_undone_and_the_proposal_returns_to_its_place_with_its_note(app, store):
    at = open_page(app, "app_pages/shortlists.py")
    create_shortlist(at, "Suva roundtable", "ES")
    add_proposals(at, ["23300", "23298", "23210"])
    at.selectbox(key="shortlist_item_1").set_value("23298").run()
    next(t for t in at.text_input if t.label == "Note on this proposal").set_value("ask for 50%")
    button(at, "Save note").click()
    at.run()
    button(at, "Remove from list").click()
    at.run()
    assert_clean(at)
    assert shortlist_table(at)["proposal_id"].tolist() == ["23300", "23210"]
    button(at, "Undo: put 23298 back").click()
    at.run()
    assert_clean(at)
    table = shortlist_table(at)
    assert table["proposal_id"].tolist() == ["23300", "23298", "23210"]
    assert table.loc[1, "note"] == "ask for 50%"
    assert store.shortlist_items(1)["proposal_id"].tolist() == ["23300", "23298", "23210"]


def test_a_proposal_moves_to_any_position_in_one_step(app, store):
    at = open_page(app, "app_pages/shortlists.py")
    create_shortlist(at, "Suva roundtable", "ES")
    add_proposals(at, ["23300", "23298", "23210", "23213"])
    at.selectbox(key="shortlist_item_1").set_value("23213").run()
    next(n for n in at.number_input if n.label == "Move to position").set_value(1)
    button(at, "Move there").click()
    at.run()
    assert_clean(at)
    assert shortlist_table(at)["proposal_id"].tolist() == ["23213", "23300", "23298", "23210"]


def test_the_shortlist_table_leads_with_title_decision_and_note(app):
    at = open_page(app, "app_pages/shortlists.py")
    create_shortlist(at, "Suva roundtable", "ES")
    add_proposals(at, ["23300"])
    assert list(shortlist_table(at).columns[:4]) == ["position", "title", "decision", "note"]


def test_event_dates_before_2016_can_be_picked_and_are_kept(app, store):
    at = open_page(app, "app_pages/shortlists.py")
    picker = next(d for d in at.date_input if d.label == "Event date")
    assert picker.min <= dt.date(2008, 1, 1)
    next(t for t in at.text_input if t.label == "Event").set_value("Nagoya COP10 side event")
    picker.set_value(dt.date(2010, 10, 27))
    next(s for s in at.selectbox if s.label == "Donor").set_value("ES")
    button(at, "Create shortlist").click()
    at.run()
    assert_clean(at)
    assert store.shortlists()["event_date"].astype(str).tolist() == ["2010-10-27"]


def test_the_funding_history_tab_shows_the_titles_of_funded_proposals(app, store):
    at = open_page(app, "app_pages/donors.py")
    at.selectbox(key="donor_pick").set_value("ES").run()
    assert_clean(at)
    history = next(d.value for d in at.dataframe if "amount" in d.value.columns)
    assert list(history.columns[:2]) == ["proposal_id", "title"]
    titles = store.proposals().set_index("proposal_id")["title"]
    assert history["title"].tolist() == [titles.get(p, "") for p in history["proposal_id"]]
    assert (history["title"] != "").any()


def test_the_name_is_remembered_in_a_cookie_and_read_back():
    script = name_cookie_script('Ana "</script>" Pérez')
    assert "lifeweb_user=" in script and '</script>"' not in script
    assert script.count("</script>") == 1
    assert remembered_name({"lifeweb_user": "Ana%20P%C3%A9rez"}) == "Ana Pérez"
    assert remembered_name({}) == ""
