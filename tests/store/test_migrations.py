"""Schema versioning: a database left by an older release is upgraded in place, data kept."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from matcher.store import Store, current_revision, head_revision, open_store, resolve_url
from matcher.store.config import create_store_engine
from matcher.store.migrate import MIGRATIONS_DIR, upgrade
from matcher.store.models import Base


def test_the_migrations_ship_inside_the_package() -> None:
    assert MIGRATIONS_DIR.parent.name == "store"
    assert (MIGRATIONS_DIR / "env.py").is_file()
    shipped = sorted(p.name for p in (MIGRATIONS_DIR / "versions").glob("0*.py"))
    assert shipped[:3] == ["0001_initial.py", "0002_shortlists_decisions.py", "0003_events.py"]
    assert head_revision() == shipped[-1][:4]


def test_a_new_database_is_created_at_the_newest_revision(db_url: str) -> None:
    with open_store(db_url) as store:
        assert store.schema_revision() == head_revision()
        assert store.is_empty()


def test_models_and_migrations_describe_the_same_schema(db_url: str) -> None:
    with open_store(db_url) as store, store.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []


def test_database_at_revision_1_is_upgraded_in_place_without_losing_data(db_url: str) -> None:
    engine = create_store_engine(resolve_url(db_url))
    try:
        assert upgrade(engine, "0001") == "0001"
        inspector = sa.inspect(engine)
        assert "shortlists" not in inspector.get_table_names()
        assert "round_name" not in {c["name"] for c in inspector.get_columns("uploads")}

        # Write rows the way the first release did, through its own (reflected) tables.
        metadata = sa.MetaData()
        uploads = sa.Table("uploads", metadata, autoload_with=engine)
        proposals = sa.Table("proposals", metadata, autoload_with=engine)
        donors = sa.Table("donors", metadata, autoload_with=engine)
        when = dt.datetime(2025, 5, 1, 9, 30, tzinfo=dt.UTC)
        with engine.begin() as connection:
            connection.execute(
                sa.insert(uploads).values(
                    id=1,
                    kind="proposals",
                    filename="eoi_2025.csv",
                    content_hash="ab" * 32,
                    imported_at=when,
                    imported_by="release-1 user",
                    rows_in=1,
                    n_added=1,
                    n_updated=0,
                    n_unchanged=0,
                    n_rejected=0,
                )
            )
            tracked = {
                "notes": "",
                "source_row": 2,
                "upload_id": 1,
                "version": 3,
                "created_at": when,
                "updated_at": when,
                "updated_by": "release-1 user",
            }
            connection.execute(
                sa.insert(proposals).values(
                    proposal_id="OLD-1",
                    title="Páramo water funds",
                    countries=["COL", "ECU"],
                    summary="",
                    description="",
                    objectives="",
                    requested_amount=2_500_000.0,
                    secured_amount=None,
                    currency="USD",
                    aichi_targets=[11, 14],
                    gbf_targets=[],
                    nbsap_alignment="",
                    ecosystems=["mountains"],
                    submitted_on="2025-04-30",
                    status="open",
                    extra=[["focal_point", "M. Ruiz"]],
                    **tracked,
                )
            )
            connection.execute(
                sa.insert(donors).values(
                    donor_id="OLD-D",
                    name="Andes Trust",
                    aliases=[],
                    donor_type="foundation_or_private",
                    priorities="water",
                    aichi_targets=[14],
                    gbf_targets=[],
                    eligible_regions=["South America"],
                    eligible_countries=[],
                    excluded_countries=[],
                    min_grant=None,
                    max_grant=None,
                    currency="USD",
                    annual_budget=None,
                    ecosystems=[],
                    active=True,
                    extra=[],
                    **{**tracked, "source_row": None, "upload_id": None},
                )
            )
    finally:
        engine.dispose()

    with open_store(db_url) as store:  # the newer release opens the old database
        assert store.schema_revision() == head_revision()
        proposal = store.record("proposals", "OLD-1")
        assert proposal["title"] == "Páramo water funds"
        assert proposal["countries"] == ("COL", "ECU")
        assert proposal["aichi_targets"] == (11, 14)
        assert proposal["requested_amount"] == 2_500_000.0
        assert proposal["focal_point"] == "M. Ruiz"
        assert proposal["version"] == 3
        upload = store.uploads().iloc[0]
        assert upload["filename"] == "eoi_2025.csv"
        assert pd.isna(upload["round_name"])
        assert upload["imported_at"] == pd.Timestamp(when)

        # What the new revision added works on the old rows.
        shortlist = store.create_shortlist("Andean roundtable", donor_id="OLD-D")
        store.add_to_shortlist(shortlist, "OLD-1")
        store.record_decision("OLD-1", "OLD-D", "contacted", by="new release")
        assert store.shortlist_items(shortlist)["latest_status"].tolist() == ["contacted"]


def test_opening_an_up_to_date_database_again_changes_nothing(db_url: str) -> None:
    with open_store(db_url) as store:
        store.create_shortlist("Pacific islands roundtable")
    with open_store(db_url) as store:
        assert store.schema_revision() == head_revision()
        assert store.shortlists()["event_name"].tolist() == ["Pacific islands roundtable"]


def test_an_empty_database_has_no_revision_until_opened(db_url: str) -> None:
    engine = create_store_engine(resolve_url(db_url))
    try:
        assert current_revision(engine) is None
    finally:
        engine.dispose()
    with open_store(db_url) as store:
        assert store.schema_revision() == head_revision()


@pytest.mark.parametrize(
    "statement", ["UPDATE decisions SET status = 'funded'", "DELETE FROM decisions"]
)
def test_the_database_refuses_to_change_the_decision_log(
    store: Store,
    literal_proposals: pd.DataFrame,
    literal_donors: pd.DataFrame,
    statement: str,
) -> None:
    store.import_frame(literal_proposals, "proposals", filename="p.csv")
    store.import_frame(literal_donors, "donors", filename="d.csv")
    store.record_decision("P1", "D1", "proposed")
    with pytest.raises(sa.exc.DBAPIError, match="append-only"), store.engine.begin() as connection:
        connection.execute(sa.text(statement))
    assert store.decisions()["status"].tolist() == ["proposed"]


def test_a_setting_is_saved_replaced_and_read_back(db_url: str) -> None:
    with open_store(db_url) as store:
        assert store.setting("column_map:proposals:h0") is None
        store.save_setting("column_map:proposals:h0", {"Nom": "title"}, by="ana")
        store.save_setting("column_map:proposals:h0", {"Nom": "title", "Pays": "countries"})
        assert store.setting("column_map:proposals:h0") == {"Nom": "title", "Pays": "countries"}
