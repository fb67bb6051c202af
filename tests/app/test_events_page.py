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


def _scheduled(store) -> tuple[int, list[str]]:
    donors = store.donors()["donor_id"].astype(str).tolist()[:2]
    proposals = store.proposals()["proposal_id"].astype(str).tolist()[:4]
    event_id = store.create_event("Pacific roundtable", currency="USD", donor_ids=donors)
    for proposal_id in proposals[:2]:
        store.add_to_event(event_id, proposal_id, donor_id=donors[0])
    for proposal_id in proposals[2:]:
        store.add_to_event(event_id, proposal_id, donor_id=donors[1])
    return event_id, donors


def test_a_meeting_is_locked_and_moved_on_the_grid(app, store):
    event_id, _ = _scheduled(store)
    at = _open(app)
    at.session_state["event_tab"] = "Schedule"
    _clean(at.run())
    at.button(key=f"event_solve_{event_id}").click().run()
    _clean(at)
    before = store.event_meetings(event_id)
    assert len(before) >= 2 and not before["locked"].any()
    first = before.iloc[0]

    form = f"event_move_{event_id}"
    next(s for s in at.selectbox if s.label == "Meeting").set_value(
        f"{first['donor_id']}\x1f{first['delegation']}"
    )
    next(b for b in at.button if b.label == "Lock where it is" and form in b.form_id).click()
    _clean(at.run())
    locked = store.event_meetings(event_id).set_index(["donor_id", "delegation"])
    assert bool(locked.loc[(first["donor_id"], first["delegation"]), "locked"])

    free_slot = max(set(range(1, 7)) - set(before["slot"]))
    next(s for s in at.selectbox if s.label == "Meeting").set_value(
        f"{first['donor_id']}\x1f{first['delegation']}"
    )
    next(s for s in at.selectbox if s.label == "To slot").set_value(free_slot)
    next(s for s in at.selectbox if s.label == "To table").set_value(3)
    next(b for b in at.button if b.label == "Move here" and form in b.form_id).click()
    _clean(at.run())
    moved = store.event_meetings(event_id).set_index(["donor_id", "delegation"])
    row = moved.loc[(first["donor_id"], first["delegation"])]
    assert (int(row["slot"]), int(row["table"]), bool(row["locked"])) == (free_slot, 3, True)
    assert len(moved) == len(before)


def test_the_event_plan_asks_what_if_by_donor_name(app, store):
    event_id, donors = _scheduled(store)
    names = store.donors().set_index("donor_id")["name"]
    at = _open(app)
    at.session_state["event_tab"] = "Co-funding plan"
    _clean(at.run())
    at.button(key=f"event_plan_{event_id}").click().run()
    _clean(at)
    picker = next(s for s in at.selectbox if s.label == "What if this donor brought")
    assert set(picker.options) <= {names[d] for d in donors}
    assert len(picker.options) >= 1


def test_creating_a_second_event_opens_it(app, store):
    store.create_event("First roundtable")
    at = _open(app)
    next(
        t for t in at.text_input if t.label == "Event name" and "new_event" in t.form_id
    ).set_value("Second roundtable")
    next(b for b in at.button if b.label == "Create event").click()
    _clean(at.run())
    assert store.events()["name"].tolist() == ["First roundtable", "Second roundtable"]
    assert next(s.value for s in at.subheader) == "Second roundtable"
    assert any("Created the event" in s.value for s in at.success)


def test_editing_the_event_keeps_its_history(app, store):
    event_id = store.create_event("Andean roundtable", place="Lima")
    at = _open(app)
    edit = f"edit_event_{event_id}"
    next(t for t in at.text_input if t.label == "Place" and edit in t.form_id).set_value("Quito")
    next(m for m in at.multiselect if edit in m.form_id).set_value(["PER", "ECU"])
    next(b for b in at.button if b.label == "Save the event").click()
    _clean(at.run())
    details = store.event(event_id)
    assert (details["place"], details["countries"]) == ("Quito", ("ECU", "PER"))
    history = store.event_history(event_id)
    assert history["what"].tolist() == ["created", "edit", "invited countries"]
