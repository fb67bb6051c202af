"""Regression check: replaying the real LifeWeb funding history, the engine keeps its quality.

Every EOI funded by an external named donor is ranked with its own matches hidden from the
history (leave one EOI out). The engine is replayed as it ships (the sentence encoder on, an EOI
that declares no target scored on the targets suggested from its text) and with declared
targets only. The floors
are today's figures less one EOI (0.025 over all EOIs, 0.05 over the 20 not funded by Germany
alone); they are leave-one-out with fixed weights, not the honest nested figures; the popularity baseline figures are exact, since they depend only on the data.
"""

from __future__ import annotations

import pandas as pd
import pytest

from matcher.evaluate import EvaluationResult, evaluate_files, format_table
from matcher.text import encoder_available

pytestmark = pytest.mark.slow

ENGINE_FLOORS = {
    # group: (hit@1, hit@3, hit@5, MRR); measured 2026-12-02 with the shipped variant
    # (matcher.shipped: sentence encoder beside TF-IDF, stated and revealed parts apart, a
    # missing stated part left out, the balanced weights learned on these records), targets
    # declared else suggested: all 0.500 0.775 0.800 0.665, not_germany_alone 0.150 0.550
    # 0.600 0.405. Leave-one-out with weights learned on all 40 EOIs, so in-sample; the honest
    # (nested) figures are in the README and tests/engine_eval/test_shipped_default.py.
    "all": (0.475, 0.75, 0.775, 0.64),
    "not_germany_alone": (0.10, 0.50, 0.55, 0.38),
}
DECLARED_ONLY_FLOORS = {
    # declared targets only: all 0.525 0.750 0.800 0.658, not_germany_alone 0.150 0.500 0.600
    # 0.374
    "all": (0.50, 0.725, 0.775, 0.633),
    "not_germany_alone": (0.10, 0.45, 0.55, 0.35),
}
BASELINE = {
    "all": (0.575, 0.675, 0.8333, 0.6571),
    "not_germany_alone": (0.15, 0.35, 0.6667, 0.3143),
}
METRICS = ("hit@1", "hit@3", "hit@5", "MRR")


@pytest.fixture(scope="module")
def shipped(tmp_path_factory):
    """The engine as it ships: the sentence encoder, its vectors kept in a temporary folder."""
    if not encoder_available():
        pytest.skip("encoder package not installed")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("LIFEWEB_EMBEDDINGS_DIR", str(tmp_path_factory.mktemp("embeddings")))
        yield "encoder"


@pytest.fixture(scope="module")
def replay(shipped) -> EvaluationResult:
    return evaluate_files(text=shipped)


@pytest.fixture(scope="module")
def declared_only_replay(shipped) -> EvaluationResult:
    return evaluate_files(suggested_targets=False, text=shipped)


def _row(result: EvaluationResult, method: str, group: str):
    table = result.table
    return table[(table["method"] == method) & (table["group"] == group)].iloc[0]


def test_every_externally_funded_eoi_is_replayed_and_every_true_donor_resolves(
    replay: EvaluationResult,
) -> None:
    assert replay.n_cases == 40
    assert replay.n_cases_without_rankable_donor == 0
    assert replay.unresolved_donors == ()
    assert _row(replay, "engine", "all")["n_eoi"] == 40
    assert _row(replay, "engine", "not_germany_alone")["n_eoi"] == 20


@pytest.mark.parametrize("group", ["all", "not_germany_alone"])
def test_engine_stays_above_its_floors(replay: EvaluationResult, group: str) -> None:
    engine = _row(replay, "engine", group)
    for metric, floor in zip(METRICS, ENGINE_FLOORS[group], strict=True):
        assert engine[metric] >= floor, f"{group} {metric} fell to {engine[metric]:.3f}"


@pytest.mark.parametrize("group", ["all", "not_germany_alone"])
def test_engine_beats_popularity_on_hit3_and_mrr(replay: EvaluationResult, group: str) -> None:
    engine = _row(replay, "engine", group)
    baseline = _row(replay, "popularity", group)
    assert engine["hit@3"] > baseline["hit@3"]
    assert engine["MRR"] > baseline["MRR"]


@pytest.mark.parametrize("group", ["all", "not_germany_alone"])
def test_declared_targets_only_stays_above_its_floors_and_beats_popularity(
    declared_only_replay: EvaluationResult, group: str
) -> None:
    engine = _row(declared_only_replay, "engine", group)
    baseline = _row(declared_only_replay, "popularity", group)
    for metric, floor in zip(METRICS, DECLARED_ONLY_FLOORS[group], strict=True):
        assert engine[metric] >= floor, f"{group} {metric} fell to {engine[metric]:.3f}"
    assert engine["hit@3"] > baseline["hit@3"]
    assert engine["MRR"] > baseline["MRR"]


def test_no_placeholder_reaches_a_donor_profile() -> None:
    from matcher.evaluate import DEFAULT_DONORS, DEFAULT_HISTORY
    from matcher.load import load_donors, load_history
    from matcher.rank import Matcher

    donors = load_donors(DEFAULT_DONORS).frame
    history = load_history(DEFAULT_HISTORY).frame
    resolution = Matcher().fit(donors, history).name_resolution_.set_index("name")
    for name in ("Domestic sources", "Multiple Donors", "Biod Trust Fund", "Gambia"):
        assert pd.isna(resolution.loc[name, "donor_id"]), name


@pytest.mark.parametrize("group", ["all", "not_germany_alone"])
def test_popularity_baseline_figures_are_those_of_the_data(
    replay: EvaluationResult, group: str
) -> None:
    baseline = _row(replay, "popularity", group)
    for metric, expected in zip(METRICS, BASELINE[group], strict=True):
        assert baseline[metric] == pytest.approx(expected, abs=1e-4)


def test_germany_alone_eois_are_those_funded_only_by_germany(replay: EvaluationResult) -> None:
    engine_rows = replay.per_case[replay.per_case["method"] == "engine"]
    germany_alone = engine_rows[engine_rows["germany_alone"]]
    assert len(germany_alone) == 20
    assert set(germany_alone["true_donors"]) == {"Germany"}
    assert "Germany" not in set(engine_rows.loc[~engine_rows["germany_alone"], "true_donors"])


def test_summary_table_reads_as_markdown(replay: EvaluationResult) -> None:
    text = format_table(replay)
    assert text.splitlines()[0] == "| group | method | EOIs | hit@1 | hit@3 | hit@5 | MRR |"
    assert "| all | popularity | 40 | 0.575 | 0.675 | 0.833 | 0.657 |" in text
    assert "true donors not in the donor file: none" in text
    assert "targets: declared, else suggested from the EOI's text" in text
