"""The Event page through AppTest: an event from two donors' lists to pledges and a plan."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from ui.pages import UNEXPECTED_ERROR_MESSAGE

APP_FILE = Path(__file__).resolve().parents[2] / "app.py"
PAGE = "app_pages/events.py"


def _clean(at: AppTest) -> AppTest:
    assert not at.exception, [e.value for e in at.exception]
    assert UNEXPECTED_ERROR_MESSAGE not in [e.value for e in at.error]
    return at


def _open(at: AppTest) -> AppTest:
    at.run()
    return _clean(at.switch_page(PAGE).run())


def test_an_empty_install_offers_to_create_an_event(app):
    at = _open(app)
    assert [t.value for t in at.title] == ["Events"]
    assert any("No event yet" in i.value for i in at.info)


def test_an_event_shows_its_list_pledges_schedule_and_plan(app, store):
    donors = store.donors()
    two = donors["donor_id"].astype(str).tolist()[:2]
    proposals = store.proposals()["proposal_id"].astype(str).tolist()[:3]
    event_id = store.create_event(
        "Andean roundtable", event_date="2026-03-15", place="Lima", currency="EUR", donor_ids=two
    )
    store.add_to_event(event_id, proposals[0], donor_id=two[0])
    store.add_to_event(event_id, proposals[1], donor_id=two[0])
    store.add_to_event(event_id, proposals[0], donor_id=two[1])
    store.record_step(event_id, proposals[0], two[0], "pledged", amount=250_000, currency="USD")

    at = _open(app)
    assert next(s.value for s in at.subheader) == "Andean roundtable"
    shown = at.dataframe[0].value
    assert len(shown) == 3
    assert "<NA>" not in shown.to_csv()
    assert set(shown["Stage"]) == {"pledged", "invited"}
    assert shown["Score"].notna().all()
    assert shown["Why it fits"].str.len().gt(0).all()

    at.session_state["event_tab"] = "Pledges"
    _clean(at.run())
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Pledges"] == "1"
    assert metrics["Pledged (EUR)"].replace(",", "").isdigit()

    at.session_state["event_tab"] = "Schedule"
    _clean(at.run())
    at.button(key=f"event_solve_{event_id}").click().run()
    _clean(at)
    assert len(store.event_meetings(event_id)) >= 2

    at.session_state["event_tab"] = "Co-funding plan"
    _clean(at.run())
    at.button(key=f"event_plan_{event_id}").click().run()
    _clean(at)
    sentences = [i.value for i in at.info]
    assert any("open requests are fully funded" in s for s in sentences)
