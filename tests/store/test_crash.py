"""An import killed half way (SIGKILL, inside its transaction) leaves the database as it was."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from matcher.store import open_store
from matcher.store.imports import PAUSE_AFTER_ROWS_ENV, PAUSE_SIGNAL_FILE_ENV


def _wait_for(path: Path, process: subprocess.Popen[bytes], limit_seconds: float = 60) -> None:
    deadline = time.monotonic() + limit_seconds
    while not path.exists():
        if process.poll() is not None:
            output = process.stdout.read().decode() if process.stdout else ""
            pytest.fail(f"the import ended before pausing (exit {process.returncode}): {output}")
        if time.monotonic() > deadline:
            process.kill()
            pytest.fail("the import never reached its pause point")
        time.sleep(0.05)


def test_import_killed_half_way_leaves_the_database_unchanged(
    db_url: str, data_dir: Path, tmp_path: Path
) -> None:
    sample = pd.read_csv(data_dir / "proposals.csv", dtype=str, keep_default_na=False)
    first_half = tmp_path / "proposals_first_half.csv"
    sample.iloc[:30].to_csv(first_half, index=False)
    corrected = sample.copy()
    corrected.loc[0, "title"] = "A title corrected in the second file"
    full = tmp_path / "proposals_all.csv"
    corrected.to_csv(full, index=False)

    with open_store(db_url) as store:
        store.import_file(first_half, "proposals")
        before = store.proposals(meta=True)
        uploads_before = store.uploads()
        versions_before = store.versions("proposals", before["proposal_id"].iloc[0])

    signal_file = tmp_path / "paused"
    environment = {
        **os.environ,
        PAUSE_AFTER_ROWS_ENV: "1",
        PAUSE_SIGNAL_FILE_ENV: str(signal_file),
    }
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "matcher.cli",
            "import",
            str(full),
            "--kind",
            "proposals",
            "--db",
            db_url,
        ],
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        _wait_for(signal_file, process)
        assert int(signal_file.read_text()) >= 1  # rows were written inside the transaction
        os.kill(process.pid, signal.SIGKILL)
        assert process.wait(timeout=30) == -signal.SIGKILL
    finally:
        if process.poll() is None:  # a failed check above must not leave it holding locks
            process.kill()
            process.wait(timeout=30)

    with open_store(db_url) as store:
        pd.testing.assert_frame_equal(store.proposals(meta=True), before)
        pd.testing.assert_frame_equal(store.uploads(), uploads_before)
        pd.testing.assert_frame_equal(
            store.versions("proposals", before["proposal_id"].iloc[0]), versions_before
        )
        # Nothing is left locked: the same import now runs to the end.
        result = store.import_file(full, "proposals")
        assert result.n_added == len(sample) - 30
        assert result.updated == (before["proposal_id"].iloc[0],)
        assert len(store.proposals()) == len(sample)
