"""A pledge or a refusal at an event is the decision a person sees on the shortlist (issue 10).

There were two logs: the event's pipeline and the shortlist's decisions, and a pledge on the
Events page never reached the shortlist (nor the weights learned from decisions). Now both
are written in one transaction, with the same who and when, in either direction.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
import sqlalchemy as sa

from matcher.store import Store, resolve_url
from matcher.store.config import create_store_engine
from matcher.store.decisions import DECISION_LOG_COLUMNS
from matcher.store.migrate import upgrade


@pytest.fixture
def filled(store: Store, literal_proposals: pd.DataFrame, literal_donors: pd.DataFrame) -> Store:
    store.import_frame(literal_proposals, "proposals", filename="p.csv")
    store.import_frame(literal_donors, "donors", filename="d.csv")
    return store


@pytest.fixture
def event(filled: Store) -> int:
    return filled.create_event("Pacific roundtable", event_date="2026-03-15", currency="eur")


def test_a_pledge_at_the_event_is_the_shortlist_decision_with_who_and_when(
    filled: Store, event: int
) -> None:
    shortlist = filled.add_to_event(event, "P1", donor_id="D1", by="ana")
    filled.record_step(event, "P1", "D1", "met", by="ana")  # a stage only: no decision
    filled.record_step(event, "P1", "D1", "pledged", amount=400_000, by="ben")

    log = filled.decisions(shortlist_id=shortlist)
    assert list(log.columns) == list(DECISION_LOG_COLUMNS)
    assert log[["proposal_id", "donor_id", "status", "amount", "currency", "recorded_by"]].to_dict(
        "records"
    ) == [
        {
            "proposal_id": "P1",
            "donor_id": "D1",
            "status": "pledged",
            "amount": 400_000.0,
            "currency": "EUR",
            "recorded_by": "ben",
        }
    ]
    step = filled.event_pipeline(event).iloc[-1]
    assert log["decided_at"].iloc[0] == step["happened_at"]
    latest = filled.latest_decisions().set_index(["proposal_id", "donor_id"])
    assert latest.loc[("P1", "D1"), "status"] == "pledged"


def test_a_refusal_at_the_event_is_a_declined_decision(filled: Store, event: int) -> None:
    shortlist = filled.add_to_event(event, "P3", donor_id="D2")
    filled.record_step(event, "P3", "D2", "declined", by="ana")
    assert filled.decisions(shortlist_id=shortlist)["status"].tolist() == ["declined"]


def test_a_pledge_recorded_on_the_events_shortlist_is_the_events_step(
    filled: Store, event: int
) -> None:
    shortlist = filled.add_to_event(event, "P1", donor_id="D1")
    filled.record_decision(
        "P1", "D1", "pledged", amount=250_000, shortlist_id=shortlist, by="carla"
    )
    step = filled.event_pipeline(event).iloc[-1]
    assert (step["stage"], step["amount"], step["currency"], step["recorded_by"]) == (
        "pledged",
        250_000.0,
        "EUR",  # the event's currency when none is given
        "carla",
    )
    assert len(filled.decisions()) == 1  # one decision, not two


def test_a_decision_on_a_list_of_no_event_touches_no_pipeline(filled: Store) -> None:
    shortlist = filled.create_shortlist("Donor call", donor_id="D1")
    filled.add_to_shortlist(shortlist, "P1")
    filled.record_decision("P1", "D1", "pledged", amount=10, shortlist_id=shortlist)
    assert filled.decisions()["status"].tolist() == ["pledged"]


def test_a_pledge_needs_an_amount_on_the_shortlist_too(filled: Store) -> None:
    with pytest.raises(ValueError, match="needs an amount"):
        filled.record_decision("P1", "D1", "pledged")
    assert filled.decisions().empty


def test_pledges_already_in_an_event_pipeline_join_the_decision_log_on_upgrade(
    db_url: str, literal_proposals: pd.DataFrame, literal_donors: pd.DataFrame
) -> None:
    engine = create_store_engine(resolve_url(db_url))
    try:
        assert upgrade(engine, "0007") == "0007"
        old = Store(engine)  # release 0007's tables, written as that release did
        old.import_frame(literal_proposals, "proposals", filename="p.csv")
        old.import_frame(literal_donors, "donors", filename="d.csv")
        event = old.create_event("Suva roundtable", currency="USD")
        shortlist = old.add_to_event(event, "P1", donor_id="D1")
        old.add_to_event(event, "P3", donor_id="D1")
        when = dt.datetime(2025, 5, 1, 9, 30, tzinfo=dt.UTC)
        steps = sa.Table("event_pipeline", sa.MetaData(), autoload_with=engine)
        with engine.begin() as connection:
            for proposal, stage, amount in (
                ("P1", "met", None),
                ("P1", "pledged", 90_000.0),
                ("P3", "declined", None),
            ):
                connection.execute(
                    sa.insert(steps).values(
                        event_id=event,
                        proposal_id=proposal,
                        donor_id="D1",
                        stage=stage,
                        amount=amount,
                        currency="USD" if amount else "",
                        note="",
                        happened_at=when,
                        recorded_by="ana",
                    )
                )
        upgrade(engine)
        log = Store(engine).decisions()
        assert log[["proposal_id", "status", "shortlist_id", "recorded_by"]].to_dict("records") == [
            {
                "proposal_id": "P1",
                "status": "pledged",
                "shortlist_id": shortlist,
                "recorded_by": "ana",
            },
            {
                "proposal_id": "P3",
                "status": "declined",
                "shortlist_id": shortlist,
                "recorded_by": "ana",
            },
        ]
        assert log["amount"].iloc[0] == 90_000.0
        assert pd.isna(log["amount"].iloc[1])
        assert (log["decided_at"] == when).all()
        with pytest.raises(sa.exc.DBAPIError, match="append-only"), engine.begin() as connection:
            connection.execute(sa.text("DELETE FROM decisions"))  # still append-only
    finally:
        engine.dispose()
