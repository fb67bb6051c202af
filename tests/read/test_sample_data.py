"""The shipped sample data (``data/proposals.csv``, ``donors.csv``, ``history.csv``) loads with no rejections."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from matcher.export import write_table
from matcher.headers import contract_columns
from matcher.load import flatten, load

SAMPLES = [("proposals.csv", "proposals"), ("donors.csv", "donors"), ("history.csv", "history")]


@pytest.mark.parametrize(("name", "kind"), SAMPLES)
def test_sample_file_loads_every_row(data_dir: Path, name: str, kind: str) -> None:
    report = load(data_dir / name)
    assert report.kind == kind
    assert report.rejected.empty, report.rejected.to_string()
    assert report.n_loaded == report.rows_in > 0
    mapping = report.header_mapping
    assert set(mapping.loc[mapping["method"] != "unmapped", "method"]) == {"exact"}


@pytest.mark.parametrize(("name", "kind"), SAMPLES)
def test_sample_file_is_already_normalised(data_dir: Path, name: str, kind: str) -> None:
    """Written in the flat contract format, so re-writing it changes no contract value."""
    report = load(data_dir / name)
    raw = pd.read_csv(data_dir / name, dtype=str, keep_default_na=False)
    flat = flatten(report.frame)
    for column in contract_columns(kind):
        if column in raw and report.frame[column].dtype == object:
            assert flat[column].tolist() == raw[column].tolist(), column


def test_sample_history_refers_to_sample_proposals(data_dir: Path) -> None:
    proposals = load(data_dir / "proposals.csv").frame
    history = load(data_dir / "history.csv").frame
    assert set(history["proposal_id"]) <= set(proposals["proposal_id"])


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
@pytest.mark.parametrize(("name", "kind"), SAMPLES)
def test_written_normalised_file_loads_back_identically(
    data_dir: Path, tmp_path: Path, name: str, kind: str, suffix: str
) -> None:
    report = load(data_dir / name)
    written = write_table(flatten(report.frame), tmp_path / f"normalised{suffix}")
    again = load(written, kind)
    columns = list(contract_columns(kind))
    assert again.rejected.empty
    pd.testing.assert_frame_equal(again.frame[columns], report.frame[columns])
