"""Events in the store: one list across donors, budgets, the pipeline, meetings, history."""

from __future__ import annotations

import pandas as pd
import pytest
import sqlalchemy as sa

from matcher.store import RecordNotFoundError, StaleWriteError, Store


@pytest.fixture
def filled(store: Store, literal_proposals: pd.DataFrame, literal_donors: pd.DataFrame) -> Store:
    store.import_frame(literal_proposals, "proposals", filename="p.csv")
    store.import_frame(literal_donors, "donors", filename="d.csv")
    return store


@pytest.fixture
def event(filled: Store) -> int:
    return filled.create_event(
        "East Africa roundtable",
        event_date="2026-03-15",
        place="Nairobi",
        currency="eur",
        countries=["ken", "TZA"],
        by="ana",
    )


def test_an_event_keeps_its_name_date_place_currency_and_countries(
    filled: Store, event: int
) -> None:
    details = filled.event(event)
    assert (details["name"], details["event_date"], details["place"], details["currency"]) == (
        "East Africa roundtable",
        "2026-03-15",
        "Nairobi",
        "EUR",
    )
    assert details["countries"] == ("KEN", "TZA")
    assert details["created_by"] == "ana"
    with pytest.raises(ValueError, match="exists already"):
        filled.create_event("East Africa roundtable", event_date="2026-03-15")


def test_proposals_join_from_two_donors_views_into_one_list(filled: Store, event: int) -> None:
    first = filled.add_to_event(event, "P1", donor_id="D1", note="mangroves", by="ana")
    filled.add_to_event(event, "P3", donor_id="D1", by="ana")
    second = filled.add_to_event(event, "P1", donor_id="D2", by="ben")
    assert filled.add_to_event(event, "P1", donor_id="D1") == first  # already there: no change
    assert first != second

    rows = filled.event_rows(event)
    assert list(zip(rows["donor_name"], rows["proposal_id"], rows["note"], strict=True)) == [
        ("Blue Planet Fund", "P1", "mangroves"),
        ("Blue Planet Fund", "P3", ""),
        ("Sahel Foundation", "P1", ""),
    ]
    assert filled.event_donors(event)["donor_id"].tolist() == ["D1", "D2"]
    # Each donor's part is that donor's shortlist of the event.
    lists = filled.shortlists().set_index("shortlist_id")
    assert lists.loc[first, "event_name"] == "East Africa roundtable"
    assert lists.loc[first, "donor_id"] == "D1"
    assert filled.shortlist_items(second)["proposal_id"].tolist() == ["P1"]


def test_renaming_the_event_renames_its_shortlists(filled: Store, event: int) -> None:
    shortlist = filled.add_to_event(event, "P1", donor_id="D1")
    version = filled.event(event)["version"]
    filled.update_event(event, expected_version=version, name="Nairobi roundtable", by="ana")
    assert filled.shortlist(shortlist)["event_name"] == "Nairobi roundtable"
    with pytest.raises(StaleWriteError):
        filled.update_event(event, expected_version=version, place="Mombasa")


def test_the_pipeline_runs_from_invited_to_pledged_with_who_and_when(
    filled: Store, event: int
) -> None:
    filled.add_to_event(event, "P1", donor_id="D1")
    filled.record_step(event, "P1", "D1", "met", by="ana")
    filled.record_step(event, "P1", "D1", "interested", by="ana")
    filled.record_step(event, "P1", "D1", "pledged", amount=400_000, by="ben")
    log = filled.event_pipeline(event)
    assert log["stage"].tolist() == ["met", "interested", "pledged"]
    assert log["recorded_by"].tolist() == ["ana", "ana", "ben"]
    assert log["amount"].iloc[-1] == 400_000.0
    assert log["currency"].iloc[-1] == "EUR"  # the event's currency when none is given
    assert log["happened_at"].notna().all()


@pytest.mark.parametrize(
    ("stage", "amount", "message"),
    [
        ("pledged", None, "needs an amount"),
        ("met", 10.0, "only a pledge"),
        ("signed", None, "unknown stage"),
        ("pledged", -5.0, "cannot be negative"),
    ],
)
def test_a_bad_pipeline_step_is_refused(
    filled: Store, event: int, stage: str, amount: float | None, message: str
) -> None:
    filled.add_to_event(event, "P1", donor_id="D1")
    with pytest.raises(ValueError, match=message):
        filled.record_step(event, "P1", "D1", stage, amount=amount)
    assert filled.event_pipeline(event).empty


def test_a_step_for_a_pair_not_on_the_list_is_refused(filled: Store, event: int) -> None:
    filled.add_to_event(event, "P1", donor_id="D1")
    with pytest.raises(RecordNotFoundError):
        filled.record_step(event, "P1", "D2", "met")


def test_the_database_refuses_to_change_the_pipeline_log(filled: Store, event: int) -> None:
    filled.add_to_event(event, "P1", donor_id="D1")
    filled.record_step(event, "P1", "D1", "met")
    with (
        pytest.raises(sa.exc.DBAPIError, match="append-only"),
        filled.engine.begin() as connection,
    ):
        connection.execute(sa.text("DELETE FROM event_pipeline"))
    assert filled.event_pipeline(event)["stage"].tolist() == ["met"]


def test_event_budgets_start_empty_beside_the_stored_figure(filled: Store, event: int) -> None:
    filled.add_event_donor(event, "D1")
    donors = filled.event_donors(event)
    assert pd.isna(donors["budget"].iloc[0])
    assert donors["annual_budget"].iloc[0] == 5e7
    filled.set_event_budget(event, "D1", 2_000_000, "gbp")
    donors = filled.event_donors(event)
    assert (donors["budget"].iloc[0], donors["budget_currency"].iloc[0]) == (2_000_000.0, "GBP")


def test_meetings_are_saved_only_when_a_room_can_hold_them(filled: Store, event: int) -> None:
    meetings = pd.DataFrame(
        {
            "donor_id": ["D1", "D2"],
            "delegation": ["KEN", "TZA"],
            "slot": [1, 1],
            "table": [1, 2],
            "locked": [True, False],
        }
    )
    filled.save_meetings(event, meetings)
    saved = filled.event_meetings(event)
    assert saved[["donor_id", "delegation", "slot", "table", "locked"]].to_dict("records") == [
        {"donor_id": "D1", "delegation": "KEN", "slot": 1, "table": 1, "locked": True},
        {"donor_id": "D2", "delegation": "TZA", "slot": 1, "table": 2, "locked": False},
    ]
    clash = meetings.assign(delegation=["KEN", "KEN"])
    with pytest.raises(ValueError, match="delegation is in two meetings at once"):
        filled.save_meetings(event, clash)
    with pytest.raises(ValueError, match="outside the event"):
        filled.save_meetings(event, meetings.assign(slot=[1, 99]))
    assert len(filled.event_meetings(event)) == 2  # nothing written by the refused saves


def test_the_event_history_says_who_changed_what(filled: Store, event: int) -> None:
    filled.add_to_event(event, "P1", donor_id="D1", by="ben")
    filled.set_event_budget(event, "D1", 1_000_000, "EUR", by="ana")
    filled.update_event(event, place="Mombasa", by="ana")
    history = filled.event_history(event)
    assert history["version"].tolist() == [1, 2, 3, 4]
    assert history["by"].tolist() == ["ana", "ben", "ana", "ana"]
    assert history["what"].tolist()[:2] == ["created", "add P1 for D1"]
    assert history["what"].iloc[2].startswith("budget of D1")
    assert history["what"].iloc[3] == "edit"
