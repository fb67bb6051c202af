"""The cold path's fast steps rank exactly as the plain computation they replace.

The plain computation is written out here: the character model fitted and word and character
rows counted by scikit-learn's own ``TfidfVectorizer`` and each donor's typical grant without the proposal being scored
from a pandas filter of the history, in one process. The engine (Arrow tokens, array filters,
two processes) must give the same top 20 both ways, the same ranks and the same scores.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import pytest
from scipy import sparse

import matcher.own_funding as own_funding_module
from benchmarks.generate import write_dataset
from matcher.load import load_donors, load_history, load_proposals
from matcher.own_funding import DonorFactsWithout
from matcher.profile import DonorProfiles
from matcher.rank import Matcher
from matcher.scoring.char_grams import CharGramVectorizer
from matcher.scoring.features import DonorVectors
from matcher.scoring.text import TextModel

KEY = ["ranked_by", "proposal_id", "donor_id"]


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> tuple[pd.DataFrame, ...]:
    """400 synthetic proposals (some French, Spanish, Chinese) x 60 donors, with history."""
    paths = write_dataset(tmp_path_factory.mktemp("cold"), 400, 60, seed=11)
    return (
        load_proposals(paths.proposals[0]).frame,
        load_donors(paths.donors).frame,
        load_history(paths.history).frame,
    )


def _sorted_rows(matrix: sparse.spmatrix) -> sparse.csr_matrix:
    rows = sparse.csr_matrix(matrix, dtype=np.float32)
    rows.sort_indices()
    return rows


def _plain_words(
    self: TextModel, texts: Sequence[str], folded: dict[int, str] | None = None
) -> sparse.csr_matrix:
    return _sorted_rows(self.word_.transform(list(texts)))


def _plain_chars(
    self: TextModel, texts: Sequence[str], folded: Sequence[str | None] | None = None
) -> sparse.csr_matrix:
    return _sorted_rows(self.char_.transform(list(texts)))  # scikit-learn's counting: see below


def _plain_facts(
    profiles: DonorProfiles, donors: DonorVectors, donor_pos: np.ndarray, funded: np.ndarray
) -> DonorFactsWithout:
    """``donor_facts_without`` as it was written: one pandas filter of the history per pair."""
    facts = _fast_facts(profiles, donors, donor_pos, funded)
    history = profiles.funded
    for i, (m, f) in enumerate(zip(donor_pos, funded, strict=True)):
        of_donor = history[(history["donor_pos"] == m) & (history["funded_pos"] != f)]
        amounts = of_donor["amount_usd"].to_numpy(np.float64)
        logs = np.log10(amounts[amounts > 0])
        facts.typical_log_grant[i] = float(np.median(logs)) if logs.size else np.nan
        facts.log_grant_spread[i] = float(np.std(logs)) if logs.size >= 2 else np.nan
    return facts


_fast_facts = own_funding_module.donor_facts_without


def _ranked(proposals: pd.DataFrame, donors: pd.DataFrame, history: pd.DataFrame, **options):
    matcher = Matcher(chunk_size=64, **options).fit(donors, history, proposals=proposals)
    ranked = matcher.rank(proposals, top_k=20, by="both", explain=False)
    return ranked.sort_values(KEY, ignore_index=True)


def test_cold_rank_equals_the_plain_computation_top_20_both_ways(
    generated, monkeypatch: pytest.MonkeyPatch
) -> None:
    proposals, donors, history = generated
    assert (~proposals["description"].map(str.isascii)).sum() >= 10  # other languages are in
    assert history["proposal_id"].isin(proposals["proposal_id"]).sum() >= 5  # own funding is in
    fast = _ranked(proposals, donors, history, n_jobs=2)
    with monkeypatch.context() as patched:
        patched.setattr(TextModel, "words", _plain_words)
        patched.setattr(TextModel, "chars", _plain_chars)
        patched.setattr(own_funding_module, "donor_facts_without", _plain_facts)
        patched.setattr(CharGramVectorizer, "_fast", lambda self: False)  # fit and rows
        plain = _ranked(proposals, donors, history, n_jobs=1)
    assert len(fast) == len(plain) == 20 * len(donors) + 20 * len(proposals)
    pd.testing.assert_frame_equal(fast[[*KEY, "rank"]], plain[[*KEY, "rank"]])
    score_columns = [c for c in plain.columns if c == "score" or c.startswith("score_")]
    assert len(score_columns) == 7
    np.testing.assert_allclose(
        fast[score_columns].to_numpy(np.float64),
        plain[score_columns].to_numpy(np.float64),
        rtol=1e-6,
        atol=0,
    )
    np.testing.assert_array_equal(fast["eligible"].to_numpy(), plain["eligible"].to_numpy())
