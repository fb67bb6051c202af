"""Shortlists per event and donor, edits with versions, and the append-only decision log."""

from __future__ import annotations

import datetime as dt
import json

import pandas as pd
import pytest
import sqlalchemy as sa

from matcher.store import DECISION_STATUSES, RecordNotFoundError, StaleWriteError, Store


@pytest.fixture
def filled(store: Store, literal_proposals: pd.DataFrame, literal_donors: pd.DataFrame) -> Store:
    store.import_frame(literal_proposals, "proposals", filename="p.csv")
    store.import_frame(literal_donors, "donors", filename="d.csv")
    return store


def test_shortlist_keeps_event_donor_order_and_notes(filled: Store) -> None:
    shortlist = filled.create_shortlist(
        "East Africa roundtable",
        event_date="2026-03-15",
        donor_id="D1",
        notes="bring the maps",
        by="ana",
    )
    filled.add_to_shortlist(shortlist, "P1", note="strong fit", by="ana")
    filled.add_to_shortlist(shortlist, "P3", by="ana")
    filled.add_to_shortlist(shortlist, "P2", by="ben")

    details = filled.shortlist(shortlist)
    assert details["event_name"] == "East Africa roundtable"
    assert details["event_date"] == "2026-03-15"
    assert details["donor_id"] == "D1"
    assert details["donor_name"] == "Blue Planet Fund"
    assert details["notes"] == "bring the maps"
    assert details["n_proposals"] == 3
    assert details["version"] == 4  # created, then three additions

    items = filled.shortlist_items(shortlist)
    assert items["proposal_id"].tolist() == ["P1", "P3", "P2"]
    assert items["position"].tolist() == [1, 2, 3]
    assert items["note"].tolist() == ["strong fit", "", ""]
    assert items["added_by"].tolist() == ["ana", "ana", "ben"]
    assert items["countries"].iloc[0] == ("TZA", "KEN")
    assert items["title"].iloc[1] == "越南森林保护"


def test_reorder_remove_and_annotate(filled: Store) -> None:
    shortlist = filled.create_shortlist("Sahel donors' day")
    for proposal_id in ("P1", "P2", "P3"):
        filled.add_to_shortlist(shortlist, proposal_id)

    filled.reorder_shortlist(shortlist, ["P3", "P1", "P2"])
    assert filled.shortlist_items(shortlist)["proposal_id"].tolist() == ["P3", "P1", "P2"]

    filled.remove_from_shortlist(shortlist, "P1")
    items = filled.shortlist_items(shortlist)
    assert items["proposal_id"].tolist() == ["P3", "P2"]
    assert items["position"].tolist() == [1, 2]

    filled.annotate_shortlist_item(shortlist, "P2", "ask for co-finance letter")
    assert filled.shortlist_items(shortlist)["note"].tolist() == ["", "ask for co-finance letter"]

    filled.update_shortlist(shortlist, event_date=dt.date(2026, 6, 1), donor_id="D2", notes="moved")
    details = filled.shortlist(shortlist)
    assert (details["event_date"], details["donor_id"], details["notes"]) == (
        "2026-06-01",
        "D2",
        "moved",
    )


def test_every_shortlist_change_keeps_the_previous_state(filled: Store) -> None:
    shortlist = filled.create_shortlist("Roundtable")
    filled.add_to_shortlist(shortlist, "P1")
    filled.add_to_shortlist(shortlist, "P2")
    filled.reorder_shortlist(shortlist, ["P2", "P1"])
    with filled.engine.connect() as connection:
        rows = connection.execute(
            sa.text(
                "SELECT version, reason, data FROM record_versions "
                "WHERE record_kind = 'shortlist' ORDER BY version"
            )
        ).all()
    assert [row.version for row in rows] == [1, 2, 3]
    assert [row.reason for row in rows] == ["add P1", "add P2", "reorder"]
    data = rows[-1].data if isinstance(rows[-1].data, dict) else json.loads(rows[-1].data)
    assert [item["proposal_id"] for item in data["items"]] == ["P1", "P2"]


