"""Revision 0003: the shortlists a 0002 database holds become views of events, nothing lost."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from matcher.store import head_revision, open_store, resolve_url
from matcher.store.config import create_store_engine
from matcher.store.migrate import upgrade

WHEN = dt.datetime(2026, 2, 1, 10, 0, tzinfo=dt.UTC)


def _contract_rows(engine: sa.Engine) -> None:
    """Three proposals and two donors written straight into the 0002 tables."""
    metadata = sa.MetaData()
    proposals = sa.Table("proposals", metadata, autoload_with=engine)
    donors = sa.Table("donors", metadata, autoload_with=engine)
    tracked = {
        "extra": [],
        "notes": "",
        "source_row": None,
        "upload_id": None,
        "version": 1,
        "created_at": WHEN,
        "updated_at": WHEN,
        "updated_by": "release-2 user",
    }
    empty_lists = {"aichi_targets": [], "gbf_targets": [], "ecosystems": []}
    with engine.begin() as connection:
        for proposal_id, title in (("P1", "Rufiji mangroves"), ("P2", "Sahel"), ("P3", "Forest")):
            connection.execute(
                sa.insert(proposals).values(
                    proposal_id=proposal_id,
                    title=title,
                    countries=["KEN"],
                    summary="",
                    description="",
                    objectives="",
                    requested_amount=1_000_000.0,
                    secured_amount=None,
                    currency="USD",
                    nbsap_alignment="",
                    submitted_on="",
                    status="open",
                    **empty_lists,
                    **tracked,
                )
            )
        for donor_id, name in (("D1", "Blue Planet Fund"), ("D2", "Sahel Foundation")):
            connection.execute(
                sa.insert(donors).values(
                    donor_id=donor_id,
                    name=name,
                    aliases=[],
                    donor_type="foundation_or_private",
                    priorities="",
                    eligible_regions=[],
                    eligible_countries=[],
                    excluded_countries=[],
                    min_grant=None,
                    max_grant=None,
                    currency="USD",
                    annual_budget=None,
                    active=True,
                    **empty_lists,
                    **tracked,
                )
            )


def _database_at_0002(db_url: str) -> None:
    """Proposals, donors, four shortlists with items, notes and decisions, as 0002 wrote them."""
    engine = create_store_engine(resolve_url(db_url))
    try:
        assert upgrade(engine, "0002") == "0002"
        _contract_rows(engine)
        metadata = sa.MetaData()
        shortlists = sa.Table("shortlists", metadata, autoload_with=engine)
        items = sa.Table("shortlist_items", metadata, autoload_with=engine)
        decisions = sa.Table("decisions", metadata, autoload_with=engine)
        assert "event_id" not in shortlists.c
        lists = [
            (1, "East Africa roundtable", dt.date(2026, 3, 15), "D1", "bring maps"),
            (2, "East Africa roundtable", dt.date(2026, 3, 15), "D2", "Sahel desk"),
            (3, "East Africa roundtable", dt.date(2027, 3, 15), "D1", "next year"),
            (4, "Sahel donors' day", None, None, ""),
        ]
        with engine.begin() as connection:
            # Ids come from the database, as release 0002 wrote them (an explicit id would leave
            # PostgreSQL's sequence behind and make the next list collide with list 1).
            list_ids = {}
            for list_id, name, day, donor, notes in lists:
                list_ids[list_id] = connection.execute(
                    sa.insert(shortlists).values(
                        event_name=name,
                        event_date=day,
                        donor_id=donor,
                        notes=notes,
                        version=3,
                        created_at=WHEN,
                        created_by="release-2 user",
                        updated_at=WHEN,
                        updated_by="release-2 user",
                    )
                ).inserted_primary_key[0]
            assert list(list_ids.values()) == [1, 2, 3, 4]
            for list_id, proposal_id, position, note in (
                (1, "P1", 1, "strong fit"),
                (1, "P3", 2, ""),
                (2, "P2", 1, "ask for co-finance"),
                (2, "P1", 2, ""),
                (3, "P1", 1, ""),
                (4, "P2", 1, "all donors"),
            ):
                connection.execute(
                    sa.insert(items).values(
                        shortlist_id=list_id,
                        proposal_id=proposal_id,
                        position=position,
                        note=note,
                        added_at=WHEN,
                        added_by="ana",
                    )
                )
            connection.execute(
                sa.insert(decisions).values(
                    proposal_id="P1",
                    donor_id="D1",
                    status="contacted",
                    amount=None,
                    currency="",
                    note="called",
                    shortlist_id=1,
                    decided_at=WHEN,
                    recorded_by="ana",
                )
            )
    finally:
        engine.dispose()


def test_stored_shortlists_become_views_of_events_with_nothing_lost(db_url: str) -> None:
    _database_at_0002(db_url)
    with open_store(db_url) as store:
        assert store.schema_revision() == head_revision()

        # Same name and date: one event; another date or name: another event.
        events = store.events()
        assert events[["name", "event_date", "n_donors", "n_rows"]].to_dict("records") == [
            {
                "name": "East Africa roundtable",
                "event_date": "2026-03-15",
                "n_donors": 2,
                "n_rows": 4,
            },
            {
                "name": "East Africa roundtable",
                "event_date": "2027-03-15",
                "n_donors": 1,
                "n_rows": 1,
            },
            {"name": "Sahel donors' day", "event_date": "", "n_donors": 0, "n_rows": 1},
        ]
        first = int(events["event_id"].iloc[0])
        assert store.event_donors(first)["donor_id"].tolist() == ["D1", "D2"]

        # The event's list across donors is exactly the two lists' items, notes kept.
        rows = store.event_rows(first)
        assert list(zip(rows["donor_id"], rows["proposal_id"], rows["note"], strict=True)) == [
            ("D1", "P1", "strong fit"),
            ("D1", "P3", ""),
            ("D2", "P2", "ask for co-finance"),
            ("D2", "P1", ""),
        ]
        assert set(rows["added_by"]) == {"ana"}

        # Shortlists are untouched: details, versions, items, decisions.
        lists = store.shortlists()
        assert lists["notes"].tolist() == ["bring maps", "Sahel desk", "next year", ""]
        assert lists["version"].tolist() == [3, 3, 3, 3]
        assert store.shortlist_items(1)["latest_status"].tolist() == ["contacted", ""]
        assert store.decisions(shortlist_id=1)["note"].tolist() == ["called"]

        # A list created afterwards for the same roundtable joins the same event.
        later = store.create_shortlist("East Africa roundtable", event_date="2026-03-15")
        store.add_to_shortlist(later, "P2")
        assert len(store.events()) == 3
        assert len(store.event_rows(first)) == 5
