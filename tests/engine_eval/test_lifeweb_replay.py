"""Regression check: replaying the real LifeWeb funding history, the engine keeps its quality.

Every EOI funded by an external named donor is ranked with its own matches hidden from the
history (leave one EOI out). The floors are today's figures rounded down slightly; the
popularity baseline figures are exact, since they depend only on the data.
"""

from __future__ import annotations

import pytest

from matcher.evaluate import EvaluationResult, evaluate_files, format_table

pytestmark = pytest.mark.slow

ENGINE_FLOORS = {
    # group: (hit@1, hit@3, hit@5, MRR); measured 2026-11-24 with the balanced preset:
    # all 0.550 0.800 0.875 0.692, not_germany_alone 0.300 0.600 0.750 0.483
    "all": (0.50, 0.75, 0.85, 0.66),
    "not_germany_alone": (0.25, 0.55, 0.70, 0.45),
}
BASELINE = {
    "all": (0.575, 0.675, 0.8333, 0.6571),
    "not_germany_alone": (0.15, 0.35, 0.6667, 0.3143),
}
METRICS = ("hit@1", "hit@3", "hit@5", "MRR")


@pytest.fixture(scope="module")
def replay() -> EvaluationResult:
    return evaluate_files(weights="balanced")


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
