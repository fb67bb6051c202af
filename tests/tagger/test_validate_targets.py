"""validate --out: proposals gain suggested Aichi targets and crosswalked GBF targets."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from matcher.cli import main
from matcher.contract import PROPOSAL_COLUMNS
from matcher.load import load_proposals
from matcher.tagger import with_target_columns


def test_validate_writes_suggested_and_crosswalked_targets_after_the_contract_columns(
    lifeweb_export_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "eois.csv"
    assert main(["validate", str(lifeweb_export_dir / "eoi_projects.csv"), "--out", str(out)]) == 0
    capsys.readouterr()
    written = pd.read_csv(out, dtype=str, keep_default_na=False).set_index("proposal_id")
    columns = list(written.reset_index().columns)
    assert columns[: len(PROPOSAL_COLUMNS) + 2] == [
        *PROPOSAL_COLUMNS,
        "suggested_aichi_targets",
        "crosswalked_gbf_targets",
    ]
    amazon = written.loc["23236"]
    assert amazon["aichi_targets"] == "5;11;12;14;15"
    assert amazon["gbf_targets"] == ""  # the contract column stays what was declared
    assert amazon["crosswalked_gbf_targets"] == "1;2;3;4;11"
    assert "11" in amazon["suggested_aichi_targets"].split(";")
    belize = written.loc["23210"]  # no declared targets: suggestions only
    assert belize["crosswalked_gbf_targets"] == ""
    assert belize["suggested_aichi_targets"].split(";")[0] == "11"


def test_validate_of_donors_is_unchanged(
    lifeweb_export_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "donors.csv"
    assert main(["validate", str(lifeweb_export_dir / "donors.csv"), "--out", str(out)]) == 0
    capsys.readouterr()
    written = pd.read_csv(out, dtype=str, keep_default_na=False)
    assert "suggested_aichi_targets" not in written.columns


def test_target_columns_are_replaced_not_duplicated_when_present(lifeweb_export_dir: Path):
    frame = load_proposals(lifeweb_export_dir / "eoi_projects.csv").frame.head(3)
    once = with_target_columns(frame)
    twice = with_target_columns(once)
    assert list(twice.columns) == list(once.columns)
    pd.testing.assert_frame_equal(twice, once)


def test_crosswalked_gbf_targets_join_declared_gbf_and_aichi_successors(make_proposals):
    proposals = make_proposals(
        {"aichi_targets": (9, 17), "gbf_targets": (23,)}, {"gbf_targets": (3,)}, {}
    )
    frame = with_target_columns(proposals)
    assert frame["crosswalked_gbf_targets"].tolist() == [(6, 23), (3,), ()]
    assert frame["suggested_aichi_targets"].tolist() == [(), (), ()]
