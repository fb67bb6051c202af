"""Funding-history keys never collide, and no stored record is ever taken over silently."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
import sqlalchemy as sa

from matcher.contract import HISTORY_COLUMNS
from matcher.store import Store, head_revision, open_store, resolve_url
from matcher.store.config import create_store_engine
from matcher.store.migrate import upgrade


def _history(*rows: tuple[str, str, float]) -> pd.DataFrame:
    frame = pd.DataFrame(
        {
            "proposal_id": [r[0] for r in rows],
            "donor": [r[1] for r in rows],
            "amount": [r[2] for r in rows],
            "currency": ["USD"] * len(rows),
            "year": pd.array([2012] * len(rows), dtype="Int64"),
        },
        columns=list(HISTORY_COLUMNS),
    )
    frame["source_row"] = list(range(2, 2 + len(rows)))
    frame["notes"] = ""
    return frame


def test_ids_and_donors_holding_the_separator_are_two_records_in_one_file(store: Store) -> None:
    result = store.import_frame(
        _history(("A|b", "C", 1.0), ("A", "B|C", 2.0)), "history", filename="h.csv"
    )
    assert result.n_added == 2
    assert result.added == ("A\\|b|c|2012|1", "A|b\\|c|2012|1")
    stored = store.history()
    assert stored[["proposal_id", "donor", "amount"]].values.tolist() == [
        ["A|b", "C", 1.0],
        ["A", "B|C", 2.0],
    ]


def test_a_second_file_never_takes_over_the_first_files_record(store: Store) -> None:
    store.import_frame(_history(("A|b", "C", 1.0)), "history", filename="first.csv")
    second = store.import_frame(_history(("A", "B|C", 2.0)), "history", filename="second.csv")
    assert (second.n_added, second.n_updated) == (1, 0)
    assert sorted(store.history()["amount"]) == [1.0, 2.0]


@pytest.mark.parametrize("backslash", ["\\", "\\|"])
def test_backslashes_in_ids_cannot_forge_a_separator(store: Store, backslash: str) -> None:
    rows = _history((f"A{backslash}", "b", 1.0), ("A", f"{backslash}b", 2.0))
    assert store.import_frame(rows, "history", filename="h.csv").n_added == 2


def test_migration_0006_rewrites_old_keys_and_their_kept_versions(db_url: str) -> None:
    engine = create_store_engine(resolve_url(db_url))
    when = dt.datetime(2026, 1, 5, tzinfo=dt.UTC)
    try:
        upgrade(engine, "0005")
        metadata = sa.MetaData()
        history = sa.Table("funding_history", metadata, autoload_with=engine)
        versions = sa.Table("record_versions", metadata, autoload_with=engine)
        tracked = {"extra": [], "notes": "", "source_row": 2, "upload_id": None, "version": 2,
                   "created_at": when, "updated_at": when, "updated_by": "release-4 user"}  # fmt: skip
        with engine.begin() as connection:
            connection.execute(
                sa.insert(history),
                [
                    {"history_key": "A|b|c|2012|1", "proposal_id": "A|b", "donor": "C",
                     "amount": 1.0, "currency": "USD", "year": 2012, **tracked},
                    {"history_key": "P1|gef|2014|1", "proposal_id": "P1", "donor": "GEF",
                     "amount": 3.0, "currency": "USD", "year": 2014, **tracked},
                ],
            )  # fmt: skip
            connection.execute(
                sa.insert(versions).values(
                    record_kind="funding", record_id="A|b|c|2012|1", version=1,
                    data={"amount": 0.5}, superseded_at=when, superseded_by="x", reason="edit",
                )
            )  # fmt: skip
        assert upgrade(engine) == head_revision()
        with engine.connect() as connection:
            keys = connection.execute(sa.select(history.c.history_key)).scalars().all()
            kept = connection.execute(sa.select(versions.c.record_id)).scalars().all()
        assert sorted(keys) == ["A\\|b|c|2012|1", "P1|gef|2014|1"]
        assert kept == ["A\\|b|c|2012|1"]
    finally:
        engine.dispose()
    with open_store(db_url) as store:
        result = store.import_frame(
            _history(("A", "B|C", 2.0), ("A|b", "C", 1.0)), "history", filename="new.csv"
        )
        assert (result.added, result.unchanged) == (("A|b\\|c|2012|1",), ("A\\|b|c|2012|1",))
        assert len(store.history()) == 3
