"""Shortlists after decisions and repeated creation: what a programme officer sees.

Issue 10 items 1 and 2: a decision on one list never breaks another list (pandas 3 used to
raise on an empty date column), and creating a list when one exists says it was created and
opens it; the same event name for the same donor is refused with a message saying so.
"""

from __future__ import annotations

import pandas as pd
from streamlit.testing.v1 import AppTest

from tests.app.test_pages import add_proposals, assert_clean, create_shortlist, open_page
from ui.shortlists import shortlist_table


def seen(elements) -> list[str]:
    """Message texts as the person reads them (the Markdown escapes removed)."""
    return [str(e.value).replace("\\", "") for e in elements]


def picker_label(at: AppTest) -> str:
    box = at.selectbox(key="shortlist_pick")
    return str(box.format_func(box.value))


def record_decision(at: AppTest, status: str) -> AppTest:
    next(s for s in at.selectbox if s.label == "Decision").set_value(status)
    next(b for b in at.button if b.label == "Record decision").click()
    return at.run()


def open_list(at: AppTest, shortlist_id: int) -> AppTest:
    at.selectbox(key="shortlist_pick").set_value(shortlist_id).run()
    assert_clean(at)
    return at


def test_a_decision_on_one_list_leaves_every_other_list_openable(app, store):
    at = open_page(app, "app_pages/shortlists.py")
    create_shortlist(at, "Madrid donor meeting", "ES")
    add_proposals(at, ["23300"])
    record_decision(at, "contacted")
    assert_clean(at)
    assert store.latest_decisions()["status"].tolist() == ["contacted"]

    create_shortlist(at, "Bonn roundtable", "DE-IKI")
    assert_clean(at)
    add_proposals(at, ["23298"])
    assert_clean(at)
    create_shortlist(at, "Pacific roundtable", "")
    assert_clean(at)
    add_proposals(at, ["23300"])
    assert_clean(at)

    for shortlist_id in (1, 2, 3, 1):
        open_list(at, shortlist_id)
        table = next(d.value for d in at.dataframe if "position" in d.value.columns)
        assert len(table) == 1
    assert table.loc[0, "decision"] == "contacted"


def test_shortlist_table_without_a_decision_for_this_donor_has_empty_decision_cells():
    items = pd.DataFrame(
        {
            "position": [1],
            "proposal_id": ["P1"],
            "title": ["Reefs"],
            "countries": [("FJ",)],
            "requested_amount": [1.0],
            "currency": ["USD"],
            "note": [""],
        }
    )
    latest = pd.DataFrame(
        {
            "proposal_id": ["P2"],
            "donor_id": ["ES"],
            "status": ["contacted"],
            "amount": [None],
            "decided_at": [pd.Timestamp("2026-01-05 10:00", tz="UTC")],
            "recorded_by": ["Ana"],
        }
    )
    scores = pd.DataFrame(columns=["proposal_id"])
    for donor_id in ("DE-IKI", ""):
        table = shortlist_table(
            items, donor_id=donor_id, donor_name="x", scores=scores, latest=latest
        )
        assert table.loc[0, ["decision", "decided_at", "recorded_by"]].tolist() == ["", "", ""]
        assert pd.isna(table.loc[0, "decision_amount"])
    mine = shortlist_table(
        items.assign(proposal_id=["P2"]),
        donor_id="ES",
        donor_name="x",
        scores=scores,
        latest=latest,
    )
    assert mine.loc[0, ["decision", "decided_at"]].tolist() == ["contacted", "2026-01-05 10:00 UTC"]


def test_creating_a_second_shortlist_says_created_and_opens_it(app, store):
    at = open_page(app, "app_pages/shortlists.py")
    create_shortlist(at, "Mekong roundtable", "ES")
    create_shortlist(at, "Suva roundtable", "ES")
    assert_clean(at)
    assert [e.value for e in at.error] == []
    assert any("Created shortlist 'Suva roundtable'" in s for s in seen(at.success))
    assert picker_label(at).startswith("Suva roundtable")
    assert store.shortlists()["event_name"].tolist() == ["Mekong roundtable", "Suva roundtable"]


def test_the_same_event_for_the_same_donor_is_refused_and_the_existing_list_opened(app, store):
    at = open_page(app, "app_pages/shortlists.py")
    create_shortlist(at, "Mekong roundtable", "ES")
    create_shortlist(at, "Suva roundtable", "ES")
    create_shortlist(at, "  mekong  Roundtable ", "ES")
    assert_clean(at)
    errors = seen(at.error)
    assert len(errors) == 1
    assert "already a shortlist for the event 'Mekong roundtable'" in errors[0]
    assert "nothing new was created. It is open below" in errors[0]
    assert picker_label(at).startswith("Mekong roundtable")
    assert len(store.shortlists()) == 2

    create_shortlist(at, "Mekong roundtable", "DE-IKI")  # another donor: a list of its own
    assert_clean(at)
    assert len(store.shortlists()) == 3