def test_shortlist_mistakes_get_clear_errors_and_change_nothing(filled: Store) -> None:
    shortlist = filled.create_shortlist("Roundtable")
    filled.add_to_shortlist(shortlist, "P1")
    with pytest.raises(ValueError, match="already on shortlist"):
        filled.add_to_shortlist(shortlist, "P1")
    with pytest.raises(RecordNotFoundError, match="no proposal with id 'NOPE'"):
        filled.add_to_shortlist(shortlist, "NOPE")
    with pytest.raises(ValueError, match="every proposal on the shortlist exactly once"):
        filled.reorder_shortlist(shortlist, ["P1", "P2"])
    with pytest.raises(RecordNotFoundError, match="shortlist"):
        filled.add_to_shortlist(999, "P1")
    with pytest.raises(RecordNotFoundError, match="donor"):
        filled.create_shortlist("Roundtable", donor_id="NO-SUCH-DONOR")
    with pytest.raises(ValueError, match="event name"):
        filled.create_shortlist("  ")
    with pytest.raises(ValueError, match="not a date"):
        filled.create_shortlist("Roundtable", event_date="next spring")
    assert filled.shortlist(shortlist)["version"] == 2
    assert filled.shortlist_items(shortlist)["proposal_id"].tolist() == ["P1"]


def test_stale_shortlist_edit_is_refused(filled: Store) -> None:
    shortlist = filled.create_shortlist("Roundtable")
    seen = filled.shortlist(shortlist)["version"]
    filled.add_to_shortlist(shortlist, "P1", expected_version=seen)
    with pytest.raises(StaleWriteError, match="shortlist '1' was changed by someone else"):
        filled.add_to_shortlist(shortlist, "P2", expected_version=seen)
    assert filled.shortlist_items(shortlist)["proposal_id"].tolist() == ["P1"]


def test_decisions_are_appended_and_the_latest_one_counts(filled: Store) -> None:
    shortlist = filled.create_shortlist("Roundtable", donor_id="D1")
    filled.add_to_shortlist(shortlist, "P1")
    first = filled.record_decision("P1", "D1", "proposed", shortlist_id=shortlist, by="ana")
    filled.record_decision("P1", "D1", "contacted", note="call on Monday", by="ben")
    filled.record_decision(
        "P1",
        "D1",
        "funded",
        amount=400_000,
        currency="usd",
        decided_at=dt.datetime(2026, 5, 2, 12, 0, tzinfo=dt.UTC),
        by="ana",
    )
    filled.record_decision("P2", "D2", "declined", note="outside their region")

    log = filled.decisions()
    assert log["decision_id"].iloc[0] == first
    assert log["status"].tolist() == ["proposed", "contacted", "funded", "declined"]
    assert log["recorded_by"].tolist()[:3] == ["ana", "ben", "ana"]
    funded = log.iloc[2]
    assert (funded["amount"], funded["currency"]) == (400_000.0, "USD")
    assert funded["decided_at"] == pd.Timestamp("2026-05-02 12:00", tz="UTC")
    assert log["shortlist_id"].iloc[0] == shortlist and pd.isna(log["shortlist_id"].iloc[1])

    latest = filled.latest_decisions().set_index(["proposal_id", "donor_id"])["status"]
    assert latest.to_dict() == {("P1", "D1"): "funded", ("P2", "D2"): "declined"}
    assert filled.shortlist_items(shortlist)["latest_status"].tolist() == ["funded"]
    assert filled.decisions(proposal_id="P2")["status"].tolist() == ["declined"]


