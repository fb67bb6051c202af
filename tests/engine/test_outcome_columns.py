"""``rank`` never reads outcomes (issue 12, part 5): columns that say how a proposal fared
(funding status, funded flag, number of matches, approval date, amount secured) change no score."""

from __future__ import annotations

import numpy as np
import pandas as pd

from matcher.cli import main
from matcher.contract import OUTCOME_COLUMNS


def _rank(proposals_csv, donors_csv, history_csv, out) -> pd.DataFrame:
    status = main(
        ["rank", "--proposals", str(proposals_csv), "--donors", str(donors_csv),
         "--history", str(history_csv), "--top", "5", "--by", "both", "--out", str(out)]
    )  # fmt: skip
    assert status == 0
    return pd.read_csv(out, keep_default_na=False, dtype=str)


def test_changing_every_outcome_column_changes_no_score(lifeweb_export_dir, tmp_path) -> None:
    source = pd.read_csv(lifeweb_export_dir / "eoi_projects.csv", keep_default_na=False, dtype=str)
    present = [c for c in OUTCOME_COLUMNS if c in source.columns]
    assert {"funding_status", "is_funded", "n_matches"} <= set(present)
    rng = np.random.default_rng(7)
    changed = source.copy()
    changed["funding_status"] = rng.choice(["Funded", "Not funded", "Closed"], len(source))
    changed["is_funded"] = rng.choice(["True", "False"], len(source))
    for column in ("n_matches", "n_external_named_donor_matches"):
        changed[column] = rng.integers(0, 9, len(source)).astype(str)
    changed["approved_on"] = ""
    original_csv, changed_csv = tmp_path / "original.csv", tmp_path / "changed.csv"
    source.to_csv(original_csv, index=False)
    changed.to_csv(changed_csv, index=False)
    donors, history = lifeweb_export_dir / "donors.csv", lifeweb_export_dir / "funding_matches.csv"
    before = _rank(original_csv, donors, history, tmp_path / "before.csv")
    after = _rank(changed_csv, donors, history, tmp_path / "after.csv")
    pd.testing.assert_frame_equal(before, after)
    assert len(before) > 0
