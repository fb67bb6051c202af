"""Imports: exact round trips, idempotent re-imports, corrected files, all-or-nothing."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa

import matcher.store.imports as imports_module
from matcher.contract import KINDS
from matcher.load import load
from matcher.store import Store, open_store, read_inputs


def _table_counts(store: Store) -> dict[str, int]:
    tables = ["uploads", "proposals", "donors", "funding_history", "record_versions"]
    with store.engine.connect() as connection:
        return {
            table: connection.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar_one()
            for table in tables
        }


def _corrected_copy(source: Path, target: Path, edit: Callable[[pd.DataFrame], None]) -> Path:
    frame = pd.read_csv(source, dtype=str, keep_default_na=False)
    edit(frame)
    frame.to_csv(target, index=False)
    return target


@pytest.mark.parametrize("kind", KINDS)
def test_sample_file_reads_back_exactly_as_the_reader_loaded_it(
    store: Store, data_dir: Path, kind: str
) -> None:
    path = data_dir / f"{kind}.csv"
    result = store.import_file(path, kind)
    loaded = load(path, kind).frame
    assert result.n_added == len(loaded) > 0
    assert result.n_updated == result.n_unchanged == result.n_rejected == 0
    pd.testing.assert_frame_equal(store.frame(kind), loaded)


def test_literal_frames_with_tuples_nan_and_unicode_round_trip_exactly(
    store: Store,
    literal_proposals: pd.DataFrame,
    literal_donors: pd.DataFrame,
    literal_history: pd.DataFrame,
) -> None:
    store.import_frame(literal_proposals, "proposals", filename="p.csv")
    store.import_frame(literal_donors, "donors", filename="d.csv")
    store.import_frame(literal_history, "history", filename="h.csv")

    proposals = store.proposals()
    pd.testing.assert_frame_equal(proposals, literal_proposals, check_dtype=False)
    first = proposals.iloc[0]
    assert first["countries"] == ("TZA", "KEN")
    assert first["aichi_targets"] == (11, 14, 15)
    assert all(isinstance(target, int) for target in first["aichi_targets"])
    assert first["secured_amount"] == 250_000.5
    assert proposals.iloc[2]["title"] == "越南森林保护"
    assert pd.isna(proposals.iloc[1]["requested_amount"])

    donors = store.donors()
    pd.testing.assert_frame_equal(donors, literal_donors, check_dtype=False)
    assert donors["active"].tolist() == [True, False]
    assert donors.iloc[1]["excluded_countries"] == ("FRA",)

    history = store.history()
    pd.testing.assert_frame_equal(history, literal_history, check_dtype=False)
    assert history["year"].dtype == "Int64"
    assert pd.isna(history.iloc[2]["year"])


def test_reimporting_the_same_file_changes_nothing(store: Store, data_dir: Path) -> None:
    for kind in KINDS:
        store.import_file(data_dir / f"{kind}.csv", kind)
    before_counts = _table_counts(store)
    before = {kind: store.frame(kind, meta=True) for kind in KINDS}

    for kind in KINDS:
        again = store.import_file(data_dir / f"{kind}.csv", kind)
        assert again.n_added == again.n_updated == 0
        assert again.n_unchanged == len(before[kind])
        assert not again.changed_anything
        assert "Nothing changed" in again.summary()

    assert _table_counts(store) == before_counts
    for kind in KINDS:
        pd.testing.assert_frame_equal(store.frame(kind, meta=True), before[kind])


def test_corrected_file_updates_changed_rows_and_reports_each_change(
    store: Store, data_dir: Path, tmp_path: Path
) -> None:
    original = data_dir / "proposals.csv"
    first = store.import_file(original, "proposals", round_name="EOI round 1")
    loaded = load(original, "proposals").frame
    edited_id, amount_id = loaded["proposal_id"].iloc[0], loaded["proposal_id"].iloc[3]

    def correct(frame: pd.DataFrame) -> None:
        frame.loc[frame["proposal_id"] == edited_id, "title"] = "Corrected title"
        frame.loc[frame["proposal_id"] == amount_id, "requested_amount"] = "123456"
        new_row = frame.iloc[[5]].copy()
        new_row["proposal_id"] = "NEW-1"
        new_row["title"] = "A proposal sent late"
        frame.loc[len(frame)] = new_row.iloc[0]

    corrected = _corrected_copy(original, tmp_path / "proposals_v2.csv", correct)
    result = store.import_file(corrected, "proposals", round_name="EOI round 1 corrected")

    assert result.added == ("NEW-1",)
    assert set(result.updated) == {edited_id, amount_id}
    assert result.n_unchanged == len(loaded) - 2
    assert result.upload_id is not None and result.upload_id != first.upload_id
    changes = result.changes.set_index(["record_id", "column"])
    assert changes.loc[(edited_id, "title"), "new"] == "Corrected title"
    assert changes.loc[(edited_id, "title"), "old"] == loaded["title"].iloc[0]
    assert changes.loc[(amount_id, "requested_amount"), "new"] == "123456.0"
    assert f"updated {edited_id}: title" in result.summary()

    stored = store.record("proposals", edited_id)
    assert stored["title"] == "Corrected title"
    assert stored["version"] == 2
    assert stored["upload_id"] == result.upload_id
    history = store.versions("proposals", edited_id)
    assert history["version"].tolist() == [1, 2]
    assert history["title"].tolist() == [loaded["title"].iloc[0], "Corrected title"]
    assert history["reason"].iloc[0] == "import of proposals_v2.csv"
    untouched = store.record("proposals", loaded["proposal_id"].iloc[1])
    assert untouched["version"] == 1 and untouched["upload_id"] == first.upload_id


def test_upload_records_file_name_hash_time_round_and_row_numbers(
    store: Store, data_dir: Path
) -> None:
    path = data_dir / "donors.csv"
    result = store.import_file(path, "donors", round_name="donor profiles 2026", by="ana")
    uploads = store.uploads()
    assert len(uploads) == 1
    upload = uploads.iloc[0]
    assert upload["upload_id"] == result.upload_id
    assert upload["filename"] == "donors.csv"
    assert upload["content_hash"] == hashlib.sha256(path.read_bytes()).hexdigest()
    assert upload["round_name"] == "donor profiles 2026"
    assert upload["imported_by"] == "ana"
    assert upload["n_added"] == result.n_added == upload["rows_in"]
    assert upload["imported_at"].tzinfo is not None
    donors = store.donors(meta=True)
    assert donors["upload_id"].eq(result.upload_id).all()
    assert donors["source_row"].tolist() == load(path, "donors").frame["source_row"].tolist()
    assert donors["updated_by"].eq("ana").all()


def test_rejected_rows_are_reported_and_not_stored(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "messy.csv"
    path.write_text(
        "proposal_id,title,countries,requested_amount\n"
        "A1,Wetlands of Chad,Chad,USD 1.2 million\n"
        "A2,,Kenya,100\n"
        "A3,Coral reefs,Atlantis,100\n"
        'A4,Karst forests,Viet Nam,"$850,000"\n',
        encoding="utf-8",
    )
    result = store.import_file(path, "proposals")
    assert result.rows_in == 4
    assert result.n_rejected == 2
    assert set(result.rejected["row"]) == {3, 4}
    assert result.added == ("A1", "A4")
    stored = store.proposals()
    assert stored["proposal_id"].tolist() == ["A1", "A4"]
    assert stored["countries"].tolist() == [("TCD",), ("VNM",)]
    assert stored["requested_amount"].tolist() == [1_200_000.0, 850_000.0]
    assert result.rows_in == result.n_added + result.n_rejected


def test_history_rows_without_ids_keep_duplicates_and_update_by_position(
    store: Store, literal_history: pd.DataFrame
) -> None:
    store.import_frame(literal_history, "history", filename="h.csv")
    assert len(store.history()) == 4

    corrected = literal_history.copy()
    corrected.loc[1, "amount"] = 55_000.0
    result = store.import_frame(corrected, "history", filename="h2.csv")
    assert result.updated == ("P1|blue planet fund|2012|2",)
    assert result.n_unchanged == 3 and result.n_added == 0
    assert store.history()["amount"].tolist()[:2] == [100_000.0, 55_000.0]


def test_extra_columns_keep_their_order_and_blank_cells(store: Store, data_dir: Path) -> None:
    path = data_dir / "history.csv"
    store.import_file(path, "history")
    loaded = load(path, "history").frame
    stored = store.history()
    assert list(stored.columns) == list(loaded.columns)
    assert stored["links"].tolist() == loaded["links"].tolist()


def test_an_import_that_fails_half_way_leaves_the_database_as_it_was(
    store: Store,
    make_proposals: Callable[..., pd.DataFrame],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    store.import_frame(make_proposals(("P1", "one"), ("P2", "two")), "proposals", filename="a")
    before = store.proposals(meta=True)
    counts = _table_counts(store)

    def crash(rows_written: int) -> None:
        raise RuntimeError(f"power cut after {rows_written} rows")

    monkeypatch.setattr(imports_module, "_pause_for_crash_test", crash)
    bigger = make_proposals(("P1", "one, corrected"), ("P2", "two"), ("P3", "three"))
    with pytest.raises(RuntimeError, match="power cut"):
        store.import_frame(bigger, "proposals", filename="b")

    pd.testing.assert_frame_equal(store.proposals(meta=True), before)
    assert _table_counts(store) == counts


def test_a_frame_with_the_same_id_twice_is_refused_before_writing(
    store: Store,
    make_proposals: Callable[..., pd.DataFrame],
) -> None:
    with pytest.raises(ValueError, match="P1"):
        store.import_frame(make_proposals(("P1", "a"), ("P1", "b")), "proposals", filename="x")
    assert store.is_empty()


def test_seed_if_empty_loads_the_samples_once_and_never_over_own_data(
    store: Store,
    data_dir: Path,
    make_proposals: Callable[..., pd.DataFrame],
) -> None:
    seeded = store.seed_if_empty(data_dir)
    assert set(seeded) == set(KINDS)
    assert all(result.n_added > 0 for result in seeded.values())
    assert store.uploads()["round_name"].eq("sample data").all()
    assert store.seed_if_empty(data_dir) == {}


def test_seed_if_empty_does_nothing_when_the_database_has_data(
    store: Store,
    data_dir: Path,
    make_proposals: Callable[..., pd.DataFrame],
) -> None:
    store.import_frame(make_proposals(("OWN-1", "our own")), "proposals", filename="own.csv")
    assert store.seed_if_empty(data_dir) == {}
    assert store.proposals()["proposal_id"].tolist() == ["OWN-1"]
    assert store.donors().empty


def test_the_ranking_engine_gives_the_same_matches_from_the_database_as_from_files(
    sqlite_url: str, data_dir: Path
) -> None:
    # One backend is enough here: both give back the readers' frames exactly (tests above).
    from matcher.rank import rank_matches

    store = open_store(sqlite_url)
    for kind in KINDS:
        store.import_file(data_dir / f"{kind}.csv", kind)
    from_files = rank_matches(
        *(load(data_dir / f"{kind}.csv", kind).frame for kind in KINDS), top_k=5
    )
    store.close()
    from_database = rank_matches(*read_inputs(sqlite_url), top_k=5)
    assert len(from_files) > 0
    pd.testing.assert_frame_equal(from_database, from_files)