def test_bad_decisions_are_refused(filled: Store) -> None:
    with pytest.raises(ValueError, match="expected one of proposed, contacted"):
        filled.record_decision("P1", "D1", "maybe")
    with pytest.raises(ValueError, match="negative"):
        filled.record_decision("P1", "D1", "funded", amount=-5)
    with pytest.raises(RecordNotFoundError, match="donor"):
        filled.record_decision("P1", "NOBODY", "proposed")
    assert filled.decisions().empty
    assert DECISION_STATUSES == (
        "proposed",
        "contacted",
        "accepted",
        "pledged",
        "declined",
        "funded",
    )


def test_proposal_and_donor_edits_keep_every_previous_version(filled: Store) -> None:
    version = filled.update_proposal(
        "P2", {"requested_amount": 90_000, "aichi_targets": (5, 15)}, expected_version=1, by="ana"
    )
    assert version == 2
    assert filled.update_proposal("P2", {"requested_amount": 90_000}, expected_version=2) == 2
    version = filled.update_proposal(
        "P2", {"title": "Sahel biosphere reserves"}, expected_version=2
    )
    history = filled.versions("proposals", "P2")
    assert history["version"].tolist() == [1, 2, 3]
    assert history["reason"].tolist() == ["edit", "edit", "current"]
    assert history["superseded_by"].iloc[0] == "ana"
    assert history["title"].tolist()[-1] == "Sahel biosphere reserves"
    assert pd.isna(history["requested_amount"].iloc[0])
    assert history["requested_amount"].iloc[1] == 90_000.0
    assert history["aichi_targets"].tolist() == [(), (5, 15), (5, 15)]

    filled.update_donor(
        "D2", {"active": True, "eligible_regions": ("Western Africa",)}, expected_version=1
    )
    donor = filled.record("donors", "D2")
    assert donor["active"] is True
    assert donor["eligible_regions"] == ("Western Africa",)
    with pytest.raises(ValueError, match="cannot edit donor_id"):
        filled.update_donor("D2", {"donor_id": "D9"}, expected_version=2)
    with pytest.raises(RecordNotFoundError):
        filled.update_donor("D9", {"name": "x"}, expected_version=1)


def test_exports_of_shortlists_and_decisions(filled: Store) -> None:
    shortlist = filled.create_shortlist("Roundtable", event_date="2026-03-15", donor_id="D1")
    filled.add_to_shortlist(shortlist, "P1", note='=HYPERLINK("http://x")')
    filled.add_to_shortlist(shortlist, "P2")
    filled.record_decision("P1", "D1", "contacted")

    lists = filled.export_frame("shortlists")
    assert lists["proposal_id"].tolist() == ["P1", "P2"]
    assert lists["countries"].tolist() == ["TZA;KEN", "NER;MLI;BFA"]
    assert lists["event_date"].tolist() == ["2026-03-15"] * 2
    assert lists["latest_status"].tolist() == ["contacted", ""]

    decisions = filled.export_frame("decisions")
    assert decisions[["proposal_id", "donor_id", "status"]].values.tolist() == [
        ["P1", "D1", "contacted"]
    ]
    with pytest.raises(ValueError, match="unknown export"):
        filled.export_frame("everything")


def test_same_event_name_for_the_same_donor_is_refused_naming_the_existing_list(
    filled: Store,
) -> None:
    from matcher.store import DuplicateShortlistError

    first = filled.create_shortlist("East Africa roundtable", donor_id="D1", by="ana")
    with pytest.raises(DuplicateShortlistError, match="already a shortlist") as refused:
        filled.create_shortlist("east africa  ROUNDTABLE", donor_id="D1", by="ben")
    assert refused.value.shortlist_id == first
    assert "Blue Planet Fund" in str(refused.value)
    other_donor = filled.create_shortlist("East Africa roundtable", donor_id="D2", by="ana")
    all_donors = filled.create_shortlist("East Africa roundtable", by="ana")
    with pytest.raises(DuplicateShortlistError, match="all donors"):
        filled.create_shortlist("East Africa roundtable", by="ana")
    assert len({first, other_donor, all_donors}) == 3
    assert len(filled.shortlists()) == 3
