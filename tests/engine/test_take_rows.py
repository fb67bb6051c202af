"""Cutting chunks of proposals from a frame of several files gives what ``iloc`` gives.

Frames concatenated from several files hold Arrow columns of several chunks, which
``iloc`` would join whole for every 1,000-row chunk of a ranking; ``take_rows`` takes them chunk
by chunk instead, and must give the same frame, and so the same ranking.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from benchmarks.generate import write_dataset
from matcher.load import load_donors, load_history, load_proposals
from matcher.rank import Matcher
from matcher.scoring.chunks import take_rows


def _parts_frame() -> pd.DataFrame:
    """Four parts of uneven length: text (two string dtypes), numbers, tuples, nullable ints."""
    parts = []
    for start, n in ((0, 5), (5, 7), (12, 1), (13, 9)):
        rows = range(start, start + n)
        parts.append(
            pd.DataFrame(
                {
                    "title": pd.array([f"t{i}" for i in rows], dtype="str"),
                    "amount": np.arange(start, start + n, dtype=np.float64),
                    "note": pd.array([f"n{i}" if i % 3 else None for i in rows], dtype="string"),
                    "targets": [(i, i + 1) for i in rows],
                    "year": pd.array(list(rows), dtype="Int64"),
                }
            )
        )
    return pd.concat(parts, ignore_index=True)


@pytest.mark.parametrize(
    "positions",
    [
        np.random.default_rng(0).permutation(22),
        np.random.default_rng(1).integers(0, 22, 40),  # repeats
        np.arange(5, 12),  # one whole chunk
        np.array([21, 0, 5, 12, 12]),
        np.array([], dtype=np.int64),
    ],
)
def test_take_rows_is_iloc_for_columns_of_several_chunks(positions: np.ndarray) -> None:
    frame = _parts_frame()
    assert frame["title"].array.__arrow_array__().num_chunks == 4
    pd.testing.assert_frame_equal(take_rows(frame, positions), frame.iloc[positions])


def test_take_rows_keeps_duplicate_column_names_in_place() -> None:
    frame = _parts_frame()
    frame.columns = ["title", "amount", "title", "targets", "year"]
    positions = np.array([3, 20, 7])
    pd.testing.assert_frame_equal(take_rows(frame, positions), frame.iloc[positions])


def test_proposals_read_from_several_files_fit_and_rank_as_from_one(tmp_path) -> None:
    paths = write_dataset(tmp_path, 300, 30, seed=5)
    whole = load_proposals(paths.proposals[0]).frame
    parts = pd.concat([whole.iloc[:100], whole.iloc[100:220], whole.iloc[220:]], ignore_index=True)
    assert parts["title"].array.__arrow_array__().num_chunks == 3
    donors, history = load_donors(paths.donors).frame, load_history(paths.history).frame
    from_parts = Matcher(chunk_size=64).fit(donors, history, proposals=parts)
    from_whole = Matcher(chunk_size=64).fit(donors, history, proposals=whole)
    pd.testing.assert_frame_equal(
        from_parts.profiles_.funded_proposals, from_whole.profiles_.funded_proposals
    )
    pd.testing.assert_frame_equal(
        from_parts.rank(parts.sample(frac=1.0, random_state=2), top_k=5, by="both"),
        from_whole.rank(whole, top_k=5, by="both"),
    )
